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

// Minutes are checked against the meeting and the writer's kind of
// organisation: a class of its own, some text, and no personnummer in a
// KONSULTATION's.
func TestNewMinutes_Problems(t *testing.T) {
	t.Parallel()
	person := Meeting{Kind: Avstamningsmote, IndividualID: ptr(uuid.New())}
	review := Meeting{Kind: Konsultation}
	for _, c := range []struct {
		name   string
		m      Meeting
		writer tenancy.OrganizationKind
		in     NewMinutes
		want   []string
	}{
		{"FK in its own class", person, tenancy.FK, NewMinutes{Kind: DecisionNote, Class: consent.FKSamordning, Text: "Beslut om samordning."}, nil},
		{"a number is no problem about a person", person, tenancy.Kommun, NewMinutes{Kind: MinutesNote, Class: consent.KommunPlanering, Text: "19850312-9804 kom."}, nil},
		{"another party's class", person, tenancy.FK, NewMinutes{Kind: MinutesNote, Class: consent.VardRehabilitering, Text: "x"},
			[]string{"class: one of your organisation's own classes (FK_BESLUT, FK_SAMORDNING)"}},
		{"every field wrong", review, tenancy.Region, NewMinutes{Kind: "PROTOKOLL", Class: "VARD", Text: "  "},
			[]string{`kind: unknown kind "PROTOKOLL"`, "class: one of your organisation's own classes (VARD_SJUKSKRIVNING, VARD_MEDICINSKT_UNDERLAG, VARD_REHABILITERING)", "text: 1 to 4000 characters"}},
		{"a KONSULTATION's personnummer", review, tenancy.AF, NewMinutes{Kind: MinutesNote, Class: consent.AFInsatser, Text: "Gäller 19850312-9804."},
			[]string{"text: a KONSULTATION is de-identified: remove the personnummer"}},
	} {
		require.Equal(t, c.want, c.in.Problems(c.m, c.writer, now), c.name)
	}
}

// A reminder's and a kallelse's time is Stockholm's, summer or winter.
func TestWhen_InStockholm(t *testing.T) {
	t.Parallel()
	require.Equal(t, "2026-12-14 kl. 09:00–10:30", When(time.Date(2026, 12, 14, 8, 0, 0, 0, time.UTC), time.Date(2026, 12, 14, 9, 30, 0, 0, time.UTC)))
	require.Equal(t, "2026-06-01 kl. 10:00–11:00", When(time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)), "summer time")
}
