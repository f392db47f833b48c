package directory

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// PeersCTE names, for the viewer organisation $1, the organisations whose
// FEDERATION-visible entries it may see: fellow members of a förbund it is
// a member of today, those förbund themselves, and (for a förbund) its own
// members. It is exported, with Visible and EntryColumns, so that the
// directory's other packages (search, csv) read entries by the same rule
// and columns instead of restating them.
const PeersCTE = `peers AS (
	SELECT y.member_org_id AS org_id
	FROM federation_memberships x
	JOIN federation_memberships y ON y.federation_id = x.federation_id
	WHERE x.member_org_id = $1
	  AND x.valid_from <= hub_today() AND (x.valid_to IS NULL OR x.valid_to > hub_today())
	  AND y.valid_from <= hub_today() AND (y.valid_to IS NULL OR y.valid_to > hub_today())
	UNION
	SELECT f.org_id FROM federations f
	JOIN federation_memberships x ON x.federation_id = f.id
	WHERE x.member_org_id = $1
	  AND x.valid_from <= hub_today() AND (x.valid_to IS NULL OR x.valid_to > hub_today())
	UNION
	SELECT y.member_org_id FROM federations f
	JOIN federation_memberships y ON y.federation_id = f.id
	WHERE f.org_id = $1
	  AND y.valid_from <= hub_today() AND (y.valid_to IS NULL OR y.valid_to > hub_today())
)`

// Visible is the one visibility rule, as SQL over an aliased row with a
// visibility and an org_id column; it needs PeersCTE and the viewer as $1.
func Visible(alias string) string {
	return fmt.Sprintf(`(%[1]s.visibility = 'PUBLIC' OR %[1]s.org_id = $1
		OR (%[1]s.visibility = 'FEDERATION' AND %[1]s.org_id IN (SELECT org_id FROM peers)))`, alias)
}

// EntryColumns is the column list an Entry is read with, from
// directory_entries aliased e (by name, or by position: scanTargets).
const EntryColumns = `e.id, e.org_id, e.unit_id, e.function_name, e.description, e.topics::text[] AS topics,
	e.lead_topics::text[] AS lead_topics,
	e.target_groups, e.municipality_codes::text[] AS municipality_codes, e.national, e.visibility,
	e.expected_answer, e.fallback_entry_id, e.staffed_by_roles, e.contact_persons, e.reviewed_at, e.reviewed_by`

// scanTargets returns the fields of e in the order of EntryColumns, for
// reading rows by position: on the hottest path (waysIn) pgx's reading by
// column name cost a third of the hub's CPU. TestEntryColumns_ScanByPosition
// checks the order against the column names.
func (e *Entry) scanTargets() []any {
	return []any{&e.ID, &e.OrgID, &e.UnitID, &e.FunctionName, &e.Description, &e.Topics, &e.LeadTopics,
		&e.TargetGroups, &e.MunicipalityCodes, &e.National, &e.Visibility, &e.ExpectedAnswer,
		&e.FallbackEntryID, &e.StaffedByRoles, &e.ContactPersons, &e.ReviewedAt, &e.ReviewedBy}
}

// MaxWaysIn bounds one answer of WaysIn.
const MaxWaysIn = 100

