package graph_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
)

// Row-level security is the second line: a statement with no WHERE clause
// at all, run as hub_app, sees a meeting and its parties only as
// hub_meeting_visible allows (the caller, the case's municipality, an
// invited party under a samtycke in force for the meeting's purpose). A
// revocation hides the meeting from FK on the very next statement, in the
// database and through GraphQL.
func TestMeetings_RowSecurityShowsAMeetingOnlyToItsPartiesUnderTheSamtycke(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	m := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))

	karlstad := session{org: demo.ID("org/karlstad"), user: "soc.karlstad"}
	fk := session{org: demo.ID("org/fk"), user: "ph.fk"}
	af := session{org: demo.ID("org/af"), user: "af.karlstad"}
	eksjo := session{org: demo.ID("org/eksjo"), user: "soc.eksjo"}
	counts := func(s session) [2]int {
		var n [2]int
		require.NoError(t, queryAs(t, b, s, `SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM meeting_parties)`, nil, &n[0], &n[1]))
		return n
	}
	// Karlstad also sees the demo story's SAMSIP meeting (its own, with
	// four parties); held under SIP, it is no other party's under the
	// purpose these sessions declare (SAMORDNAD_REHABILITERING).
	require.Equal(t, [2]int{1 + 1, 2 + 4}, counts(karlstad), "the caller")
	require.Equal(t, [2]int{1, 2}, counts(fk), "an invited party under the samtycke")
	require.Equal(t, [2]int{0, 0}, counts(af), "no party, no samtycke")
	require.Equal(t, [2]int{0, 0}, counts(eksjo), "another förbund")

	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Återkallat") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})
	require.Equal(t, [2]int{0, 0}, counts(fk), "the revoked samtycke no longer shows FK the meeting")
	require.Equal(t, [2]int{1 + 1, 2 + 4}, counts(karlstad), "the caller still sees its own meeting")
	require.NotContains(t, meetingIDs(listMeetings(t, srv, "ph.fk", rehab)), m.ID)
	requireError(t, postFor(t, srv, "ph.fk", rehab, `mutation($id: ID!) { recordAttendance(input: {meetingId: $id, person: NARVARANDE}) { id } }`,
		map[string]any{"id": m.ID}), "NOT_FOUND", "no such meeting")
}

// Calling a meeting gives no lasting right to see it: FK calls an
// avstämningsmöte about Karlstad's person under the samtycke; it does not
// see it under a purpose the samtycke does not give it (SIP), and once the
// samtycke is revoked it neither reads, lists nor changes it, while the
// municipality that owns the case still sees it.
func TestMeetings_ACallerOtherThanTheCasesOwnerSeesItsMeetingOnlyUnderTheSamtycke(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	in := avstamning("KOMMUN")
	in["role"] = "personlig handläggare"
	in["invited"] = []map[string]any{{"organizationKind": "KOMMUN", "role": "socialsekreterare", "topic": "EKONOMISKT_BISTAND"}}
	m := scheduleMeeting(t, srv, "ph.fk", in)
	require.Equal(t, "FK", m.Parties[0].OrganizationKind)

	node := func(login, purpose string) *meetingResult {
		t.Helper()
		var out struct{ Node *meetingResult }
		mustData(t, postFor(t, srv, login, purpose, `query($id: ID!) { node(id: $id) { ... on Meeting { `+meetingFields+` } } }`,
			map[string]any{"id": m.ID}), &out)
		return out.Node
	}
	require.NotNil(t, node("ph.fk", rehab), "the caller under the samtycke")
	require.Nil(t, node("ph.fk", sipPurpose), "no samtycke names FK for SIP")

	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Återkallat") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})
	require.Nil(t, node("ph.fk", rehab), "revoked: FK no longer reads its meeting about the person")
	require.NotContains(t, meetingIDs(listMeetings(t, srv, "ph.fk", rehab)), m.ID)
	for _, mutation := range []string{
		`mutation($id: ID!) { recordAttendance(input: {meetingId: $id, person: ATERBUD}) { id } }`,
		`mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "Återkallat samtycke"}) { id } }`,
	} {
		requireError(t, postFor(t, srv, "ph.fk", rehab, mutation, map[string]any{"id": m.ID}), "NOT_FOUND", "no such meeting")
	}
	require.NotNil(t, node("soc.karlstad", rehab), "the case's owner still sees it")
}

