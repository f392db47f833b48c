package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

const addMinutesMutation = `mutation($in: AddMeetingMinutesInput!) { addMeetingMinutes(input: $in) {
	id kind class organizationId organizationName recordedBy recordedAt text } }`

type minutesResult struct {
	ID               string
	Kind             string
	Class            string
	OrganizationName string
	RecordedBy       string
	Text             string
}

func minutesInput(meetingID, kind, class, text string) map[string]any {
	return map[string]any{"in": map[string]any{"meetingId": meetingID, "kind": kind, "class": class, "text": text}}
}

// addMinutes writes minutes as login under purpose.
func addMinutes(t *testing.T, srv *testServer, login, purpose, meetingID, kind, class, text string) minutesResult {
	t.Helper()
	var out struct{ AddMeetingMinutes minutesResult }
	mustData(t, postFor(t, srv, login, purpose, addMinutesMutation, minutesInput(meetingID, kind, class, text)), &out)
	return out.AddMeetingMinutes
}

// minutesAs is the meeting's minutes as login reads them (nil: the
// meeting is not login's to see).
func minutesAs(t *testing.T, srv *testServer, login, purpose, meetingID string) []minutesResult {
	t.Helper()
	var out struct {
		Node *struct{ Minutes []minutesResult }
	}
	mustData(t, postFor(t, srv, login, purpose, `query($id: ID!) { node(id: $id) { ... on Meeting { minutes {
		id kind class organizationName recordedBy text } } } }`, map[string]any{"id": meetingID}), &out)
	if out.Node == nil {
		return nil
	}
	return out.Node.Minutes
}

func minutesTexts(list []minutesResult) []string {
	out := []string{}
	for _, n := range list {
		out = append(out, n.Text)
	}
	return out
}

// Each party writes its minutes and decisions of a trepartsmöte in its own
// class; each reads its own and another party's only when the samtycke
// shares that class with it. The demo samtycke shares VARD_SJUKSKRIVNING
// with FK, not VARD_REHABILITERING: FK sees the vårdcentral's note on the
// sick leave, not its rehabilitation minutes, which Karlstad (whose grant
// lists both) and the vårdcentral see. AF (no party, no samtycke) and
// another förbund's municipality find nothing and may write nothing, and
// a revoked samtycke hides the meeting and its minutes from FK at once.
func TestMeetingMinutes_EachPartyWritesInItsOwnClassAndReadsWhatTheSamtyckeShares(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()

	m := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK", "REGION"))
	require.Len(t, m.Parties, 3)

	rehabVC := addMinutes(t, srv, "rehab.vc", rehab, m.ID, "MINUTES", "VARD_REHABILITERING", "Fysioterapi två gånger i veckan; fortsatt kontakt med rehabkoordinator.")
	require.Equal(t, "VARD_REHABILITERING", rehabVC.Class)
	require.Equal(t, "rehab.vc", rehabVC.RecordedBy)
	require.Equal(t, "Region Värmland", rehabVC.OrganizationName)
	addMinutes(t, srv, "rehab.vc", rehab, m.ID, "DECISION", "VARD_SJUKSKRIVNING", "Sjukskrivningen förlängs till 2026-04-15.")
	addMinutes(t, srv, "ph.fk", rehab, m.ID, "DECISION", "FK_SAMORDNING", "FK utreder rätten till rehabiliteringspenning.")
	addMinutes(t, srv, "soc.karlstad", rehab, m.ID, "MINUTES", "KOMMUN_PLANERING", "Arbetsträning på kommunens verkstad från mars.")

	require.Equal(t, []string{"Sjukskrivningen förlängs till 2026-04-15.", "FK utreder rätten till rehabiliteringspenning.",
		"Arbetsträning på kommunens verkstad från mars."}, minutesTexts(minutesAs(t, srv, "ph.fk", rehab, m.ID)),
		"FK: its own, the VC's sick leave (VARD_SJUKSKRIVNING is shared with it), not the VC's rehabilitation minutes")
	require.Len(t, minutesAs(t, srv, "soc.karlstad", rehab, m.ID), 4, "Karlstad's grant lists every class written")
	require.Equal(t, []string{"Fysioterapi två gånger i veckan; fortsatt kontakt med rehabkoordinator.", "Sjukskrivningen förlängs till 2026-04-15.",
		"FK utreder rätten till rehabiliteringspenning.", "Arbetsträning på kommunens verkstad från mars."},
		minutesTexts(minutesAs(t, srv, "rehab.vc", rehab, m.ID)), "the VC: its own, FK_SAMORDNING and KOMMUN_PLANERING shared")

	// The same rule without the application's WHERE: row security shows
	// FK the same three rows (the database's rule, hub_minutes_visible).
	var fkRows int
	require.NoError(t, queryAs(t, b, session{org: demo.ID("org/fk"), user: "ph.fk"}, `SELECT count(*) FROM meeting_minutes`, nil, &fkRows))
	require.Equal(t, 3, fkRows)

	// Once the samtycke shares the VC's rehabilitation class with FK too, FK sees it.
	fkID := relay.ID(relay.TypeOrganization, demo.ID("org/fk"))
	var second struct{ RecordConsent struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{rehab},
			"grants":  []map[string]any{{"organizationId": fkID, "classes": []string{"VARD_REHABILITERING"}}},
			"givenBy": "PERSON", "validFrom": day(-1), "validUntil": day(365), "evidence": "WRITTEN", "formReference": "Samtycke om rehabiliteringen",
			"requestedById": fkID}}), &second)
	require.Len(t, minutesAs(t, srv, "ph.fk", rehab, m.ID), 4, "a samtycke sharing VARD_REHABILITERING with FK shows it the VC's minutes")

	// A party writes only in its own classes, under the meeting's purpose.
	requireError(t, postFor(t, srv, "ph.fk", rehab, addMinutesMutation, minutesInput(m.ID, "MINUTES", "VARD_REHABILITERING", "x")),
		"BAD_USER_INPUT", "class: one of your organisation's own classes (FK_BESLUT, FK_SAMORDNING)")
	requireError(t, postFor(t, srv, "soc.karlstad", "SIP", addMinutesMutation, minutesInput(m.ID, "MINUTES", "KOMMUN_PLANERING", "x")),
		"BAD_USER_INPUT", "written under the purpose SAMORDNAD_REHABILITERING: declare it")

	// Loggutdrag: FK's read of the VC's minutes names the samtycke.
	var logged int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_access
		WHERE user_id = 'ph.fk' AND object_id = $1 AND consent_id IS NOT NULL`, rehabVC.ID).Scan(&logged))
	require.Positive(t, logged, "FK's read of another party's minutes is in the loggutdrag with its samtycke")
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_access
		WHERE user_id = 'rehab.vc' AND object_id = $1 AND individual_id = $2 AND action = 'WRITE'`, rehabVC.ID, demo.DemoIndividual).Scan(&logged))
	require.Equal(t, 1, logged, "writing minutes is a write in the loggutdrag")

	// AF (no party, no samtycke), another förbund, FK under a purpose the
	// samtycke does not list: the meeting does not exist for them.
	for _, who := range []struct{ login, purpose string }{{"af.karlstad", rehab}, {"soc.eksjo", rehab}, {"ph.fk", "SIP"}} {
		require.Nil(t, minutesAs(t, srv, who.login, who.purpose, m.ID), who.login)
		requireError(t, postFor(t, srv, who.login, who.purpose, addMinutesMutation, minutesInput(m.ID, "MINUTES", "FK_SAMORDNING", "x")),
			"NOT_FOUND", "no such meeting")
	}

	// Revoked: FK no longer sees the meeting, nor its minutes, nor writes any.
	for _, id := range []string{demoConsentID, second.RecordConsent.ID} {
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Personen återkallade samtycket") { id } }`,
			map[string]any{"id": id}), &struct{}{})
	}
	require.Nil(t, minutesAs(t, srv, "ph.fk", rehab, m.ID))
	requireError(t, postFor(t, srv, "ph.fk", rehab, addMinutesMutation, minutesInput(m.ID, "MINUTES", "FK_SAMORDNING", "x")),
		"NOT_FOUND", "no such meeting")
	require.Equal(t, []string{"Arbetsträning på kommunens verkstad från mars."}, minutesTexts(minutesAs(t, srv, "soc.karlstad", rehab, m.ID)),
		"the caller still sees its meeting and its own minutes; the others' only the samtycke (revoked: it named Karlstad too) showed it")
}

