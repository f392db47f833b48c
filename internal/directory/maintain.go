package directory

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
)

// EntryInput is an entry to save: new when ID is nil.
type EntryInput struct {
	ID                *uuid.UUID
	UnitID            *uuid.UUID
	FunctionName      string
	Description       string
	Topics            []Topic
	LeadTopics        []Topic
	TargetGroups      []string
	MunicipalityCodes []string
	National          bool
	Visibility        Visibility
	ExpectedAnswer    *string
	FallbackEntryID   *uuid.UUID
	StaffedByRoles    []string
	ContactPersons    []string
	Channels          []Channel
}

// Limits on saved entries.
const (
	MaxChannels = 20
	maxListLen  = 50
	maxTextLen  = 200
)

var (
	phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 \-]*[0-9]$`)
	clockPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// Validate checks the input on its own, without the database, and names
// every problem in one INVALID error. Save calls it; the CSV import calls
// it on a line that gives a whole entry, before the database is asked.
func (in EntryInput) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if n := len([]rune(strings.TrimSpace(in.FunctionName))); n < 1 || n > 200 {
		add("functionName must be 1–200 characters")
	}
	if len([]rune(in.Description)) > 2000 {
		add("description must be at most 2,000 characters")
	}
	if _, ok := visibilityRank[in.Visibility]; !ok {
		add("visibility must be PUBLIC, FEDERATION or ORGANISATION")
	}
	if len(in.Topics) == 0 {
		add("topics must name at least one topic")
	}
	for _, t := range in.LeadTopics {
		if !slices.Contains(in.Topics, t) {
			add("leadTopics: %s is not among the entry's topics", t)
		}
	}
	for _, f := range []namedList{{"topics", strs(in.Topics)}, {"leadTopics", strs(in.LeadTopics)}, {"municipalityCodes", in.MunicipalityCodes}} {
		if d := firstDuplicate(f.list); d != "" {
			add("%s lists %s twice", f.name, d)
		}
	}
	if in.National && len(in.MunicipalityCodes) > 0 {
		add("a national entry lists no municipalityCodes")
	}
	for _, f := range []namedList{{"targetGroups", in.TargetGroups}, {"contactPersons", in.ContactPersons}, {"staffedByRoles", in.StaffedByRoles}} {
		if len(f.list) > maxListLen {
			add("%s takes at most %d items", f.name, maxListLen)
		}
		for _, s := range f.list {
			if n := len([]rune(strings.TrimSpace(s))); n < 1 || n > maxTextLen {
				add("%s: every item must be 1–%d characters", f.name, maxTextLen)
				break
			}
		}
	}
	if in.ExpectedAnswer != nil && len([]rune(*in.ExpectedAnswer)) > maxTextLen {
		add("expectedAnswer must be at most %d characters", maxTextLen)
	}
	if len(in.Channels) > MaxChannels {
		add("an entry has at most %d channels", MaxChannels)
	}
	for i, c := range in.Channels {
		where := fmt.Sprintf("channels[%d]", i)
		problems = append(problems, c.Problems(where)...)
		if _, ok := visibilityRank[c.Visibility]; !ok {
			add("%s: visibility must be PUBLIC, FEDERATION or ORGANISATION", where)
		} else if visibilityRank[c.Visibility] > visibilityRank[in.Visibility] {
			add("%s: visibility %s is wider than the entry's %s", where, c.Visibility, in.Visibility)
		}
	}
	if len(problems) > 0 {
		return apperr.Invalidf("invalid directory entry: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Problems checks a channel on its own (not against its entry), naming it
// where ("channels[2]"), and returns every problem found.
func (c Channel) Problems(where string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, where+": "+fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(c.Value) == "" || len([]rune(c.Value)) > 500 {
		add("value must be 1–500 characters")
	}
	if len(c.OpeningHours) > maxHours {
		add("at most %d opening intervals", maxHours)
	}
	if c.Kind == Phone {
		digits := strings.Count(c.Value, "") - 1 - strings.Count(c.Value, " ") - strings.Count(c.Value, "-") - strings.Count(c.Value, "+")
		if !phonePattern.MatchString(c.Value) || digits < 5 || digits > 15 {
			add("%q is not a phone number (digits, spaces, + and -; 5–15 digits)", truncate(c.Value))
		}
	}
	if len([]rune(c.Note)) > 500 {
		add("note must be at most 500 characters")
	}
	for j, h := range c.OpeningHours {
		if h.Day < 1 || h.Day > 7 || !clockPattern.MatchString(h.From) || !clockPattern.MatchString(h.To) || h.From >= h.To {
			problems = append(problems, fmt.Sprintf("%s.openingHours[%d]: need day 1–7 and from < to as HH:MM, got day %d %q–%q", where, j, h.Day, truncate(h.From), truncate(h.To)))
		}
	}
	return problems
}

// maxHours bounds the opening intervals of one channel (a week of
// split days fits easily).
const maxHours = 50

// firstDuplicate returns the first value that occurs twice in list, or "".
func firstDuplicate(list []string) string {
	seen := make(map[string]bool, len(list))
	for _, v := range list {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return ""
}

func truncate(s string) string {
	if len(s) > 30 {
		return s[:30] + "…"
	}
	return s
}

// Author is who changes the directory, and when: a person of the
// organisation that owns the entries, at the request's time (which is
// also the review's).
type Author struct {
	OrgID  uuid.UUID
	UserID string
	At     time.Time
}

// Save creates or replaces an entry of organisation owner, as a review by
// reviewer at now. Replacing an entry that is not owner's live entry is
// NOT_FOUND.
func Save(ctx context.Context, q db.Querier, by Author, in EntryInput) (Entry, error) {
	owner, reviewer, now := by.OrgID, by.UserID, by.At
	if err := in.Validate(); err != nil {
		return Entry{}, err
	}
	id := uuid.New()
	if in.ID != nil {
		var exists bool
		if err := q.QueryRow(ctx, qLiveEntryExists, *in.ID, owner).Scan(&exists); err != nil {
			return Entry{}, fmt.Errorf("find directory entry: %w", err)
		}
		if !exists {
			return Entry{}, apperr.NotFoundf("no directory entry with that id in your organisation")
		}
		id = *in.ID
	}
	codes := in.MunicipalityCodes
	if in.UnitID != nil {
		var unitCodes []string
		err := q.QueryRow(ctx, qUnitMunicipalities, *in.UnitID, owner).Scan(&unitCodes)
		if errors.Is(err, pgx.ErrNoRows) {
			return Entry{}, apperr.Invalidf("unitId is not a unit of your organisation")
		}
		if err != nil {
			return Entry{}, fmt.Errorf("find unit: %w", err)
		}
		if len(codes) == 0 && !in.National {
			codes = unitCodes
		}
	}
	if len(codes) == 0 && !in.National {
		return Entry{}, apperr.Invalidf("say which municipalities the entry serves: municipalityCodes, a unit that serves some, or national: true")
	}
	var unknown []string
	if err := q.QueryRow(ctx, qUnknownMunicipalities, codes).Scan(&unknown); err != nil {
		return Entry{}, fmt.Errorf("check kommunkoder: %w", err)
	}
	if len(unknown) > 0 {
		return Entry{}, apperr.Invalidf("unknown kommunkod: %s", strings.Join(unknown, ", "))
	}
	if in.FallbackEntryID != nil {
		if err := checkFallback(ctx, q, owner, id, *in.FallbackEntryID); err != nil {
			return Entry{}, err
		}
	}
	e := Entry{
		ID: id, OrgID: owner, UnitID: in.UnitID, FunctionName: strings.TrimSpace(in.FunctionName),
		Description: in.Description, Topics: strs(in.Topics), LeadTopics: strs(in.LeadTopics),
		TargetGroups: in.TargetGroups, MunicipalityCodes: codes, National: in.National, Visibility: in.Visibility,
		ExpectedAnswer: in.ExpectedAnswer, FallbackEntryID: in.FallbackEntryID, StaffedByRoles: in.StaffedByRoles,
		ContactPersons: in.ContactPersons, ReviewedAt: now, ReviewedBy: reviewer,
	}
	if err := EnsureEntry(ctx, q, e, in.Channels); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// checkFallback requires a live fallback the owner may see, and no loop.
func checkFallback(ctx context.Context, q db.Querier, owner, self, fallback uuid.UUID) error {
	if fallback == self {
		return apperr.Invalidf("an entry cannot be its own fallback")
	}
	cur := fallback
	for hop := 0; hop < 20; hop++ {
		found, err := EntriesByID(ctx, q, owner, []uuid.UUID{cur})
		if err != nil {
			return err
		}
		e, ok := found[cur]
		if !ok {
			if hop == 0 {
				return apperr.Invalidf("fallbackEntryId: no live directory entry with that id that your organisation can see")
			}
			return nil
		}
		if e.FallbackEntryID == nil {
			return nil
		}
		if *e.FallbackEntryID == self {
			return apperr.Invalidf("fallbackEntryId would make a loop of fallbacks back to this entry")
		}
		cur = *e.FallbackEntryID
	}
	return nil
}

// MaxFallbackOf bounds the dependants Archive reports.
const MaxFallbackOf = 100

// Archive archives an entry of owner and returns it with the live entries
// that name it as fallback.
func Archive(ctx context.Context, q db.Querier, author Author, id uuid.UUID) (Entry, []Entry, error) {
	owner, by, now := author.OrgID, author.UserID, author.At
	tag, err := q.Exec(ctx, qArchiveEntry, id, owner, now, by)
	if err != nil {
		return Entry{}, nil, fmt.Errorf("archive directory entry: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return Entry{}, nil, apperr.NotFoundf("no directory entry with that id in your organisation")
	}
	if err := Reindex(ctx, q, []uuid.UUID{id}); err != nil {
		return Entry{}, nil, err
	}
	entries, err := db.Collect[Entry](ctx, q, qEntryByID, id)
	if err != nil {
		return Entry{}, nil, fmt.Errorf("read archived entry: %w", err)
	}
	if len(entries) == 0 {
		return Entry{}, nil, errors.New("read archived entry: it is gone")
	}
	dependants, err := db.Collect[Entry](ctx, q, qFallbackDependants, owner, id)
	if err != nil {
		return Entry{}, nil, fmt.Errorf("find entries falling back on the archived one: %w", err)
	}
	return entries[0], dependants, nil
}

func strs[T ~string](ts []T) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// namedList is a list field with its name, for checks that go through
// several fields in their order (the problems then come out in the same
// order every time).
type namedList struct {
	name string
	list []string
}
