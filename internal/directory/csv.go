package directory

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
)

// CSVHeader is the documented header of the phone-list format
// (docs/directory.md). Lists inside a cell are separated by ";"; hours are
// written "mån-fre 08:00-16:00; tis 13:00-15:00".
var CSVHeader = []string{
	"function_name", "unit", "topics", "lead_topics", "target_groups", "municipality_codes", "national",
	"visibility", "expected_answer", "fallback", "staffed_by_roles", "phone", "phone_hours",
	"funktionsbrevlada", "secure_message", "visiting_address", "on_site", "on_site_hours", "description",
}

// LineError is a problem with one line of an import file.
type LineError struct {
	Line    int
	Message string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// ImportError lists every bad line; nothing was imported.
type ImportError struct{ Lines []LineError }

func (e *ImportError) Error() string {
	msgs := make([]string, len(e.Lines))
	for i, l := range e.Lines {
		msgs[i] = l.Error()
	}
	return fmt.Sprintf("%d problem(s), nothing imported:\n%s", len(e.Lines), strings.Join(msgs, "\n"))
}

type csvRow struct {
	line     int
	in       EntryInput
	unit     string
	fallback string
}

var swedishDays = map[string]int{"mån": 1, "tis": 2, "ons": 3, "tor": 4, "fre": 5, "lör": 6, "sön": 7}

// parseHours reads "mån-fre 08:00-16:00; tis 13:00-15:00".
func parseHours(s string) ([]Hours, error) {
	var out []Hours
	for _, part := range splitList(s) {
		days, span, ok := strings.Cut(part, " ")
		from, to, ok2 := strings.Cut(strings.TrimSpace(span), "-")
		if !ok || !ok2 {
			return nil, fmt.Errorf("hours %q are not like \"mån-fre 08:00-16:00\"", part)
		}
		first, last, isRange := strings.Cut(days, "-")
		d1, ok1 := swedishDays[strings.ToLower(first)]
		d2 := d1
		okLast := true
		if isRange {
			d2, okLast = swedishDays[strings.ToLower(last)]
		}
		if !ok1 || !okLast || d2 < d1 {
			return nil, fmt.Errorf("days %q are not like mån, tis, … or mån-fre", days)
		}
		for d := d1; d <= d2; d++ {
			out = append(out, Hours{Day: d, From: strings.TrimSpace(from), To: strings.TrimSpace(to)})
		}
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseCSV reads an import file and checks each line on its own. It
// returns the rows or every problem found.
func ParseCSV(r io.Reader) ([]csvRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &ImportError{Lines: []LineError{{1, "cannot read the header: " + err.Error()}}}
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	if !slices.Equal(header, CSVHeader) {
		return nil, &ImportError{Lines: []LineError{{1, "the header must be exactly: " + strings.Join(CSVHeader, ",")}}}
	}
	var rows []csvRow
	var problems []LineError
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, LineError{line, "not valid CSV: " + err.Error()})
			break
		}
		if len(rec) != len(CSVHeader) {
			problems = append(problems, LineError{line, fmt.Sprintf("has %d fields, the header %d", len(rec), len(CSVHeader))})
			continue
		}
		f := map[string]string{}
		for i, h := range CSVHeader {
			f[h] = strings.TrimSpace(rec[i])
		}
		bad := func(format string, args ...any) {
			problems = append(problems, LineError{line, fmt.Sprintf(format, args...)})
		}
		row := csvRow{line: line, unit: f["unit"], fallback: f["fallback"]}
		in := &row.in
		in.FunctionName, in.Description = f["function_name"], f["description"]
		key := strings.ToLower(in.FunctionName)
		if prev, dup := seen[key]; dup && key != "" {
			bad("duplicate function %q (also on line %d)", in.FunctionName, prev)
		}
		seen[key] = line
		for _, t := range splitList(f["topics"]) {
			if !slices.Contains(Topics, Topic(t)) {
				bad("unknown topic %q", t)
			}
			in.Topics = append(in.Topics, Topic(t))
		}
		for _, t := range splitList(f["lead_topics"]) {
			in.LeadTopics = append(in.LeadTopics, Topic(t))
		}
		in.TargetGroups = splitList(f["target_groups"])
		in.MunicipalityCodes = splitList(f["municipality_codes"])
		for _, c := range in.MunicipalityCodes {
			if len(c) != 4 || strings.Trim(c, "0123456789") != "" {
				bad("kommunkod %q is not four digits", c)
			}
		}
		switch strings.ToLower(f["national"]) {
		case "", "nej", "no", "false":
		case "ja", "yes", "true":
			in.National = true
		default:
			bad("national must be ja or nej, got %q", f["national"])
		}
		in.Visibility = Visibility(strings.ToUpper(f["visibility"]))
		if !slices.Contains([]Visibility{Public, Federation, Organisation}, in.Visibility) {
			bad("visibility must be PUBLIC, FEDERATION or ORGANISATION, got %q", f["visibility"])
		}
		if v := f["expected_answer"]; v != "" {
			in.ExpectedAnswer = &v
		}
		in.StaffedByRoles = splitList(f["staffed_by_roles"])
		add := func(kind ChannelKind, value, hours string) {
			if value == "" {
				if hours != "" {
					bad("%s hours without a %s", strings.ToLower(string(kind)), strings.ToLower(string(kind)))
				}
				return
			}
			ch := Channel{Kind: kind, Value: value, Visibility: in.Visibility}
			if hours != "" {
				hs, err := parseHours(hours)
				if err != nil {
					bad("%v", err)
				}
				ch.OpeningHours = hs
			}
			in.Channels = append(in.Channels, ch)
		}
		add(Phone, f["phone"], f["phone_hours"])
		add(Funktionsbrevlada, f["funktionsbrevlada"], "")
		add(SecureMessage, f["secure_message"], "")
		add(VisitingAddress, f["visiting_address"], "")
		add(OnSite, f["on_site"], f["on_site_hours"])
		if err := in.validate(); err != nil {
			bad("%s", strings.TrimPrefix(apperr.MessageOf(err), "invalid directory entry: "))
		}
		rows = append(rows, row)
	}
	if len(problems) > 0 {
		return nil, &ImportError{Lines: problems}
	}
	return rows, nil
}

