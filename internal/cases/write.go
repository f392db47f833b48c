package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Author is who writes in a case, and why: a person of an organisation
// (perhaps in one of its units) acting under the purpose the request
// declared. Every write takes the author and one request struct.
//
// The author carries no time: the statements stamp what they write with
// hub_now(), the request's one clock (the unit of work's, which the
// database judges), so a row and its audit record agree.
type Author struct {
	OrgID   uuid.UUID
	OrgKind tenancy.OrganizationKind // whose information classes the author records
	UnitID  *uuid.UUID               // the default owning unit of a case opened
	UserID  string                   // stored as the case's opener, the party's and the item's recorder
	Purpose consent.Purpose          // recorded with an item
}

// OpenInput is a new case. Its fields are in the order of the GraphQL
// input (OpenCaseInput), which is the order problems are reported in.
type OpenInput struct {
	IndividualID       uuid.UUID
	FederationID       uuid.UUID
	UnitID             *uuid.UUID // owning unit; default the author's
	LeadUnitID         *uuid.UUID // default the owning unit
	LeadUserID         *string
	LeadName           *string
	SGI                SGI
	OnForsorjningsstod bool
	HealthObstacle     bool
	CareContact        bool
	AFStatus           AFStatus
}

// maxLeadLen bounds the lead's user id and name.
const maxLeadLen = 200

// problems checks the input on its own, without the database, and names
// every problem, each after its field, in field order: the same message
// every time for the same input.
func (in OpenInput) problems(by Author) []string {
	var bad []string
	if in.UnitID == nil && by.UnitID == nil {
		bad = append(bad, "unitId: name the owning unit: your token carries none")
	}
	for _, f := range []struct {
		name  string
		value *string
	}{{"leadUserId", in.LeadUserID}, {"leadName", in.LeadName}} {
		if f.value != nil && (strings.TrimSpace(*f.value) == "" || len([]rune(*f.value)) > maxLeadLen) {
			bad = append(bad, fmt.Sprintf("%s must be 1–%d characters", f.name, maxLeadLen))
		}
	}
	if !slices.Contains([]SGI{SGIYes, SGINo, SGIUnknown}, in.SGI) {
		bad = append(bad, fmt.Sprintf("sgi must be YES, NO or UNKNOWN, got %q", in.SGI))
	}
	if !slices.Contains([]AFStatus{AFInskriven, AFInteInskriven, AFStatusUnknown}, in.AFStatus) {
		bad = append(bad, fmt.Sprintf("afStatus must be INSKRIVEN, INTE_INSKRIVEN or UNKNOWN, got %q", in.AFStatus))
	}
	return bad
}

