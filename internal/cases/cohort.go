package cases

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/routine"
)

// Cohort is a screening of many households at once by a municipality, in
// one förbund: its cases' screenings name it, and it counts them.
type Cohort struct {
	ID           uuid.UUID `db:"id"`
	OrgID        uuid.UUID `db:"org_id"`
	FederationID uuid.UUID `db:"federation_id"`
	Name         string    `db:"name"`
	CreatedAt    time.Time `db:"created_at"`
	CreatedBy    string    `db:"created_by"`
}

// NewCohort is a cohort to create.
type NewCohort struct {
	FederationID uuid.UUID
	Name         string
}

// CreateCohort creates a cohort of the author's organisation in a förbund
// it is a member of today.
func CreateCohort(ctx context.Context, q db.Querier, by Author, in NewCohort) (Cohort, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || len([]rune(name)) > 200 {
		return Cohort{}, apperr.Invalidf("name: give a name of 1 to 200 characters")
	}
	id := ids.New(ctx)
	var problem string
	if err := q.QueryRow(ctx, qCreateCohort, id, in.FederationID, name, by.UserID).Scan(&problem); err != nil {
		return Cohort{}, fmt.Errorf("create cohort: %w", err)
	}
	if err := problemError(problem); err != nil {
		return Cohort{}, err
	}
	got, err := CohortsByID(ctx, q, []uuid.UUID{id})
	if err != nil {
		return Cohort{}, err
	}
	return got[id], nil
}

// CohortsByID loads the author's organisation's cohorts among ids.
func CohortsByID(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]Cohort, error) {
	ks, err := db.Collect[Cohort](ctx, q, qCohortsByID, ids)
	if err != nil {
		return nil, fmt.Errorf("load cohorts: %w", err)
	}
	out := make(map[uuid.UUID]Cohort, len(ks))
	for _, k := range ks {
		out[k.ID] = k
	}
	return out, nil
}

// CohortsOf lists the organisation's cohorts in a förbund, newest first.
func CohortsOf(ctx context.Context, q db.Querier, federationID uuid.UUID) ([]Cohort, error) {
	ks, err := db.Collect[Cohort](ctx, q, qCohortsOfFederation, federationID)
	if err != nil {
		return nil, fmt.Errorf("list cohorts: %w", err)
	}
	return ks, nil
}

// CohortCount is what a cohort found.
type CohortCount struct {
	Screened int
	Eligible int
	// PerCriterion: per criterion key, how many answered yes and how
	// many it kept out of the target group.
	PerCriterion map[string]CriterionCount
}

// CriterionCount counts one criterion's answers in a cohort.
type CriterionCount struct {
	Yes     int
	KeptOut int
}

// CohortCounts counts the screenings of each cohort among ids.
func CohortCounts(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]CohortCount, error) {
	out := make(map[uuid.UUID]CohortCount, len(ids))
	for _, id := range ids {
		out[id] = CohortCount{PerCriterion: map[string]CriterionCount{}}
	}
	rows, err := q.Query(ctx, qCohortCounts, ids)
	if err != nil {
		return nil, fmt.Errorf("count cohorts: %w", err)
	}
	for rows.Next() {
		var id uuid.UUID
		var c CohortCount
		if err := rows.Scan(&id, &c.Screened, &c.Eligible); err != nil {
			return nil, err
		}
		c.PerCriterion = out[id].PerCriterion
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count cohorts: %w", err)
	}
	rows, err = q.Query(ctx, qCohortCriterionCounts, ids)
	if err != nil {
		return nil, fmt.Errorf("count cohort criteria: %w", err)
	}
	for rows.Next() {
		var id uuid.UUID
		var key string
		var c CriterionCount
		if err := rows.Scan(&id, &key, &c.Yes, &c.KeptOut); err != nil {
			return nil, err
		}
		out[id].PerCriterion[key] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count cohort criteria: %w", err)
	}
	return out, nil
}

// OpenCaseIn finds the organisation's open case of a person in a förbund
// (one not in a final state of its routine), if there is one.
func OpenCaseIn(ctx context.Context, q db.Querier, individualID, federationID uuid.UUID) (*uuid.UUID, error) {
	var id uuid.UUID
	err := q.QueryRow(ctx, qOpenCaseInFederation, individualID, federationID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find an open case: %w", err)
	}
	return &id, nil
}

// CohortRow is one household of a cohort file: the person and the
// answers to the routine's criteria.
type CohortRow struct {
	Line         int // in the file, the header being line 1
	Personnummer string
	GivenName    string
	FamilyName   string
	Answers      map[string]bool
}

// Limits of a cohort file.
const (
	MaxCohortRows  = 2000 // ~0.4 s per 100 on a quiet 2-core machine: well inside a request's 30 s
	MaxCohortBytes = 2 << 20
)

// The person's columns of a cohort file; the others are the criteria.
const (
	columnNumber = "personnummer"
	columnGiven  = "fornamn"
	columnFamily = "efternamn"
)

