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
// members (the fragment peers of queries.sql). It is exported, with Visible
// and EntryColumns, so that the directory's other packages (search, csv)
// read entries by the same rule and columns instead of restating them.
var PeersCTE = queries.Must("peers")

var tVisible = queries.Template("visible", "alias")

// Visible is the one visibility rule, as SQL over an aliased row with a
// visibility and an org_id column (the fragment visible of queries.sql);
// it needs PeersCTE and the viewer as $1.
func Visible(alias string) string { return tVisible.Render(alias) }

// EntryColumns is the column list an Entry is read with, from
// directory_entries aliased e (by name, or by position: scanTargets; the
// fragment entry_columns of queries.sql).
var EntryColumns = queries.Must("entry_columns")

// scanTargets returns the fields of e in the order of EntryColumns, for
// reading rows by position: on the hottest path (waysIn) pgx's reading by
// column name cost a third of the hub's CPU. TestEntryColumns_ScanByPosition
// checks the order against the column names.
func (e *Entry) scanTargets() []any {
	return []any{&e.ID, &e.OrgID, &e.UnitID, &e.FunctionName, &e.Description, &e.Topics, &e.LeadTopics,
		&e.TargetGroups, &e.MunicipalityCodes, &e.National, &e.Visibility, &e.ExpectedAnswer,
		&e.FallbackEntryID, &e.StaffedByRoles, &e.ContactPersons, &e.ReviewedAt, &e.ReviewedBy}
}

// CollectEntries reads rows of EntryColumns by position, for packages
// that load entries in bulk (the resident directory).
func CollectEntries(rows pgx.Rows) ([]Entry, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Entry, error) {
		var e Entry
		err := row.Scan(e.scanTargets()...)
		return e, err
	})
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
// with first, not with the number of matches. The resident directory
// (package resident) answers the same question from memory.
func WaysIn(ctx context.Context, q db.Querier, viewer uuid.UUID, topic Topic, municipalityCode string, kind *string, first int) ([]WayIn, error) {
	rows, err := q.Query(ctx, qWaysIn, viewer, string(topic), municipalityCode, kind, first)
	if err != nil {
		return nil, fmt.Errorf("ways in: %w", err)
	}
	ways, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (WayIn, error) {
		var w WayIn
		err := row.Scan(append(w.scanTargets(), &w.Match)...)
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("ways in: %w", err)
	}
	return ways, nil
}

// EntriesByID loads the live entries among ids that viewer may see.
func EntriesByID(ctx context.Context, q db.Querier, viewer uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]Entry, error) {
	entries, err := db.Collect[Entry](ctx, q, qEntriesByID, viewer, ids)
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
	chs, err := db.Collect[Channel](ctx, q, qChannelsByEntry, viewer, entryIDs)
	if err != nil {
		return nil, fmt.Errorf("load directory channels: %w", err)
	}
	out := map[uuid.UUID][]Channel{}
	for _, c := range chs {
		out[c.EntryID] = append(out[c.EntryID], c)
	}
	return out, nil
}
