package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
)

// Recording and revoking samtycken: who may, and what a revocation does to
// the very next read.
func TestSamtycke_UseCases(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	ind := e.person(soc)
	e.openCase(soc, ind)
	c := e.share(soc, ind, "fk", consent.KommunPlanering)

	for _, tc := range []struct {
		name, login string
		purpose     consent.Purpose
		op          string
		run         func(ctx context.Context, w *app.Work) error
		code        string
	}{
		{"FK records no samtycke", "ph.fk", rehab, "recordConsent", recordFor(e, ind.ID), "FORBIDDEN"},
		{"Eksjö cannot see Karlstad's person", "soc.eksjo", rehab, "recordConsent", recordFor(e, ind.ID), "NOT_FOUND"},
		{"without a purpose", "soc.karlstad", "", "recordConsent", recordFor(e, ind.ID), "BAD_USER_INPUT"},
		{"FK revokes nothing", "ph.fk", rehab, "revokeConsent", revoke(e, c.ID), "NOT_FOUND"},
		{"the municipality revokes", "soc.karlstad", rehab, "revokeConsent", revoke(e, c.ID), ""},
		{"a revoked samtycke cannot be revoked again", "soc.karlstad", rehab, "revokeConsent", revoke(e, c.ID), "CONFLICT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.do(e.actor(tc.login, tc.purpose), tc.op, tc.run)
			require.Equal(t, tc.code, code(err), "%v", err)
		})
	}

	// After the revocation FK's very next read sees nothing of the person.
	fk := e.actor("ph.fk", rehab)
	require.NoError(t, e.do(fk, "cases", func(ctx context.Context, w *app.Work) error {
		found, err := e.casework.Individuals(ctx, w, []uuid.UUID{ind.ID})
		require.Empty(t, found)
		return err
	}))
}

func recordFor(e *env, individual uuid.UUID) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		witness := "Sara Lindqvist"
		_, err := e.samtycke.Record(ctx, w, consent.Input{IndividualID: individual, Kind: consent.OSL,
			Purposes: []consent.Purpose{rehab}, GivenBy: consent.GivenByPerson, ValidFrom: time.Now(), ValidUntil: time.Now().AddDate(1, 0, 0),
			Evidence: consent.Oral, WitnessedBy: &witness, RequestedByOrgID: demo.ID("org/fk"),
			Grants: []consent.Grant{{OrgID: demo.ID("org/fk"), Classes: []consent.Class{consent.KommunPlanering}}}})
		return err
	}
}

func revoke(e *env, id uuid.UUID) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		_, err := e.samtycke.Revoke(ctx, w, id, "återkallat av personen")
		return err
	}
}

// A samtycke event reaches a grantee only when that samtycke names it, and
// the delivery is audited under that samtycke.
func TestSamtycke_EventsReachOnlyTheGranteesTheyName(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	ind := e.person(soc)
	toAF := e.share(soc, ind, "af", consent.KommunPlanering)
	toFK := e.share(soc, ind, "fk", consent.KommunPlanering)
	event := func(c consent.Consent) consent.Event {
		return consent.Event{Kind: consent.EventRecorded, ConsentID: c.ID, IndividualID: ind.ID, OrgID: c.OrgID, At: time.Now()}
	}
	ctx := context.Background()

	fk := e.actor("ph.fk", rehab)
	got, err := e.samtycke.CheckEvent(ctx, fk, event(toAF))
	require.NoError(t, err)
	require.Nil(t, got, "FK is not named by AF's samtycke")
	got, err = e.samtycke.CheckEvent(ctx, fk, event(toFK))
	require.NoError(t, err)
	require.NotNil(t, got)
	require.Nil(t, got.ConsentID, "a grantee never sees the samtycke itself")
	rec, ok := e.lastRecord(fk, "consentEvents")
	require.True(t, ok)
	require.Equal(t, toFK.ID, *rec.ConsentID)

	owner, err := e.samtycke.CheckEvent(ctx, soc, event(toAF))
	require.NoError(t, err)
	require.Equal(t, toAF.ID, *owner.ConsentID, "the municipality hears everything of its own")
	_, err = e.samtycke.CheckEvent(ctx, e.actor("soc.eksjo", rehab), event(toFK))
	require.NoError(t, err)

	require.Error(t, e.samtycke.MayFollow(e.actor("ph.fk", "")), "a subscription needs a purpose")
	require.Error(t, e.samtycke.MayFollow(e.actor("logg.karlstad", "")))
	require.NoError(t, e.samtycke.MayFollow(fk))
}
