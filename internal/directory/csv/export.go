package csv

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
	"github.com/samverkanshub/hub/internal/platform/db"
)

// storedEntry is a live entry with all its channels, in their order.
type storedEntry struct {
	directory.Entry
	Channels []directory.Channel
}

// liveEntries loads the live entries of org (of every organisation when
// nil) with all their channels, whatever their visibility, ordered by
// organisation name and function name.
func liveEntries(ctx context.Context, q db.Querier, org *uuid.UUID) ([]storedEntry, error) {
	entries, err := db.Collect[directory.Entry](ctx, q, qLiveEntries, org)
	if err != nil {
		return nil, fmt.Errorf("load directory entries: %w", err)
	}
	chs, err := db.Collect[directory.Channel](ctx, q, qLiveChannels, org)
	if err != nil {
		return nil, fmt.Errorf("load directory channels: %w", err)
	}
	byEntry := map[uuid.UUID][]directory.Channel{}
	for _, c := range chs {
		byEntry[c.EntryID] = append(byEntry[c.EntryID], c)
	}
	out := make([]storedEntry, len(entries))
	for i, e := range entries {
		out[i] = storedEntry{Entry: e, Channels: byEntry[e.ID]}
	}
	return out, nil
}

// unitRecord is a unit as the phone-list format names it.
type unitRecord struct {
	ID    uuid.UUID `db:"id"`
	OrgID uuid.UUID `db:"org_id"`
	Name  string    `db:"name"`
	Codes []string  `db:"codes"` // the municipalities it serves
}

func loadUnits(ctx context.Context, q db.Querier, org *uuid.UUID) ([]unitRecord, error) {
	units, err := db.Collect[unitRecord](ctx, q, qUnits, org)
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	return units, nil
}

// Export writes the live entries of org (every organisation when nil) in
// the import format with every column (Header), ordered by organisation
// and function name. Importing the file into the same organisation
// changes nothing, and exporting again writes the same bytes. Every cell
// is neutralised, since any of them may be text an administrator wrote
// (a unit's or fallback's name too).
//
// Units and fallbacks are written by name where the name says which one
// it is within the organisation, and by id otherwise (two units or
// functions of one name, a fallback of another organisation or one since
// archived).
//
// d is the dialect: csvdialect.Standard (commas, LF, UTF-8) or
// csvdialect.ExcelSv (what Swedish Excel writes and opens with a double
// click); Parse reads both back.
func Export(ctx context.Context, q db.Querier, org *uuid.UUID, w io.Writer, d csvdialect.Dialect) (int, error) {
	entries, err := liveEntries(ctx, q, org)
	if err != nil {
		return 0, fmt.Errorf("export directory: %w", err)
	}
	units, err := loadUnits(ctx, q, org)
	if err != nil {
		return 0, fmt.Errorf("export directory: %w", err)
	}
	type orgName struct {
		org  uuid.UUID
		name string
	}
	count := map[orgName]int{}
	unitByID := map[uuid.UUID]unitRecord{}
	for _, u := range units {
		unitByID[u.ID] = u
		count[orgName{u.OrgID, "unit:" + nameKey(u.Name)}]++
	}
	entryByID := map[uuid.UUID]directory.Entry{}
	for _, e := range entries {
		entryByID[e.ID] = e.Entry
		count[orgName{e.OrgID, "entry:" + nameKey(e.FunctionName)}]++
	}

	cw := d.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return 0, err
	}
	for _, e := range entries {
		var unit, fallback string
		if e.UnitID != nil {
			unit = e.UnitID.String()
			if u, ok := unitByID[*e.UnitID]; ok && count[orgName{e.OrgID, "unit:" + nameKey(u.Name)}] == 1 {
				unit = u.Name
			}
		}
		if e.FallbackEntryID != nil {
			fallback = e.FallbackEntryID.String()
			fb, ok := entryByID[*e.FallbackEntryID]
			if ok && fb.OrgID == e.OrgID && count[orgName{e.OrgID, "entry:" + nameKey(fb.FunctionName)}] == 1 {
				fallback = fb.FunctionName
			}
		}
		national := "nej"
		if e.National {
			national = "ja"
		}
		rec := []string{
			e.FunctionName, unit, strings.Join(e.Topics, ";"), strings.Join(e.LeadTopics, ";"),
			joinList(e.TargetGroups), strings.Join(e.MunicipalityCodes, ";"), national, string(e.Visibility),
			deref(e.ExpectedAnswer), fallback, joinList(e.StaffedByRoles), joinList(e.ContactPersons),
			formatChannels(e.Channels, e.Visibility), e.Description, e.ID.String(),
		}
		for i := range rec {
			rec[i] = neutralise(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return 0, err
		}
	}
	return len(entries), cw.Flush()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
