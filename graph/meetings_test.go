package graph_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

const meetingFields = `id kind purpose caseId subject agenda startsAt endsAt place remoteUrl personAttendance
	cancelledAt cancelReason icalendar
	parties { organizationId organizationName organizationKind unitName role caller kallelseTaskId attendance }`

type meetingResult struct {
	ID               string
	Kind             string
	Purpose          string
	CaseID           *string
	Subject          string
	StartsAt         time.Time
	EndsAt           time.Time
	Place            *string
	RemoteURL        *string
	PersonAttendance *string
	CancelledAt      *time.Time
	Icalendar        string
	Parties          []struct {
		OrganizationID   string
		OrganizationName string
		OrganizationKind string
		UnitName         *string
		Role             string
		Caller           bool
		KallelseTaskID   *string
		Attendance       string
	}
}

const scheduleMeetingMutation = `mutation($in: ScheduleMeetingInput!) { scheduleMeeting(input: $in) { ` + meetingFields + ` } }`

// avstamning is an avstämningsmöte on the demo case a week ahead, inviting
// the parties of the given kinds.
func avstamning(kinds ...string) map[string]any {
	start := time.Now().UTC().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	var invited []map[string]any
	for _, k := range kinds {
		invited = append(invited, map[string]any{"organizationKind": k, "role": "handläggare"})
	}
	return map[string]any{"kind": "AVSTAMNINGSMOTE", "caseId": demoCaseID,
		"subject": "Avstämning för Kim Andersson om rehabiliteringen", "agenda": "1. Läget\n2. Nästa steg",
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(time.Hour).Format(time.RFC3339),
		"place": "Samverkanshuset, Drottninggatan 1, rum 3", "remoteUrl": "https://mote.example.se/avstamning/42",
		"role": "samverkanskoordinator", "invited": invited}
}

func scheduleMeeting(t *testing.T, srv *testServer, login string, in map[string]any) meetingResult {
	t.Helper()
	var out struct{ ScheduleMeeting meetingResult }
	mustData(t, postFor(t, srv, login, rehab, scheduleMeetingMutation, map[string]any{"in": in}), &out)
	return out.ScheduleMeeting
}

type meetingList struct {
	Meetings struct {
		TotalCount int
		Nodes      []meetingResult
	}
}

func listMeetings(t *testing.T, srv *testServer, login, purpose string) meetingList {
	t.Helper()
	var out meetingList
	mustData(t, postFor(t, srv, login, purpose, `{ meetings(first: 50) { totalCount nodes { `+meetingFields+` } } }`, nil), &out)
	return out
}

func meetingIDs(l meetingList) []string {
	var ids []string
	for _, m := range l.Meetings.Nodes {
		ids = append(ids, m.ID)
	}
	return ids
}

