// Package plans holds the use cases of SIP and SAMSIP plans: the case
// owner, or a party a samtycke for the purpose SIP names, draws up the
// person's plan in a case and revises it (each change a new version), the
// person's agreement to a version is recorded, and every party named
// reads the plan with the insatser the sharing rule shows it. Every method
// runs in the caller's unit of work, in the lawful order: purpose,
// authorization, the domain call, and the notes for the audit record and
// the person's loggutdrag.
package plans

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/sip"
)

// Service is the plan work of one hub.
type Service struct{}

// New returns the service.
func New() *Service { return &Service{} }

// requireSIP is the declared purpose, which must be SIP: a plan is read
// and written only for the purpose it was consented to.
func requireSIP(w *app.Work) error {
	purpose, err := w.RequirePurpose()
	if err != nil {
		return err
	}
	if purpose != consent.Purpose("SIP") {
		return apperr.Invalidf("plans are read and written under the purpose SIP: declare %s: SIP (this request declared %s)", app.PurposeField, purpose)
	}
	return nil
}

// OfCases lists, per case, the plans of the cases the actor sees, noting
// each read.
func (s *Service) OfCases(ctx context.Context, w *app.Work, caseIDs []uuid.UUID) (map[uuid.UUID][]sip.Plan, error) {
	if err := requireSIP(w); err != nil {
		return nil, err
	}
	found, err := sip.OfCases(ctx, w.Tx(), w.Scope(authz.Read, authz.SipPlan), caseIDs)
	if err != nil {
		return nil, err
	}
	for _, list := range found {
		for _, p := range list {
			w.Accessed(access(p, false))
		}
	}
	return found, nil
}

// Versions lists, per plan, every version of the plans the actor sees,
// newest first, each with the insatser the sharing rule shows the actor,
// noting each read.
func (s *Service) Versions(ctx context.Context, w *app.Work, planIDs []uuid.UUID) (map[uuid.UUID][]sip.Version, error) {
	if err := requireSIP(w); err != nil {
		return nil, err
	}
	scope := w.Scope(authz.Read, authz.SipPlan)
	visible, err := sip.ByID(ctx, w.Tx(), scope, planIDs)
	if err != nil {
		return nil, err
	}
	ids := make([]uuid.UUID, 0, len(visible))
	for id, p := range visible {
		ids = append(ids, id)
		w.Accessed(access(p, false))
	}
	return sip.Versions(ctx, w.Tx(), scope, ids)
}

// Create draws up the first version of a plan of kind in a case the actor
// sees: the case owner, or a party a samtycke for the purpose SIP names.
// Each party the plan names (huvudman, overall responsibility) must be
// named by a samtycke in force for SIP; a party other than the owner
// writes only insatser of its own or of classes shared with it.
func (s *Service) Create(ctx context.Context, w *app.Work, caseID uuid.UUID, kind sip.Kind, c sip.Content) (sip.Plan, error) {
	if err := requireSIP(w); err != nil {
		return sip.Plan{}, err
	}
	cs, err := w.VisibleCase(ctx, caseID)
	if err != nil {
		return sip.Plan{}, err
	}
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.SipPlan, OwnerOrgID: cs.OrgID,
		ID: relay.ID(relay.TypeCase, cs.ID), IndividualID: &cs.IndividualID}); err != nil {
		return sip.Plan{}, notFound(err, "no such case")
	}
	if !slices.Contains(sip.Kinds, kind) {
		return sip.Plan{}, apperr.Invalidf("kind: one of SIP, SAMSIP")
	}
	subject := sip.Subject{CaseID: cs.ID, OrgID: cs.OrgID, IndividualID: cs.IndividualID}
	if c, err = s.check(ctx, w, subject, kind, c, nil); err != nil {
		return sip.Plan{}, err
	}
	id := ids.New(ctx)
	if err := sip.Create(ctx, w.Tx(), id, subject, kind, w.Principal().UnitID, c); err != nil {
		return sip.Plan{}, err
	}
	return s.written(ctx, w, id)
}

// Revise writes the next version of a plan the actor sees, if expected is
// still its current version (CONFLICT otherwise). The content's insatser
// are those the actor sees; the revised version's insatser the actor
// cannot see are kept unchanged.
func (s *Service) Revise(ctx context.Context, w *app.Work, planID uuid.UUID, expected int, c sip.Content) (sip.Plan, error) {
	if err := requireSIP(w); err != nil {
		return sip.Plan{}, err
	}
	p, err := s.visible(ctx, w, planID)
	if err != nil {
		return sip.Plan{}, err
	}
	if err := w.Allow(ctx, authz.Update, object(p)); err != nil {
		return sip.Plan{}, notFound(err, "no such plan")
	}
	if expected != p.CurrentVersion {
		return sip.Plan{}, apperr.Errorf(apperr.Conflict, "expectedVersion: the plan is at version %d, not %d; read it again and revise that", p.CurrentVersion, expected)
	}
	if p.CurrentVersion >= sip.MaxVersions {
		return sip.Plan{}, apperr.Errorf(apperr.Conflict, "expectedVersion: a plan holds at most %d versions, and this one has them all", sip.MaxVersions)
	}
	subject := sip.Subject{CaseID: p.CaseID, OrgID: p.OrgID, IndividualID: p.IndividualID}
	if c, err = s.check(ctx, w, subject, p.Kind, c, &p); err != nil {
		return sip.Plan{}, err
	}
	if _, err := sip.Revise(ctx, w.Tx(), p, expected, w.Principal().UnitID, c); err != nil {
		return sip.Plan{}, err
	}
	return s.written(ctx, w, p.ID)
}

