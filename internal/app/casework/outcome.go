package casework

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/outcomes"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// Repayments lists, per case, Försäkringskassan's repayments to the
// municipality that the actor may see (KOMMUN_EKONOMISKT_BISTAND), noting
// a read of each case's (object CaseRepayments:<case>).
func (s *Service) Repayments(ctx context.Context, w *app.Work, caseIDs []uuid.UUID) (map[uuid.UUID][]outcomes.Repayment, error) {
	found, err := outcomes.Repayments(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), caseIDs)
	if err != nil {
		return nil, err
	}
	for _, ps := range found {
		if len(ps) > 0 {
			p := ps[0]
			w.Accessed(audit.Access{IndividualID: p.IndividualID, OwnerOrgID: p.OrgID,
				ObjectID: relay.ID(relay.TypeCaseRepayments, p.CaseID), ConsentID: p.ConsentID})
		}
	}
	return found, nil
}

// RecordRepayment records a repayment from Försäkringskassan to the
// municipality for a case of the actor's organisation (several per case),
// for the förbund's follow-up. The municipality that owns the case records
// it, in the roles that move the case.
func (s *Service) RecordRepayment(ctx context.Context, w *app.Work, caseID uuid.UUID, r outcomes.NewRepayment) (cases.Case, error) {
	c, _, err := s.caseToMove(ctx, w, caseID)
	if err != nil {
		return cases.Case{}, err
	}
	today, err := w.Today(ctx)
	if err != nil {
		return c, err
	}
	if bad := r.Problems(today); len(bad) > 0 {
		return c, apperr.Invalidf("the repayment cannot be recorded: %s", strings.Join(bad, "; "))
	}
	p := w.Principal()
	if err := outcomes.RecordRepayment(ctx, w.Tx(), ids.New(ctx), c.ID, p.UnitID, p.UserID, r); err != nil {
		return c, err
	}
	w.Accessed(audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID, ObjectID: relay.ID(relay.TypeCaseRepayments, c.ID), Write: true})
	return c, nil
}

// Reactualisations finds, per case, the earlier case of the same person
// and organisation it re-actualises (closed less than a year before it
// opened), as far as the actor may see the link; the earlier case itself
// is read (and noted) through Cases.
func (s *Service) Reactualisations(ctx context.Context, w *app.Work, caseIDs []uuid.UUID) (map[uuid.UUID]outcomes.Reactualisation, error) {
	return outcomes.Reactualisations(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), caseIDs)
}
