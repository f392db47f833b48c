// Package seed loads the demo data set (internal/demo) as the hub's users
// would have written it: the reference data (municipalities,
// organisations, units, förbund, directory entries) is a plain load by the
// operator, with one audit record per organisation saying what was loaded;
// the personal data (people, the case, its parties, the samtycke, the
// items) is written by the demo users through the use cases of
// internal/app/casework and internal/app/samtycke, each step a unit of
// work with its audit record and loggutdrag rows, exactly as the API's
// mutations of the same name would leave them, with operation type cli.
//
// Loading twice writes no person, case, party, samtycke or item twice:
// each step is skipped when what it writes is there (the demo's ids are
// fixed, see internal/platform/ids). Each load leaves its reference
// records again: they say that a load ran.
package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/casework"
	"github.com/samverkanshub/hub/internal/app/samtycke"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/logging"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
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
	s := &seeder{app: a, operator: operator, casework: people, samtycke: samtycke.New(a, people)}
	return s.scenario(ctx, demo.TheScenario())
}

type seeder struct {
	app      *app.App
	operator string
	casework *casework.Service
	samtycke *samtycke.Service
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
		return fmt.Errorf("demo %s as %s: %w", mutation, login, err)
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
		err := s.step(ctx, c.Login, "openCase", c.ID, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			lead, name := c.Login, c.LeadName
			opened, err := s.casework.OpenCase(ctx, w, cases.OpenInput{IndividualID: c.IndividualID, FederationID: c.FederationID,
				LeadUserID: &lead, LeadName: &name, SGI: cases.SGI(c.SGI), AFStatus: cases.AFStatus(c.AFStatus),
				OnForsorjningsstod: c.OnForsorjningsstod, HealthObstacle: c.HealthObstacle, CareContact: c.CareContact})
			return opened.ID, err
		})
		if err != nil {
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
	return nil
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
