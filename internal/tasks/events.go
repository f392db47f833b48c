package tasks

import (
	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// NotifyChannel is the Postgres channel on which every step written to a
// task's history is announced, by a trigger on task_events (migration
// 025), at the commit of the transaction that wrote it.
const NotifyChannel = "hub_tasks"

// Notice is the announcement of a step of a task's history: ids only,
// never content (NOTIFY payloads are visible to every listener of the
// database). What a subscriber may know of it is decided by re-reading
// the task under the subscriber's principal.
type Notice struct {
	TaskID  uuid.UUID `json:"task"`
	EventID uuid.UUID `json:"event"`
	Seq     int64     `json:"seq"`
	Kind    EventKind `json:"kind"`
	// The task's sender and recipient organisations when the writer saw
	// them (nil otherwise): a hint that spares re-reading the task for
	// subscribers of other organisations, never a grant.
	SenderOrgID    *uuid.UUID `json:"sender"`
	RecipientOrgID *uuid.UUID `json:"recipient"`
}

// MayConcern reports whether the step may concern a reader of the
// organisation orgID: false only when the announcement names the task's
// parties and orgID is neither.
func (n Notice) MayConcern(orgID uuid.UUID) bool {
	if n.SenderOrgID == nil || n.RecipientOrgID == nil {
		return true
	}
	return *n.SenderOrgID == orgID || *n.RecipientOrgID == orgID
}

// Listener receives the announcements of task steps on one connection per
// replica and fans them out to the replica's subscribers.
type Listener = db.Announcements[Notice]

// subscriberBuffer bounds the announcements waiting for one slow
// subscriber (see db.NewAnnouncements).
const subscriberBuffer = 256

// NewListener returns a listener; Run connects it.
func NewListener() *Listener {
	return db.NewAnnouncements[Notice](NotifyChannel, "task listener", subscriberBuffer)
}

// InBox reports whether the task is in the box of a reader of the
// organisation orgID, in the unit unitID (nil: none): its inbox is its
// queue (the recipient organisation, and its unit when the routed entry
// names one), its sent box what its organisation sent.
func InBox(t Task, box Box, orgID uuid.UUID, unitID *uuid.UUID) bool {
	switch box {
	case Inbox:
		return t.RecipientOrgID == orgID &&
			(t.RecipientUnitID == nil || (unitID != nil && *t.RecipientUnitID == *unitID))
	case Sent:
		return t.SenderOrgID == orgID
	}
	return false
}
