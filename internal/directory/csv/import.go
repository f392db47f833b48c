package csv

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
)

// ImportResult counts the entries of an import file by what became of them.
type ImportResult struct {
	Added, Changed, Unchanged int
	// Saved are the entries added or changed.
	Saved []uuid.UUID
}

// Import saves the rows as entries of by's organisation in q's transaction. A line is
// the live entry its id names; without an id, the live entry of that
// function name (unless another line's id names it); otherwise a new entry.
// What a line leaves out (a column the file does not have, what the
// per-kind channel columns cannot say) the entry keeps. Entries the file
// does not change are not saved again, so their review stays as it was;
// the others are saved as a review by by. Units and fallbacks
// are named (unit name; function name of the same organisation) or given
// by id. On any problem it returns every one, line by line; the caller
// rolls back.
func Import(ctx context.Context, q db.Querier, by directory.Author, rows []Row) (ImportResult, error) {
	owner, reviewer, now := by.OrgID, by.UserID, by.At
	var res ImportResult
	units, err := loadUnits(ctx, q, &owner)
	if err != nil {
		return res, err
	}
	live, err := liveEntries(ctx, q, &owner)
	if err != nil {
		return res, err
	}
	var problems []LineError
	bad := func(line int, format string, args ...any) {
		problems = append(problems, LineError{Line: line, Message: fmt.Sprintf(format, args...)})
	}

	// Which entry each line is. Ids first, so that a line with an id may
	// rename an entry whose old name another line takes.
	byID := map[uuid.UUID]*storedEntry{}
	for i := range live {
		byID[live[i].ID] = &live[i]
	}
	targets := make([]uuid.UUID, len(rows))
	olds := make([]*storedEntry, len(rows))
	inFile := map[uuid.UUID]bool{}
	for i, r := range rows {
		if r.id == nil {
			continue
		}
		e, ok := byID[*r.id]
		if !ok {
			bad(r.line, "id %s is no live entry of this organisation (leave id empty to add a new entry)", *r.id)
			continue
		}
		targets[i], olds[i], inFile[e.ID] = e.ID, e, true
	}
	unclaimed := map[string][]*storedEntry{}
	for i := range live {
		if !inFile[live[i].ID] {
			k := nameKey(live[i].FunctionName)
			unclaimed[k] = append(unclaimed[k], &live[i])
		}
	}
	for i, r := range rows {
		if r.id != nil {
			continue
		}
		switch m := unclaimed[nameKey(r.in.FunctionName)]; len(m) {
		case 0:
			targets[i] = uuid.New()
		case 1:
			targets[i], olds[i], inFile[m[0].ID] = m[0].ID, m[0], true
		default:
			bad(r.line, "%d live entries are called %q; write the id of the one this line replaces", len(m), r.in.FunctionName)
		}
	}
	if len(problems) > 0 {
		return res, &ImportError{Lines: problems}
	}

	// Names as they will be after the import: the file's, and those of the
	// live entries it does not mention.
	names := map[string][]uuid.UUID{}
	for i, r := range rows {
		k := nameKey(r.in.FunctionName)
		names[k] = append(names[k], targets[i])
	}
	for _, e := range live {
		if !inFile[e.ID] {
			k := nameKey(e.FunctionName)
			names[k] = append(names[k], e.ID)
		}
	}
	ref := references{units: units, names: names}
	inputs := make([]directory.EntryInput, len(rows))
	for i, r := range rows {
		in, msgs := r.merge(olds[i], ref)
		for _, m := range msgs {
			bad(r.line, "%s", m)
		}
		in.ID = &targets[i]
		inputs[i] = in
	}
	if len(problems) > 0 {
		return res, &ImportError{Lines: problems}
	}

	// New entries exist before any is saved, so that fallbacks can name
	// entries later in the file.
	for i, r := range rows {
		if olds[i] == nil {
			if err := ensureExists(ctx, q, owner, targets[i], r.in.FunctionName, reviewer, now); err != nil {
				return res, err
			}
		}
	}
	unitCodes := map[uuid.UUID][]string{}
	for _, u := range units {
		unitCodes[u.ID] = u.Codes
	}
	for i, r := range rows {
		if olds[i] != nil && olds[i].same(inputs[i], unitCodes) {
			res.Unchanged++
			continue
		}
		saved, err := directory.Save(ctx, q, by, inputs[i])
		if err != nil {
			if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.NotFound {
				bad(r.line, "%s", entryProblems(err))
				continue
			}
			return res, err
		}
		res.Saved = append(res.Saved, saved.ID)
		if olds[i] == nil {
			res.Added++
		} else {
			res.Changed++
		}
	}
	if len(problems) > 0 {
		return ImportResult{}, &ImportError{Lines: problems}
	}
	return res, nil
}

