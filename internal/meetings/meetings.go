// Package meetings holds the rules and the SQL of meetings about a case:
// avstämningsmöten, SIP-möten, trepartsmöten, gemensamma kartläggningar
// and de-identified case reviews (KONSULTATION), their invited parties,
// and who came. Who sees a meeting is the database's rule
// (hub_meeting_visible, migration 035): the organisation that called it,
// the municipality that owns its case, and an invited party under a
// samtycke in force for the meeting's purpose.
package meetings

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Kind is what a meeting is for.
type Kind string

// The meeting kinds (DESIGN.md §5).
const (
	Avstamningsmote      Kind = "AVSTAMNINGSMOTE"
	SIPMote              Kind = "SIP_MOTE"
	Trepartsmote         Kind = "TREPARTSMOTE"
	GemensamKartlaggning Kind = "GEMENSAM_KARTLAGGNING"
	// Konsultation is a de-identified case review (AF's reviews every
	// other week): it names no case and no person.
	Konsultation Kind = "KONSULTATION"
)

// Kinds lists every kind.
var Kinds = []Kind{Avstamningsmote, SIPMote, Trepartsmote, GemensamKartlaggning, Konsultation}

// Purpose is the purpose a meeting about a person is held under, which
// the request that calls it must declare and which the samtycke must list
// for every invited party: a SIP-möte needs SIP, a gemensam kartläggning
// GEMENSAM_KARTLAGGNING, the others SAMORDNAD_REHABILITERING. A
// KONSULTATION names no one and is held under the purpose its caller
// declares.
func (k Kind) Purpose() (consent.Purpose, bool) {
	switch k {
	case SIPMote:
		return consent.SIP, true
	case GemensamKartlaggning:
		return consent.GemensamKartlaggning, true
	case Avstamningsmote, Trepartsmote:
		return consent.SamordnadRehabilitering, true
	}
	return "", false
}

// Topic is what a kallelse to the kind asks en väg in about.
func (k Kind) Topic() directory.Topic {
	switch k {
	case SIPMote:
		return "SIP"
	case GemensamKartlaggning:
		return "GEMENSAM_KARTLAGGNING"
	}
	return "SAMORDNAD_REHABILITERING"
}

// Label is the kind in Swedish prose: the .ics SUMMARY, a kallelse's subject.
func (k Kind) Label() string {
	switch k {
	case Avstamningsmote:
		return "Avstämningsmöte"
	case SIPMote:
		return "SIP-möte"
	case Trepartsmote:
		return "Trepartsmöte"
	case GemensamKartlaggning:
		return "Gemensam kartläggning"
	case Konsultation:
		return "Konsultation (avidentifierad ärendedragning)"
	}
	return string(k)
}

// PlanningClass is the information class a party's kallelse carries: the
// sender's own planning information about the person.
func PlanningClass(k tenancy.OrganizationKind) (consent.Class, bool) {
	switch k {
	case tenancy.Kommun:
		return consent.KommunPlanering, true
	case tenancy.FK:
		return consent.FKSamordning, true
	case tenancy.AF:
		return consent.AFInsatser, true
	case tenancy.Region:
		return consent.VardRehabilitering, true
	}
	return "", false
}

// Attendance is whether a party, or the person, came.
type Attendance string

// The attendances.
const (
	Kallad     Attendance = "KALLAD"     // invited; nothing recorded yet
	Narvarande Attendance = "NARVARANDE" // came
	Uteblev    Attendance = "UTEBLIVEN"  // a no-show
	Aterbud    Attendance = "ATERBUD"    // sent word they would not come
)

// Attendances lists every attendance.
var Attendances = []Attendance{Kallad, Narvarande, Uteblev, Aterbud}

// Limits of a meeting.
const (
	MaxSubjectLen = 200
	MaxAgendaLen  = 4000
	MaxPlaceLen   = 200
	MaxURLLen     = 500
	MaxRoleLen    = 100
	MaxReasonLen  = 2000
	MaxParties    = 6
	MaxDuration   = 12 * time.Hour
	MaxDaysAhead  = 366
	DefaultRole   = "deltagare" // a role not given
)