// RecordAgreement records the person's agreement to a version of a plan
// the actor sees (how: WRITTEN or ORAL), once per version.
func (s *Service) RecordAgreement(ctx context.Context, w *app.Work, planID uuid.UUID, version int, how string, note *string) (sip.Plan, error) {
	if err := requireSIP(w); err != nil {
		return sip.Plan{}, err
	}
	p, err := s.visible(ctx, w, planID)
	if err != nil {
		return sip.Plan{}, err
	}
	if err := w.Allow(ctx, authz.Update, object(p)); err != nil {
		return sip.Plan{}, notFound(err, "no such plan")
	}
	if note != nil {
		trimmed := strings.TrimSpace(*note)
		note = &trimmed
	}
	var bad []string
	if version < 1 || version > p.CurrentVersion {
		bad = append(bad, fmt.Sprintf("version: the plan has versions 1 to %d", p.CurrentVersion))
	}
	if how != "WRITTEN" && how != "ORAL" {
		bad = append(bad, "how: WRITTEN or ORAL")
	}
	if note != nil && (*note == "" || len([]rune(*note)) > 1000) {
		bad = append(bad, "note: 1 to 1000 characters, or none")
	}
	if len(bad) > 0 {
		return sip.Plan{}, apperr.Invalidf("the agreement cannot be recorded: %s", strings.Join(bad, "; "))
	}
	if w.Principal().OrgID == p.OrgID {
		if err := requireOwnerSamtycke(ctx, w, p.IndividualID, p.CaseID); err != nil {
			return sip.Plan{}, err
		}
	}
	if err := sip.RecordAgreement(ctx, w.Tx(), p, version, how, note); err != nil {
		return sip.Plan{}, err
	}
	w.Touch(relay.ID(relay.TypePlan, p.ID))
	w.Accessed(access(p, true))
	return p, nil
}

// check validates the content, trimmed (naming every problem with its
// field), gives each insats without a class its huvudman's class for
// insatser, and checks that a samtycke for SIP names every party the plan
// names and that the actor may write each insats. revising is the plan
// revised (nil for a new one): a party that does not own the case names
// only itself and the parties the revised version shows it, so that it
// never learns from the answer whom else the samtycke names.
func (s *Service) check(ctx context.Context, w *app.Work, subject sip.Subject, kind sip.Kind, c sip.Content, revising *sip.Plan) (sip.Content, error) {
	c = c.Trimmed()
	parties := c.Parties()
	orgIDs := make([]uuid.UUID, 0, len(parties))
	var unitIDs []uuid.UUID
	for _, p := range parties {
		orgIDs = append(orgIDs, p.OrgID)
		if p.UnitID != uuid.Nil {
			unitIDs = append(unitIDs, p.UnitID)
		}
	}
	kinds, err := sip.OrgKinds(ctx, w.Tx(), orgIDs)
	if err != nil {
		return c, err
	}
	unitOrgs, err := sip.UnitOrgs(ctx, w.Tx(), unitIDs)
	if err != nil {
		return c, err
	}
	today, err := w.Today(ctx)
	if err != nil {
		return c, err
	}
	bad := c.Problems(kind, kinds, unitOrgs, today)
	if len(bad) > 0 {
		return c, apperr.Invalidf("the plan cannot be saved: %s", strings.Join(bad, "; "))
	}
	insatser := make([]sip.NewInsats, len(c.Insatser))
	for i, in := range c.Insatser {
		if in.Class == nil {
			class, _ := sip.DefaultClass(kinds[in.HuvudmanOrgID])
			in.Class = &class
		}
		insatser[i] = in
	}
	c.Insatser = insatser

	me, myUnit := w.Principal().OrgID, w.Principal().UnitID
	owner := me == subject.OrgID
	shown := map[sip.Party]bool{}
	var plan *uuid.UUID
	if owner {
		if err := requireOwnerSamtycke(ctx, w, subject.IndividualID, subject.CaseID); err != nil {
			return c, err
		}
	} else {
		shared, err := cases.SharedClasses(ctx, w.Tx(), []uuid.UUID{subject.IndividualID})
		if err != nil {
			return c, err
		}
		for i, in := range c.Insatser {
			if !in.OwnedBy(me, myUnit) && !slices.Contains(shared[subject.IndividualID], *in.Class) {
				bad = append(bad, fmt.Sprintf("insatser[%d]: an insats of another party whose class (%s) no samtycke shares with you; the case owner or the huvudman writes it", i, *in.Class))
			}
		}
		if revising != nil {
			plan = &revising.ID
			if shown, err = sip.PartiesShown(ctx, w.Tx(), w.Scope(authz.Read, authz.SipPlan), revising.ID, revising.CurrentVersion); err != nil {
				return c, err
			}
		}
	}
	for _, p := range parties {
		if p.OrgID == subject.OrgID {
			continue
		}
		if !owner && p.OrgID != me && !shown[p] {
			bad = append(bad, fmt.Sprintf("%s: only the case owner names a party the plan does not name yet", fieldOf(c, p)))
			continue
		}
		id, err := sip.NamedForSIP(ctx, w.Tx(), subject.IndividualID, p, plan)
		if err != nil {
			return c, err
		}
		if id == nil {
			bad = append(bad, fmt.Sprintf("%s: no samtycke in force for the purpose SIP names the organisation %s%s", fieldOf(c, p), p.OrgID, unitText(p)))
		}
	}
	if len(bad) > 0 {
		return c, apperr.Invalidf("the plan cannot be saved: %s", strings.Join(bad, "; "))
	}
	return c, nil
}

