// Package seed loads the demo data set (internal/demo) as the hub's users
// would have written it: the reference data (municipalities,
// organisations, units, förbund, directory entries) is a plain load by the
// operator, with one audit record per organisation saying what was loaded;
// the personal data (people, the case, its parties, the samtycke, the
// items) is written by the demo users through the use cases of
// internal/app/casework and internal/app/samtycke, each step a unit of
// work with its audit record and loggutdrag rows, exactly as the API's
// mutations of the same name would leave them, with operation type cli.
// Höglandet's own routine (Lysekil's FMS, read from the routine shipped
// with the hub) is saved by its förbund administrator from the command
// line (internal/app/routines), and the demo people's cases are moved
// through their förbund's routines by the demo users (screenCase,
// transitionCase), so that their histories are real. Last, the demo users
// tell the story of issue 14 (story.go): tasks, a meeting, a plan, the
// evidence checklist and a repayment, each written by the party whose step
// it is, under the purpose it declares.
//
// Loading twice writes no person, case, party, samtycke, item, routine,
// step of a case's history, task, step of a task's history, meeting,
// attendance, plan, agreement, item of the checklist or repayment twice:
// each step is skipped when what it writes is there (the demo's ids are
// fixed, see internal/platform/ids), a förbund's routine when the förbund
// has one. Each load leaves its reference records again: they say that a
// load ran.
package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/casework"
	appmeetings "github.com/samverkanshub/hub/internal/app/meetings"
	"github.com/samverkanshub/hub/internal/app/plans"
	"github.com/samverkanshub/hub/internal/app/routines"
	"github.com/samverkanshub/hub/internal/app/samtycke"
	apptasks "github.com/samverkanshub/hub/internal/app/tasks"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/logging"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
	"github.com/samverkanshub/hub/internal/routine"
)

// OperationPrefix begins the operation name of every audit record the
// demo seed leaves ("seedDemo: openCase").
const OperationPrefix = "seedDemo: "

// Demo loads the demo data into the database of pool (connected as the
// owner), in the operator's name: keys seal the people's numbers (hub dev
// and the tests use the development keys). It is idempotent.
func Demo(ctx context.Context, pool *pgxpool.Pool, keys *piicrypt.Keys, operator string) error {
	if err := demo.LoadReference(ctx, pool); err != nil {
		return fmt.Errorf("demo reference data: %w", err)
	}
	authorizer, err := authz.New(authz.SamtyckeInForce)
	if err != nil {
		return err
	}
	if err := authorizer.Load(ctx, pool); err != nil {
		return err
	}
	a := &app.App{Pool: pool, Authz: authorizer, Keys: keys}
	if logging.RequestID(ctx) == "" {
		// One id for the whole load: its records belong together.
		ctx = logging.WithRequest(ctx, logging.FromContext(ctx), "seed-demo-"+uuid.NewString())
	}
	for _, r := range demo.References() {
		op := app.Operation{Type: "cli", Name: fmt.Sprintf("%sreference data (the organisation, %d units, %d förbund, %d directory entries)",
			OperationPrefix, r.Units, r.Federations, r.Entries)}
		if err := a.RecordOperation(ctx, app.OperatorActor(r.OrgID, r.Kind, operator), op, r.ObjectIDs...); err != nil {
			return fmt.Errorf("audit record of the demo reference data: %w", err)
		}
	}
	people := casework.New(a)
	taskWork := apptasks.New(vagin.New(a, nil))
	s := &seeder{app: a, operator: operator, casework: people, samtycke: samtycke.New(a, people), routines: routines.New(),
		tasks: taskWork, meetings: appmeetings.New(taskWork), plans: plans.New(), evidence: casework.NewEvidence(people, taskWork)}
	return s.scenario(ctx, demo.TheScenario())
}

type seeder struct {
	app      *app.App
	operator string
	casework *casework.Service
	samtycke *samtycke.Service
	routines *routines.Service
	tasks    *apptasks.Service
	meetings *appmeetings.Service
	plans    *plans.Service
	evidence *casework.Evidence
}

