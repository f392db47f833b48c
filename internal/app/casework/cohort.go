package casework

import (
	"context"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/routine"
)

// CreateCohort starts a screening cohort of the actor's municipality in a
// förbund it is a member of.
func (s *Service) CreateCohort(ctx context.Context, w *app.Work, in cases.NewCohort) (cases.Cohort, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return cases.Cohort{}, err
	}
	p := w.Principal()
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.Case, OwnerOrgID: p.OrgID}); err != nil {
		return cases.Cohort{}, err
	}
	k, err := cases.CreateCohort(ctx, w.Tx(), author(w), in)
	if err != nil {
		return cases.Cohort{}, err
	}
	w.Touch(relay.ID(relay.TypeScreeningCohort, k.ID))
	return k, nil
}

// Cohorts lists the municipality's cohorts in a förbund, or loads those
// among ids; both only for those who read the municipality's own cases.
func (s *Service) Cohorts(ctx context.Context, w *app.Work, federationID *uuid.UUID, ids []uuid.UUID) ([]cases.Cohort, error) {
	p := w.Principal()
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.Case, OwnerOrgID: p.OrgID}); err != nil {
		return nil, err
	}
	if federationID != nil {
		return cases.CohortsOf(ctx, w.Tx(), *federationID)
	}
	found, err := cases.CohortsByID(ctx, w.Tx(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]cases.Cohort, 0, len(found))
	for _, id := range ids {
		if k, ok := found[id]; ok {
			out = append(out, k)
		}
	}
	return out, nil
}

// CohortCounts counts what the cohorts found: de-identified aggregates of
// the municipality's own screenings.
func (s *Service) CohortCounts(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]cases.CohortCount, error) {
	p := w.Principal()
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.Case, OwnerOrgID: p.OrgID}); err != nil {
		return nil, err
	}
	return cases.CohortCounts(ctx, w.Tx(), ids)
}

// CohortImport is what an import did.
type CohortImport struct {
	Households int // lines of the file
	Registered int // people new to the municipality
	Opened     int // cases opened (the others had an open case in the förbund)
	Eligible   int
	Closed     int // cases closed because the person is outside the target group
}

// ImportCohort screens the households of a file into a cohort, all or
// nothing: each person is found among the municipality's people or
// registered, their open case in the cohort's förbund is found or opened
// (on the förbund's current routine), and screened into the cohort; a
// person outside the target group has the case closed with its reason.
// The file's problems are all named before anything is written; a problem
// the database finds (a line whose case cannot be screened) names its
// line and undoes the whole import.
func (s *Service) ImportCohort(ctx context.Context, w *app.Work, cohortID uuid.UUID, file io.Reader) (CohortImport, error) {
	if _, err := w.RequirePurpose(); err != nil {
		return CohortImport{}, err
	}
	p := w.Principal()
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.Case, OwnerOrgID: p.OrgID}); err != nil {
		return CohortImport{}, err
	}
	ks, err := cases.CohortsByID(ctx, w.Tx(), []uuid.UUID{cohortID})
	if err != nil {
		return CohortImport{}, err
	}
	k, ok := ks[cohortID]
	if !ok {
		return CohortImport{}, apperr.NotFoundf("no such cohort")
	}
	current, err := routine.Current(ctx, w.Tx(), k.FederationID)
	if err != nil {
		return CohortImport{}, err
	}
	today, err := w.Today(ctx)
	if err != nil {
		return CohortImport{}, err
	}
	rows, err := cases.ParseCohortFile(file, current.Definition, today)
	if err != nil {
		return CohortImport{}, err
	}
	w.Touch(relay.ID(relay.TypeScreeningCohort, k.ID))
	res := CohortImport{Households: len(rows)}
	scope := w.Scope(authz.Read, authz.Individual)
	for _, row := range rows {
		lineErr := func(err error) error {
			if code := apperr.CodeOf(err); code != apperr.Internal {
				return apperr.Errorf(code, "line %d: %s; nothing was imported", row.Line, apperr.MessageOf(err))
			}
			return fmt.Errorf("cohort import, line %d: %w", row.Line, err)
		}
		ind, err := s.people.ByNumber(ctx, w.Tx(), scope, row.Personnummer, today)
		if err != nil {
			return CohortImport{}, lineErr(err)
		}
		if ind == nil || ind.OrgID != p.OrgID {
			reg, err := s.RegisterIndividual(ctx, w, individuals.RegisterInput{Personnummer: row.Personnummer, GivenName: row.GivenName, FamilyName: row.FamilyName})
			if err != nil {
				return CohortImport{}, lineErr(err)
			}
			ind = &reg
			res.Registered++
		}
		caseID, err := cases.OpenCaseIn(ctx, w.Tx(), ind.ID, k.FederationID)
		if err != nil {
			return CohortImport{}, lineErr(err)
		}
		if caseID == nil {
			opened, err := s.OpenCase(ctx, w, openInputFor(ind.ID, k.FederationID, row.Answers))
			if err != nil {
				return CohortImport{}, lineErr(err)
			}
			caseID = &opened.ID
			res.Opened++
		}
		c, def, err := s.caseToMove(ctx, w, *caseID)
		if err != nil {
			return CohortImport{}, lineErr(err)
		}
		_, sc, closed, err := s.screen(ctx, w, c, def, row.Answers, &k.ID)
		if err != nil {
			return CohortImport{}, lineErr(err)
		}
		if sc.Eligible {
			res.Eligible++
		}
		if closed != nil {
			res.Closed++
		}
	}
	return res, nil
}

// openInputFor is a case opened by a cohort import. Its target group
// facts are taken from the default routine's answers where the file has
// them (no SGI, försörjningsstöd, sick-listed or a health obstacle);
// what the file cannot say is unknown, or no.
func openInputFor(individualID, federationID uuid.UUID, answers map[string]bool) cases.OpenInput {
	in := cases.OpenInput{IndividualID: individualID, FederationID: federationID, SGI: cases.SGIUnknown, AFStatus: cases.AFStatusUnknown}
	if noSGI, ok := answers["SGI_SAKNAS"]; ok {
		in.SGI = cases.SGIYes
		if noSGI {
			in.SGI = cases.SGINo
		}
	}
	in.OnForsorjningsstod = answers["FORSORJNINGSSTOD"]
	in.HealthObstacle = answers["SJUKSKRIVEN_ELLER_OHALSA"]
	return in
}
