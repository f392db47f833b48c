package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// Filter narrows List. Zero fields do not filter.
type Filter struct {
	UserID   *string
	ObjectID *string
	From, To *time.Time // [From, To)
}

func (f Filter) where(args []any) (string, []any) {
	conds := []string{"true"}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.UserID != nil {
		conds = append(conds, "r.user_id = "+arg(*f.UserID))
	}
	if f.ObjectID != nil {
		conds = append(conds, "r.object_ids @> ARRAY["+arg(*f.ObjectID)+"::text]")
	}
	if f.From != nil {
		conds = append(conds, "r.at >= "+arg(*f.From))
	}
	if f.To != nil {
		conds = append(conds, "r.at < "+arg(*f.To))
	}
	return strings.Join(conds, " AND "), args
}

// List returns one page of the organisation's records, newest first:
// by time, then lane and sequence number (a lane's seq says nothing about
// another lane's). Row security limits it to the transaction's
// organisation; the explicit org_id condition says so in the query too.
func List(ctx context.Context, q db.Querier, orgID uuid.UUID, f Filter, p page.Request) (page.Result[Record], error) {
	sql, args, err := listSQL(orgID, f, p)
	if err != nil {
		return page.Result[Record]{}, err
	}
	recs, err := db.Collect[Record](ctx, q, sql, args...)
	if err != nil {
		return page.Result[Record]{}, fmt.Errorf("list audit records: %w", err)
	}
	return page.Trim(recs, p.First), nil
}

// listSQL renders the statement of List (testdata/list_records.sql shows
// what it renders).
func listSQL(orgID uuid.UUID, f Filter, p page.Request) (string, []any, error) {
	where, args := f.where([]any{orgID})
	if p.After != nil {
		at, lane, seq, ok := parseKey(p.After.Sort)
		if !ok {
			return "", nil, apperr.Invalidf("the cursor is not one of the audit trail's")
		}
		n := len(args)
		where += fmt.Sprintf(" AND (r.at, r.lane, r.seq) < ($%d, $%d, $%d)", n+1, n+2, n+3)
		args = append(args, at, lane, seq)
	}
	args = append(args, p.First+1)
	return tListRecords.Render(where, "$"+strconv.Itoa(len(args))), args, nil
}

// countSQL renders the statement of Count.
func countSQL(orgID uuid.UUID, f Filter) (string, []any) {
	where, args := f.where([]any{orgID})
	return page.BoundedCount(tCountRecords.Render(where)), args
}

// Count counts the organisation's records matching f, up to
// page.MaxCount: an organisation's trail holds millions of records, and an
// unbounded count(*) over them would hold a connection for seconds.
func Count(ctx context.Context, q db.Querier, orgID uuid.UUID, f Filter) (int, error) {
	sql, args := countSQL(orgID, f)
	var n int
	if err := q.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count audit records: %w", err)
	}
	return n, nil
}

// Key is the pagination key of a record: its time (microseconds since the
// epoch), lane and sequence number.
func Key(r Record) page.Key {
	return page.Key{Sort: fmt.Sprintf("%d.%d.%d", r.At.UnixMicro(), r.Lane, r.Seq), ID: r.ID}
}

func parseKey(s string) (at time.Time, lane int, seq int64, ok bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return time.Time{}, 0, 0, false
	}
	micros, err1 := strconv.ParseInt(parts[0], 10, 64)
	l, err2 := strconv.ParseInt(parts[1], 10, 16)
	seq, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return time.Time{}, 0, 0, false
	}
	return time.UnixMicro(micros), int(l), seq, true
}

// Break describes the first place where one lane of an organisation's
// chain is broken.
type Break struct {
	OrgID    uuid.UUID `db:"org_id"`
	Lane     int       `db:"lane"`
	Seq      int64     `db:"seq"`
	RecordID uuid.UUID `db:"id"`
	Problem  string    `db:"problem"`
}

// Verify recomputes every lane of every organisation's hash chain and
// returns the first broken record of each broken lane (none: the trail is
// intact). In each lane the records must count 1, 2, 3, … without gaps,
// each must link to the hash of the one before it, and each must match
// its own hash (which covers its lane, see migration 017); the lane's head
// must name its newest record; and an organisation with a trail must have
// the head of every lane. So removing, changing, reordering or moving
// records, cutting off the newest records of any lane, or removing a
// lane's head is found. It must run as a role that sees every
// organisation's records (the owner).
func Verify(ctx context.Context, q db.Querier) ([]Break, error) {
	breaks, err := db.Collect[Break](ctx, q, qVerifyChains)
	if err != nil {
		return nil, fmt.Errorf("verify audit chains: %w", err)
	}
	return breaks, nil
}

