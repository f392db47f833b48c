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
// transitionCase), so that their histories are real.
//
// Loading twice writes no person, case, party, samtycke, item, routine or
// step of a case's history twice: each step is skipped when what it writes
// is there (the demo's ids are fixed, see internal/platform/ids), a
// förbund's routine when the förbund has one. Each load leaves its
// reference records again: they say that a load ran.
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
	"github.com/samverkanshub/hub/internal/app/routines"
	"github.com/samverkanshub/hub/internal/app/samtycke"
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
	s := &seeder{app: a, operator: operator, casework: people, samtycke: samtycke.New(a, people), routines: routines.New()}
	return s.scenario(ctx, demo.TheScenario())
}

type seeder struct {
	app      *app.App
	operator string
	casework *casework.Service
	samtycke *samtycke.Service
	routines *routines.Service
}

// actor is the demo user login acting from the command line: the user
// (so that the data says who in the scenario wrote it, as it would from
// the API), with the operator who ran the seed as the client.
func (s *seeder) actor(login string) (app.Actor, error) {
	p, ok := demo.Principal(login)
	if !ok {
		return app.Actor{}, fmt.Errorf("no demo user %q", login)
	}
	p.Issuer = "hub command line"
	p.ClientID = "cli:" + s.operator
	return s.app.NewActor(p, string(demo.ScenarioPurpose))
}

// step runs one use case as login, in a unit of work of its own, with the
// id it must create (uuid.Nil: it creates none), and finishes it with its
// audit record named after the API's mutation.
func (s *seeder) step(ctx context.Context, login, mutation string, id uuid.UUID, do func(context.Context, *app.Work) (uuid.UUID, error)) error {
	actor, err := s.actor(login)
	if err != nil {
		return err
	}
	return s.stepAs(ctx, actor, login, mutation, id, do)
}

// stepAs is step for an actor other than a demo user (who names it in
// messages).
func (s *seeder) stepAs(ctx context.Context, actor app.Actor, who, mutation string, id uuid.UUID, do func(context.Context, *app.Work) (uuid.UUID, error)) error {
	w := s.app.Begin(actor)
	if id != uuid.Nil {
		ctx = ids.Preset(ctx, id)
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
		err := s.step(ctx, pt.Login, "addCaseParticipant", uuid.Nil, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			unit := pt.UnitID
			_, err := s.casework.AddParticipant(ctx, w, cases.NewParticipant{CaseID: sc.Case.ID, OrgID: pt.OrgID, UnitID: &unit})
			return uuid.Nil, err
		})
		if err != nil {
			return err
		}
	}
	if c := sc.Samtycke; !present[c.ID] {
		err := s.step(ctx, c.Login, "recordConsent", c.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			in, err := consentInput(c)
			if err != nil {
				return uuid.Nil, err
			}
			rec, err := s.samtycke.Record(ctx, w, in)
			return rec.ID, err
		})
		if err != nil {
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
	return nil
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
	return s.stepAs(ctx, admin, admin.Principal.UserID, "saveRoutine", a.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
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
	if p := j.Person; !present[p.ID] {
		err := s.step(ctx, p.Login, "registerIndividual", p.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			ind, err := s.casework.RegisterIndividual(ctx, w, individuals.RegisterInput{
				Personnummer: p.Number, GivenName: p.Given, FamilyName: p.Family, ProtectedIdentity: p.Protected})
			return ind.ID, err
		})
		if err != nil {
			return err
		}
	}
	if c := j.Case; !present[c.ID] {
		if err := s.open(ctx, c); err != nil {
			return err
		}
	}
	for _, st := range j.Steps {
		if st.Answers != nil {
			if screened[j.Case.ID] {
				continue
			}
			err := s.step(ctx, j.Case.Login, "screenCase", st.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
				_, _, closed, err := s.casework.ScreenCase(ctx, w, j.Case.ID, st.Answers, nil)
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
			if err != nil {
				return err
			}
			continue
		}
		if present[st.ID] {
			continue
		}
		err := s.step(ctx, j.Case.Login, "transitionCase", st.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			m := routine.Move{To: st.To, Reason: st.Reason, Routes: st.Routes, Closure: st.Closure}
			if st.Forum != "" {
				today, err := w.Today(ctx)
				if err != nil {
					return uuid.Nil, err
				}
				m.Decision = &routine.Decision{Forum: st.Forum, DecidedOn: today}
			}
			_, t, err := s.casework.TransitionCase(ctx, w, j.Case.ID, m)
			return t.ID, err
		})
		if err != nil {
			return err
		}
	}
	return nil
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
	return consent.Input{IndividualID: c.IndividualID, Kind: consent.OSL, Purposes: []consent.Purpose{demo.ScenarioPurpose},
		GivenBy: consent.GivenByPerson, ValidFrom: from, ValidUntil: until, Evidence: consent.Written,
		FormReference: &form, RequestedByOrgID: c.RequestedBy, Grants: c.Grants}, nil
}
