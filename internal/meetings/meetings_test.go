package meetings

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/tenancy"
)

func TestQueries_EveryStatementIsUsed(t *testing.T) {
	t.Parallel()
	require.Empty(t, queries.Unused(), "statements of queries.sql no Go code uses")
}

var now = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func TestKind_PurposeIsTheSamtyckesPurposeOfTheMeeting(t *testing.T) {
	t.Parallel()
	for kind, want := range map[Kind]consent.Purpose{
		SIPMote: consent.SIP, GemensamKartlaggning: consent.GemensamKartlaggning,
		Avstamningsmote: consent.SamordnadRehabilitering, Trepartsmote: consent.SamordnadRehabilitering,
	} {
		got, ok := kind.Purpose()
		require.True(t, ok, kind)
		require.Equal(t, want, got, kind)
	}
	_, ok := Konsultation.Purpose()
	require.False(t, ok, "a KONSULTATION names no one: any purpose its caller declares")
}

func TestNewMeeting_ProblemsNamesEveryFieldInOrder(t *testing.T) {
	t.Parallel()
	in := NewMeeting{Kind: Konsultation, CaseID: ptr(uuid.New()), Subject: "Dragning om 19850312-9804",
		StartsAt: now.Add(-time.Hour), EndsAt: now.Add(-2 * time.Hour), Place: ptr("Rum 1"), RemoteURL: ptr("http://x"),
		Invited: []Invitee{{OrganizationKind: tenancy.FK}, {OrganizationKind: tenancy.FK}, {OrganizationKind: "X"}}}
	require.Equal(t, []string{
		"caseId: a KONSULTATION is de-identified: it names no case or person",
		"subject: a KONSULTATION is de-identified: remove the personnummer",
		"startsAt: the meeting must start in the future",
		"endsAt: after the start, and at most 12 hours after it",
		"remoteUrl: an https link of at most 500 characters",
		"municipalityCode: name the municipality a KONSULTATION concerns",
		"invited[1].organizationKind: FK is invited twice",
		"invited[2].organizationKind: invite a KOMMUN, FK, AF or REGION",
	}, in.Problems(tenancy.AF, consent.SamordnadRehabilitering, now))

	ok := NewMeeting{Kind: SIPMote, CaseID: ptr(uuid.New()), Subject: "SIP", StartsAt: now.Add(24 * time.Hour),
		EndsAt: now.Add(25 * time.Hour), RemoteURL: ptr("https://mote.example.se/1"), Invited: []Invitee{{OrganizationKind: tenancy.Region}}}
	require.Empty(t, ok.Problems(tenancy.Kommun, consent.SIP, now))
	require.Equal(t, []string{"kind: a SIP_MOTE is held under the purpose SIP: declare it (you declared SAMORDNAD_REHABILITERING)"},
		ok.Problems(tenancy.Kommun, consent.SamordnadRehabilitering, now))
	ok.Place = ptr("Storgatan 1, 850312-9804")
	require.Equal(t, []string{"place: it goes into the calendar invitation: remove the personnummer"},
		ok.Problems(tenancy.Kommun, consent.SIP, now), "whatever the kind: the calendar file leaves the hub")
}

func TestICalendar_EscapesFoldsAndSaysCancelled(t *testing.T) {
	t.Parallel()
	m := Meeting{ID: uuid.MustParse("7a000000-0000-4000-8000-000000000001"), Kind: SIPMote, Subject: "SIP för Kim",
		StartsAt: time.Date(2026, 12, 10, 9, 0, 0, 0, time.FixedZone("CET", 3600)), EndsAt: time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC),
		UpdatedAt: now, Place: ptr("Vårdcentralen Gripen; rum 2, plan 3 — en lång beskrivning av vägen dit som inte ryms på en rad")}
	ics := m.ICalendar()
	require.Contains(t, ics, "DTSTART:20261210T080000Z\r\n", "in UTC")
	require.Contains(t, ics, "DTEND:20261210T100000Z\r\n")
	require.Contains(t, ics, "SUMMARY:SIP-möte (Samverkanshubben)\r\n")
	require.NotContains(t, ics, "Kim")
	for _, l := range strings.Split(ics, "\r\n") {
		require.LessOrEqual(t, len(l), 75, l)
	}
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	require.Contains(t, unfolded, `LOCATION:Vårdcentralen Gripen\; rum 2\, plan 3 — en lång beskrivning av vägen dit som inte ryms på en rad`+"\r\n")
	require.Contains(t, ics, "STATUS:CONFIRMED\r\n")
	m.CancelledAt = ptr(now)
	require.Contains(t, m.ICalendar(), "STATUS:CANCELLED\r\nSEQUENCE:1\r\n")
}

// Who came, or did not, is known once the meeting has started; that
// someone sent word is known before.
func TestAttendanceChange_CameOrNoShowOnlyOnceTheMeetingHasStarted(t *testing.T) {
	t.Parallel()
	fk := uuid.New()
	m := Meeting{IndividualID: ptr(uuid.New()), StartsAt: now.Add(time.Hour), Parties: []Party{{OrgID: fk}}}
	for _, c := range []struct {
		name    string
		ch      AttendanceChange
		at      time.Time
		refused bool
	}{
		{"the person came, before the start", AttendanceChange{Person: ptr(Narvarande)}, now, true},
		{"a party did not come, before the start", AttendanceChange{Parties: map[uuid.UUID]Attendance{fk: Uteblev}}, now, true},
		{"a party sent word, before the start", AttendanceChange{Parties: map[uuid.UUID]Attendance{fk: Aterbud}}, now, false},
		{"the person came, at the start", AttendanceChange{Person: ptr(Narvarande)}, m.StartsAt, false},
		{"a party did not come, after the start", AttendanceChange{Parties: map[uuid.UUID]Attendance{fk: Uteblev}}, m.StartsAt.Add(time.Minute), false},
	} {
		bad := c.ch.Problems(m, c.at)
		if c.refused {
			require.Equal(t, []string{"the meeting has not started (it starts 2026-12-05T10:00:00Z): NARVARANDE and UTEBLIVEN are recorded once it has, ATERBUD at any time"}, bad, c.name)
		} else {
			require.Empty(t, bad, c.name)
		}
	}
}
