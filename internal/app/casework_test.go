package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/platform/page"
)

const rehab = consent.SamordnadRehabilitering

// Every use case of case work, by who asks and why: the outcome, and what
// the audit record and the person's loggutdrag then hold.
func TestCasework_UseCases(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	// A person of Karlstad with a case shared with FK (KOMMUN_PLANERING),
	// and one nobody else sees.
	shared := e.person(soc)
	sharedCase := e.openCase(soc, shared)
	grant := e.share(soc, shared, "fk", consent.KommunPlanering)
	private := e.person(soc)
	privateCase := e.openCase(soc, private)

	for _, tc := range []struct {
		name, login string
		purpose     consent.Purpose
		op          string
		run         func(ctx context.Context, w *app.Work) error
		code        string // the error's code, "" for none
		decision    string // the audit record's, "" for no record
		person      *uuid.UUID
		rows        int // the loggutdrag rows it writes for person
	}{
		{name: "the municipality lists its cases", login: "soc.karlstad", purpose: rehab, op: "cases",
			// The demo's cases of Karlstad and the two opened here.
			run: listCases(e, demo.KarlstadCases+2), decision: "ALLOWED", person: &private.ID, rows: 1},
		{name: "FK lists the case a samtycke shares with it, naming the samtycke", login: "ph.fk", purpose: rehab, op: "cases",
			// The demo case (the demo samtycke shares it), the demo
			// story's (Robin's samtycken name FK) and the one here.
			run: listCases(e, 1+demo.StoryCasesSeenBy["ph.fk"]+1), decision: "ALLOWED", person: &shared.ID, rows: 1},
		{name: "AF, with no samtycke for these, lists none of them", login: "af.karlstad", purpose: rehab, op: "cases",
			// Only the demo story's case: Robin's samtycke names AF.
			run: listCases(e, demo.StoryCasesSeenBy["af.karlstad"]), person: &shared.ID, rows: 0},
		{name: "a list without a purpose is refused", login: "ph.fk", op: "cases",
			run: listCases(e, 0), code: "BAD_USER_INPUT"},
		{name: "a role that reads no cases is refused, and that is audited", login: "admin.samspelet", purpose: consent.PurposeUppfoljning, op: "cases",
			run: listCasesAnyPurpose(e), code: "FORBIDDEN", decision: "DENIED"},
		{name: "FK opens no case", login: "ph.fk", purpose: rehab, op: "openCase",
			run: openCaseFor(e, shared.ID), code: "FORBIDDEN", decision: "DENIED"},
		{name: "Eksjö cannot see Karlstad's person to open a case", login: "soc.eksjo", purpose: rehab, op: "openCase",
			run: openCaseFor(e, private.ID), code: "NOT_FOUND"},
		{name: "FK records its decision in the shared case", login: "ph.fk", purpose: rehab, op: "addCaseItem",
			run: addItem(e, sharedCase.ID, consent.FKBeslut), decision: "ALLOWED", person: &shared.ID, rows: 1},
		{name: "FK writes no municipal class", login: "ph.fk", purpose: rehab, op: "addCaseItem",
			run: addItem(e, sharedCase.ID, consent.KommunPlanering), code: "BAD_USER_INPUT"},
		{name: "FK cannot see the case no samtycke shares", login: "ph.fk", purpose: rehab, op: "addCaseItem",
			run: addItem(e, privateCase.ID, consent.FKBeslut), code: "NOT_FOUND"},
		{name: "AF cannot see the shared case either", login: "af.karlstad", purpose: rehab, op: "addCaseItem",
			run: addItem(e, sharedCase.ID, consent.AFInsatser), code: "NOT_FOUND"},
		{name: "the municipality adds AF as a party to its case", login: "soc.karlstad", purpose: rehab, op: "addCaseParticipant",
			run: addParticipant(e, privateCase.ID, "org/af"), decision: "ALLOWED", person: &private.ID, rows: 1},
		{name: "a party added twice is a conflict", login: "soc.karlstad", purpose: rehab, op: "addCaseParticipant",
			run: addParticipant(e, privateCase.ID, "org/af"), code: "CONFLICT"},
		{name: "FK adds no party to the case shared with it", login: "ph.fk", purpose: rehab, op: "addCaseParticipant",
			run: addParticipant(e, sharedCase.ID, "org/af"), code: "FORBIDDEN", decision: "DENIED"},
		{name: "a number registered twice is a conflict, audited as refused", login: "soc.karlstad", purpose: rehab, op: "registerIndividual",
			run: register(e, demo.DemoPersonnummer), code: "CONFLICT", decision: "DENIED"},
		{name: "FK registers nobody", login: "ph.fk", purpose: rehab, op: "registerIndividual",
			run: register(e, demo.DemoPersonnummer), code: "FORBIDDEN", decision: "DENIED"},
		{name: "a lookup by number is audited, found or not", login: "soc.karlstad", purpose: rehab, op: "individualByPersonnummer",
			run: lookup(e, "19121212-1212", false), decision: "ALLOWED"},
		{name: "FK finds the shared person by number", login: "ph.fk", purpose: rehab, op: "individualByPersonnummer",
			run: lookup(e, demo.DemoPersonnummer, true), decision: "ALLOWED", person: &demo.DemoIndividual, rows: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			actor := e.actor(tc.login, tc.purpose)
			var before int
			if tc.person != nil {
				before = e.loggutdrag(actor, tc.op, *tc.person)
			}
			err := e.do(actor, tc.op, tc.run)
			require.Equal(t, tc.code, code(err), "%v", err)
			rec, ok := e.lastRecord(actor, tc.op)
			if tc.decision == "" {
				if ok {
					require.NotEqual(t, "DENIED", rec.Decision)
				}
			} else {
				require.True(t, ok, "an audit record")
				require.Equal(t, tc.decision, rec.Decision)
			}
			if tc.person != nil {
				require.Equal(t, tc.rows, e.loggutdrag(actor, tc.op, *tc.person)-before, "loggutdrag rows")
			}
		})
	}

	// FK's reads name, in the person's loggutdrag, the samtycke that
	// allowed them.
	var consentIDs []uuid.UUID
	rows, err := e.db.Pool.Query(context.Background(), `SELECT DISTINCT consent_id FROM personal_data_access
		WHERE individual_id = $1 AND user_id = 'ph.fk'`, shared.ID)
	require.NoError(t, err)
	for rows.Next() {
		var id uuid.UUID
		require.NoError(t, rows.Scan(&id))
		consentIDs = append(consentIDs, id)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []uuid.UUID{grant.ID}, consentIDs)
}

