package graph_test

import (
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
