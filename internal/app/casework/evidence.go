package casework

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	apptasks "github.com/samverkanshub/hub/internal/app/tasks"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Evidence is the checklist of the underlag behind an application for
// sjuk- or aktivitetsersättning (docs/evidence.md): the case's
// municipality keeps it, asks the parties for what is missing through
// tasks, and records what arrived or why the application goes without it.
type Evidence struct {
	cases *Service
	tasks *apptasks.Service
}

// NewEvidence returns the use cases of the checklist.
func NewEvidence(cw *Service, t *apptasks.Service) *Evidence { return &Evidence{cases: cw, tasks: t} }

// Checklists lists, per case, the items of its checklist the actor may
// see (every kind for the case's municipality; for another party the kinds
// whose class a samtycke in force shares with it), noting a read of each
// case's (object CaseEvidence:<case>) under the samtycke that let it see
// the first item.
func (e *Evidence) Checklists(ctx context.Context, w *app.Work, caseIDs []uuid.UUID) (map[uuid.UUID][]evidence.Item, error) {
	found, err := evidence.Of(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), caseIDs)
	if err != nil {
		return nil, err
	}
	for _, items := range found {
		if len(items) > 0 {
			w.Accessed(evidenceAccess(items[0], false))
		}
	}
	return found, nil
}

// Request asks the party that holds an item for it, with a task of the
// item's kind (FRAGA_MEDICINSKT_UNDERLAG to the vårdcentral for the
// läkarutlåtande and the sick-leave history, BEGARAN_GEMENSAM_KARTLAGGNING
// to Arbetsförmedlingen for its record of the rehabilitation tried), sent
// exactly as createTask sends it (routing, samtycke, due date, audit), and
// records the item as REQUESTED with that task. The socialtjänst's own
// statement is written, not asked for.
func (e *Evidence) Request(ctx context.Context, w *app.Work, caseID uuid.UUID, kind evidence.Kind, body string) (cases.Case, tasks.Task, error) {
	c, _, err := e.cases.caseToMove(ctx, w, caseID)
	if err != nil {
		return cases.Case{}, tasks.Task{}, err
	}
	spec, ok := evidence.SpecOf(kind)
	switch {
	case !ok:
		return c, tasks.Task{}, apperr.Invalidf("kind: unknown evidence kind %q", kind)
	case spec.Task == "":
		return c, tasks.Task{}, apperr.Invalidf("kind: %s is the municipality's own: record it with recordEvidence", kind)
	}
	holder := spec.Holder
	in := tasks.NewTask{Kind: spec.Task, CaseID: &c.ID, OrganizationKind: &holder, Classes: []consent.Class{consent.KommunPlanering},
		Subject: "Underlag till ansökan om sjuk- eller aktivitetsersättning: " + label(kind), Body: strings.TrimSpace(body)}
	t, err := e.tasks.Create(ctx, w, in)
	if err != nil {
		return c, tasks.Task{}, err
	}
	rec := evidence.Record{Kind: kind, Status: evidence.Requested, TaskID: &t.ID, HolderOrgID: &t.RecipientOrgID}
	if err := evidence.Save(ctx, w.Tx(), evidenceAuthor(w), c.ID, rec); err != nil {
		return c, tasks.Task{}, err
	}
	w.Accessed(audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID, ObjectID: relay.ID(relay.TypeCaseEvidence, c.ID), Write: true})
	return c, t, nil
}

// Record notes an item of the case's checklist as received (when, and
// who holds it) or waived (the lead's reason why the application goes
// without it). Only the case's municipality keeps the checklist.
func (e *Evidence) Record(ctx context.Context, w *app.Work, caseID uuid.UUID, r evidence.Record) (cases.Case, error) {
	c, _, err := e.cases.caseToMove(ctx, w, caseID)
	if err != nil {
		return cases.Case{}, err
	}
	today, err := w.Today(ctx)
	if err != nil {
		return c, err
	}
	bad := r.Problems(today)
	if r.Status == evidence.Requested {
		bad = append(bad, "status: ask for it with requestEvidence")
	}
	if r.HolderOrgID != nil {
		orgs, err := tenancy.OrganizationsByID(ctx, w.Tx(), []uuid.UUID{*r.HolderOrgID})
		if err != nil {
			return c, err
		}
		if _, ok := orgs[*r.HolderOrgID]; !ok {
			bad = append(bad, "heldBy: no such organisation")
		}
	}
	if len(bad) > 0 {
		return c, apperr.Invalidf("the evidence cannot be recorded: %s", strings.Join(bad, "; "))
	}
	if err := evidence.Save(ctx, w.Tx(), evidenceAuthor(w), c.ID, r); err != nil {
		return c, err
	}
	w.Accessed(audit.Access{IndividualID: c.IndividualID, OwnerOrgID: c.OrgID, ObjectID: relay.ID(relay.TypeCaseEvidence, c.ID), Write: true})
	return c, nil
}

func label(k evidence.Kind) string {
	switch k {
	case evidence.Lakarutlatande:
		return "läkarutlåtande (diagnos, funktionsnedsättning, aktivitetsbegränsning)"
	case evidence.AFRehabilitering:
		return "dokumentation av prövad arbetslivsinriktad rehabilitering"
	case evidence.Sjukskrivningshistorik:
		return "sjukskrivningshistorik"
	}
	return string(k)
}

func evidenceAuthor(w *app.Work) evidence.Author {
	p := w.Principal()
	return evidence.Author{UnitID: p.UnitID, UserID: p.UserID}
}

func evidenceAccess(it evidence.Item, write bool) audit.Access {
	return audit.Access{IndividualID: it.IndividualID, OwnerOrgID: it.OrgID,
		ObjectID: relay.ID(relay.TypeCaseEvidence, it.CaseID), ConsentID: it.ConsentID, Write: write}
}

// evidenceOpen names the items of the case's checklist neither received
// nor waived, for the guard EVIDENCE_COMPLETE (read as the case's owner).
func evidenceOpen(ctx context.Context, w *app.Work, caseID uuid.UUID) ([]string, error) {
	found, err := evidence.Of(ctx, w.Tx(), consent.Scope{Own: true}, []uuid.UUID{caseID})
	if err != nil {
		return nil, fmt.Errorf("evidence guard: %w", err)
	}
	return evidence.Open(found[caseID]), nil
}
