package app_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/tenancy"
)

var inTargetGroup = map[string]bool{"SGI_SAKNAS": true, "FORSORJNINGSSTOD": true, "SJUKSKRIVEN_ELLER_OHALSA": true, "MISSBRUK": false}

// Moving a case: who asks and why decides; every attempt is audited,
// a step taken is a WRITE row of the person's loggutdrag, and a refused
// or failed one leaves nothing of the case changed.
func TestCasework_TransitionCase(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	ind := e.person(soc)
	c := e.openCase(soc, ind)
	e.share(soc, ind, "fk", consent.KommunPlanering)
	require.Equal(t, routine.Identifierad, c.State)

	screen := func(actor app.Actor) error {
		return e.do(actor, "screenCase", func(ctx context.Context, w *app.Work) error {
			_, _, _, err := e.casework.ScreenCase(ctx, w, c.ID, inTargetGroup, nil)
			return err
		})
	}
	move := func(actor app.Actor, m routine.Move) error {
		return e.do(actor, "transitionCase", func(ctx context.Context, w *app.Work) error {
			_, _, err := e.casework.TransitionCase(ctx, w, c.ID, m)
			return err
		})
	}
	for _, tc := range []struct {
		name, login string
		purpose     consent.Purpose
		op          string
		run         func(app.Actor) error
		code        string
		decision    string // of the audit record; "" for none
		wrote       bool   // a WRITE row of the loggutdrag
	}{
		{"FK sees the case but may not move it", "ph.fk", rehab, "transitionCase", func(a app.Actor) error { return move(a, routine.Move{To: routine.Screenad}) }, "FORBIDDEN", "DENIED", false},
		{"AF does not see it", "af.karlstad", rehab, "transitionCase", func(a app.Actor) error { return move(a, routine.Move{To: routine.Screenad}) }, "NOT_FOUND", "", false},
		{"no purpose declared", "soc.karlstad", "", "transitionCase", func(a app.Actor) error { return move(a, routine.Move{To: routine.Screenad}) }, "BAD_USER_INPUT", "", false},
		{"not screened yet", "soc.karlstad", rehab, "transitionCase", func(a app.Actor) error { return move(a, routine.Move{To: routine.Screenad}) }, "BAD_USER_INPUT", "", false},
		{"the municipality screens", "soc.karlstad", rehab, "screenCase", screen, "", "ALLOWED", true},
		{"and moves it", "soc.karlstad", rehab, "transitionCase", func(a app.Actor) error { return move(a, routine.Move{To: routine.Screenad}) }, "", "ALLOWED", true},
		{"the coordinator moves it too", "koord.karlstad", rehab, "transitionCase", func(a app.Actor) error { return move(a, routine.Move{To: routine.Kartlaggning}) }, "", "ALLOWED", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			actor := e.actor(tc.login, tc.purpose)
			op := tc.op
			before := e.loggutdrag(actor, op, ind.ID)
			err := tc.run(actor)
			require.Equal(t, tc.code, code(err), "%v", err)
			rec, ok := e.lastRecord(actor, op)
			if tc.decision == "" {
				require.False(t, ok && rec.Decision == "ALLOWED", "no record of a step taken")
			} else {
				require.True(t, ok)
				require.Equal(t, tc.decision, rec.Decision)
			}
			wrote := e.loggutdrag(actor, op, ind.ID) - before
			if tc.wrote {
				require.Positive(t, wrote)
			} else {
				require.Zero(t, wrote)
			}
		})
	}
	var history map[string][]cases.Transition
	require.NoError(t, e.do(soc, "cases", func(ctx context.Context, w *app.Work) error {
		found, err := e.casework.Transitions(ctx, w, []uuid.UUID{c.ID})
		history = map[string][]cases.Transition{"soc": found[c.ID]}
		return err
	}))
	var states []string
	for _, h := range history["soc"] {
		states = append(states, h.To)
	}
	require.Equal(t, []string{routine.Identifierad, routine.Screenad, routine.Kartlaggning}, states, "the refused attempts left no step")
}

// A case moved meanwhile is a conflict: a step is decided from the state
// the case was in.
func TestCasework_TransitionCaseFromAStaleStateConflicts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	c := e.openCase(soc, e.person(soc))
	ctx := context.Background()
	// The case as one request saw it, then another closes it.
	require.NoError(t, e.do(soc, "transitionCase", func(ctx context.Context, w *app.Work) error {
		_, _, err := e.casework.TransitionCase(ctx, w, c.ID, routine.Move{To: routine.Avslutad,
			Closure: &routine.Closure{Reason: routine.ClosureFlyttat, Outcome: routine.OutcomeIngetUtfall}})
		return err
	}))
	w := e.app.Begin(soc)
	defer w.Abandon(ctx)
	_, err := cases.Move(ctx, w.Tx(), cases.Author{OrgID: c.OrgID, UserID: "sara"}, c, routine.Move{To: routine.Screenad})
	require.Equal(t, "CONFLICT", code(err), "%v", err)
}

// The förbund's administrator saves versions of its routine; no one else.
func TestRoutines_Save(t *testing.T) {
	t.Parallel()
	e := setup(t)
	def := routine.Definition{
		Initial: "NY",
		States:  []routine.State{{Name: "NY", Label: "Ny"}, {Name: "KLAR", Label: "Klar", Final: true}},
		Transitions: []routine.Transition{{From: []string{"NY"}, To: "KLAR", Roles: []identity.Role{identity.Socialsekreterare},
			Guards: []routine.Guard{{Kind: routine.ClosureRecorded}}}},
	}
	save := func(actor app.Actor, federation string) (routine.Routine, error) {
		var r routine.Routine
		err := e.do(actor, "saveRoutine", func(ctx context.Context, w *app.Work) (err error) {
			r, err = e.routines.Save(ctx, w, routine.NewVersion{FederationID: demo.ID("federation/" + federation), Key: "egen", Name: "Egen rutin", Definition: def})
			return err
		})
		return r, err
	}
	_, err := save(e.actor("soc.karlstad", rehab), "samspelet")
	require.Equal(t, "FORBIDDEN", code(err))
	_, err = save(e.actor("admin.samspelet", ""), "hoglandet")
	require.Equal(t, "FORBIDDEN", code(err), "another förbund's routine")
	hoglandetAdmin := app.CommandLineActor(demo.ID("org/hoglandet"), tenancy.Samordningsforbund, "anna", identity.Forbundsadministrator)
	r, err := save(hoglandetAdmin, "hoglandet")
	require.NoError(t, err)
	require.Equal(t, 2, r.Version, "the demo's Höglandet runs its FMS version 1")
	require.True(t, r.Current)
	rec, ok := e.lastRecord(hoglandetAdmin, "saveRoutine")
	require.True(t, ok)
	require.Equal(t, "ALLOWED", rec.Decision)
	require.Contains(t, rec.ObjectIDs, relay.ID(relay.TypeRoutine, r.ID))
}
