// Package cases keeps samverkansärenden: the case core a municipality unit
// owns and drives, the parties taking part, and the items each party
// records under its own information classes. Who may see what is the
// consent package's rule, applied in every query here.
package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// SGI says whether the person has a sjukpenninggrundande inkomst.
type SGI string

// SGI answers.
const (
	SGIYes     SGI = "YES"
	SGINo      SGI = "NO"
	SGIUnknown SGI = "UNKNOWN"
)

// AFStatus says whether the person is registered at Arbetsförmedlingen.
type AFStatus string

// AF statuses.
const (
	AFInskriven     AFStatus = "INSKRIVEN"
	AFInteInskriven AFStatus = "INTE_INSKRIVEN"
	AFStatusUnknown AFStatus = "UNKNOWN"
)

// Case is a samverkansärende's core.
type Case struct {
	ID           uuid.UUID `db:"id"`
	OrgID        uuid.UUID `db:"org_id"`
	UnitID       uuid.UUID `db:"unit_id"`
	IndividualID uuid.UUID `db:"individual_id"`
	FederationID uuid.UUID `db:"federation_id"`
	LeadUnitID   uuid.UUID `db:"lead_unit_id"`
	LeadUserID   *string   `db:"lead_user_id"`
	LeadName     *string   `db:"lead_name"`
	// The target group facts are the municipality's information: nil when
	// the viewer's samtycke does not share their class (FactClasses).
	SGI                *SGI       `db:"sgi"`
	OnForsorjningsstod *bool      `db:"on_forsorjningsstod"`
	HealthObstacle     *bool      `db:"health_obstacle"`
	CareContact        *bool      `db:"care_contact"`
	AFStatus           *AFStatus  `db:"af_status"`
	State              string     `db:"state"`
	OpenedAt           time.Time  `db:"opened_at"`
	OpenedBy           string     `db:"opened_by"`
	ConsentID          *uuid.UUID `db:"consent_id"` // the samtycke that let the viewer see it
}

// FactClasses says which information class each target group fact of a
// case belongs to: SGI and försörjningsstöd are ekonomiskt bistånd's
// assessment; health, care contact and AF status are the municipality's
// planning, as are the case's parties. The case core (person, lead, state)
// is shared with any samtycke that shares the person.
var FactClasses = map[string]consent.Class{
	"sgi": consent.KommunEkonomisktBistand, "on_forsorjningsstod": consent.KommunEkonomisktBistand,
	"health_obstacle": consent.KommunPlanering, "care_contact": consent.KommunPlanering, "af_status": consent.KommunPlanering,
}

// ParticipantsClass is the class of who takes part in a case.
const ParticipantsClass = consent.KommunPlanering

func caseColumns() string {
	facts := ""
	for _, col := range []string{"sgi", "on_forsorjningsstod", "health_obstacle", "care_contact", "af_status"} {
		facts += fmt.Sprintf(",\n\tCASE WHEN %s THEN c.%s END AS %s", consent.ClassShared("c.org_id", "c.individual_id", FactClasses[col]), col, col)
	}
	return `c.id, c.org_id, c.unit_id, c.individual_id, c.federation_id, c.lead_unit_id, c.lead_user_id, c.lead_name` + facts +
		`, c.state, c.opened_at, c.opened_by`
}

var selectCasesColumns = caseColumns()

func selectCases(scope consent.Scope) string {
	return `SELECT ` + selectCasesColumns + `, ` + consent.AllowingConsent("c.org_id", "c.individual_id", "") + ` AS consent_id
	FROM cases c WHERE ` + consent.Visible(scope, "c.org_id", "c.individual_id")
}

// OpenInput is a new case.
type OpenInput struct {
	IndividualID       uuid.UUID
	FederationID       uuid.UUID
	UnitID             *uuid.UUID // owning unit; default the opener's
	LeadUnitID         *uuid.UUID // default the owning unit
	LeadUserID         *string
	LeadName           *string
	SGI                SGI
	OnForsorjningsstod bool
	HealthObstacle     bool
	CareContact        bool
	AFStatus           AFStatus
}