// actor is the demo user login acting from the command line under
// purpose: the user (so that the data says who in the scenario wrote it,
// as it would from the API), with the operator who ran the seed as the
// client.
func (s *seeder) actor(login string, purpose consent.Purpose) (app.Actor, error) {
	p, ok := demo.Principal(login)
	if !ok {
		return app.Actor{}, fmt.Errorf("no demo user %q", login)
	}
	p.Issuer = "hub command line"
	p.ClientID = "cli:" + s.operator
	return s.app.NewActor(p, string(purpose))
}

// step runs one use case as login under the scenario's purpose, in a unit
// of work of its own, with the id it must create (uuid.Nil: it creates
// none), and finishes it with its audit record named after the API's
// mutation.
func (s *seeder) step(ctx context.Context, login, mutation string, id uuid.UUID, do func(context.Context, *app.Work) (uuid.UUID, error)) error {
	return s.stepFor(ctx, login, demo.ScenarioPurpose, mutation, id, presetOf(id), do)
}

// presetOf is the preset of a use case that makes one new row, id
// (uuid.Nil: none).
func presetOf(id uuid.UUID) []uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return []uuid.UUID{id}
}

// stepFor is step under purpose, with the ids the use case's new rows
// take, in the order it makes them (preset; see internal/platform/ids),
// and the id it must return (uuid.Nil: any).
func (s *seeder) stepFor(ctx context.Context, login string, purpose consent.Purpose, mutation string, id uuid.UUID, preset []uuid.UUID,
	do func(context.Context, *app.Work) (uuid.UUID, error)) error {
	actor, err := s.actor(login, purpose)
	if err != nil {
		return err
	}
	return s.stepAs(ctx, actor, login, mutation, id, preset, do)
}

// stepAs is stepFor for an actor other than a demo user (who names it in
// messages).
func (s *seeder) stepAs(ctx context.Context, actor app.Actor, who, mutation string, id uuid.UUID, preset []uuid.UUID,
	do func(context.Context, *app.Work) (uuid.UUID, error)) error {
	w := s.app.Begin(actor)
	if len(preset) > 0 {
		ctx = ids.Preset(ctx, preset...)
	}
	got, err := do(ctx, w)
	if err == nil && id != uuid.Nil && got != id {
		err = fmt.Errorf("%s created %s, not the demo's %s", mutation, got, id)
	}
	op := app.Operation{Type: "cli", Name: OperationPrefix + mutation}
	if err := errors.Join(err, w.Finish(ctx, op, err != nil, "the seed step failed and was rolled back")); err != nil {
		return fmt.Errorf("demo %s as %s: %w", mutation, who, err)
	}
	return nil
}

// scenario writes what of sc is not there yet, in its order.
func (s *seeder) scenario(ctx context.Context, sc demo.Scenario) error {
	want := []uuid.UUID{sc.Case.ID, sc.Samtycke.ID}
	for _, p := range sc.People {
		want = append(want, p.ID)
	}
	for _, it := range sc.Items {
		want = append(want, it.ID)
	}
	present, err := demo.Present(ctx, s.app.Pool, want)
	if err != nil {
		return err
	}
	for _, p := range sc.People {
		if present[p.ID] {
			continue
		}
		err := s.step(ctx, p.Login, "registerIndividual", p.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			ind, err := s.casework.RegisterIndividual(ctx, w, individuals.RegisterInput{
				Personnummer: p.Number, GivenName: p.Given, FamilyName: p.Family, ProtectedIdentity: p.Protected})
			return ind.ID, err
		})
		if err != nil {
			return err
		}
	}
	if c := sc.Case; !present[c.ID] {
		if err := s.open(ctx, c); err != nil {
			return err
		}
	}
	taking, err := demo.ParticipantOrgs(ctx, s.app.Pool, sc.Case.ID)
	if err != nil {
		return err
	}
	for _, pt := range sc.Participants {
		if taking[pt.OrgID] {
			continue
		}
		if err := s.participant(ctx, demo.ScenarioPurpose, sc.Case.ID, pt); err != nil {
			return err
		}
	}
	if c := sc.Samtycke; !present[c.ID] {
		if err := s.record(ctx, demo.ScenarioPurpose, c); err != nil {
			return err
		}
	}
	for _, it := range sc.Items {
		if present[it.ID] {
			continue
		}
		err := s.step(ctx, it.Login, "addCaseItem", it.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			added, err := s.casework.AddItem(ctx, w, cases.NewItem{CaseID: sc.Case.ID, Class: it.Class, Summary: it.Summary})
			return added.ID, err
		})
		if err != nil {
			return err
		}
	}
	for _, a := range sc.Adoptions {
		if err := s.adopt(ctx, a); err != nil {
			return err
		}
	}
	for _, j := range sc.Journeys {
		if err := s.journey(ctx, j); err != nil {
			return err
		}
	}
	return s.story(ctx, sc.Story)
}