// WaysIn returns the first live entries visible to viewer that handle
// topic for the municipality, best match first: entries naming the
// municipality, then those covering its whole county, then national ones;
// within a level the party responsible for the topic first, then the
// narrower coverage, then by name. kind, if set, keeps only organisations
// of that kind.
//
// An unknown municipality has no ways in.
//
// It reads the precomputed ranking (directory_ways, kept by Reindex) in
// index order and stops after first rows: one statement, whose cost grows
// with first, not with the number of matches. The statement also reads the
// directory's version and date, so that the answer can be cached
// (WaysCache); an empty answer has a zero Snapshot.
func WaysIn(ctx context.Context, q db.Querier, viewer uuid.UUID, topic Topic, municipalityCode string, kind *string, first int) ([]WayIn, Snapshot, error) {
	rows, err := q.Query(ctx, `WITH `+PeersCTE+`,
	ranked AS (
		-- Entries naming the municipality or covering its county (levels 1, 2)…
		(SELECT w.* FROM directory_ways w
		 WHERE w.key = $2 || ':' || $3
		   AND ($4::organization_kind IS NULL OR w.org_kind = $4::organization_kind)
		   AND `+Visible("w")+`
		 ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
		 LIMIT $5)
		UNION ALL
		-- …then national ones (level 3), unless they name it too; none
		-- for a kommunkod that does not exist.
		(SELECT w.* FROM directory_ways w
		 WHERE w.key = $2 || ':*'
		   AND EXISTS (SELECT 1 FROM municipalities m WHERE m.code = $3)
		   AND ($4::organization_kind IS NULL OR w.org_kind = $4::organization_kind)
		   AND `+Visible("w")+`
		   -- (OFFSET 0 keeps this a primary-key probe per row, for the
		   -- few rows read, instead of an anti-join over every local way.)
		   AND NOT EXISTS (SELECT 1 FROM directory_ways d WHERE d.key = $2 || ':' || $3 AND d.entry_id = w.entry_id OFFSET 0)
		 ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
		 LIMIT $5)
	)
	SELECT `+EntryColumns+`,
		CASE w.level WHEN 1 THEN 'MUNICIPAL' WHEN 2 THEN 'REGIONAL' ELSE 'NATIONAL' END AS match_level,
		dv.version AS directory_version, hub_today() AS today
	FROM ranked w
	JOIN directory_entries e ON e.id = w.entry_id
	CROSS JOIN directory_version dv
	WHERE e.archived_at IS NULL AND `+Visible("e")+`
	ORDER BY w.level, w.lead_rank, w.breadth, w.function_name, w.entry_id
	LIMIT $5`, viewer, string(topic), municipalityCode, kind, first)
	if err != nil {
		return nil, Snapshot{}, fmt.Errorf("ways in: %w", err)
	}
	var at Snapshot
	ways, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (WayIn, error) {
		var w WayIn
		err := row.Scan(append(w.scanTargets(), &w.Match, &at.Version, &at.Today)...)
		return w, err
	})
	if err != nil {
		return nil, Snapshot{}, fmt.Errorf("ways in: %w", err)
	}
	if len(ways) == 0 {
		return nil, Snapshot{}, nil
	}
	return ways, at, nil
}

// EntriesByID loads the live entries among ids that viewer may see.
func EntriesByID(ctx context.Context, q db.Querier, viewer uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]Entry, error) {
	entries, err := db.Collect[Entry](ctx, q, `WITH `+PeersCTE+`
	SELECT `+EntryColumns+` FROM directory_entries e
	WHERE e.id = ANY($2) AND e.archived_at IS NULL AND `+Visible("e"), viewer, ids)
	if err != nil {
		return nil, fmt.Errorf("load directory entries: %w", err)
	}
	out := make(map[uuid.UUID]Entry, len(entries))
	for _, e := range entries {
		out[e.ID] = e
	}
	return out, nil
}

// ChannelsByEntry returns, for each entry id, the channels viewer may see,
// in their order.
func ChannelsByEntry(ctx context.Context, q db.Querier, viewer uuid.UUID, entryIDs []uuid.UUID) (map[uuid.UUID][]Channel, error) {
	chs, err := db.Collect[Channel](ctx, q, `WITH `+PeersCTE+`
	SELECT c.id, c.entry_id, c.kind, c.value, c.note, c.opening_hours, c.visibility
	FROM unnest($2::uuid[]) AS wanted(id)
	-- An index lookup per entry: under row-level security the planner
	-- otherwise scans every channel.
	CROSS JOIN LATERAL (SELECT * FROM directory_channels x WHERE x.entry_id = wanted.id OFFSET 0) c
	WHERE `+Visible("c")+`
	ORDER BY c.entry_id, c.position, c.id`, viewer, entryIDs)
	if err != nil {
		return nil, fmt.Errorf("load directory channels: %w", err)
	}
	out := map[uuid.UUID][]Channel{}
	for _, c := range chs {
		out[c.EntryID] = append(out[c.EntryID], c)
	}
	return out, nil
}