// Open opens a case for an individual of the principal's organisation,
// following a federation the organisation is a member of today.
func Open(ctx context.Context, q db.Querier, p *identity.Principal, in OpenInput) (Case, error) {
	var bad []string
	if !slices.Contains([]SGI{SGIYes, SGINo, SGIUnknown}, in.SGI) {
		bad = append(bad, fmt.Sprintf("sgi must be YES, NO or UNKNOWN, got %q", in.SGI))
	}
	if !slices.Contains([]AFStatus{AFInskriven, AFInteInskriven, AFStatusUnknown}, in.AFStatus) {
		bad = append(bad, fmt.Sprintf("afStatus must be INSKRIVEN, INTE_INSKRIVEN or UNKNOWN, got %q", in.AFStatus))
	}
	for _, f := range []struct {
		name  string
		value *string
	}{{"leadUserId", in.LeadUserID}, {"leadName", in.LeadName}} { // in field order: the same message every time
		if f.value != nil && (strings.TrimSpace(*f.value) == "" || len([]rune(*f.value)) > 200) {
			bad = append(bad, f.name+" must be 1–200 characters")
		}
	}
	unit := in.UnitID
	if unit == nil {
		unit = p.UnitID
	}
	if unit == nil {
		bad = append(bad, "name the owning unit (unitId): your token carries none")
	}
	if len(bad) > 0 {
		return Case{}, apperr.Invalidf("the case cannot be opened: %s", strings.Join(bad, "; "))
	}
	lead := in.LeadUnitID
	if lead == nil {
		lead = unit
	}
	id := ids.New(ctx)
	var problem string
	err := q.QueryRow(ctx, `WITH checks AS (
		SELECT
			(SELECT count(*) FROM individuals i WHERE i.id = $2 AND i.org_id = hub_current_org()) = 1 AS individual_ok,
			(SELECT count(*) FROM units u WHERE u.id = $3 AND u.org_id = hub_current_org()) = 1 AS unit_ok,
			(SELECT count(*) FROM units u WHERE u.id = $5 AND u.org_id = hub_current_org()) = 1 AS lead_ok,
			EXISTS (SELECT 1 FROM federation_memberships m WHERE m.federation_id = $4 AND m.member_org_id = hub_current_org()
				AND m.valid_from <= hub_today() AND (m.valid_to IS NULL OR m.valid_to > hub_today())) AS member_ok
	), ins AS (
		INSERT INTO cases (id, org_id, unit_id, individual_id, federation_id, lead_unit_id, lead_user_id, lead_name,
			sgi, on_forsorjningsstod, health_obstacle, care_contact, af_status, opened_at, opened_by)
		SELECT $1, hub_current_org(), $3, $2, $4, $5, $6, $7, $8, $9, $10, $11, $12, hub_now(), $13
		FROM checks WHERE individual_ok AND unit_ok AND lead_ok AND member_ok
		RETURNING id
	)
	SELECT CASE
		WHEN NOT individual_ok THEN 'individual_not_own'
		WHEN NOT unit_ok THEN 'unit_not_own'
		WHEN NOT lead_ok THEN 'lead_unit_not_own'
		WHEN NOT member_ok THEN 'not_federation_member'
		ELSE '' END
	FROM checks`, id, in.IndividualID, *unit, in.FederationID, *lead, trim(in.LeadUserID), trim(in.LeadName),
		string(in.SGI), in.OnForsorjningsstod, in.HealthObstacle, in.CareContact, string(in.AFStatus), p.UserID).Scan(&problem)
	if err != nil {
		return Case{}, fmt.Errorf("open case: %w", err)
	}
	if err := problemError(problem); err != nil {
		return Case{}, err
	}
	got, err := ByID(ctx, q, consent.Scope{Own: true}, []uuid.UUID{id})
	if err != nil {
		return Case{}, err
	}
	return got[id], nil
}

func trim(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}