// ParseCohortFile reads a cohort file: a header naming personnummer,
// fornamn, efternamn and every screening criterion of the routine (by
// key, in any case and order), then one line per household with ja or nej
// for each criterion. A cell that starts with ' loses that one quote, as
// in the directory's files (a spreadsheet may have kept it). Every problem
// is named, with its line and column, and nothing is imported when there
// is one.
func ParseCohortFile(r io.Reader, def routine.Definition, today time.Time) ([]CohortRow, error) {
	if len(def.Screening) == 0 {
		return nil, apperr.Invalidf("the routine has no screening criteria")
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxCohortBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read cohort file: %w", err)
	}
	if len(data) > MaxCohortBytes {
		return nil, apperr.Invalidf("the file is larger than %d bytes; split it", MaxCohortBytes)
	}
	file, err := csvdialect.Decode(data, csvdialect.Input{})
	if err != nil {
		return nil, apperr.Invalidf("the cohort cannot be imported: %v", err)
	}
	var records [][]string
	var lineOf []int // the file's line each record starts on
	cr := file.NewReader()
	for {
		rec, line, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, apperr.Invalidf("the cohort cannot be imported: %v", err)
		}
		records, lineOf = append(records, rec), append(lineOf, line)
	}
	if len(records) == 0 {
		return nil, apperr.Invalidf("the file is empty: give a header and one line per household")
	}
	var bad []string
	cols := map[string]int{}
	for i, h := range records[0] {
		name := strings.ToLower(cell(h))
		if _, twice := cols[name]; twice {
			bad = append(bad, fmt.Sprintf("header: column %q is given twice", h))
		}
		cols[name] = i
	}
	want := []string{columnNumber, columnGiven, columnFamily}
	for _, c := range def.Screening {
		want = append(want, strings.ToLower(c.Key))
	}
	for _, w := range want {
		if _, ok := cols[w]; !ok {
			bad = append(bad, fmt.Sprintf("header: no column %s", w))
		}
	}
	for name := range cols {
		if !slices.Contains(want, name) {
			bad = append(bad, fmt.Sprintf("header: column %q is neither a person's column nor a criterion of the routine", name))
		}
	}
	slices.Sort(bad) // the header's problems in a stable order
	if len(bad) > 0 {
		return nil, apperr.Invalidf("the cohort cannot be imported: %s", strings.Join(bad, "; "))
	}
	lines := records[1:]
	if len(lines) == 0 {
		return nil, apperr.Invalidf("the file has no households")
	}
	if len(lines) > MaxCohortRows {
		return nil, apperr.Invalidf("the file has %d households; at most %d in one import", len(lines), MaxCohortRows)
	}
	get := func(rec []string, col string) string {
		if i := cols[col]; i < len(rec) {
			return cell(rec[i])
		}
		return ""
	}
	var rows []CohortRow
	seen := map[string]int{}
	for i, rec := range lines {
		line := lineOf[i+1]
		row := CohortRow{Line: line, GivenName: get(rec, columnGiven), FamilyName: get(rec, columnFamily), Answers: map[string]bool{}}
		if hint := spreadsheetNumber(get(rec, columnNumber)); hint != "" {
			bad = append(bad, fmt.Sprintf("line %d, personnummer: %s", line, hint))
		} else if n, err := personnummer.Parse(get(rec, columnNumber), today); err != nil {
			bad = append(bad, fmt.Sprintf("line %d, personnummer: %v", line, err)) // the errors never name the number
		} else {
			row.Personnummer = n.Digits()
			if first, twice := seen[row.Personnummer]; twice {
				bad = append(bad, fmt.Sprintf("line %d, personnummer: the same person as on line %d", line, first))
			}
			seen[row.Personnummer] = line
		}
		for _, f := range []struct{ col, value string }{{columnGiven, row.GivenName}, {columnFamily, row.FamilyName}} {
			if f.value == "" || len([]rune(f.value)) > 100 {
				bad = append(bad, fmt.Sprintf("line %d, %s: give 1 to 100 characters", line, f.col))
			}
		}
		for _, c := range def.Screening {
			switch v := strings.ToLower(get(rec, strings.ToLower(c.Key))); v {
			case "ja":
				row.Answers[c.Key] = true
			case "nej":
				row.Answers[c.Key] = false
			default:
				bad = append(bad, fmt.Sprintf("line %d, %s: write ja or nej, not %q", line, strings.ToLower(c.Key), v))
			}
		}
		rows = append(rows, row)
		if len(bad) >= 50 {
			bad = append(bad, "… and perhaps more; correct these first")
			break
		}
	}
	if len(bad) > 0 {
		return nil, apperr.Invalidf("the cohort cannot be imported: %s", strings.Join(bad, "; "))
	}
	return rows, nil
}

// spreadsheetNumber recognises a personnummer a spreadsheet has read as a
// number and written back changed, and says how to keep it whole (never
// repeating the number): Excel writes twelve digits as 1,91212E+11 (a
// decimal comma in Swedish settings, a point in others) and drops the
// leading 0 of a ten-digit number born 2000–2009.
func spreadsheetNumber(v string) string {
	const keep = "format the column as Text in the spreadsheet (or write the numbers with their dash, ÅÅÅÅMMDD-NNNN) and save again"
	if i := strings.IndexAny(v, "Ee"); i > 0 && strings.HasPrefix(v[i+1:], "+") &&
		strings.Trim(v[:i], "0123456789,.") == "" && strings.Trim(v[i+2:], "0123456789") == "" {
		return "the spreadsheet wrote the number in exponent form and lost its last digits; " + keep
	}
	if len(v) == 9 && strings.Trim(v, "0123456789") == "" {
		return "nine digits: a spreadsheet drops the leading 0 of a number; " + keep
	}
	return ""
}

// cell is a cell's value: trimmed, and without one leading quote.
func cell(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "'") {
		return s[1:]
	}
	return s
}