// The scenario end to end through GraphQL: Karlstad calls an
// avstämningsmöte on the demo case inviting FK (the demo samtycke names FK
// for SAMORDNAD_REHABILITERING); FK's queue gets the KALLELSE_SIP task and
// FK lists the meeting among its unit's coming meetings; AF, which no
// samtycke names, cannot be invited (refused, nothing written) and finds
// nothing; another förbund's municipality finds nothing; the calendar file
// parses and carries no personal data; attendance is recorded; and every
// read and write is audited.
func TestMeetings_AnAvstamningsmoteInvitesFKThroughEnVagInAndAFAndEksjoSeeNothing(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()

	m := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	require.Equal(t, "AVSTAMNINGSMOTE", m.Kind)
	require.Equal(t, rehab, m.Purpose, "an avstämningsmöte is held under SAMORDNAD_REHABILITERING")
	require.Equal(t, demoCaseID, *m.CaseID)
	require.Equal(t, "KALLAD", *m.PersonAttendance)
	require.Len(t, m.Parties, 2)
	require.True(t, m.Parties[0].Caller)
	require.Equal(t, "Karlstads kommun", m.Parties[0].OrganizationName)
	require.Nil(t, m.Parties[0].KallelseTaskID)
	fk := m.Parties[1]
	require.Equal(t, "FK", fk.OrganizationKind)
	require.Equal(t, "handläggare", fk.Role)
	require.Equal(t, "KALLAD", fk.Attendance)
	require.NotNil(t, fk.KallelseTaskID, "FK was invited with a task")

	// FK's queue has the kallelse, routed through en väg in.
	inbox := listTasks(t, srv, "ph.fk", "(kind: KALLELSE_SIP)")
	var found *taskResult
	for i, tk := range inbox.Tasks.Nodes {
		if tk.ID == *fk.KallelseTaskID {
			found = &inbox.Tasks.Nodes[i]
		}
	}
	require.NotNil(t, found, "FK's queue holds the KALLELSE_SIP task")
	require.Equal(t, "SKICKAD", found.State)
	require.Contains(t, *found.Subject, "Avstämningsmöte")

	// FK lists it among its unit's coming meetings, and on the case.
	fkList := listMeetings(t, srv, "ph.fk", rehab)
	require.Contains(t, meetingIDs(fkList), m.ID)
	require.Positive(t, fkList.Meetings.TotalCount)
	var onCase struct {
		Node struct{ Meetings []struct{ ID string } }
	}
	mustData(t, postFor(t, srv, "ph.fk", rehab, `query($id: ID!) { node(id: $id) { ... on Case { meetings { id } } } }`,
		map[string]any{"id": demoCaseID}), &onCase)
	require.Len(t, onCase.Node.Meetings, 1)
	require.Equal(t, m.ID, onCase.Node.Meetings[0].ID)

	// node(id) finds it for FK; for AF and another förbund it is null.
	nodeOf := func(login string) *struct{ ID, Kind string } {
		var out struct{ Node *struct{ ID, Kind string } }
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { id ... on Meeting { kind } } }`,
			map[string]any{"id": m.ID}), &out)
		return out.Node
	}
	require.Equal(t, "AVSTAMNINGSMOTE", nodeOf("ph.fk").Kind)
	require.Nil(t, nodeOf("af.karlstad"))
	require.Nil(t, nodeOf("soc.eksjo"))

	// Under another purpose no samtycke shares the person with FK: the
	// meeting is not FK's to see.
	require.NotContains(t, meetingIDs(listMeetings(t, srv, "ph.fk", "SIP")), m.ID)

	// AF: no samtycke names it. Inviting it is refused and nothing is
	// written: neither the meeting nor FK's kallelse of the same request.
	var before [2]int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM tasks)`).Scan(&before[0], &before[1]))
	r := postFor(t, srv, "soc.karlstad", rehab, scheduleMeetingMutation, map[string]any{"in": avstamning("FK", "AF")})
	requireError(t, r, "FORBIDDEN", "invited[1] (AF)")
	require.Contains(t, r.Errors[0].Message, "no samtycke in force shares the person")
	require.Contains(t, r.Errors[0].Message, "nothing was sent")
	var after [2]int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM tasks)`).Scan(&after[0], &after[1]))
	require.Equal(t, before, after, "a refused meeting writes nothing, not even the kallelse that could be sent")

	// AF and another förbund's municipality find nothing.
	for _, login := range []string{"af.karlstad", "soc.eksjo"} {
		require.NotContains(t, meetingIDs(listMeetings(t, srv, login, rehab)), m.ID, login)
		requireError(t, postFor(t, srv, login, rehab, `mutation($id: ID!) { recordAttendance(input: {meetingId: $id, person: NARVARANDE}) { id } }`,
			map[string]any{"id": m.ID}), "NOT_FOUND", "no such meeting")
		requireError(t, postFor(t, srv, login, rehab, `mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "x"}) { id } }`,
			map[string]any{"id": m.ID}), "NOT_FOUND", "no such meeting")
	}

	// The calendar file: RFC 5545 lines, times in UTC, nothing personal.
	requireICalendar(t, m)

	// Attendance: the caller records it; FK, a party, may not.
	requireError(t, postFor(t, srv, "ph.fk", rehab, `mutation($id: ID!) { recordAttendance(input: {meetingId: $id, person: NARVARANDE}) { id } }`,
		map[string]any{"id": m.ID}), "FORBIDDEN", "only the organisation that called the meeting")
	cameAndNoShow := map[string]any{"in": map[string]any{"meetingId": m.ID, "person": "NARVARANDE",
		"parties": []map[string]any{{"organizationId": fk.OrganizationID, "attendance": "UTEBLIVEN"}}}}
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordAttendanceInput!) { recordAttendance(input: $in) { id } }`, cameAndNoShow),
		"BAD_USER_INPUT", "the meeting has not started")
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { recordAttendance(input: {meetingId: $id, person: ATERBUD}) { id } }`,
		map[string]any{"id": m.ID}), &struct{}{}) // sending word is known before
	meetingStartsIn(t, b, m.ID, -90*time.Minute) // as if it had been held
	var rec struct{ RecordAttendance meetingResult }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordAttendanceInput!) { recordAttendance(input: $in) { `+meetingFields+` } }`,
		map[string]any{"in": map[string]any{"meetingId": m.ID, "person": "NARVARANDE",
			"parties": []map[string]any{{"organizationId": fk.OrganizationID, "attendance": "UTEBLIVEN"}}}}), &rec)
	require.Equal(t, "NARVARANDE", *rec.RecordAttendance.PersonAttendance)
	require.Equal(t, "UTEBLIVEN", rec.RecordAttendance.Parties[1].Attendance, "a no-show per party")

	// Audited: FK's reads are rows of the person's loggutdrag naming the
	// samtycke; Karlstad's writes too.
	var fkReads, writes int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_access
		WHERE user_id = 'ph.fk' AND object_id = $1 AND consent_id = $2`, m.ID, demo.DemoConsent).Scan(&fkReads))
	require.Positive(t, fkReads, "FK's reads of the meeting are in the loggutdrag, with the samtycke")
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_access
		WHERE user_id = 'soc.karlstad' AND object_id = $1 AND individual_id = $2`, m.ID, demo.DemoIndividual).Scan(&writes))
	require.Positive(t, writes)
	var records int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_records WHERE $1 = ANY (object_ids)`, m.ID).Scan(&records))
	require.Positive(t, records)

	// Cancelling withdraws FK's kallelse, says so in the calendar file,
	// and takes the meeting off the coming list.
	var cancelled struct{ CancelMeeting meetingResult }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "Kim är sjuk"}) { `+meetingFields+` } }`,
		map[string]any{"id": m.ID}), &cancelled)
	require.NotNil(t, cancelled.CancelMeeting.CancelledAt)
	require.Contains(t, cancelled.CancelMeeting.Icalendar, "STATUS:CANCELLED\r\n")
	require.NotContains(t, meetingIDs(listMeetings(t, srv, "ph.fk", rehab)), m.ID)
	var state string
	_, taskUUID, err := relay.ParseID(*fk.KallelseTaskID)
	require.NoError(t, err)
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT state::text FROM tasks WHERE id = $1`, taskUUID).Scan(&state))
	require.Equal(t, "AVBRUTEN", state)
}

// requireICalendar checks the meeting's .ics line by line.
func requireICalendar(t *testing.T, m meetingResult) {
	t.Helper()
	ics := m.Icalendar
	require.True(t, strings.HasSuffix(ics, "\r\n"))
	for _, l := range strings.Split(ics, "\r\n") {
		require.LessOrEqual(t, len(l), 75, "folded at 75 octets")
	}
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	lines := strings.Split(strings.TrimSuffix(unfolded, "\r\n"), "\r\n")
	require.Equal(t, "BEGIN:VCALENDAR", lines[0])
	require.Equal(t, "END:VCALENDAR", lines[len(lines)-1])
	require.Contains(t, lines, "BEGIN:VEVENT")
	require.Contains(t, lines, "END:VEVENT")
	props := map[string]string{}
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		require.True(t, ok, l)
		props[name] = value
	}
	require.Equal(t, "2.0", props["VERSION"])
	require.NotEmpty(t, props["PRODID"])
	_, id, err := relay.ParseID(m.ID)
	require.NoError(t, err)
	require.Equal(t, id.String()+"@samverkanshubben", props["UID"])
	utc := regexp.MustCompile(`^\d{8}T\d{6}Z$`)
	for _, p := range []string{"DTSTAMP", "DTSTART", "DTEND"} {
		require.Regexp(t, utc, props[p], p)
	}
	require.Equal(t, m.StartsAt.UTC().Format("20060102T150405Z"), props["DTSTART"])
	require.Equal(t, m.EndsAt.UTC().Format("20060102T150405Z"), props["DTEND"])
	require.Equal(t, `Avstämningsmöte (Samverkanshubben)`, props["SUMMARY"])
	require.Equal(t, `Samverkanshuset\, Drottninggatan 1\, rum 3`, props["LOCATION"])
	require.Equal(t, "https://mote.example.se/avstamning/42", props["URL"])
	for _, personal := range []string{"Kim", "Andersson", demo.DemoPersonnummer, strings.ReplaceAll(demo.DemoPersonnummer, "-", ""),
		demo.DemoPersonnummer[2:], "Läget", m.Subject} {
		require.NotContains(t, unfolded, personal, "the calendar file leaves the hub: nothing about the person")
	}
	_, caseUUID, _ := relay.ParseID(demoCaseID)
	require.NotContains(t, unfolded, caseUUID.String())
}

// Rules a meeting is checked against before anything is sent.
func TestMeetings_RefusesTheWrongPurposeAndAPersonnummerInAKonsultation(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)

	sip := avstamning("FK")
	sip["kind"] = "SIP_MOTE"
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, scheduleMeetingMutation, map[string]any{"in": sip}),
		"BAD_USER_INPUT", "kind: a SIP_MOTE is held under the purpose SIP: declare it (you declared SAMORDNAD_REHABILITERING)")

	start := time.Now().UTC().Add(48 * time.Hour).Truncate(time.Hour)
	konsultation := map[string]any{"kind": "KONSULTATION", "municipalityCode": "1780",
		"subject": "Ärendedragning 19850312-9804", "agenda": "Avidentifierat",
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(time.Hour).Format(time.RFC3339),
		"remoteUrl": "https://mote.example.se/dragning", "invited": []map[string]any{{"organizationKind": "KOMMUN", "topic": "EKONOMISKT_BISTAND"}}}
	requireError(t, postFor(t, srv, "af.karlstad", rehab, scheduleMeetingMutation, map[string]any{"in": konsultation}),
		"BAD_USER_INPUT", "subject: a KONSULTATION is de-identified: remove the personnummer")

	place := avstamning("FK")
	place["place"] = "Hemma hos 850312-9804"
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, scheduleMeetingMutation, map[string]any{"in": place}),
		"BAD_USER_INPUT", "place: it goes into the calendar invitation: remove the personnummer")

	var n int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM meetings WHERE case_id IS DISTINCT FROM $1`,
		demo.StoryCase).Scan(&n))
	require.Zero(t, n, "none called (the demo story's is the only meeting)")

	// A de-identified case review names no one, so AF may call one with
	// Karlstad, and Karlstad lists it.
	konsultation["subject"] = "Ärendedragning, avidentifierad"
	var out struct{ ScheduleMeeting meetingResult }
	mustData(t, postFor(t, srv, "af.karlstad", rehab, scheduleMeetingMutation, map[string]any{"in": konsultation}), &out)
	require.Nil(t, out.ScheduleMeeting.CaseID)
	require.Nil(t, out.ScheduleMeeting.PersonAttendance)
	require.Contains(t, meetingIDs(listMeetings(t, srv, "soc.karlstad", rehab)), out.ScheduleMeeting.ID)
	require.NotContains(t, meetingIDs(listMeetings(t, srv, "soc.eksjo", rehab)), out.ScheduleMeeting.ID)
}