// ByID loads the cases the viewer may see among ids.
func ByID(ctx context.Context, q db.Querier, scope consent.Scope, ids []uuid.UUID) (map[uuid.UUID]Case, error) {
	list, err := db.Collect[Case](ctx, q, selectCases(scope)+` AND c.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	out := make(map[uuid.UUID]Case, len(list))
	for _, c := range list {
		out[c.ID] = c
	}
	return out, nil
}

// ForIndividuals lists the visible cases of each individual, newest first.
func ForIndividuals(ctx context.Context, q db.Querier, scope consent.Scope, individualIDs []uuid.UUID) (map[uuid.UUID][]Case, error) {
	list, err := db.Collect[Case](ctx, q, selectCases(scope)+` AND c.individual_id = ANY($1) ORDER BY c.opened_at DESC, c.id DESC`, individualIDs)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	out := map[uuid.UUID][]Case{}
	for _, c := range list {
		out[c.IndividualID] = append(out[c.IndividualID], c)
	}
	return out, nil
}

// Filter narrows List.
type Filter struct {
	FederationID *uuid.UUID
}

func (f Filter) where(args []any) (string, []any) {
	if f.FederationID == nil {
		return "", args
	}
	args = append(args, *f.FederationID)
	return fmt.Sprintf(" AND c.federation_id = $%d", len(args)), args
}

// List returns a page of the cases the viewer may see, newest first. The
// rule is part of the query: a page, and its count, never hold a case the
// viewer may not see.
func List(ctx context.Context, q db.Querier, scope consent.Scope, f Filter, pr page.Request) (page.Result[Case], error) {
	where, args := f.where(nil)
	if pr.After != nil {
		at, err := time.Parse(time.RFC3339Nano, pr.After.Sort)
		if err != nil {
			return page.Result[Case]{}, apperr.Invalidf("the cursor is not one of this list's")
		}
		args = append(args, at, pr.After.ID)
		where += fmt.Sprintf(" AND (c.opened_at, c.id) < ($%d, $%d)", len(args)-1, len(args))
	}
	// The limit is written into the statement, not bound: a first page
	// then has no parameters, so Postgres plans it once per connection
	// instead of on every request (planning the rule's probes took longer
	// than running them: 4.7 of 10.5 ms for a page of 50). It is rounded up
	// to one of a few sizes so that few statements are prepared.
	list, err := db.Collect[Case](ctx, q, selectCases(scope)+where+
		` ORDER BY c.opened_at DESC, c.id DESC LIMIT `+strconv.Itoa(readLimit(pr.First+1)), args...)
	if err != nil {
		return page.Result[Case]{}, fmt.Errorf("list cases: %w", err)
	}
	return page.Trim(list, pr.First), nil
}

// readLimit is the smallest of a few statement sizes that reads n rows.
func readLimit(n int) int {
	for _, size := range []int{6, 11, 21, 51, 101} {
		if n <= size {
			return size
		}
	}
	return n
}

// Count counts the cases the viewer may see, up to page.MaxCount.
func Count(ctx context.Context, q db.Querier, scope consent.Scope, f Filter) (int, error) {
	where, args := f.where(nil)
	var n int
	if err := q.QueryRow(ctx, page.BoundedCount(`SELECT 1 FROM cases c WHERE `+consent.Visible(scope, "c.org_id", "c.individual_id")+where), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// Key is a case's place in List.
func Key(c Case) page.Key { return page.Key{Sort: c.OpenedAt.UTC().Format(time.RFC3339Nano), ID: c.ID} }

// Participant is an organisation (or one of its units) taking part.
type Participant struct {
	CaseID  uuid.UUID  `db:"case_id"`
	OrgID   uuid.UUID  `db:"participant_org_id"`
	UnitID  *uuid.UUID `db:"participant_unit_id"`
	AddedAt time.Time  `db:"added_at"`
}

// AddParticipant lets the owner add a party to its case.
func AddParticipant(ctx context.Context, q db.Querier, p *identity.Principal, caseID, orgID uuid.UUID, unitID *uuid.UUID) error {
	var problem string
	err := q.QueryRow(ctx, `WITH c AS (
		SELECT c.id, c.org_id, c.individual_id FROM cases c WHERE c.id = $1 AND c.org_id = hub_current_org()
	), checks AS (
		SELECT (SELECT count(*) FROM c) = 1 AS case_ok,
			EXISTS (SELECT 1 FROM organizations o WHERE o.id = $2) AS org_ok,
			($3::uuid IS NULL OR EXISTS (SELECT 1 FROM units u WHERE u.id = $3 AND u.org_id = $2)) AS unit_ok
	), ins AS (
		INSERT INTO case_participants (case_id, org_id, individual_id, participant_org_id, participant_unit_id, added_at, added_by)
		SELECT c.id, c.org_id, c.individual_id, $2, $3, hub_now(), $4 FROM c, checks WHERE org_ok AND unit_ok
		ON CONFLICT DO NOTHING
		RETURNING 1
	)
	SELECT CASE WHEN NOT case_ok THEN 'case_not_own' WHEN NOT org_ok THEN 'org_unknown' WHEN NOT unit_ok THEN 'unit_not_of_org'
		WHEN NOT EXISTS (SELECT 1 FROM ins) THEN 'already_participant' ELSE '' END FROM checks`, caseID, orgID, unitID, p.UserID).Scan(&problem)
	if err != nil {
		return fmt.Errorf("add participant: %w", err)
	}
	return problemError(problem)
}

// problems maps the codes the statements of Open and AddParticipant return
// for a check that failed to the error the caller sees: the one place for
// each message.
var problems = map[string]apperr.Error{
	"individual_not_own":    {Code: apperr.NotFound, Message: "no such individual"},
	"unit_not_own":          {Code: apperr.Invalid, Message: "the case cannot be opened: the owning unit is not one of your organisation's"},
	"lead_unit_not_own":     {Code: apperr.Invalid, Message: "the case cannot be opened: the lead unit is not one of your organisation's"},
	"not_federation_member": {Code: apperr.Invalid, Message: "the case cannot be opened: your organisation is not a member of that federation today"},
	"case_not_own":          {Code: apperr.NotFound, Message: "no such case"},
	"org_unknown":           {Code: apperr.Invalid, Message: "no such organisation"},
	"unit_not_of_org":       {Code: apperr.Invalid, Message: "the unit is not one of the organisation's"},
	"already_participant":   {Code: apperr.Conflict, Message: "that party already takes part in the case"},
}

// problemError is the error for a statement's problem code: nil for none
// (""), and an internal error for a code problems does not know.
func problemError(code string) error {
	if code == "" {
		return nil
	}
	p, ok := problems[code]
	if !ok {
		return fmt.Errorf("unknown problem code %q", code)
	}
	return apperr.New(p.Code, p.Message)
}

// Participants lists the parties of the visible cases among caseIDs.
func Participants(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID) (map[uuid.UUID][]Participant, error) {
	list, err := db.Collect[Participant](ctx, q, `SELECT p.case_id, p.participant_org_id, p.participant_unit_id, p.added_at
	FROM case_participants p WHERE p.case_id = ANY($1)
	  AND `+consent.ClassVisible(scope, "p.org_id", "p.individual_id", "'"+string(ParticipantsClass)+"'")+`
	ORDER BY p.case_id, p.added_at, p.participant_org_id`, caseIDs)
	if err != nil {
		return nil, fmt.Errorf("load participants: %w", err)
	}
	out := map[uuid.UUID][]Participant{}
	for _, p := range list {
		out[p.CaseID] = append(out[p.CaseID], p)
	}
	return out, nil
}

// Item is something a party recorded in a case under one of its classes.
type Item struct {
	ID           uuid.UUID       `db:"id"`
	CaseID       uuid.UUID       `db:"case_id"`
	OrgID        uuid.UUID       `db:"org_id"` // who wrote it
	Class        consent.Class   `db:"class"`
	Purpose      consent.Purpose `db:"purpose"`
	Summary      string          `db:"summary"`
	RecordedAt   time.Time       `db:"recorded_at"`
	RecordedBy   string          `db:"recorded_by"`
	IndividualID uuid.UUID       `db:"individual_id"`
	CaseOrgID    uuid.UUID       `db:"case_org_id"` // the case's owner: the person's municipality
	ConsentID    *uuid.UUID      `db:"consent_id"`
}

const maxSummaryLen = 4000

var itemColumns = `it.id, it.case_id, it.org_id, it.class, it.purpose, it.summary, it.recorded_at, it.recorded_by, it.individual_id, it.case_org_id,
	` + consent.AllowingConsent("it.org_id", "it.individual_id", "it.class") + ` AS consent_id`

// AddItem records an item of one of the principal's organisation's own
// classes in a case the principal can see (its own, or one a samtycke in
// force shares with it under the declared purpose).
func AddItem(ctx context.Context, q db.Querier, p *identity.Principal, caseScope consent.Scope, caseID uuid.UUID, class consent.Class, purpose consent.Purpose, summary string) (Item, error) {
	summary = strings.TrimSpace(summary)
	var bad []string
	if !slices.Contains(consent.Classes, class) {
		bad = append(bad, fmt.Sprintf("unknown information class %q", class))
	} else if class.Source() != p.OrgKind {
		bad = append(bad, fmt.Sprintf("%s is not your organisation's information: record your own classes (%s)", class, joinClasses(consent.ClassesOf(p.OrgKind))))
	}
	if summary == "" || len([]rune(summary)) > maxSummaryLen {
		bad = append(bad, fmt.Sprintf("summary must be 1–%d characters", maxSummaryLen))
	}
	cs, err := ByID(ctx, q, caseScope, []uuid.UUID{caseID})
	if err != nil {
		return Item{}, err
	}
	c, ok := cs[caseID]
	if !ok {
		return Item{}, apperr.NotFoundf("no such case")
	}
	if len(bad) > 0 {
		return Item{}, apperr.Invalidf("the item cannot be recorded: %s", strings.Join(bad, "; "))
	}
	it := Item{ID: ids.New(ctx), CaseID: caseID, OrgID: p.OrgID, Class: class, Purpose: purpose, Summary: summary,
		RecordedBy: p.UserID, IndividualID: c.IndividualID, CaseOrgID: c.OrgID}
	err = q.QueryRow(ctx, `INSERT INTO case_items (id, case_id, individual_id, case_org_id, org_id, class, purpose, summary, recorded_at, recorded_by)
	VALUES ($1, $2, $3, $4, hub_current_org(), $5, $6, $7, hub_now(), $8) RETURNING recorded_at`,
		it.ID, it.CaseID, it.IndividualID, c.OrgID, string(class), string(purpose), summary, p.UserID).Scan(&it.RecordedAt)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" { // row security refused: the case is no longer shared
		return Item{}, apperr.NotFoundf("no such case")
	}
	if err != nil {
		return Item{}, fmt.Errorf("record item: %w", err)
	}
	return it, nil
}

func joinClasses(cs []consent.Class) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// Items lists the items of the given cases the viewer may see: those its
// organisation wrote, and those of classes a samtycke in force shares with
// it. classes, if not empty, narrows the list.
func Items(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID, classes []consent.Class) (map[uuid.UUID][]Item, error) {
	names := make([]string, len(classes))
	for i, c := range classes {
		names[i] = string(c)
	}
	list, err := db.Collect[Item](ctx, q, `SELECT `+itemColumns+`
	FROM case_items it
	WHERE it.case_id = ANY($1) AND (cardinality($2::text[]) = 0 OR it.class::text = ANY ($2))
	  AND `+consent.ClassVisible(scope, "it.org_id", "it.individual_id", "it.class")+`
	ORDER BY it.case_id, it.recorded_at, it.id`, caseIDs, names)
	if err != nil {
		return nil, fmt.Errorf("load items: %w", err)
	}
	out := map[uuid.UUID][]Item{}
	for _, it := range list {
		out[it.CaseID] = append(out[it.CaseID], it)
	}
	return out, nil
}

// ItemsByID loads the items among ids the viewer may see.
func ItemsByID(ctx context.Context, q db.Querier, scope consent.Scope, ids []uuid.UUID) (map[uuid.UUID]Item, error) {
	list, err := db.Collect[Item](ctx, q, `SELECT `+itemColumns+`
	FROM case_items it
	WHERE it.id = ANY($1) AND `+consent.ClassVisible(scope, "it.org_id", "it.individual_id", "it.class"), ids)
	if err != nil {
		return nil, fmt.Errorf("load items: %w", err)
	}
	items := make(map[uuid.UUID]Item, len(list))
	for _, it := range list {
		items[it.ID] = it
	}
	return items, nil
}

// SharedClasses lists, per individual, the information classes a samtycke
// in force shares with the viewer under the declared purpose.
func SharedClasses(ctx context.Context, q db.Querier, individualIDs []uuid.UUID) (map[uuid.UUID][]consent.Class, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT g.individual_id, c::text
	FROM consent_grants_in_force g, unnest(g.classes) c
	WHERE g.individual_id = ANY($1) ORDER BY 1, 2`, individualIDs)
	if err != nil {
		return nil, fmt.Errorf("load shared classes: %w", err)
	}
	defer rows.Close()
	out := map[uuid.UUID][]consent.Class{}
	for rows.Next() {
		var id uuid.UUID
		var class string
		if err := rows.Scan(&id, &class); err != nil {
			return nil, err
		}
		out[id] = append(out[id], consent.Class(class))
	}
	return out, rows.Err()
}