// Invitee is a party to invite: an organisation kind, which en väg in
// turns into a function of an organisation (and perhaps its unit), and the
// role it has at the meeting.
type Invitee struct {
	OrganizationKind tenancy.OrganizationKind
	Role             string
	// Topic routes the kallelse by another topic than the kind's.
	Topic *directory.Topic
}

// NewMeeting is a meeting to call.
type NewMeeting struct {
	Kind     Kind
	CaseID   *uuid.UUID
	Subject  string
	Agenda   string
	StartsAt time.Time
	EndsAt   time.Time
	Place    *string
	// RemoteURL is the link of a remote meeting (https).
	RemoteURL *string
	// MunicipalityCode is the municipality a KONSULTATION's kallelser are
	// routed for (a case's go to the case's municipality).
	MunicipalityCode *string
	// Role is the caller's own role at the meeting.
	Role    string
	Invited []Invitee
}

// Trimmed is the meeting with the spaces around its texts removed.
func (in NewMeeting) Trimmed() NewMeeting {
	trim := func(s *string) *string {
		if s == nil {
			return nil
		}
		t := strings.TrimSpace(*s)
		return &t
	}
	in.Subject, in.Agenda, in.Role = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Agenda), strings.TrimSpace(in.Role)
	in.Place, in.RemoteURL = trim(in.Place), trim(in.RemoteURL)
	invited := make([]Invitee, len(in.Invited))
	for i, p := range in.Invited {
		p.Role = strings.TrimSpace(p.Role)
		invited[i] = p
	}
	in.Invited = invited
	return in
}

// Problems checks the meeting on its own, without the database, and names
// every problem after its field, in field order. now is the request's
// clock.
func (in NewMeeting) Problems(caller tenancy.OrganizationKind, purpose consent.Purpose, now time.Time) []string {
	var bad []string
	today := tenancy.DayOf(now)
	known := slices.Contains(Kinds, in.Kind)
	if !known {
		bad = append(bad, fmt.Sprintf("kind: unknown meeting kind %q", in.Kind))
	}
	konsultation := in.Kind == Konsultation
	switch {
	case konsultation && in.CaseID != nil:
		bad = append(bad, "caseId: a KONSULTATION is de-identified: it names no case or person")
	case known && !konsultation && in.CaseID == nil:
		bad = append(bad, fmt.Sprintf("caseId: a %s is about a case: name it", in.Kind))
	}
	if want, ok := in.Kind.Purpose(); ok && want != purpose {
		bad = append(bad, fmt.Sprintf("kind: a %s is held under the purpose %s: declare it (you declared %s)", in.Kind, want, purpose))
	}
	subject := strings.TrimSpace(in.Subject)
	if subject == "" || len([]rune(subject)) > MaxSubjectLen {
		bad = append(bad, fmt.Sprintf("subject: give a subject of 1 to %d characters", MaxSubjectLen))
	} else if konsultation && personnummer.Contains(subject, today) {
		bad = append(bad, "subject: a KONSULTATION is de-identified: remove the personnummer")
	}
	if len([]rune(in.Agenda)) > MaxAgendaLen {
		bad = append(bad, fmt.Sprintf("agenda: at most %d characters", MaxAgendaLen))
	} else if konsultation && personnummer.Contains(in.Agenda, today) {
		bad = append(bad, "agenda: a KONSULTATION is de-identified: remove the personnummer")
	}
	switch {
	case !in.StartsAt.After(now):
		bad = append(bad, "startsAt: the meeting must start in the future")
	case in.StartsAt.After(now.AddDate(0, 0, MaxDaysAhead)):
		bad = append(bad, fmt.Sprintf("startsAt: at most %d days ahead", MaxDaysAhead))
	}
	if !in.EndsAt.After(in.StartsAt) || in.EndsAt.Sub(in.StartsAt) > MaxDuration {
		bad = append(bad, "endsAt: after the start, and at most 12 hours after it")
	}
	// The place and the link go into the calendar file, which leaves the
	// hub: never a personnummer, whatever the kind.
	if in.Place == nil && in.RemoteURL == nil {
		bad = append(bad, "place: give a place, a remoteUrl, or both")
	}
	if in.Place != nil {
		p := strings.TrimSpace(*in.Place)
		switch {
		case p == "" || len([]rune(p)) > MaxPlaceLen:
			bad = append(bad, fmt.Sprintf("place: 1 to %d characters", MaxPlaceLen))
		case personnummer.Contains(p, today):
			bad = append(bad, "place: it goes into the calendar invitation: remove the personnummer")
		}
	}
	if in.RemoteURL != nil {
		u, err := url.Parse(*in.RemoteURL)
		switch {
		case len(*in.RemoteURL) > MaxURLLen || err != nil || u.Scheme != "https" || u.Host == "":
			bad = append(bad, fmt.Sprintf("remoteUrl: an https link of at most %d characters", MaxURLLen))
		case personnummer.Contains(*in.RemoteURL, today):
			bad = append(bad, "remoteUrl: it goes into the calendar invitation: remove the personnummer")
		}
	}
	switch {
	case konsultation && in.MunicipalityCode == nil:
		bad = append(bad, "municipalityCode: name the municipality a KONSULTATION concerns")
	case !konsultation && in.MunicipalityCode != nil:
		bad = append(bad, "municipalityCode: a meeting about a case is for the case's municipality: leave it out")
	case in.MunicipalityCode != nil:
		if err := tenancy.ValidateKommunkod(*in.MunicipalityCode); err != nil {
			bad = append(bad, "municipalityCode: "+err.Error())
		}
	}
	if r := strings.TrimSpace(in.Role); len([]rune(r)) > MaxRoleLen {
		bad = append(bad, fmt.Sprintf("role: at most %d characters", MaxRoleLen))
	}
	if _, ok := PlanningClass(caller); !ok && !konsultation {
		bad = append(bad, fmt.Sprintf("kind: a %s calls a meeting about a person only as a KOMMUN, FK, AF or REGION", caller))
	}
	bad = append(bad, in.inviteeProblems(caller)...)
	return bad
}

