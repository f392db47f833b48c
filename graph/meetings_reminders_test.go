package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/demo"
)

// meetingKey is the uuid of a meeting's global id.
var meetingKey = caseKey

// meetingStartsIn moves the meeting's start (and end, an hour later) to
// in from now, as the tables' owner: time passing, or a meeting moved.
func meetingStartsIn(t *testing.T, b *testBundle, id string, in time.Duration) {
	t.Helper()
	ctx := context.Background()
	key := meetingKey(t, id)
	start := time.Now().Add(in).Truncate(time.Second)
	_, err := b.db.Pool.Exec(ctx, `UPDATE meetings SET starts_at = $2::timestamptz, ends_at = $2::timestamptz + interval '1 hour' WHERE id = $1`, key, start)
	require.NoError(t, err)
	_, err = b.db.Pool.Exec(ctx, `UPDATE meeting_parties SET starts_at = $2 WHERE meeting_id = $1`, key, start)
	require.NoError(t, err)
}

// fkReminders is FK's queue of reminders, as ph.fk sees it.
func fkReminders(t *testing.T, srv *testServer) []taskResult {
	t.Helper()
	return listTasks(t, srv, "ph.fk", `(kind: PAMINNELSE)`).Tasks.Nodes
}

// A meeting reminds its invited parties a day before it starts, by the job
// scheduleMeeting enqueued in its transaction: when the moment comes (the
// meeting moved to start within a day, the job made due), the job writes
// FK a PAMINNELSE in the queue its kallelse went to, naming the meeting's
// kind, time and place but nothing about the person; the caller is not
// reminded; the reminder is audited as the job's, with the samtycke that
// lets FK see the meeting in the person's loggutdrag; and it is written
// once (the job again, the scan).
func TestMeetingReminders_APartyIsRemindedADayBeforeByTheMeetingsOwnJob(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)

	m := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	jobs := jobsFor(t, b, timers.MeetingReminderArgs{}.Kind(), "meeting_id", meetingKey(t, m.ID))
	require.Len(t, jobs, 1, "scheduleMeeting enqueued its reminders")
	require.Equal(t, "scheduled", jobs[0].State)
	require.True(t, m.StartsAt.Add(-24*time.Hour+time.Minute).Equal(jobs[0].ScheduledAt),
		"a day before the start (and the minute the clocks may differ by): %s", jobs[0].ScheduledAt)

	// A week ahead, nothing is due: neither the job (were it run early)
	// nor the scans the timers start with remind anyone.
	early, err := s.RemindMeeting(ctx, demo.ID("org/karlstad"), meetingKey(t, m.ID))
	require.NoError(t, err)
	require.Zero(t, early.Meetings)
	events := startTimers(t, b, s)
	require.Empty(t, fkReminders(t, srv))

	meetingStartsIn(t, b, m.ID, 20*time.Hour)
	comeDue(t, b, jobs[0].ID)
	awaitJob(t, events, jobs[0].ID)

	got := fkReminders(t, srv)
	require.Len(t, got, 1)
	r := got[0]
	require.Nil(t, r.Case, "a meeting's reminder names no case")
	require.True(t, strings.HasPrefix(*r.Subject, "Påminnelse: Avstämningsmöte "), *r.Subject)
	require.Contains(t, *r.Body, "Plats: Samverkanshuset, Drottninggatan 1, rum 3")
	require.Contains(t, *r.Body, "Distansmöte: https://mote.example.se/avstamning/42")
	require.Contains(t, *r.Body, m.ID)
	for _, personal := range []string{"Kim", "Andersson", demo.DemoPersonnummer, "Läget", m.Subject} {
		require.NotContains(t, *r.Subject+*r.Body, personal, "nothing about the person")
	}
	require.Equal(t, m.Parties[1].UnitName, unitName(r.RecipientUnit), "to the queue FK's kallelse went to")
	require.Equal(t, "CREATED", r.History[0].Kind)
	require.Equal(t, "job:"+timers.MeetingRemindJob, r.History[0].UserID)
	require.Empty(t, reminders(t, srv), "the caller is not reminded of its own meeting")

	require.Equal(t, 1, jobRecords(t, b, timers.MeetingRemindJob+" COMING"))
	var logged int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_access WHERE user_id = $1
		AND actor_org_id = $2 AND object_id = $3 AND consent_id = $4`, "job:"+timers.MeetingRemindJob, demo.ID("org/fk"), m.ID, demo.DemoConsent).Scan(&logged))
	require.Equal(t, 1, logged, "FK's job read the meeting under the samtycke: a row of the loggutdrag")

	again, err := s.RemindMeeting(ctx, demo.ID("org/karlstad"), meetingKey(t, m.ID))
	require.NoError(t, err)
	require.Zero(t, again.Meetings, "a job run twice reminds once")
	scanned, err := s.Remind(ctx)
	require.NoError(t, err)
	require.Zero(t, scanned.Meetings, "the scan finds the reminder written")
	require.Len(t, fkReminders(t, srv), 1)
}

func unitName(u *struct{ Name string }) *string {
	if u == nil {
		return nil
	}
	return &u.Name
}

// No reminder to a party that will not come or may no longer see the
// meeting: a cancelled meeting, a party that sent word (ATERBUD), one that
// rejected its kallelse, one whose samtycke was revoked, a meeting moved
// to later than a day ahead. A meeting within a day is reminded of at
// once, and a meeting whose job is gone is caught up by the scan.
func TestMeetingReminders_NoReminderWhenCancelledDeclinedRevokedOrMoved(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	s := timerService(t, b)
	karlstad := demo.ID("org/karlstad")
	remind := func(m meetingResult) int {
		t.Helper()
		res, err := s.RemindMeeting(ctx, karlstad, meetingKey(t, m.ID))
		require.NoError(t, err)
		return res.Meetings
	}

	cancelled := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "Flyttas"}) { id } }`,
		map[string]any{"id": cancelled.ID}), &struct{}{})
	meetingStartsIn(t, b, cancelled.ID, 20*time.Hour)
	require.Zero(t, remind(cancelled), "a cancelled meeting reminds no one")

	aterbud := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordAttendanceInput!) { recordAttendance(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"meetingId": aterbud.ID,
			"parties": []map[string]any{{"organizationId": aterbud.Parties[1].OrganizationID, "attendance": "ATERBUD"}}}}), &struct{}{})
	meetingStartsIn(t, b, aterbud.ID, 20*time.Hour)
	require.Zero(t, remind(aterbud), "a party that sent word is not reminded")

	rejected := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	updateTask(t, srv, "ph.fk", map[string]any{"taskId": *rejected.Parties[1].KallelseTaskID, "state": "MOTTAGEN"})
	updateTask(t, srv, "ph.fk", map[string]any{"taskId": *rejected.Parties[1].KallelseTaskID, "state": "AVVISAD", "reason": "Fel mottagare"})
	meetingStartsIn(t, b, rejected.ID, 20*time.Hour)
	require.Zero(t, remind(rejected), "a party that rejected its kallelse is not reminded")

	moved := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	meetingStartsIn(t, b, moved.ID, 30*time.Hour)
	require.Zero(t, remind(moved), "a meeting moved to later is reminded of by the job of its new start, not this one")
	require.Empty(t, fkReminders(t, srv))

	// Within a day of its start, a meeting's job is due at once.
	soon := avstamning("FK")
	start := time.Now().UTC().Add(3 * time.Hour).Truncate(time.Minute)
	soon["startsAt"], soon["endsAt"] = start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)
	m := scheduleMeeting(t, srv, "soc.karlstad", soon)
	jobs := jobsFor(t, b, timers.MeetingReminderArgs{}.Kind(), "meeting_id", meetingKey(t, m.ID))
	require.Len(t, jobs, 1)
	require.Equal(t, "available", jobs[0].State, "due at once")
	require.WithinDuration(t, time.Now(), jobs[0].ScheduledAt, time.Minute)

	// The scan catches up what no job did: the meeting's job deleted.
	_, err := b.db.Pool.Exec(ctx, `DELETE FROM river_job WHERE id = $1`, jobs[0].ID)
	require.NoError(t, err)
	scanned, err := s.Remind(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, scanned.Meetings, "the scan reminds the one party due, and none of the meetings above")
	require.Len(t, fkReminders(t, srv), 1)

	// Revoked: FK no longer sees the meeting, and is not reminded of it.
	revoked := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Återkallat") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})
	meetingStartsIn(t, b, revoked.ID, 20*time.Hour)
	require.Zero(t, remind(revoked), "no samtycke, no reminder")
	var claims int
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM meeting_reminders WHERE meeting_id = $1`, meetingKey(t, revoked.ID)).Scan(&claims))
	require.Zero(t, claims)
}

// After the person's no-show, the unit that called the meeting gets a
// follow-up: a PAMINNELSE to its own queue, due in two working days,
// naming the meeting but not the person, once however often UTEBLIVEN is
// recorded.
func TestMeetingReminders_ANoShowIsFollowedUpByTheCallersUnitOnce(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)

	m := scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK"))
	meetingStartsIn(t, b, m.ID, -90*time.Minute) // as if it had been held: who came is recorded after the start
	record := func(a string) {
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!, $a: MeetingAttendance!) { recordAttendance(input: {meetingId: $id, person: $a}) { id } }`,
			map[string]any{"id": m.ID, "a": a}), &struct{}{})
	}
	record("NARVARANDE")
	require.Empty(t, reminders(t, srv), "no follow-up when the person came")
	record("UTEBLIVEN")
	got := reminders(t, srv)
	require.Len(t, got, 1)
	require.Nil(t, got[0].Case)
	require.True(t, strings.HasPrefix(*got[0].Subject, "Uppföljning: personen kom inte till Avstämningsmöte "), *got[0].Subject)
	require.Contains(t, *got[0].Body, m.ID)
	require.NotContains(t, *got[0].Subject+*got[0].Body, "Kim")
	require.Equal(t, "soc.karlstad", got[0].History[0].UserID)
	record("NARVARANDE")
	record("UTEBLIVEN")
	require.Len(t, reminders(t, srv), 1, "one follow-up per meeting")
	require.Empty(t, fkReminders(t, srv), "the follow-up is the caller's")
}
