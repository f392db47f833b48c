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

const recordColumns = `r.org_id, r.lane, r.seq, r.id, r.at, r.request_id, r.user_id, r.unit_id, r.roles, r.client_id,
	r.operation_type, r.operation_name, r.object_ids, r.decision, r.reason, r.purpose, r.consent_id,
	r.client_operation_name`

// List returns one page of the organisation's records, newest first:
// by time, then lane and sequence number (a lane's seq says nothing about
// another lane's). Row security limits it to the transaction's
// organisation; the explicit org_id condition says so in the query too.
func List(ctx context.Context, q db.Querier, orgID uuid.UUID, f Filter, p page.Request) (page.Result[Record], error) {
	where, args := f.where([]any{orgID})
	if p.After != nil {
		at, lane, seq, ok := parseKey(p.After.Sort)
		if !ok {
			return page.Result[Record]{}, apperr.Invalidf("the cursor is not one of the audit trail's")
		}
		n := len(args)
		where += fmt.Sprintf(" AND (r.at, r.lane, r.seq) < ($%d, $%d, $%d)", n+1, n+2, n+3)
		args = append(args, at, lane, seq)
	}
	args = append(args, p.First+1)
	recs, err := db.Collect[Record](ctx, q, `SELECT `+recordColumns+`
	FROM audit_records r
	WHERE r.org_id = $1 AND `+where+`
	ORDER BY r.at DESC, r.lane DESC, r.seq DESC
	LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return page.Result[Record]{}, fmt.Errorf("list audit records: %w", err)
	}
	return page.Trim(recs, p.First), nil
}

// Count counts the organisation's records matching f, up to
// page.MaxCount: an organisation's trail holds millions of records, and an
// unbounded count(*) over them would hold a connection for seconds.
func Count(ctx context.Context, q db.Querier, orgID uuid.UUID, f Filter) (int, error) {
	where, args := f.where([]any{orgID})
	var n int
	if err := q.QueryRow(ctx, page.BoundedCount(`SELECT 1 FROM audit_records r WHERE r.org_id = $1 AND `+where), args...).Scan(&n); err != nil {
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
	breaks, err := db.Collect[Break](ctx, q, `
	WITH checked AS (
		SELECT r.org_id, r.lane, r.seq, r.id, 1 AS rank,
			CASE
				WHEN r.seq <> coalesce(lag(r.seq) OVER w, 0) + 1 THEN 'a record before this one is missing (sequence jumps)'
				WHEN r.prev_hash <> coalesce(lag(r.hash) OVER w, '\x'::bytea) THEN 'does not link to the record before it'
				WHEN r.hash <> audit_hash(r.prev_hash, r) THEN 'content does not match its hash (changed after writing)'
			END AS problem
		FROM audit_records r
		WINDOW w AS (PARTITION BY r.org_id, r.lane ORDER BY r.seq)
	), newest AS (
		SELECT DISTINCT ON (r.org_id, r.lane) r.org_id, r.lane, r.seq, r.hash
		FROM audit_records r
		ORDER BY r.org_id, r.lane, r.seq DESC
	), heads AS (
		SELECT h.org_id, h.lane, greatest(h.seq, coalesce(n.seq, 0)) AS seq, NULL::uuid AS id, 2 AS rank,
			CASE
				WHEN h.seq > coalesce(n.seq, 0) THEN 'the newest records are missing'
				WHEN h.seq < n.seq THEN 'records follow the chain head'
				ELSE 'the chain head does not match the newest record'
			END || ' (chain head is at ' || h.seq || ', records end at ' || coalesce(n.seq, 0) || ')' AS problem
		FROM audit_chain_heads h LEFT JOIN newest n ON n.org_id = h.org_id AND n.lane = h.lane
		WHERE h.seq <> coalesce(n.seq, 0) OR h.hash <> coalesce(n.hash, '\x'::bytea)
	), lanes AS (
		SELECT o.org_id, l.lane::smallint AS lane, 0::bigint AS seq, NULL::uuid AS id, 0 AS rank,
			'the chain head of this lane is missing' AS problem
		FROM (SELECT org_id FROM audit_chain_heads UNION SELECT org_id FROM audit_records) o
		CROSS JOIN generate_series(0, audit_lanes() - 1) l(lane)
		WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.org_id = o.org_id AND h.lane = l.lane)
		UNION ALL
		SELECT n.org_id, n.lane, 0::bigint, NULL::uuid, 0, 'the chain head of this lane is missing'
		FROM newest n
		WHERE n.lane >= audit_lanes()
		  AND NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.org_id = n.org_id AND h.lane = n.lane)
	)
	SELECT DISTINCT ON (org_id, lane) org_id, lane, seq, coalesce(id, '00000000-0000-0000-0000-000000000000') AS id, problem
	FROM (SELECT * FROM checked WHERE problem IS NOT NULL UNION ALL SELECT * FROM heads UNION ALL SELECT * FROM lanes) b
	ORDER BY org_id, lane, seq, rank`)
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
	_, err := q.Exec(ctx, `INSERT INTO personal_data_access (owner_org_id, individual_id, at, actor_org_id, actor_unit_id,
		user_id, roles, purpose, operation, action, object_id, consent_id, audit_lane, audit_seq)
	SELECT a.owner, a.individual, $6, $7, $8, $9, $10, $11::consent_purpose, $12, a.action, a.object, a.consent, $13, $14
	FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS a(individual, owner, consent, object, action)`,
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
	args := []any{individualID, p.First + 1}
	after := ""
	if p.After != nil {
		id, err := strconv.ParseInt(p.After.Sort, 10, 64)
		if err != nil {
			return page.Result[AccessEntry]{}, apperr.Invalidf("the cursor is not one of the access log's")
		}
		args = append(args, id)
		after = " AND a.id < $3"
	}
	list, err := db.Collect[AccessEntry](ctx, q, `SELECT a.id, a.at, a.actor_org_id, a.actor_unit_id, a.user_id, a.roles,
		a.purpose::text AS purpose, a.operation, a.action, a.object_id, a.consent_id, a.audit_lane, a.audit_seq
	FROM personal_data_access a
	WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org()`+after+`
	ORDER BY a.id DESC LIMIT $2`, args...)
	if err != nil {
		return page.Result[AccessEntry]{}, fmt.Errorf("read loggutdrag: %w", err)
	}
	return page.Trim(list, p.First), nil
}

// CountAccessLog counts an individual's loggutdrag rows, up to
// page.MaxCount.
func CountAccessLog(ctx context.Context, q db.Querier, individualID uuid.UUID) (int, error) {
	var n int
	err := q.QueryRow(ctx, page.BoundedCount(`SELECT 1 FROM personal_data_access a WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org()`), individualID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count loggutdrag: %w", err)
	}
	return n, nil
}

// AccessKey is a loggutdrag row's place in its list.
func AccessKey(e AccessEntry) page.Key {
	return page.Key{Sort: strconv.FormatInt(e.ID, 10), ID: uuid.UUID{}}
}
