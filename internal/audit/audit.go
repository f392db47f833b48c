// Package audit keeps the hub's audit trail: who read or changed protected
// data, for which organisation, in which role, with which decision (and,
// later, under which purpose and samtycke). Records are written in the same
// transaction as the work they describe, through the database function
// audit_append, which chains each organisation's records by hash
// (migration 004) in a few independent lanes (migration 017), so that
// transactions of one organisation do not queue behind each other.
package audit

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/metrics"
)

// Decision is the outcome an audit record states.
type Decision string

// Decisions.
const (
	Allowed Decision = "ALLOWED"
	Denied  Decision = "DENIED"
)

// Record is one audit record.
type Record struct {
	OrgID         uuid.UUID  `db:"org_id"`
	Lane          int        `db:"lane"`
	Seq           int64      `db:"seq"`
	ID            uuid.UUID  `db:"id"`
	At            time.Time  `db:"at"`
	RequestID     string     `db:"request_id"`
	UserID        string     `db:"user_id"`
	UnitID        *uuid.UUID `db:"unit_id"`
	Roles         []string   `db:"roles"`
	ClientID      *string    `db:"client_id"`
	OperationType string     `db:"operation_type"`
	// OperationName is what the server executed: the operation's root
	// fields (for a request refused before GraphQL ran, "METHOD /path").
	OperationName string     `db:"operation_name"`
	ObjectIDs     []string   `db:"object_ids"`
	Decision      Decision   `db:"decision"`
	Reason        *string    `db:"reason"`
	Purpose       *string    `db:"purpose"`
	ConsentID     *uuid.UUID `db:"consent_id"`
	// ClientOperationName is the operation name the client gave, as it
	// gave it: a label of the client's choosing, never evidence of what
	// ran (migration 018).
	ClientOperationName *string `db:"client_operation_name"`
}

// Position is a record's place in its organisation's trail: the lane
// (one of the organisation's independent chains) and its sequence number
// in that lane.
type Position struct {
	Lane int
	Seq  int64
}

// Append adds r to a lane of the chain of the transaction's organisation
// (hub.org_id must equal r.OrgID; the database refuses anything else) and
// returns its position. The database picks the lane: the one this
// transaction already holds, else one no other transaction holds.
func Append(ctx context.Context, q db.Querier, r Record) (Position, error) {
	var pos Position
	// audit_append waits for a free lane of the organisation's chain; the
	// statement's time is mostly that wait.
	start := time.Now()
	defer func() { metrics.AuditAppendWait.Observe(time.Since(start).Seconds()) }()
	err := q.QueryRow(ctx, qAppendRecord,
		r.At, r.RequestID, r.UserID, r.UnitID, r.Roles, r.ClientID, r.OperationType, r.OperationName,
		r.ObjectIDs, string(r.Decision), r.Reason, r.Purpose, r.ConsentID, r.ClientOperationName).Scan(&pos.Lane, &pos.Seq)
	if err != nil {
		return Position{}, fmt.Errorf("append audit record: %w", err)
	}
	return pos, nil
}

// Trail collects, during one operation, what it touched, so that exactly
// one record is written for it when it ends.
type Trail struct {
	mu        sync.Mutex
	touched   bool
	objectIDs []string
	denied    []string // reasons
	accesses  []Access
}

// Access is one read or change of a person's personal data, for the
// loggutdrag (accessLog) the person's municipality can hand them.
type Access struct {
	IndividualID uuid.UUID
	OwnerOrgID   uuid.UUID // the municipality the person belongs to
	ObjectID     string    // global id of what was read or written
	ConsentID    *uuid.UUID
	Write        bool
}

// Access notes personal data read or written (and touches the object).
func (t *Trail) Access(a Access) {
	t.Touch(a.ObjectID)
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, seen := range t.accesses {
		if seen.ObjectID == a.ObjectID && seen.Write == a.Write {
			return
		}
	}
	t.accesses = append(t.accesses, a)
}

// ForgetAccesses drops the accesses noted so far (their work was rolled
// back); the objects stay touched.
func (t *Trail) ForgetAccesses() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.accesses = nil
}

// Accesses returns the personal data accesses noted so far.
func (t *Trail) Accesses() []Access {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.accesses)
}

// Touch notes that the operation read or wrote protected data about the
// given objects (global ids).
func (t *Trail) Touch(objectIDs ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.touched = true
	for _, id := range objectIDs {
		if !slices.Contains(t.objectIDs, id) {
			t.objectIDs = append(t.objectIDs, id)
		}
	}
}

// Deny notes a refused attempt on the given objects.
func (t *Trail) Deny(reason string, objectIDs ...string) {
	t.Touch(objectIDs...)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.denied = append(t.denied, reason)
}

// Summary returns whether anything was touched, the objects, and the
// decision with its reason.
func (t *Trail) Summary() (touched bool, objectIDs []string, d Decision, reason *string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	d = Allowed
	if len(t.denied) > 0 {
		d = Denied
		r := t.denied[0]
		if len(t.denied) > 1 {
			r = fmt.Sprintf("%s (and %d more)", r, len(t.denied)-1)
		}
		reason = &r
	}
	return t.touched, slices.Clone(t.objectIDs), d, reason
}