// Row security pins what the application writes, as for tasks: a meeting
// is inserted by the session's user, now, under the declared purpose and
// not cancelled; a change is stamped now; a cancelled meeting stays
// cancelled.
func TestMeetings_RowSecurityPinsTheWritersUserTimeAndPurpose(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	karlstad := session{org: demo.ID("org/karlstad"), user: "soc.karlstad"}
	// created is the SQL of created_at and updated_at; cancelled that of
	// cancelled_at and cancel_reason.
	insert := func(user, purpose, created, cancelled string) error {
		t.Helper()
		_, err := asSession(t, b, karlstad, `INSERT INTO meetings (id, kind, purpose, case_id, individual_id, case_org_id, org_id, user_id,
				party_org_ids, subject, agenda, starts_at, ends_at, place, person_attendance, created_at, updated_at, cancelled_at, cancel_reason)
			VALUES (gen_random_uuid(), 'AVSTAMNINGSMOTE', $5, $1, $2, $3, $3, $4, ARRAY[$3::uuid],
				'x', '', now() + interval '1 day', now() + interval '25 hours', 'Rum 1', 'KALLAD', `+created+`, `+created+`, `+cancelled+`)`,
			demo.DemoCase, demo.DemoIndividual, karlstad.org, user, purpose)
		return err
	}
	const notCancelled = "NULL, NULL"
	require.NoError(t, insert("soc.karlstad", rehab, "hub_now()", notCancelled), "as the application writes it")
	for name, err := range map[string]error{
		"another user":    insert("someone.else", rehab, "hub_now()", notCancelled),
		"another purpose": insert("soc.karlstad", "SIP", "hub_now()", notCancelled),
		"back-dated":      insert("soc.karlstad", rehab, "'2020-01-01'", notCancelled),
		"born cancelled":  insert("soc.karlstad", rehab, "hub_now()", "hub_now(), 'x'"),
	} {
		require.Error(t, err, name)
		require.True(t, strings.Contains(err.Error(), "row-level security"), "%s: %v", name, err)
	}

	m := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	id := meetingKey(t, m.ID)
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "Flyttat"}) { id } }`,
		map[string]any{"id": m.ID}), &struct{}{})
	for name, sql := range map[string]string{
		"un-cancelled":         `UPDATE meetings SET cancelled_at = NULL, cancel_reason = NULL, updated_at = hub_now() WHERE id = $1`,
		"its reason rewritten": `UPDATE meetings SET cancel_reason = 'Något annat', updated_at = hub_now() WHERE id = $1`,
		"stamped another time": `UPDATE meetings SET person_attendance = 'ATERBUD', updated_at = '2020-01-01' WHERE id = $1`,
	} {
		_, err := asSession(t, b, karlstad, sql, id)
		require.Error(t, err, name)
	}
}

// What is checked is what is stored: a place at the limit with spaces
// around it is stored without them (before, the column's check failed and
// the caller got INTERNAL).
func TestMeetings_TextsAreStoredAsChecked(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	in := avstamning("FK")
	in["place"] = "  " + strings.Repeat("r", 200) + " "
	in["role"] = " samverkanskoordinator "
	m := scheduleMeeting(t, srv, "soc.karlstad", in)
	require.Equal(t, strings.Repeat("r", 200), *m.Place)
	require.Equal(t, "samverkanskoordinator", m.Parties[0].Role)
	in["place"] = " " + strings.Repeat("r", 201)
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, scheduleMeetingMutation, map[string]any{"in": in}), "BAD_USER_INPUT", "place: 1 to 200 characters")
}