func (in NewMeeting) inviteeProblems(caller tenancy.OrganizationKind) []string {
	var bad []string
	if len(in.Invited) == 0 || len(in.Invited) > MaxParties {
		bad = append(bad, fmt.Sprintf("invited: invite 1 to %d parties", MaxParties))
	}
	seen := map[tenancy.OrganizationKind]bool{}
	for i, p := range in.Invited {
		field := fmt.Sprintf("invited[%d]", i)
		switch {
		case !slices.Contains(tenancy.OrganizationKinds, p.OrganizationKind) || p.OrganizationKind == tenancy.Samordningsforbund:
			bad = append(bad, fmt.Sprintf("%s.organizationKind: invite a KOMMUN, FK, AF or REGION", field))
		case seen[p.OrganizationKind]:
			bad = append(bad, fmt.Sprintf("%s.organizationKind: %s is invited twice", field, p.OrganizationKind))
		}
		seen[p.OrganizationKind] = true
		if r := strings.TrimSpace(p.Role); len([]rune(r)) > MaxRoleLen {
			bad = append(bad, fmt.Sprintf("%s.role: at most %d characters", field, MaxRoleLen))
		}
		if p.Topic != nil && !slices.Contains(directory.Topics, *p.Topic) {
			bad = append(bad, fmt.Sprintf("%s.topic: unknown topic %q", field, *p.Topic))
		}
	}
	return bad
}

// RoleOr is a role as given, or the default.
func RoleOr(role string) string {
	if r := strings.TrimSpace(role); r != "" {
		return r
	}
	return DefaultRole
}