// participant adds a party to a case as pt.Login, under purpose.
func (s *seeder) participant(ctx context.Context, purpose consent.Purpose, caseID uuid.UUID, pt demo.Participant) error {
	return s.stepFor(ctx, pt.Login, purpose, pt.Mutation(), uuid.Nil, nil, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
		unit := pt.UnitID
		_, err := s.casework.AddParticipant(ctx, w, cases.NewParticipant{CaseID: caseID, OrgID: pt.OrgID, UnitID: &unit})
		return uuid.Nil, err
	})
}

// record records a samtycke as c.Login, under purpose.
func (s *seeder) record(ctx context.Context, purpose consent.Purpose, c demo.Samtycke) error {
	return s.stepFor(ctx, c.Login, purpose, c.Mutation(), c.ID, presetOf(c.ID), func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
		in, err := consentInput(c)
		if err != nil {
			return uuid.Nil, err
		}
		rec, err := s.samtycke.Record(ctx, w, in)
		return rec.ID, err
	})
}

// adopt saves a förbund's routine following a shipped one, as the
// förbund's administrator from the command line, unless the förbund has a
// routine of its own already.
func (s *seeder) adopt(ctx context.Context, a demo.Adoption) error {
	own, err := routine.OfFederation(ctx, s.app.Pool, a.FederationID)
	if err != nil || len(own) > 0 {
		return err
	}
	templates, err := routine.Templates(ctx, s.app.Pool)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(templates, func(r routine.Routine) bool { return r.Key == a.Template })
	if i < 0 {
		return fmt.Errorf("demo routine of %s: no shipped routine %q; are the migrations applied?", a.Name, a.Template)
	}
	admin := app.CommandLineActor(a.OrgID, a.OrgKind, s.operator, identity.Forbundsadministrator)
	return s.stepAs(ctx, admin, admin.Principal.UserID, "saveRoutine", a.ID, []uuid.UUID{a.ID}, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
		saved, err := s.routines.Save(ctx, w, routine.NewVersion{FederationID: a.FederationID, Key: a.Template, Name: a.Name,
			Definition: templates[i].Definition})
		return saved.ID, err
	})
}

// journey writes what of a person's case and its steps is not there yet:
// each step is skipped when its entry in the case's history (or, for a
// screening that moves nothing, the case's screening) is there.
func (s *seeder) journey(ctx context.Context, j demo.Journey) error {
	want := []uuid.UUID{j.Person.ID, j.Case.ID}
	for _, st := range j.Steps {
		if st.ID != uuid.Nil {
			want = append(want, st.ID)
		}
	}
	present, err := demo.Present(ctx, s.app.Pool, want)
	if err != nil {
		return err
	}
	screened, err := demo.Screened(ctx, s.app.Pool, []uuid.UUID{j.Case.ID})
	if err != nil {
		return err
	}
	if err := s.enter(ctx, j.Person, j.Case, present); err != nil {
		return err
	}
	for _, st := range j.Steps {
		if (st.Answers != nil && screened[j.Case.ID]) || (st.Answers == nil && present[st.ID]) {
			continue
		}
		if err := s.move(ctx, j.Case.Login, demo.ScenarioPurpose, j.Case.ID, st); err != nil {
			return err
		}
	}
	return nil
}

