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

const recordColumns = `r.org_id, r.seq, r.id, r.at, r.request_id, r.user_id, r.unit_id, r.roles, r.client_id,
	r.operation_type, r.operation_name, r.object_ids, r.decision, r.reason, r.purpose, r.consent_id`

// List returns one page of the organisation's records, newest first. Row
// security limits it to the transaction's organisation; the explicit
// org_id condition says so in the query too.
func List(ctx context.Context, q db.Querier, orgID uuid.UUID, f Filter, p page.Request) (page.Result[Record], error) {
	where, args := f.where([]any{orgID})
	if p.After != nil {
		seq, err := strconv.ParseInt(p.After.Sort, 10, 64)
		if err != nil {
			return page.Result[Record]{}, apperr.Invalidf("the cursor is not one of the audit trail's")
		}
		where += " AND r.seq < " + "$" + strconv.Itoa(len(args)+1)
		args = append(args, seq)
	}
	args = append(args, p.First+1)
	recs, err := db.Collect[Record](ctx, q, `SELECT `+recordColumns+`
	FROM audit_records r
	WHERE r.org_id = $1 AND `+where+`
	ORDER BY r.seq DESC
	LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return page.Result[Record]{}, fmt.Errorf("list audit records: %w", err)
	}
	return page.Trim(recs, p.First), nil
}

// Count counts the organisation's records matching f.
func Count(ctx context.Context, q db.Querier, orgID uuid.UUID, f Filter) (int, error) {
	where, args := f.where([]any{orgID})
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM audit_records r WHERE r.org_id = $1 AND `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count audit records: %w", err)
	}
	return n, nil
}

// Key is the pagination key of a record: its place in the chain.
func Key(r Record) page.Key { return page.Key{Sort: strconv.FormatInt(r.Seq, 10), ID: r.ID} }

// Break describes the first place where an organisation's chain is broken.
type Break struct {
	OrgID    uuid.UUID `db:"org_id"`
	Seq      int64     `db:"seq"`
	RecordID uuid.UUID `db:"id"`
	Problem  string    `db:"problem"`
}

// Verify recomputes every organisation's hash chain and returns the first
// broken record of each broken chain (none: the trail is intact). It must
// run as a role that sees every organisation's records (the owner).
func Verify(ctx context.Context, q db.Querier) ([]Break, error) {
	breaks, err := db.Collect[Break](ctx, q, `
	WITH checked AS (
		SELECT r.org_id, r.seq, r.id,
			CASE
				WHEN r.seq <> coalesce(lag(r.seq) OVER w, 0) + 1 THEN 'a record before this one is missing (sequence jumps)'
				WHEN r.prev_hash <> coalesce(lag(r.hash) OVER w, '\x'::bytea) THEN 'does not link to the record before it'
				WHEN r.hash <> audit_hash(r.prev_hash, r) THEN 'content does not match its hash (changed after writing)'
			END AS problem
		FROM audit_records r
		WINDOW w AS (PARTITION BY r.org_id ORDER BY r.seq)
	), heads AS (
		SELECT h.org_id, h.seq, NULL::uuid AS id,
			'the newest records are missing (chain head is at ' || h.seq || ', records end at ' || coalesce(max(r.seq), 0) || ')' AS problem
		FROM audit_chain_heads h LEFT JOIN audit_records r ON r.org_id = h.org_id
		GROUP BY h.org_id, h.seq, h.hash
		HAVING h.seq <> coalesce(max(r.seq), 0)
		    OR h.hash <> coalesce((SELECT r2.hash FROM audit_records r2 WHERE r2.org_id = h.org_id ORDER BY r2.seq DESC LIMIT 1), '\x'::bytea)
	)
	SELECT DISTINCT ON (org_id) org_id, seq, coalesce(id, '00000000-0000-0000-0000-000000000000') AS id, problem
	FROM (SELECT * FROM checked WHERE problem IS NOT NULL UNION ALL SELECT * FROM heads) b
	ORDER BY org_id, seq`)
	if err != nil {
		return nil, fmt.Errorf("verify audit chains: %w", err)
	}
	return breaks, nil
}

// AppendAccesses writes the loggutdrag rows of one audit record (its
// sequence number in the acting organisation's chain), in one statement.
func AppendAccesses(ctx context.Context, q db.Querier, r Record, seq int64, accesses []Access) error {
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
		user_id, roles, purpose, operation, action, object_id, consent_id, audit_seq)
	SELECT a.owner, a.individual, $6, $7, $8, $9, $10, $11::consent_purpose, $12, a.action, a.object, a.consent, $13
	FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS a(individual, owner, consent, object, action)`,
		individuals, owners, consents, objects, actions, r.At, r.OrgID, r.UnitID, r.UserID, r.Roles, r.Purpose, r.OperationName, seq)
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
		a.purpose::text AS purpose, a.operation, a.action, a.object_id, a.consent_id, a.audit_seq
	FROM personal_data_access a
	WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org()`+after+`
	ORDER BY a.id DESC LIMIT $2`, args...)
	if err != nil {
		return page.Result[AccessEntry]{}, fmt.Errorf("read loggutdrag: %w", err)
	}
	return page.Trim(list, p.First), nil
}

// CountAccessLog counts an individual's loggutdrag rows.
func CountAccessLog(ctx context.Context, q db.Querier, individualID uuid.UUID) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM personal_data_access a WHERE a.individual_id = $1 AND a.owner_org_id = hub_current_org()`, individualID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count loggutdrag: %w", err)
	}
	return n, nil
}

// AccessKey is a loggutdrag row's place in its list.
func AccessKey(e AccessEntry) page.Key {
	return page.Key{Sort: strconv.FormatInt(e.ID, 10), ID: uuid.UUID{}}
}