// Meeting is a meeting as the reader may see it (the rule hides the rest).
type Meeting struct {
	ID               uuid.UUID       `db:"id"`
	Kind             Kind            `db:"kind"`
	Purpose          consent.Purpose `db:"purpose"`
	CaseID           *uuid.UUID      `db:"case_id"`
	IndividualID     *uuid.UUID      `db:"individual_id"`
	CaseOrgID        *uuid.UUID      `db:"case_org_id"`
	OrgID            uuid.UUID       `db:"org_id"`
	UnitID           *uuid.UUID      `db:"unit_id"`
	UserID           string          `db:"user_id"`
	Subject          string          `db:"subject"`
	Agenda           string          `db:"agenda"`
	StartsAt         time.Time       `db:"starts_at"`
	EndsAt           time.Time       `db:"ends_at"`
	Place            *string         `db:"place"`
	RemoteURL        *string         `db:"remote_url"`
	PersonAttendance *Attendance     `db:"person_attendance"`
	CancelledAt      *time.Time      `db:"cancelled_at"`
	CancelReason     *string         `db:"cancel_reason"`
	CreatedAt        time.Time       `db:"created_at"`
	UpdatedAt        time.Time       `db:"updated_at"`
	// ConsentID is the samtycke that lets the reader see a meeting about
	// a person it neither called nor owns the case of.
	ConsentID *uuid.UUID `db:"consent_id"`
	// Parties are filled by the service (PartiesOf).
	Parties []Party `db:"-"`
}

// Personal says whether the meeting is about a person.
func (m Meeting) Personal() bool { return m.IndividualID != nil }

// Party is an invited party (or the caller) and whether it came.
type Party struct {
	MeetingID  uuid.UUID  `db:"meeting_id"`
	OrgID      uuid.UUID  `db:"org_id"`
	OrgName    string     `db:"org_name"`
	OrgKind    string     `db:"org_kind"`
	UnitID     *uuid.UUID `db:"unit_id"`
	UnitName   *string    `db:"unit_name"`
	Role       string     `db:"role"`
	Caller     bool       `db:"caller"`
	TaskID     *uuid.UUID `db:"task_id"`
	Attendance Attendance `db:"attendance"`
}

// AttendanceChange records who came: the person's attendance and that of
// parties named by organisation.
type AttendanceChange struct {
	Person  *Attendance
	Parties map[uuid.UUID]Attendance
}

// Problems checks the change against the meeting at now. Whether someone
// came (NARVARANDE) or did not (UTEBLIVEN) is known only once the meeting
// has started; that they sent word (ATERBUD) may be recorded before.
func (ch AttendanceChange) Problems(m Meeting, now time.Time) []string {
	var bad []string
	if m.CancelledAt != nil {
		bad = append(bad, "meetingId: the meeting is cancelled")
	}
	if now.Before(m.StartsAt) && ch.tellsWhoCame() {
		bad = append(bad, fmt.Sprintf("the meeting has not started (it starts %s): NARVARANDE and UTEBLIVEN are recorded once it has, ATERBUD at any time",
			m.StartsAt.UTC().Format(time.RFC3339)))
	}
	if ch.Person == nil && len(ch.Parties) == 0 {
		bad = append(bad, "record the person's attendance, a party's, or both")
	}
	if ch.Person != nil {
		switch {
		case !slices.Contains(Attendances, *ch.Person):
			bad = append(bad, fmt.Sprintf("person: unknown attendance %q", *ch.Person))
		case !m.Personal():
			bad = append(bad, "person: a KONSULTATION names no person")
		}
	}
	for org, a := range ch.Parties {
		if !slices.Contains(Attendances, a) {
			bad = append(bad, fmt.Sprintf("parties: unknown attendance %q", a))
		}
		if !slices.ContainsFunc(m.Parties, func(p Party) bool { return p.OrgID == org }) {
			bad = append(bad, "parties: an organisation that is no party to the meeting")
		}
	}
	slices.Sort(bad)
	return slices.Compact(bad)
}

// tellsWhoCame reports whether the change says that someone came or did
// not come.
func (ch AttendanceChange) tellsWhoCame() bool {
	happened := func(a Attendance) bool { return a == Narvarande || a == Uteblev }
	if ch.Person != nil && happened(*ch.Person) {
		return true
	}
	for _, a := range ch.Parties {
		if happened(a) {
			return true
		}
	}
	return false
}
