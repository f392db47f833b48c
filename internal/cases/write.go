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
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
)

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
	id := uuid.New()
	var problem string
	err := q.QueryRow(ctx, qOpenCase, id, in.IndividualID, *unit, in.FederationID, *lead, trim(in.LeadUserID), trim(in.LeadName),
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

// AddParticipant lets the owner add a party to its case.
func AddParticipant(ctx context.Context, q db.Querier, p *identity.Principal, caseID, orgID uuid.UUID, unitID *uuid.UUID) error {
	var problem string
	err := q.QueryRow(ctx, qAddParticipant, caseID, orgID, unitID, p.UserID).Scan(&problem)
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

const maxSummaryLen = 4000

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
	it := Item{ID: uuid.New(), CaseID: caseID, OrgID: p.OrgID, Class: class, Purpose: purpose, Summary: summary,
		RecordedBy: p.UserID, IndividualID: c.IndividualID, CaseOrgID: c.OrgID}
	err = q.QueryRow(ctx, qRecordItem,
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