// enter registers a demo person and opens their case, each unless
// present.
func (s *seeder) enter(ctx context.Context, p demo.Person, c demo.Case, present map[uuid.UUID]bool) error {
	if !present[p.ID] {
		err := s.step(ctx, p.Login, "registerIndividual", p.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			ind, err := s.casework.RegisterIndividual(ctx, w, individuals.RegisterInput{
				Personnummer: p.Number, GivenName: p.Given, FamilyName: p.Family, ProtectedIdentity: p.Protected})
			return ind.ID, err
		})
		if err != nil {
			return err
		}
	}
	if !present[c.ID] {
		return s.open(ctx, c)
	}
	return nil
}

// move takes a step of a case's journey as login under purpose: a
// screening (with Answers) or a transition.
func (s *seeder) move(ctx context.Context, login string, purpose consent.Purpose, caseID uuid.UUID, st demo.Step) error {
	if st.Answers != nil {
		return s.stepFor(ctx, login, purpose, st.Mutation(), st.ID, presetOf(st.ID), func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			_, _, closed, err := s.casework.ScreenCase(ctx, w, caseID, st.Answers, nil)
			switch {
			case err != nil:
				return uuid.Nil, err
			case closed == nil:
				return uuid.Nil, nil
			case closed.To != st.To:
				return uuid.Nil, fmt.Errorf("the screening closed the case into %s, not %s", closed.To, st.To)
			}
			return closed.ID, nil
		})
	}
	return s.stepFor(ctx, login, purpose, st.Mutation(), st.ID, presetOf(st.ID), func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
		m := routine.Move{To: st.To, Reason: st.Reason, Parties: st.Parties, Routes: st.Routes, Closure: st.Closure, Wait: st.Wait}
		if st.Forum != "" {
			today, err := w.Today(ctx)
			if err != nil {
				return uuid.Nil, err
			}
			m.Decision = &routine.Decision{Forum: st.Forum, DecidedOn: today}
		}
		_, t, err := s.casework.TransitionCase(ctx, w, caseID, m)
		return t.ID, err
	})
}

// open opens a demo case as its login.
func (s *seeder) open(ctx context.Context, c demo.Case) error {
	return s.step(ctx, c.Login, "openCase", c.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
		lead, name := c.Login, c.LeadName
		opened, err := s.casework.OpenCase(ctx, w, cases.OpenInput{IndividualID: c.IndividualID, FederationID: c.FederationID,
			LeadUserID: &lead, LeadName: &name, SGI: cases.SGI(c.SGI), AFStatus: cases.AFStatus(c.AFStatus),
			OnForsorjningsstod: c.OnForsorjningsstod, HealthObstacle: c.HealthObstacle, CareContact: c.CareContact})
		return opened.ID, err
	})
}

func consentInput(c demo.Samtycke) (consent.Input, error) {
	from, err := time.Parse(time.DateOnly, c.ValidFrom)
	if err != nil {
		return consent.Input{}, err
	}
	until, err := time.Parse(time.DateOnly, c.ValidUntil)
	if err != nil {
		return consent.Input{}, err
	}
	form := c.FormReference
	purposes := c.Purposes
	if purposes == nil {
		purposes = []consent.Purpose{demo.ScenarioPurpose}
	}
	return consent.Input{IndividualID: c.IndividualID, Kind: consent.OSL, Purposes: purposes,
		GivenBy: consent.GivenByPerson, ValidFrom: from, ValidUntil: until, Evidence: consent.Written,
		FormReference: &form, RequestedByOrgID: c.RequestedBy, Grants: c.Grants}, nil
}