// Import saves the rows as entries of owner in q's transaction, replacing
// live entries with the same function name. Units and fallbacks are named
// (unit name; function name of the same organisation). On any problem it
// returns every one, line by line; the caller rolls back.
func Import(ctx context.Context, q db.Querier, owner uuid.UUID, reviewer string, now time.Time, rows []csvRow) (int, error) {
	type named struct {
		ID   uuid.UUID `db:"id"`
		Name string    `db:"name"`
	}
	units, err := db.Collect[named](ctx, q, `SELECT id, name FROM units WHERE org_id = $1`, owner)
	if err != nil {
		return 0, err
	}
	existing, err := db.Collect[named](ctx, q, `SELECT id, function_name AS name FROM directory_entries WHERE org_id = $1 AND archived_at IS NULL`, owner)
	if err != nil {
		return 0, err
	}
	byName := func(list []named, name string) *uuid.UUID {
		for _, n := range list {
			if strings.EqualFold(n.Name, name) {
				id := n.ID
				return &id
			}
		}
		return nil
	}
	// Ids first, so that fallbacks can name entries later in the file.
	ids := map[string]uuid.UUID{}
	for _, r := range rows {
		id := uuid.New()
		if e := byName(existing, r.in.FunctionName); e != nil {
			id = *e
		}
		ids[strings.ToLower(r.in.FunctionName)] = id
	}
	for _, r := range rows {
		if err := ensureExists(ctx, q, owner, ids[strings.ToLower(r.in.FunctionName)], r.in.FunctionName, reviewer, now); err != nil {
			return 0, err
		}
	}
	var problems []LineError
	for _, r := range rows {
		in := r.in
		id := ids[strings.ToLower(in.FunctionName)]
		in.ID = &id
		if r.unit != "" {
			if in.UnitID = byName(units, r.unit); in.UnitID == nil {
				problems = append(problems, LineError{r.line, fmt.Sprintf("unknown unit %q of this organisation", r.unit)})
				continue
			}
		}
		if r.fallback != "" {
			if fb, ok := ids[strings.ToLower(r.fallback)]; ok {
				in.FallbackEntryID = &fb
			} else if in.FallbackEntryID = byName(existing, r.fallback); in.FallbackEntryID == nil {
				problems = append(problems, LineError{r.line, fmt.Sprintf("fallback %q is no function of this organisation", r.fallback)})
				continue
			}
		}
		if _, err := Save(ctx, q, owner, reviewer, now, in); err != nil {
			if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.NotFound {
				problems = append(problems, LineError{r.line, apperr.MessageOf(err)})
				continue
			}
			return 0, err
		}
	}
	if len(problems) > 0 {
		return 0, &ImportError{Lines: problems}
	}
	return len(rows), nil
}

