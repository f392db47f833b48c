package consent

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// NotifyChannel is the Postgres channel on which samtycke changes are
// announced, in the transaction that makes them (delivered at commit).
const NotifyChannel = "hub_consent"

// EventKind says what happened to a samtycke.
type EventKind string

// Event kinds.
const (
	EventRecorded EventKind = "RECORDED"
	EventRevoked  EventKind = "REVOKED"
)

// Event is the announcement of a change: ids only, never personal data
// (NOTIFY payloads are visible to every listener of the database).
type Event struct {
	Kind         EventKind `json:"kind"`
	ConsentID    uuid.UUID `json:"consent"`
	IndividualID uuid.UUID `json:"individual"`
	OrgID        uuid.UUID `json:"org"` // the municipality that recorded it
	At           time.Time `json:"at"`
}

func announce(ctx context.Context, q db.Querier, e Event) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, qAnnounce, NotifyChannel, string(payload))
	return err
}

// Listener receives the announcements of samtycke changes on one connection per
// replica and fans them out to the replica's subscribers.
type Listener = db.Announcements[Event]

// subscriberBuffer bounds the announcements waiting for one slow
// subscriber (see db.NewAnnouncements).
const subscriberBuffer = 256

// NewListener returns a listener; Run connects it.
func NewListener() *Listener {
	return db.NewAnnouncements[Event](NotifyChannel, "samtycke listener", subscriberBuffer)
}