func listCases(e *env, want int) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		res, err := e.casework.ListCases(ctx, w, cases.Filter{}, page.Request{First: 100})
		if err != nil {
			return err
		}
		if len(res.Items) != want {
			// An error, not a failure of e.t: this runs in a subtest.
			return fmt.Errorf("%d cases listed, want %d", len(res.Items), want)
		}
		return nil
	}
}

func listCasesAnyPurpose(e *env) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		_, err := e.casework.ListCases(ctx, w, cases.Filter{}, page.Request{First: 10})
		return err
	}
}

func openCaseFor(e *env, individual uuid.UUID) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		_, err := e.casework.OpenCase(ctx, w, cases.OpenInput{IndividualID: individual, FederationID: demo.ID("federation/samspelet"),
			SGI: cases.SGINo, AFStatus: cases.AFStatusUnknown})
		return err
	}
}

func addItem(e *env, caseID uuid.UUID, class consent.Class) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		_, err := e.casework.AddItem(ctx, w, cases.NewItem{CaseID: caseID, Class: class, Summary: "Beslut om samordning"})
		return err
	}
}

func addParticipant(e *env, caseID uuid.UUID, org string) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		_, err := e.casework.AddParticipant(ctx, w, cases.NewParticipant{CaseID: caseID, OrgID: demo.ID(org)})
		return err
	}
}

func register(e *env, number string) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		_, err := e.casework.RegisterIndividual(ctx, w, individuals.RegisterInput{Personnummer: number, GivenName: "A", FamilyName: "B"})
		return err
	}
}

func lookup(e *env, number string, found bool) func(context.Context, *app.Work) error {
	return func(ctx context.Context, w *app.Work) error {
		ind, err := e.casework.IndividualByNumber(ctx, w, number)
		require.Equal(e.t, found, ind != nil)
		return err
	}
}

// The loggutdrag of a lookup holds the blind index of the number tried,
// never the number.
func TestCasework_LookupsLeaveTheBlindIndexNotTheNumber(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	require.NoError(t, e.do(soc, "individualByPersonnummer", lookup(e, "19121212-1212", false)))
	rec, ok := e.lastRecord(soc, "individualByPersonnummer")
	require.True(t, ok)
	require.Len(t, rec.ObjectIDs, 1)
	require.True(t, strings.HasPrefix(rec.ObjectIDs[0], "personnummer-index:"))
	require.NotContains(t, rec.ObjectIDs[0], "121212")
}
