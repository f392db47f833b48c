// Package auditreview holds the use cases of reviewing who did what: the
// loggranskare reads the organisation's audit trail, and the person's
// loggutdrag (everyone who read or changed their personal data) is read by
// the loggranskare or the lead of one of the person's cases. Reading
// either is itself audited; reading a loggutdrag is a row of it.
package auditreview

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// Service is the audit review of one hub.
type Service struct {
	people individuals.Store
}

// New returns the service.
func New(a *app.App) *Service { return &Service{people: individuals.Store{Keys: a.Keys}} }

// Trail is a page of the actor's organisation's audit trail, newest first,
// for its loggranskare.
func (s *Service) Trail(ctx context.Context, w *app.Work, f audit.Filter, pr page.Request) (page.Result[audit.Record], error) {
	p := w.Principal()
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.AuditRecord, OwnerOrgID: p.OrgID}); err != nil {
		return page.Result[audit.Record]{}, err
	}
	res, err := audit.List(ctx, w.Tx(), p.OrgID, f, pr)
	if err != nil {
		return res, err
	}
	ids := make([]string, len(res.Items))
	for i, rec := range res.Items {
		ids[i] = rec.ID.String()
	}
	w.Touch(ids...)
	return res, nil
}

// CountTrail counts the records of the trail matching f, up to
// page.MaxCount.
func (s *Service) CountTrail(ctx context.Context, w *app.Work, f audit.Filter) (int, error) {
	p := w.Principal()
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.AuditRecord, OwnerOrgID: p.OrgID}); err != nil {
		return 0, err
	}
	return audit.Count(ctx, w.Tx(), p.OrgID, f)
}

// AccessLog is a page of a person's loggutdrag, newest first. Only the
// person's own municipality keeps it; there, the policy lets its
// loggranskare read it, and the lead of one of the person's cases (the
// relation LEAD). The reading is itself a row of the loggutdrag.
func (s *Service) AccessLog(ctx context.Context, w *app.Work, individualID uuid.UUID, pr page.Request) (page.Result[audit.AccessEntry], error) {
	var none page.Result[audit.AccessEntry]
	if err := requireAccessLogPurpose(w); err != nil {
		return none, err
	}
	ind, err := s.ownIndividual(ctx, w, individualID)
	if err != nil {
		return none, err
	}
	gid := relay.ID(relay.TypeIndividual, ind.ID)
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.AccessLog, OwnerOrgID: ind.OrgID, ID: gid, IndividualID: &ind.ID}); err != nil {
		return none, err
	}
	res, err := audit.AccessLog(ctx, w.Tx(), ind.ID, pr)
	if err != nil {
		return none, err
	}
	w.Touch(gid)
	// The person has a right to know who read their log too.
	w.Accessed(audit.Access{IndividualID: ind.ID, OwnerOrgID: ind.OrgID, ObjectID: relay.ID(relay.TypeAccessLog, ind.ID)})
	return res, nil
}

// CountAccessLog counts a person's loggutdrag rows, up to page.MaxCount,
// under the same rules as AccessLog.
func (s *Service) CountAccessLog(ctx context.Context, w *app.Work, individualID uuid.UUID) (int, error) {
	if err := requireAccessLogPurpose(w); err != nil {
		return 0, err
	}
	ind, err := s.ownIndividual(ctx, w, individualID)
	if err != nil {
		return 0, err
	}
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.AccessLog, OwnerOrgID: ind.OrgID,
		ID: relay.ID(relay.TypeIndividual, ind.ID), IndividualID: &ind.ID}); err != nil {
		return 0, err
	}
	return audit.CountAccessLog(ctx, w.Tx(), ind.ID)
}

// ownIndividual is the person if they are the actor's organisation's.
func (s *Service) ownIndividual(ctx context.Context, w *app.Work, id uuid.UUID) (individuals.Individual, error) {
	found, err := s.people.ByID(ctx, w.Tx(), consent.Scope{Own: true}, []uuid.UUID{id})
	if err != nil {
		return individuals.Individual{}, err
	}
	ind, ok := found[id]
	if !ok {
		return individuals.Individual{}, apperr.NotFoundf("no such individual")
	}
	return ind, nil
}

// requireAccessLogPurpose decides under which purpose the actor reads a
// person's loggutdrag; this is the one place that decides it.
//
// A LOGGRANSKARE reviews logs as their statutory task (following up who
// accessed personal data), not as part of anyone's case: the role acts
// under no samtycke purpose (the policy gives it none, so it could not
// declare one if it tried) and reads without one. The row this reading
// writes into the loggutdrag then has no purpose, and its role,
// LOGGRANSKARE, shows the basis. Anyone else who may read the log (the
// lead of one of the person's cases) reads it as part of their casework,
// and declares why like every other read of personal data: otherwise the
// person's log would show a caseworker reading it for no stated reason.
func requireAccessLogPurpose(w *app.Work) error {
	if w.Principal().Has(identity.Loggranskare) {
		return nil
	}
	_, err := w.RequirePurpose()
	return err
}
