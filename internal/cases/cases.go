// Package cases keeps samverkansärenden: the case core a municipality unit
// owns and drives, the parties taking part, and the items each party
// records under its own information classes. Who may see what is the
// consent package's rule, applied in every query here.
package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
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
	RoutineID          uuid.UUID  `db:"routine_id"` // the routine version it follows
	State              string     `db:"state"`      // its state in that routine
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

// ByID loads the cases the viewer may see among ids.
func ByID(ctx context.Context, q db.Querier, scope consent.Scope, ids []uuid.UUID) (map[uuid.UUID]Case, error) {
	list, err := db.Collect[Case](ctx, q, byIDSQL(scope), ids)
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
	list, err := db.Collect[Case](ctx, q, ofIndividualsSQL(scope), individualIDs)
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
	sql, args, err := listCasesSQL(scope, f, pr)
	if err != nil {
		return page.Result[Case]{}, err
	}
	list, err := db.Collect[Case](ctx, q, sql, args...)
	if err != nil {
		return page.Result[Case]{}, fmt.Errorf("list cases: %w", err)
	}
	return page.Trim(list, pr.First), nil
}

// listCasesSQL renders List's statement with its arguments: the filter's
// and the cursor's conditions, and the limit.
func listCasesSQL(scope consent.Scope, f Filter, pr page.Request) (string, []any, error) {
	where, args := f.where(nil)
	if pr.After != nil {
		at, err := time.Parse(time.RFC3339Nano, pr.After.Sort)
		if err != nil {
			return "", nil, apperr.Invalidf("the cursor is not one of this list's")
		}
		args = append(args, at, pr.After.ID)
		where += fmt.Sprintf(" AND (c.opened_at, c.id) < ($%d, $%d)", len(args)-1, len(args))
	}
	// The limit is written into the statement, not bound: a first page
	// then has no parameters, so Postgres plans it once per connection
	// instead of on every request (planning the rule's probes took longer
	// than running them: 4.7 of 10.5 ms for a page of 50). It is rounded up
	// to one of a few sizes so that few statements are prepared.
	return listSQL(scope, where, readLimit(pr.First+1)), args, nil
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
	if err := q.QueryRow(ctx, countSQL(scope, where), args...).Scan(&n); err != nil {
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

// Participants lists the parties of the visible cases among caseIDs.
func Participants(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID) (map[uuid.UUID][]Participant, error) {
	list, err := db.Collect[Participant](ctx, q, participantsSQL(scope), caseIDs)
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

// Items lists the items of the given cases the viewer may see: those its
// organisation wrote, and those of classes a samtycke in force shares with
// it. classes, if not empty, narrows the list.
func Items(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID, classes []consent.Class) (map[uuid.UUID][]Item, error) {
	names := make([]string, len(classes))
	for i, c := range classes {
		names[i] = string(c)
	}
	list, err := db.Collect[Item](ctx, q, itemsSQL(scope), caseIDs, names)
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
	list, err := db.Collect[Item](ctx, q, itemsByIDSQL(scope), ids)
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
	rows, err := q.Query(ctx, qSharedClasses, individualIDs)
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
