package app_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/auditreview"
	"github.com/samverkanshub/hub/internal/app/casework"
	"github.com/samverkanshub/hub/internal/app/orgs"
	"github.com/samverkanshub/hub/internal/app/routines"
	"github.com/samverkanshub/hub/internal/app/samtycke"
	"github.com/samverkanshub/hub/internal/app/seed"
	apptasks "github.com/samverkanshub/hub/internal/app/tasks"
	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// demoTemplate is the demo data of `hub dev`, loaded once per test run
// (the GraphQL tests share it by name).
var demoTemplate = &pgtest.Template{Name: "demo", Seed: func(ctx context.Context, pool *pgxpool.Pool) error {
	return seed.Demo(ctx, pool, demo.DevKeys(), "test")
}}

// env is the application over a fresh database with the demo data, as
// hub_app (row-level security applies), with every service.
type env struct {
	t           *testing.T
	db          *pgtest.DB
	app         *app.App
	casework    *casework.Service
	samtycke    *samtycke.Service
	auditreview *auditreview.Service
	vagin       *vagin.Service
	orgs        *orgs.Service
	routines    *routines.Service
	tasks       *apptasks.Service
}

func setup(t *testing.T) *env {
	t.Helper()
	d := pgtest.NewDatabaseFrom(t, demoTemplate)
	authorizer, err := authz.New(authz.SamtyckeInForce)
	require.NoError(t, err)
	jobs, err := timers.NewInserter(d.AppPool)
	require.NoError(t, err)
	a := &app.App{Pool: d.AppPool, Authz: authorizer, Keys: demo.DevKeys(), StatementTimeout: 5 * time.Second, Jobs: jobs}
	people := casework.New(a)
	directory := vagin.New(a, nil)
	return &env{t: t, db: d, app: a, casework: people, samtycke: samtycke.New(a, people),
		auditreview: auditreview.New(a), vagin: directory, orgs: orgs.New(), routines: routines.New(), tasks: apptasks.New(directory)}
}

// actor is a demo user acting under purpose ("" for none).
func (e *env) actor(login string, purpose consent.Purpose) app.Actor {
	e.t.Helper()
	p, ok := demo.Principal(login)
	require.True(e.t, ok, login)
	a, err := e.app.NewActor(p, string(purpose))
	require.NoError(e.t, err)
	return a
}

// do runs one use case in a unit of work of its own and finishes it as
// the transport would (a failed change is rolled back); it returns the
// use case's error.
func (e *env) do(actor app.Actor, op string, useCase func(ctx context.Context, w *app.Work) error) error {
	e.t.Helper()
	ctx := context.Background()
	w := e.app.Begin(actor)
	err := useCase(ctx, w)
	require.NoError(e.t, w.Finish(ctx, app.Operation{Type: "mutation", Name: op}, err != nil, "the operation failed and was rolled back"))
	return err
}

// record is the newest audit record of op by the actor's user.
type record struct {
	Decision  string
	Reason    *string
	Purpose   *string
	ObjectIDs []string
	ConsentID *uuid.UUID
}

func (e *env) lastRecord(actor app.Actor, op string) (record, bool) {
	e.t.Helper()
	var r record
	err := e.db.Pool.QueryRow(context.Background(), `SELECT decision, reason, purpose, object_ids, consent_id FROM audit_records
		WHERE org_id = $1 AND user_id = $2 AND operation_name = $3 ORDER BY at DESC, lane DESC, seq DESC LIMIT 1`,
		actor.Principal.OrgID, actor.Principal.UserID, op).Scan(&r.Decision, &r.Reason, &r.Purpose, &r.ObjectIDs, &r.ConsentID)
	if err != nil {
		return record{}, false
	}
	return r, true
}

// loggutdrag counts the rows of op by the actor's user in a person's
// loggutdrag.
func (e *env) loggutdrag(actor app.Actor, op string, individual uuid.UUID) int {
	e.t.Helper()
	var n int
	require.NoError(e.t, e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM personal_data_access
		WHERE individual_id = $1 AND user_id = $2 AND operation = $3`, individual, actor.Principal.UserID, op).Scan(&n))
	return n
}

// Factories: people, cases and samtycken made through the use cases.

var serial atomic.Int32

// person registers a fresh person of the actor's municipality.
func (e *env) person(actor app.Actor) individuals.Individual {
	e.t.Helper()
	nine := fmt.Sprintf("660606%03d", 100+serial.Add(1))
	number := nine + fmt.Sprint(personnummer.CheckDigit(nine))
	var ind individuals.Individual
	require.NoError(e.t, e.do(actor, "registerIndividual", func(ctx context.Context, w *app.Work) (err error) {
		ind, err = e.casework.RegisterIndividual(ctx, w, individuals.RegisterInput{Personnummer: number, GivenName: "Test", FamilyName: "Person"})
		return err
	}))
	return ind
}

// openCase opens a case for ind in Samspelet.
func (e *env) openCase(actor app.Actor, ind individuals.Individual) cases.Case {
	e.t.Helper()
	var c cases.Case
	require.NoError(e.t, e.do(actor, "openCase", func(ctx context.Context, w *app.Work) (err error) {
		c, err = e.casework.OpenCase(ctx, w, cases.OpenInput{IndividualID: ind.ID, FederationID: demo.ID("federation/samspelet"),
			SGI: cases.SGINo, OnForsorjningsstod: true, HealthObstacle: true, CareContact: true, AFStatus: cases.AFStatusUnknown})
		return err
	}))
	return c
}

// share records a samtycke sharing ind with the grantee organisation for
// classes under SAMORDNAD_REHABILITERING.
func (e *env) share(actor app.Actor, ind individuals.Individual, grantee string, classes ...consent.Class) consent.Consent {
	e.t.Helper()
	var c consent.Consent
	witness := "Sara Lindqvist"
	require.NoError(e.t, e.do(actor, "recordConsent", func(ctx context.Context, w *app.Work) (err error) {
		c, err = e.samtycke.Record(ctx, w, consent.Input{IndividualID: ind.ID, Kind: consent.OSL, Purposes: []consent.Purpose{consent.SamordnadRehabilitering},
			GivenBy: consent.GivenByPerson, ValidFrom: time.Now().AddDate(0, 0, -1), ValidUntil: time.Now().AddDate(1, 0, 0),
			Evidence: consent.Oral, WitnessedBy: &witness, RequestedByOrgID: demo.ID("org/" + grantee),
			Grants: []consent.Grant{{OrgID: demo.ID("org/" + grantee), Classes: classes}}})
		return err
	}))
	return c
}

// code is the application error code of err ("" for none).
func code(err error) string {
	if err == nil {
		return ""
	}
	return string(apperr.CodeOf(err))
}