// Open opens a case for an individual of the author's organisation,
// following a federation the organisation is a member of today.
func Open(ctx context.Context, q db.Querier, by Author, in OpenInput) (Case, error) {
	if bad := in.problems(by); len(bad) > 0 {
		return Case{}, apperr.Invalidf("the case cannot be opened: %s", strings.Join(bad, "; "))
	}
	unit := in.UnitID
	if unit == nil {
		unit = by.UnitID
	}
	lead := in.LeadUnitID
	if lead == nil {
		lead = unit
	}
	id := ids.New(ctx)
	var problem string
	err := q.QueryRow(ctx, qOpenCase, id, in.IndividualID, *unit, in.FederationID, *lead, trim(in.LeadUserID), trim(in.LeadName),
		string(in.SGI), in.OnForsorjningsstod, in.HealthObstacle, in.CareContact, string(in.AFStatus), by.UserID).Scan(&problem)
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

// NewParticipant is a party to add to a case: an organisation, or one of
// its units.
type NewParticipant struct {
	CaseID uuid.UUID
	OrgID  uuid.UUID
	UnitID *uuid.UUID
}

// AddParticipant lets the owner add a party to its case.
func AddParticipant(ctx context.Context, q db.Querier, by Author, in NewParticipant) error {
	var problem string
	if err := q.QueryRow(ctx, qAddParticipant, in.CaseID, in.OrgID, in.UnitID, by.UserID).Scan(&problem); err != nil {
		return fmt.Errorf("add participant: %w", err)
	}
	return problemError(problem)
}

// problems maps the codes the statements of Open and AddParticipant return
// for a check that failed to the error the caller sees: the one place for
// each message.
var problems = map[string]apperr.Error{
	"individual_not_own":           {Code: apperr.NotFound, Message: "no such individual"},
	"unit_not_own":                 {Code: apperr.Invalid, Message: "the case cannot be opened: the owning unit is not one of your organisation's"},
	"lead_unit_not_own":            {Code: apperr.Invalid, Message: "the case cannot be opened: the lead unit is not one of your organisation's"},
	"not_federation_member":        {Code: apperr.Invalid, Message: "the case cannot be opened: your organisation is not a member of that federation today"},
	"case_not_own":                 {Code: apperr.NotFound, Message: "no such case"},
	"org_unknown":                  {Code: apperr.Invalid, Message: "no such organisation"},
	"unit_not_of_org":              {Code: apperr.Invalid, Message: "the unit is not one of the organisation's"},
	"already_participant":          {Code: apperr.Conflict, Message: "that party already takes part in the case"},
	"cohort_not_federation_member": {Code: apperr.Invalid, Message: "federationId: your organisation is not a member of that förbund today"},
	"cohort_name_taken":            {Code: apperr.Conflict, Message: "name: your organisation has a cohort of that name already"},
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

// NewItem is an item to record in a case.
type NewItem struct {
	CaseID  uuid.UUID
	Class   consent.Class
	Summary string
}

const maxSummaryLen = 4000

// problems checks the item on its own, without the database, and names
// every problem, each after its field, in field order.
func (in NewItem) problems(by Author) []string {
	var bad []string
	if !slices.Contains(consent.Classes, in.Class) {
		bad = append(bad, fmt.Sprintf("class: unknown information class %q", in.Class))
	} else if in.Class.Source() != by.OrgKind {
		bad = append(bad, fmt.Sprintf("class: %s is not your organisation's information: record your own classes (%s)", in.Class, consent.JoinClasses(consent.ClassesOf(by.OrgKind))))
	}
	if s := strings.TrimSpace(in.Summary); s == "" || len([]rune(s)) > maxSummaryLen {
		bad = append(bad, fmt.Sprintf("summary must be 1–%d characters", maxSummaryLen))
	}
	return bad
}

// AddItem records an item of one of the author's organisation's own
// classes in a case the author can see in caseScope (its own, or one a
// samtycke in force shares with it under the declared purpose). A case
// the author cannot see is NOT_FOUND, whatever the item's problems.
func AddItem(ctx context.Context, q db.Querier, by Author, caseScope consent.Scope, in NewItem) (Item, error) {
	bad := in.problems(by)
	cs, err := ByID(ctx, q, caseScope, []uuid.UUID{in.CaseID})
	if err != nil {
		return Item{}, err
	}
	c, ok := cs[in.CaseID]
	if !ok {
		return Item{}, apperr.NotFoundf("no such case")
	}
	if len(bad) > 0 {
		return Item{}, apperr.Invalidf("the item cannot be recorded: %s", strings.Join(bad, "; "))
	}
	it := Item{ID: ids.New(ctx), CaseID: in.CaseID, OrgID: by.OrgID, Class: in.Class, Purpose: by.Purpose, Summary: strings.TrimSpace(in.Summary),
		RecordedBy: by.UserID, IndividualID: c.IndividualID, CaseOrgID: c.OrgID}
	err = q.QueryRow(ctx, qRecordItem,
		it.ID, it.CaseID, it.IndividualID, it.CaseOrgID, string(it.Class), string(it.Purpose), it.Summary, it.RecordedBy).Scan(&it.RecordedAt)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" { // row security refused: the case is no longer shared
		return Item{}, apperr.NotFoundf("no such case")
	}
	if err != nil {
		return Item{}, fmt.Errorf("record item: %w", err)
	}
	return it, nil
}