// A KONSULTATION names no one: its minutes carry no person and are refused
// if they hold a personnummer; every party reads every party's minutes,
// and another förbund's municipality finds nothing.
func TestMeetingMinutes_AKonsultationsMinutesAreDeIdentified(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)

	start := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Hour)
	var out struct{ ScheduleMeeting meetingResult }
	mustData(t, postFor(t, srv, "af.karlstad", rehab, scheduleMeetingMutation, map[string]any{"in": map[string]any{
		"kind": "KONSULTATION", "municipalityCode": "1780", "subject": "Ärendedragning, avidentifierad",
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(time.Hour).Format(time.RFC3339),
		"remoteUrl": "https://mote.example.se/dragning",
		"invited":   []map[string]any{{"organizationKind": "KOMMUN", "topic": "EKONOMISKT_BISTAND"}}}}), &out)
	m := out.ScheduleMeeting

	requireError(t, postFor(t, srv, "soc.karlstad", rehab, addMinutesMutation, minutesInput(m.ID, "MINUTES", "KOMMUN_PLANERING",
		"Personen 19850312-9804 har försörjningsstöd.")), "BAD_USER_INPUT", "text: a KONSULTATION is de-identified: remove the personnummer")
	addMinutes(t, srv, "soc.karlstad", rehab, m.ID, "MINUTES", "KOMMUN_PLANERING", "Personen kan erbjudas arbetsträning hos kommunen.")
	addMinutes(t, srv, "af.karlstad", rehab, m.ID, "DECISION", "AF_INSATSER", "AF erbjuder ett förberedande insatsprogram.")

	require.Len(t, minutesAs(t, srv, "af.karlstad", rehab, m.ID), 2, "no person, no samtycke: every party reads every party's")
	require.Len(t, minutesAs(t, srv, "soc.karlstad", rehab, m.ID), 2)
	require.Nil(t, minutesAs(t, srv, "soc.eksjo", rehab, m.ID))
	requireError(t, postFor(t, srv, "soc.eksjo", rehab, addMinutesMutation, minutesInput(m.ID, "MINUTES", "KOMMUN_PLANERING", "x")),
		"NOT_FOUND", "no such meeting")
	requireError(t, postFor(t, srv, "ph.fk", rehab, addMinutesMutation, minutesInput(m.ID, "MINUTES", "FK_SAMORDNING", "x")),
		"NOT_FOUND", "no such meeting")
}