// ensureExists creates a placeholder row for a new entry, so that entries
// of the same file can name each other as fallback in any order; Save then
// fills it in.
func ensureExists(ctx context.Context, q db.Querier, owner, id uuid.UUID, name, reviewer string, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO directory_entries (id, org_id, function_name, topics, national, visibility, reviewed_at, reviewed_by)
	VALUES ($1, $2, $3, '{SAMORDNAD_REHABILITERING}', true, 'ORGANISATION', $4, $5) ON CONFLICT (id) DO NOTHING`, id, owner, name, now, reviewer)
	if err != nil {
		return fmt.Errorf("prepare entry %s: %w", name, err)
	}
	return nil
}

// Export writes the live entries of org (every organisation when nil) in
// the import format, ordered by organisation and function name.
func Export(ctx context.Context, q db.Querier, org *uuid.UUID, w io.Writer) (int, error) {
	type row struct {
		Entry
		Unit     *string   `db:"unit_name"`
		Fallback *string   `db:"fallback_name"`
		Channels []Channel `db:"channels"`
	}
	rows, err := db.Collect[row](ctx, q, `SELECT `+entryColumns+`, u.name AS unit_name, fb.function_name AS fallback_name,
		coalesce((SELECT json_agg(json_build_object('kind', c.kind, 'value', c.value, 'opening_hours', c.opening_hours) ORDER BY c.position)
			FROM directory_channels c WHERE c.entry_id = e.id), '[]') AS channels
	FROM directory_entries e
	JOIN organizations o ON o.id = e.org_id
	LEFT JOIN units u ON u.id = e.unit_id
	LEFT JOIN directory_entries fb ON fb.id = e.fallback_entry_id
	WHERE e.archived_at IS NULL AND ($1::uuid IS NULL OR e.org_id = $1)
	ORDER BY o.name, e.function_name`, org)
	if err != nil {
		return 0, fmt.Errorf("export directory: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return 0, err
	}
	for _, r := range rows {
		ch := map[ChannelKind]Channel{}
		for _, c := range r.Channels {
			if _, ok := ch[c.Kind]; !ok {
				ch[c.Kind] = c
			}
		}
		national := "nej"
		if r.National {
			national = "ja"
		}
		rec := []string{
			r.FunctionName, deref(r.Unit), strings.Join(r.Topics, ";"), strings.Join(r.LeadTopics, ";"),
			strings.Join(r.TargetGroups, ";"), strings.Join(r.MunicipalityCodes, ";"), national, string(r.Visibility),
			deref(r.ExpectedAnswer), deref(r.Fallback), strings.Join(r.StaffedByRoles, ";"),
			ch[Phone].Value, formatHours(ch[Phone].OpeningHours), ch[Funktionsbrevlada].Value, ch[SecureMessage].Value,
			ch[VisitingAddress].Value, ch[OnSite].Value, formatHours(ch[OnSite].OpeningHours), r.Description,
		}
		if err := cw.Write(rec); err != nil {
			return 0, err
		}
	}
	cw.Flush()
	return len(rows), cw.Error()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var dayNames = []string{"", "mån", "tis", "ons", "tor", "fre", "lör", "sön"}

// formatHours writes hours as parseHours reads them, one day per part.
func formatHours(hs []Hours) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = fmt.Sprintf("%s %s-%s", dayNames[h.Day], h.From, h.To)
	}
	return strings.Join(parts, "; ")
}