// references resolves the unit and fallback cells of an import.
type references struct {
	units []unitRecord
	names map[string][]uuid.UUID // function name key → entries of that name
}

// unit resolves a unit cell: a unit's id or its unique name.
func (ref references) unit(cell string) (*uuid.UUID, error) {
	if id, err := uuid.Parse(cell); err == nil {
		for _, u := range ref.units {
			if u.ID == id {
				return &id, nil
			}
		}
		return nil, fmt.Errorf("unit %s is no unit of this organisation", id)
	}
	var found []uuid.UUID
	for _, u := range ref.units {
		if nameKey(u.Name) == nameKey(cell) {
			found = append(found, u.ID)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("unknown unit %q of this organisation", cell)
	case 1:
		return &found[0], nil
	}
	return nil, fmt.Errorf("%d units of this organisation are called %q; write the unit's id", len(found), cell)
}

// fallback resolves a fallback cell: an entry's id (Save checks that it
// is live and visible) or the unique name of a function of the
// organisation after the import.
func (ref references) fallback(cell string) (*uuid.UUID, error) {
	if id, err := uuid.Parse(cell); err == nil {
		return &id, nil
	}
	switch found := ref.names[nameKey(cell)]; len(found) {
	case 0:
		return nil, fmt.Errorf("fallback %q is no function of this organisation", cell)
	case 1:
		return &found[0], nil
	default:
		return nil, fmt.Errorf("fallback %q names %d functions of this organisation; write the fallback's id", cell, len(found))
	}
}

// merge makes the entry a line describes: its cells over what old (nil for
// a new entry) has.
func (r Row) merge(old *storedEntry, ref references) (directory.EntryInput, []string) {
	var in directory.EntryInput
	var oldVis directory.Visibility
	if old != nil {
		in, oldVis = old.input(), old.Visibility
	}
	var problems []string
	c, g := r.cols, r.in
	in.FunctionName = g.FunctionName
	if c["description"] {
		in.Description = g.Description
	}
	if c["topics"] {
		in.Topics = g.Topics
	}
	if c["lead_topics"] {
		in.LeadTopics = g.LeadTopics
	}
	if c["target_groups"] {
		in.TargetGroups = g.TargetGroups
	}
	if c["municipality_codes"] {
		in.MunicipalityCodes = g.MunicipalityCodes
	}
	if c["national"] {
		in.National = g.National
	}
	if c["visibility"] {
		in.Visibility = g.Visibility
	}
	if c["expected_answer"] {
		in.ExpectedAnswer = g.ExpectedAnswer
	}
	if c["staffed_by_roles"] {
		in.StaffedByRoles = g.StaffedByRoles
	}
	if c["contact_persons"] {
		in.ContactPersons = g.ContactPersons
	}
	if c["unit"] {
		in.UnitID = nil
		if r.unit != "" {
			id, err := ref.unit(r.unit)
			if err != nil {
				problems = append(problems, err.Error())
			}
			in.UnitID = id
		}
	}
	if c["fallback"] {
		in.FallbackEntryID = nil
		if r.fallback != "" {
			id, err := ref.fallback(r.fallback)
			if err != nil {
				problems = append(problems, err.Error())
			}
			in.FallbackEntryID = id
		}
	}

	if c["channels"] {
		in.Channels = slices.Clone(g.Channels)
	} else {
		// The channels the file does not describe stay. One that had the
		// entry's visibility follows it; a narrower one stays narrower,
		// but never wider than the entry.
		for i, ch := range in.Channels {
			if ch.Visibility == oldVis || ch.Visibility.Wider(in.Visibility) {
				in.Channels[i].Visibility = in.Visibility
			}
		}
		// A per-kind column stands for the first channel of its kind.
		for _, k := range kindColumns {
			cell, ok := r.kinds[k.kind]
			if !ok {
				continue
			}
			at := slices.IndexFunc(in.Channels, func(ch directory.Channel) bool { return ch.Kind == k.kind })
			switch {
			case cell.value == "" && at >= 0:
				in.Channels = slices.Delete(in.Channels, at, at+1)
			case cell.value == "":
			case at >= 0:
				in.Channels[at].Value = cell.value
				if cell.hoursGiven {
					in.Channels[at].OpeningHours = cell.hours
				}
			default:
				in.Channels = append(in.Channels, directory.Channel{Kind: k.kind, Value: cell.value, OpeningHours: cell.hours})
			}
		}
	}
	for i := range in.Channels {
		if in.Channels[i].Visibility == "" {
			in.Channels[i].Visibility = in.Visibility
		}
	}
	return in, problems
}

// input is the stored entry as the input that would save it unchanged.
func (e storedEntry) input() directory.EntryInput {
	id := e.ID
	return directory.EntryInput{
		ID: &id, UnitID: e.UnitID, FunctionName: e.FunctionName, Description: e.Description,
		Topics: topicsOf(e.Topics), LeadTopics: topicsOf(e.LeadTopics), TargetGroups: e.TargetGroups,
		MunicipalityCodes: e.MunicipalityCodes, National: e.National, Visibility: e.Visibility,
		ExpectedAnswer: e.ExpectedAnswer, FallbackEntryID: e.FallbackEntryID, StaffedByRoles: e.StaffedByRoles,
		ContactPersons: e.ContactPersons, Channels: slices.Clone(e.Channels),
	}
}

// same reports whether saving in would leave the entry as it is (apart
// from its review). unitCodes are the municipalities of each unit, which
// an entry without its own takes.
func (e storedEntry) same(in directory.EntryInput, unitCodes map[uuid.UUID][]string) bool {
	codes := in.MunicipalityCodes
	if len(codes) == 0 && !in.National && in.UnitID != nil {
		codes = unitCodes[*in.UnitID]
	}
	return samePtr(e.UnitID, in.UnitID) && e.FunctionName == strings.TrimSpace(in.FunctionName) &&
		e.Description == in.Description && slices.Equal(e.Topics, strs(in.Topics)) &&
		slices.Equal(e.LeadTopics, strs(in.LeadTopics)) && slices.Equal(e.TargetGroups, in.TargetGroups) &&
		slices.Equal(e.MunicipalityCodes, codes) && e.National == in.National && e.Visibility == in.Visibility &&
		deref(e.ExpectedAnswer) == deref(in.ExpectedAnswer) && samePtr(e.FallbackEntryID, in.FallbackEntryID) &&
		slices.Equal(e.StaffedByRoles, in.StaffedByRoles) && slices.Equal(e.ContactPersons, in.ContactPersons) &&
		slices.EqualFunc(e.Channels, in.Channels, func(a, b directory.Channel) bool {
			return a.Kind == b.Kind && a.Value == b.Value && a.Note == b.Note && a.Visibility == b.Visibility &&
				slices.Equal(a.OpeningHours, b.OpeningHours)
		})
}

func samePtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func strs[T ~string](ts []T) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

func topicsOf(ts []string) []directory.Topic {
	out := make([]directory.Topic, len(ts))
	for i, t := range ts {
		out[i] = directory.Topic(t)
	}
	return out
}

// ensureExists creates a placeholder row for a new entry, so that entries
// of the same file can name each other as fallback in any order; Save then
// fills it in.
func ensureExists(ctx context.Context, q db.Querier, owner, id uuid.UUID, name, reviewer string, now time.Time) error {
	_, err := q.Exec(ctx, qPlaceholderEntry, id, owner, name, now, reviewer)
	if err != nil {
		return fmt.Errorf("prepare entry %s: %w", name, err)
	}
	return nil
}