// AppendAccesses writes the loggutdrag rows of one audit record (its
// position, lane and seq, in the acting organisation's chain), in one
// statement.
func AppendAccesses(ctx context.Context, q db.Querier, r Record, pos Position, accesses []Access) error {
	if len(accesses) == 0 {
		return nil
	}
	n := len(accesses)
	individuals, owners := make([]uuid.UUID, n), make([]uuid.UUID, n)
	// The samtycke is optional: NULL where the person's own organisation
	// read its own data.
	consents := make([]pgtype.UUID, n)
	objects, actions := make([]string, n), make([]string, n)
	for i, a := range accesses {
		individuals[i], owners[i], objects[i] = a.IndividualID, a.OwnerOrgID, a.ObjectID
		if a.ConsentID != nil {
			consents[i] = pgtype.UUID{Bytes: *a.ConsentID, Valid: true}
		}
		actions[i] = "READ"
		if a.Write {
			actions[i] = "WRITE"
		}
	}
	_, err := q.Exec(ctx, qAppendAccesses,
		individuals, owners, consents, objects, actions, r.At, r.OrgID, r.UnitID, r.UserID, r.Roles, r.Purpose, r.OperationName,
		pos.Lane, pos.Seq)
	if err != nil {
		return fmt.Errorf("append loggutdrag rows: %w", err)
	}
	return nil
}

// AccessEntry is one row of a person's loggutdrag.
type AccessEntry struct {
	ID          int64      `db:"id"`
	At          time.Time  `db:"at"`
	ActorOrgID  uuid.UUID  `db:"actor_org_id"`
	ActorUnitID *uuid.UUID `db:"actor_unit_id"`
	UserID      string     `db:"user_id"`
	Roles       []string   `db:"roles"`
	Purpose     *string    `db:"purpose"`
	Operation   string     `db:"operation"`
	Action      string     `db:"action"`
	ObjectID    string     `db:"object_id"`
	ConsentID   *uuid.UUID `db:"consent_id"`
	AuditLane   int        `db:"audit_lane"`
	AuditSeq    int64      `db:"audit_seq"`
}

// AccessLog returns a page of the loggutdrag of one of the own
// organisation's individuals, newest first.
func AccessLog(ctx context.Context, q db.Querier, individualID uuid.UUID, p page.Request) (page.Result[AccessEntry], error) {
	sql, args, err := accessLogSQL(individualID, p)
	if err != nil {
		return page.Result[AccessEntry]{}, err
	}
	list, err := db.Collect[AccessEntry](ctx, q, sql, args...)
	if err != nil {
		return page.Result[AccessEntry]{}, fmt.Errorf("read loggutdrag: %w", err)
	}
	return page.Trim(list, p.First), nil
}

// accessLogSQL renders the statement of AccessLog.
func accessLogSQL(individualID uuid.UUID, p page.Request) (string, []any, error) {
	if p.After == nil {
		return tAccessLog.Render("true"), []any{individualID, p.First + 1}, nil
	}
	id, err := strconv.ParseInt(p.After.Sort, 10, 64)
	if err != nil {
		return "", nil, apperr.Invalidf("the cursor is not one of the access log's")
	}
	return tAccessLog.Render("a.id < $3"), []any{individualID, p.First + 1, id}, nil
}

// CountAccessLog counts an individual's loggutdrag rows, up to
// page.MaxCount.
func CountAccessLog(ctx context.Context, q db.Querier, individualID uuid.UUID) (int, error) {
	var n int
	err := q.QueryRow(ctx, qCountAccessLog, individualID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count loggutdrag: %w", err)
	}
	return n, nil
}

// AccessKey is a loggutdrag row's place in its list.
func AccessKey(e AccessEntry) page.Key {
	return page.Key{Sort: strconv.FormatInt(e.ID, 10), ID: uuid.UUID{}}
}

// Recorded reports whether the organisation's trail already holds a
// record of the operation (type and name) about objectID with the
// decision d and the reason: for a job that says a thing once rather
// than at every scan. Row security limits it to the transaction's
// organisation. It first locks objectID for the rest of the transaction,
// so that of two overlapping jobs about the same object the second asks
// once the first has committed its record (or given up), and sees it.
func Recorded(ctx context.Context, q db.Querier, orgID uuid.UUID, opType, opName, objectID string, d Decision, reason string) (bool, error) {
	if _, err := q.Exec(ctx, qLockObject, objectID); err != nil {
		return false, fmt.Errorf("lock %s: %w", objectID, err)
	}
	var ok bool
	if err := q.QueryRow(ctx, qRecorded, orgID, opType, opName, objectID, string(d), reason).Scan(&ok); err != nil {
		return false, fmt.Errorf("look up an audit record: %w", err)
	}
	return ok, nil
}