// requireOwnerSamtycke refuses the case owner's write (FORBIDDEN, and a
// denial in the audit trail) unless a samtycke for SIP of its own, a
// secrecy waiver, is in force for the person.
func requireOwnerSamtycke(ctx context.Context, w *app.Work, individualID, caseID uuid.UUID) error {
	id, err := sip.OwnerSIPSamtycke(ctx, w.Tx(), individualID)
	if err != nil {
		return err
	}
	if id == nil {
		w.Deny("no samtycke in force for the purpose SIP", relay.ID(relay.TypeCase, caseID))
		return apperr.New(apperr.Forbidden, "the person has no samtycke in force for the purpose SIP: record one before the plan")
	}
	return nil
}

// fieldOf names the first field of c that names the party p.
func fieldOf(c sip.Content, p sip.Party) string {
	same := func(org uuid.UUID, unit *uuid.UUID) bool {
		return org == p.OrgID && ((unit == nil && p.UnitID == uuid.Nil) || (unit != nil && *unit == p.UnitID))
	}
	if same(c.OverallOrgID, c.OverallUnitID) {
		return "overallResponsibilityOrganizationId"
	}
	for i, in := range c.Insatser {
		if same(in.HuvudmanOrgID, in.HuvudmanUnitID) {
			return fmt.Sprintf("insatser[%d].huvudmanOrganizationId", i)
		}
	}
	return "parties"
}

func unitText(p sip.Party) string {
	if p.UnitID == uuid.Nil {
		return ""
	}
	return " (unit " + p.UnitID.String() + ")"
}

// visible is the plan id if the actor sees it; NOT_FOUND otherwise,
// exactly as if it did not exist.
func (s *Service) visible(ctx context.Context, w *app.Work, id uuid.UUID) (sip.Plan, error) {
	found, err := sip.ByID(ctx, w.Tx(), w.Scope(authz.Read, authz.SipPlan), []uuid.UUID{id})
	if err != nil {
		return sip.Plan{}, err
	}
	p, ok := found[id]
	if !ok {
		w.Deny("no such plan", relay.ID(relay.TypePlan, id))
		return sip.Plan{}, apperr.NotFoundf("no such plan")
	}
	return p, nil
}

// written reads back the plan just written and notes the write.
func (s *Service) written(ctx context.Context, w *app.Work, id uuid.UUID) (sip.Plan, error) {
	p, err := s.visible(ctx, w, id)
	if err != nil {
		return sip.Plan{}, err
	}
	w.Touch(relay.ID(relay.TypePlan, p.ID))
	w.Accessed(access(p, true))
	return p, nil
}

// notFound hides a refusal on something the actor would otherwise learn
// exists.
func notFound(err error, msg string) error {
	if apperr.CodeOf(err) == apperr.Forbidden {
		return apperr.NotFoundf("%s", msg)
	}
	return err
}

func object(p sip.Plan) authz.Object {
	return authz.Object{Kind: authz.SipPlan, OwnerOrgID: p.OrgID, ID: relay.ID(relay.TypePlan, p.ID), IndividualID: &p.IndividualID}
}

func access(p sip.Plan, write bool) audit.Access {
	return audit.Access{IndividualID: p.IndividualID, OwnerOrgID: p.OrgID, ObjectID: relay.ID(relay.TypePlan, p.ID),
		ConsentID: p.ConsentID, Write: write}
}
