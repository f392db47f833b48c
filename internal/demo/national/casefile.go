package national

// The case file part of the national data set (issue 14, "Targets"): for
// a share of the generated cases, what the parties plan and meet around.
//
//   - SIP and SAMSIP plans (migration 034) with 1–4 versions, insatser of
//     2–4 huvudmän and the person's agreement to most versions, where a
//     samtycke (OSL, for the purpose SIP) names the parties: the plan's
//     parties are the case's municipality and those the samtycke names,
//     and each version was written while it was in force.
//   - Meetings (migration 035) of every kind, past (in the last year) and
//     coming (in the next 90 days), each with its caller and invited
//     parties, a kallelse per invited party (a task routed through a
//     directory entry of the party's organisation, as scheduleMeeting
//     sends it), and the attendance recorded after a past one. A party is
//     invited only where a samtycke in force when the meeting was called
//     shares the person and the caller's planning class with it for the
//     meeting's purpose (the kallelse's own rule). Every other week half
//     the kommuner hold a KONSULTATION with Arbetsförmedlingen (no person).
//   - Evidence checklists (migration 036), items in every status.
//
// Case file j draws from its own random stream, like the cases and the
// tasks: the same seed, data set and day give the same rows.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

const (
	streamCasefile uint64 = iota + 200
	streamKonsultationMeetings
)

// Shares of the case files, in percent of the cases considered.
const (
	planShare     = 55 // of the cases whose samtycke for SIP names a party
	meetingShare  = 45
	evidenceShare = 35
	comingShare   = 40 // of the meetings: in the next 90 days
	cancelShare   = 5
	comingDays    = 90
)

type genPlan struct {
	id, caseID, org, individual uuid.UUID
	kind                        string
	createdAt                   time.Time
	versions                    []genPlanVersion
}

type genPlanVersion struct {
	version                     int
	goals, participants         []string
	whatMatters, reason         string
	overallOrg                  uuid.UUID
	overallUnit                 *uuid.UUID
	nextFollowUp                time.Time
	authorOrg                   uuid.UUID
	authorUnit                  *uuid.UUID
	authorUser                  string
	authoredAt                  time.Time
	insatser                    []genInsats
	agreementHow, agreementNote *string
	agreementBy                 string
	agreementAt                 time.Time
}

type genInsats struct {
	org                 uuid.UUID
	unit                *uuid.UUID
	class, status       string
	what, firstActivity string
	startOn             time.Time
}

type genMeeting struct {
	id                          uuid.UUID
	kind                        meetings.Kind
	purpose                     consent.Purpose
	caseID, individual, caseOrg *uuid.UUID
	org                         uuid.UUID
	unit                        *uuid.UUID
	user                        string
	subject, agenda             string
	startsAt, endsAt            time.Time
	place, remoteURL            *string
	personAttendance            *string
	cancelledAt                 *time.Time
	cancelReason                *string
	createdAt, updatedAt        time.Time
	parties                     []genParty
	kallelser                   []genTask
}

type genParty struct {
	org        uuid.UUID
	unit       *uuid.UUID
	role       string
	task       *uuid.UUID
	attendance string
	updatedAt  time.Time
}

type genEvidence struct {
	kind, class, status string
	holder              *uuid.UUID
	receivedOn          *time.Time
	waiver              *string
	requestedAt         *time.Time
	requestedBy         *string
	updatedAt           time.Time
	updatedByUnit       uuid.UUID
	updatedBy           string
}

// genCasefile is what one case (or, past the cases, one kommun's
// KONSULTATION series) adds.
type genCasefile struct {
	caseID, org, individual uuid.UUID
	plans                   []genPlan
	meetings                []genMeeting
	evidence                []genEvidence
}

// casefileGenerator makes the case files of a data set; it routes the
// kallelser and checks the samtycken as the task generator does.
type casefileGenerator struct {
	*taskGenerator
	coordUnit map[string]uuid.UUID // a kommun's samverkan unit, where the demo has one
	src       *rand.PCG
	rng       *rand.Rand
}

func newCasefileGenerator(t *taskGenerator) *casefileGenerator {
	g := &casefileGenerator{taskGenerator: t, coordUnit: map[string]uuid.UUID{}, src: rand.NewPCG(0, 0)}
	g.rng = rand.New(g.src)
	for _, o := range demo.Organizations() {
		for _, u := range o.Units {
			if o.Kind == tenancy.Kommun && u.Key == "samverkan" {
				g.coordUnit[o.Municipalities[0]] = demo.ID("unit/" + o.Key + "/" + u.Key)
			}
		}
	}
	return g
}

// casefile generates item i: case i's plans, meetings and checklist for
// i < cases, then the KONSULTATION series of kommun i - cases.
func (g *casefileGenerator) casefile(i, cases int) genCasefile {
	if i >= cases {
		return g.konsultationSeries(i - cases)
	}
	reseed(g.src, g.p.seed, streamCasefile, i)
	r := g.rng
	c := g.p.caseOf(i)
	k := g.p.person(g.p.caseIndividual(i)).kommun
	consents := g.loadedConsents(i)
	cf := genCasefile{caseID: c.id, org: c.org, individual: c.individual}
	if p, ok := g.plan(i, c, k, consents, r); ok {
		cf.plans = append(cf.plans, p)
	}
	if r.IntN(100) < meetingShare {
		n := pick(r, []int{1, 2, 3}, 55, 30, 15)
		for m := range n {
			if mt, ok := g.meeting(i, m, c, k, consents, r); ok {
				cf.meetings = append(cf.meetings, mt)
			}
		}
	}
	if r.IntN(100) < evidenceShare {
		cf.evidence = g.checklist(c, k, r)
	}
	return cf
}

// The named parties of a grant: which kind of organisation it is.
func (g *casefileGenerator) orgKind(k *nationalKommun, org uuid.UUID) tenancy.OrganizationKind {
	switch org {
	case demo.ID("org/fk"):
		return tenancy.FK
	case demo.ID("org/af"):
		return tenancy.AF
	case k.region:
		return tenancy.Region
	case k.org:
		return tenancy.Kommun
	}
	return ""
}

var (
	planGoals = []string{"Jag vill ha ett arbete på deltid inom ett år.", "Jag vill må bättre och sova bättre.",
		"Jag vill klara min ekonomi utan försörjningsstöd.", "Jag vill börja studera svenska igen.",
		"Jag vill ha kontakt med en och samma handläggare.", "Jag vill prova arbetsträning i lugn miljö."}
	planWhatMatters = []string{"Att jag får vara med och bestämma takten.", "Att mina barn inte påverkas.",
		"Att slippa berätta samma sak för alla myndigheter.", "Att mötena är på förmiddagen och gärna på distans."}
	insatsWhat = map[tenancy.OrganizationKind][2]string{
		tenancy.Kommun: {"Försörjningsstöd och stödsamtal med socialsekreterare", "Första samtal om planeringen"},
		tenancy.FK:     {"Samordning av rehabiliteringen och bedömning av rätt till ersättning", "Avstämning om arbetsförmågan"},
		tenancy.AF:     {"Arbetslivsinriktad rehabilitering med arbetsträning", "Inskrivning och kartläggning hos arbetsförmedlare"},
		tenancy.Region: {"Samtalsbehandling och fysioterapi på vårdcentralen", "Besök hos rehabkoordinatorn"},
	}
	roleOf = map[tenancy.OrganizationKind]string{tenancy.Kommun: "socialsekreterare", tenancy.FK: "personlig handläggare",
		tenancy.AF: "arbetsförmedlare", tenancy.Region: "rehabkoordinator"}
	insatsStatuses = []string{"PLANERAD", "PAGAR", "AVSLUTAD"}
)

// planningClass is the kind of organisation's own planning class (the
// class of its insatser and of its kallelser).
func planningClass(kind tenancy.OrganizationKind) string {
	c, _ := meetings.PlanningClass(kind)
	return string(c)
}

type planParty struct {
	kind tenancy.OrganizationKind
	org  uuid.UUID
	unit *uuid.UUID
}

// plan draws case j's plan, if it has one: a samtycke for SIP (OSL) names
// its parties, and every version was written while that samtycke was in
// force, after the case was opened and before the day began.
func (g *casefileGenerator) plan(j int, c genCase, k *nationalKommun, consents []genConsent, r *rand.Rand) (genPlan, bool) {
	if r.IntN(100) >= planShare {
		return genPlan{}, false
	}
	var s *genConsent
	var from, to time.Time
	for n := range consents {
		cs := &consents[n]
		if cs.kind != consent.OSL || !slices.Contains(cs.purposes, string(consent.SIP)) {
			continue
		}
		from, to = latest(c.openedAt, cs.registeredAt, dayIn(cs.validFrom)), earliest(g.dayStart().Add(-time.Hour), dayIn(cs.validUntil).Add(23*time.Hour))
		if cs.revokedAt != nil {
			to = earliest(to, cs.revokedAt.Add(-time.Minute))
		}
		if to.Sub(from) >= 4*time.Hour {
			s = cs
			break
		}
	}
	if s == nil {
		return genPlan{}, false
	}
	var named []planParty
	for _, gr := range s.grants {
		kind := g.orgKind(k, gr.org)
		if kind == "" || kind == tenancy.Kommun {
			continue
		}
		p := planParty{kind, gr.org, gr.unit}
		if p.unit == nil {
			switch kind {
			case tenancy.FK:
				office := k.fkOffice
				p.unit = &office
			case tenancy.AF:
				p.unit = k.afOffice
			}
		}
		named = append(named, p)
	}
	hasRegion := slices.ContainsFunc(named, func(p planParty) bool { return p.kind == tenancy.Region })
	hasState := slices.ContainsFunc(named, func(p planParty) bool { return p.kind != tenancy.Region })
	kind := "SIP"
	switch {
	case hasState && (!hasRegion || r.IntN(100) < 60):
		kind = "SAMSIP"
	case !hasRegion:
		return genPlan{}, false
	}
	lead := c.leadUnit
	parties := []planParty{{tenancy.Kommun, k.org, &lead}}
	for _, n := range r.Perm(len(named)) {
		if len(parties) < 4 && (kind == "SAMSIP" || named[n].kind == tenancy.Region) {
			parties = append(parties, named[n])
		}
	}
	versions := pick(r, []int{1, 2, 3, 4}, 40, 30, 20, 10)
	p := genPlan{id: nationalID("plan/", j), caseID: c.id, org: c.org, individual: c.individual, kind: kind}
	segment := to.Sub(from) / time.Duration(versions)
	status := make([]int, len(parties)) // index into insatsStatuses
	for n := range parties {
		status[n] = r.IntN(2)
	}
	staff := k.staff[r.IntN(len(k.staff))]
	for v := 1; v <= versions; v++ {
		at := from.Add(segment*time.Duration(v-1) + time.Duration(r.Int64N(int64(segment/2)+1))).Truncate(time.Second)
		pv := genPlanVersion{version: v, whatMatters: planWhatMatters[r.IntN(len(planWhatMatters))],
			overallOrg: k.org, overallUnit: &lead, authoredAt: at,
			authorOrg: k.org, authorUnit: &lead, authorUser: staff.login, reason: "Planen upprättad vid SIP-möte."}
		for _, x := range r.Perm(len(planGoals))[:1+r.IntN(3)] {
			pv.goals = append(pv.goals, planGoals[x])
		}
		pv.participants = []string{"Personen själv", "Socialsekreterare " + staff.name}
		for _, pt := range parties[1:] {
			pv.participants = append(pv.participants, fmt.Sprintf("%s (%s)", roleOf[pt.kind], pt.kind))
		}
		if v > 1 {
			pv.reason = "Uppföljning: insatserna stämdes av och planen reviderades."
			if r.IntN(100) < 25 && len(parties) > 1 { // a party revises
				pt := parties[1+r.IntN(len(parties)-1)]
				pv.authorOrg, pv.authorUnit = pt.org, pt.unit
				pv.authorUser = partyStaff(string(pt.kind)[:2], k.code, r.IntN(4)).login
			}
			for n := range status {
				if status[n] < 2 && r.IntN(100) < 50 {
					status[n]++
				}
			}
		}
		pv.nextFollowUp = dayOf(at).AddDate(0, 0, 60+r.IntN(60))
		for n, pt := range parties {
			st := insatsStatuses[status[n]]
			if v > 1 && status[n] == 2 && r.IntN(100) < 10 {
				st = "AVBRUTEN"
			}
			what := insatsWhat[pt.kind]
			pv.insatser = append(pv.insatser, genInsats{org: pt.org, unit: pt.unit, class: planningClass(pt.kind), status: st,
				what: what[0], firstActivity: what[1], startOn: dayOf(at).AddDate(0, 0, r.IntN(30))})
		}
		if r.IntN(100) < 85 || (v < versions && r.IntN(100) < 50) {
			how, note := "WRITTEN", "Undertecknad plan förvaras i akten."
			if r.IntN(100) < 30 {
				how, note = "ORAL", "Personen godkände planen muntligt vid mötet."
			}
			pv.agreementHow, pv.agreementNote, pv.agreementBy = &how, &note, staff.login
			pv.agreementAt = earliest(at.Add(time.Duration(10+r.IntN(48*60))*time.Minute), to)
			if !pv.agreementAt.After(at) {
				pv.agreementAt = at.Add(time.Second)
			}
		}
		p.versions = append(p.versions, pv)
	}
	p.createdAt = p.versions[0].authoredAt
	return p, true
}

// meetingKindMix is the share of each kind of meeting about a case, in percent.
var meetingKindMix = []struct {
	kind  meetings.Kind
	share int
}{{meetings.Avstamningsmote, 35}, {meetings.SIPMote, 25}, {meetings.Trepartsmote, 15}, {meetings.GemensamKartlaggning, 25}}

var (
	meetingSubjects = map[meetings.Kind]string{
		meetings.Avstamningsmote: "Avstämning om rehabiliteringen", meetings.SIPMote: "SIP-möte: samordnad individuell plan",
		meetings.Trepartsmote: "Trepartsmöte om arbetsförmågan", meetings.GemensamKartlaggning: "Gemensam kartläggning med FK och AF",
		meetings.Konsultation: "Ärendedragning med Arbetsförmedlingen (avidentifierad)",
	}
	meetingPlaces = []string{"Samverkanshuset, rum 3", "Socialkontoret, mötesrum Klarälven", "Försäkringskassan, besöksrum 2",
		"Vårdcentralen, samtalsrum 1", "Arbetsförmedlingen, rum 4"}
	cancelReasons = []string{"Personen är sjuk; nytt möte bokas.", "Handläggaren hos FK är förhindrad.", "Mötet behövs inte längre."}
)

// meetingTopics is the topics a kallelse to a kind of organisation asks en
// väg in about, the kind's own first (a party's topic may be overridden
// when the organisation lists the function under another).
func meetingTopics(kind meetings.Kind, to tenancy.OrganizationKind) []string {
	out := []string{string(kind.Topic())}
	switch to {
	case tenancy.AF:
		out = append(out, "ARBETSLIVSINRIKTAD_REHABILITERING", "GEMENSAM_KARTLAGGNING")
	case tenancy.Kommun:
		out = append(out, "SAMORDNAD_REHABILITERING", "EKONOMISKT_BISTAND")
	default:
		out = append(out, "SAMORDNAD_REHABILITERING")
	}
	return out
}

// meeting draws meeting m of case j, if it could have been called.
func (g *casefileGenerator) meeting(j, m int, c genCase, k *nationalKommun, consents []genConsent, r *rand.Rand) (genMeeting, bool) {
	x, kind := r.IntN(100), meetings.Avstamningsmote
	for _, km := range meetingKindMix {
		if x < km.share {
			kind = km.kind
			break
		}
		x -= km.share
	}
	purpose, _ := kind.Purpose()
	coming := r.IntN(100) < comingShare
	var startDay, created time.Time
	if coming {
		startDay = g.today.AddDate(0, 0, 1+r.IntN(comingDays))
		created = atWork(g.today.AddDate(0, 0, -1-r.IntN(30)), r)
		if limit := c.openedAt.Add(time.Hour); created.Before(limit) {
			created = limit
		}
	} else {
		startDay = g.today.AddDate(0, 0, -1-r.IntN(365))
		created = atWork(startDay.AddDate(0, 0, -3-r.IntN(28)), r)
	}
	if created.Before(c.openedAt.Add(time.Hour)) || created.After(g.dayStart().Add(-2*time.Hour)) {
		return genMeeting{}, false
	}
	starts := time.Date(startDay.Year(), startDay.Month(), startDay.Day(), 8+r.IntN(8), 15*r.IntN(4), 0, 0, cet)
	mt := genMeeting{id: nationalID("meeting/", j, "/", m), kind: kind, purpose: purpose, startsAt: starts,
		endsAt: starts.Add(time.Duration(30*(1+r.IntN(4))) * time.Minute), createdAt: created, subject: meetingSubjects[kind]}
	caseID, ind, org := c.id, c.individual, c.org
	mt.caseID, mt.individual, mt.caseOrg = &caseID, &ind, &org
	// The caller: the kommun (its samverkan unit or the case's lead unit),
	// or for an avstämning Försäkringskassan's office, which sees the case
	// through a samtycke for the purpose.
	callerKind := tenancy.Kommun
	mt.org, mt.user = k.org, k.staff[r.IntN(len(k.staff))].login
	lead := c.leadUnit
	mt.unit = &lead
	coordinator := false
	if u, ok := g.coordUnit[k.code]; ok && r.IntN(100) < 50 {
		mt.unit, coordinator = &u, true
	}
	if (kind == meetings.Avstamningsmote || kind == meetings.Trepartsmote) && r.IntN(100) < 35 {
		office := k.fkOffice
		if len(grantsFor(consents, demo.ID("org/fk"), &office, purpose, created)) > 0 {
			callerKind, mt.org, mt.unit, mt.user = tenancy.FK, demo.ID("org/fk"), &office, partyStaff("fk", k.county, r.IntN(6)).login
		}
	}
	var invite []tenancy.OrganizationKind
	other := tenancy.FK
	if callerKind == tenancy.FK {
		other = tenancy.Kommun
	}
	maybe := func(kind tenancy.OrganizationKind, percent int) {
		if r.IntN(100) < percent {
			invite = append(invite, kind)
		}
	}
	switch kind {
	case meetings.Avstamningsmote:
		invite = []tenancy.OrganizationKind{other}
		maybe(tenancy.Region, 40)
		maybe(tenancy.AF, 25)
	case meetings.Trepartsmote:
		invite = []tenancy.OrganizationKind{other, tenancy.Region}
	case meetings.SIPMote:
		invite = []tenancy.OrganizationKind{tenancy.Region}
		maybe(tenancy.FK, 50)
		maybe(tenancy.AF, 35)
	case meetings.GemensamKartlaggning:
		invite = []tenancy.OrganizationKind{tenancy.FK, tenancy.AF}
	}
	class := planningClass(callerKind)
	mt.parties = []genParty{{org: mt.org, unit: mt.unit, role: roleOf[callerKind], attendance: "KALLAD"}}
	if callerKind == tenancy.Kommun && coordinator {
		mt.parties[0].role = "samverkanskoordinator"
	}
	for _, to := range invite {
		var recipient uuid.UUID
		switch to {
		case tenancy.FK:
			recipient = demo.ID("org/fk")
		case tenancy.AF:
			recipient = demo.ID("org/af")
		case tenancy.Region:
			recipient = k.region
		case tenancy.Kommun:
			recipient = k.org
		}
		var e taskEntry
		var topic string
		found := false
		for _, tp := range meetingTopics(kind, to) {
			if e, found = g.entry(recipient, tp, k.code, r); found {
				topic = tp
				break
			}
		}
		if !found {
			continue
		}
		// The kallelse carries the caller's planning class: the lowest
		// samtycke in force that shares the person and it with the party.
		var consentID *uuid.UUID
		for _, gr := range grantsFor(consents, e.org, e.unit, purpose, created) {
			if slices.Contains(gr.classes, class) {
				id := gr.id
				consentID = &id
				break
			}
		}
		if consentID == nil {
			continue
		}
		t := g.kallelse(&mt, len(mt.parties), roleOf[to], topic, k.code, e)
		t.classes, t.consentID, t.caseID, t.individual, t.caseOrg = []string{class}, consentID, &caseID, &ind, &org
		mt.parties = append(mt.parties, genParty{org: e.org, unit: e.unit, role: roleOf[to], task: &t.id, attendance: "KALLAD"})
		mt.kallelser = append(mt.kallelser, t)
	}
	if len(mt.parties) == 1 {
		return genMeeting{}, false
	}
	g.place(&mt, r)
	mt.agenda = "1. Läget sedan sist\n2. Insatser och ansvar\n3. Nästa steg och uppföljning"
	g.outcome(&mt, true, r)
	return mt, true
}

// kallelse is the task that invited party n (the meeting's times and
// subject set; the caller fills in the case and samtycke): as
// scheduleMeeting writes it, due on the meeting's day.
func (g *casefileGenerator) kallelse(mt *genMeeting, n int, role, topic, code string, e taskEntry) genTask {
	start := mt.startsAt.In(cet)
	t := genTask{id: nationalID("kallelse/", mt.id, "/", n), kind: tasks.KallelseSIP, purpose: mt.purpose, classes: []string{},
		senderOrg: mt.org, senderUnit: mt.unit, senderUser: mt.user, topic: topic, municipality: code,
		entry: &e.id, recipientOrg: e.org, recipientUnit: e.unit, createdAt: mt.createdAt,
		subject: fmt.Sprintf("Kallelse: %s %s kl. %s–%s", mt.kind.Label(), start.Format(time.DateOnly), start.Format("15:04"), mt.endsAt.In(cet).Format("15:04")),
		body:    mt.subject + "\nRoll: " + role + "\n\n1. Läget sedan sist\n2. Insatser och ansvar\n3. Nästa steg och uppföljning",
		dueOn:   dayOf(mt.startsAt)}
	if mt.caseID == nil {
		t.kind = tasks.Konsultation
	}
	return t
}

// place sets where the meeting is: a room, a remote link, or both.
func (g *casefileGenerator) place(mt *genMeeting, r *rand.Rand) {
	x := r.IntN(100)
	if x >= 45 {
		p := meetingPlaces[r.IntN(len(meetingPlaces))]
		mt.place = &p
	}
	if x < 45 || x >= 75 {
		u := fmt.Sprintf("https://mote.example.se/%x", mt.id[:6])
		mt.remoteURL = &u
	}
}

// outcome decides the meeting's fate (cancelled, held with attendance
// recorded, or still to come) and its kallelser's histories, all before
// the day began.
func (g *casefileGenerator) outcome(mt *genMeeting, personal bool, r *rand.Rand) {
	limit := g.dayStart().Add(-40 * time.Minute)
	mt.updatedAt = mt.createdAt
	for n := range mt.parties {
		mt.parties[n].updatedAt = mt.createdAt
	}
	held := mt.endsAt.Before(limit)
	kallad := "KALLAD"
	if personal {
		mt.personAttendance = &kallad
	}
	var path []tasks.State
	switch {
	case r.IntN(100) < cancelShare:
		at := mt.createdAt.Add(time.Duration(r.Int64N(int64(earliest(mt.startsAt, limit).Sub(mt.createdAt)/2)) + int64(time.Minute))).Truncate(time.Second)
		reason := cancelReasons[r.IntN(len(cancelReasons))]
		mt.cancelledAt, mt.cancelReason, mt.updatedAt = &at, &reason, at
		path = []tasks.State{tasks.Mottagen, tasks.Avbruten}[1-r.IntN(2):]
	case held:
		recorded := earliest(mt.endsAt.Add(time.Duration(10+r.IntN(24*60))*time.Minute), limit)
		mt.updatedAt = recorded
		if personal {
			a := pick(r, []string{"NARVARANDE", "UTEBLIVEN", "ATERBUD"}, 80, 12, 8)
			mt.personAttendance = &a
		}
		for n := range mt.parties {
			mt.parties[n].attendance, mt.parties[n].updatedAt = "NARVARANDE", recorded
			if n > 0 {
				mt.parties[n].attendance = pick(r, []string{"NARVARANDE", "UTEBLIVEN", "ATERBUD"}, 85, 7, 8)
			}
		}
		path = []tasks.State{tasks.Mottagen, tasks.Accepterad, tasks.Pagaende, tasks.Klar}
		if r.IntN(100) < 30 {
			path = path[:2]
		}
	default:
		path = []tasks.State{tasks.Mottagen, tasks.Accepterad}[:r.IntN(3)]
	}
	for n := range mt.kallelser {
		t := &mt.kallelser[n]
		p := path
		end := limit
		if mt.cancelledAt != nil {
			end = *mt.cancelledAt
		}
		// Steps at least a minute apart, all before end; a cancellation last, at the meeting's.
		t.state = tasks.Skickad
		if len(p) > 0 {
			t.state = p[len(p)-1]
		}
		avail := end.Sub(t.createdAt) - 2*time.Minute
		gaps := make([]time.Duration, len(p))
		for s := range gaps {
			gaps[s] = time.Minute + time.Duration(r.Int64N(int64(max(avail/time.Duration(len(p)+1), time.Minute))))
		}
		g.history(t, p, gaps, r, func(s int) uuid.UUID { return nationalID("kallelse-event/", t.id, "/", s) })
	}
}

// konsultationSeries is kommun n's AF reviews every other week over the
// past half year and the coming 90 days (half the kommuner hold them).
func (g *casefileGenerator) konsultationSeries(n int) genCasefile {
	reseed(g.src, g.p.seed, streamKonsultationMeetings, n)
	r := g.rng
	var cf genCasefile
	if n >= len(g.p.kommuner) || r.IntN(100) >= 50 {
		return cf
	}
	k := &g.p.kommuner[n]
	weekday, hour := r.IntN(5), 9+r.IntN(5)
	monday := g.today.AddDate(0, 0, -int((g.today.Weekday()+6)%7))
	for w := -26; w <= comingDays/7; w += 2 {
		day := monday.AddDate(0, 0, 7*w+weekday)
		if !day.After(g.today) && !day.Before(g.today) {
			continue
		}
		starts := time.Date(day.Year(), day.Month(), day.Day(), hour, 0, 0, 0, cet)
		created := atWork(day.AddDate(0, 0, -14), r)
		if !created.Before(g.dayStart().Add(-2 * time.Hour)) {
			continue
		}
		eb := k.eb
		mt := genMeeting{id: nationalID("konsultation-meeting/", k.code, "/", w), kind: meetings.Konsultation,
			purpose: consent.SamordnadRehabilitering, org: k.org, unit: &eb, user: k.staff[r.IntN(len(k.staff))].login,
			startsAt: starts, endsAt: starts.Add(time.Hour), createdAt: created, subject: meetingSubjects[meetings.Konsultation],
			agenda: "Avidentifierade ärenden: vilka insatser kan Arbetsförmedlingen erbjuda?"}
		mt.parties = []genParty{{org: k.org, unit: &eb, role: "socialsekreterare", attendance: "KALLAD"}}
		var e taskEntry
		var topic string
		found := false
		for _, tp := range meetingTopics(meetings.Konsultation, tenancy.AF) {
			if e, found = g.entry(demo.ID("org/af"), tp, k.code, r); found {
				topic = tp
				break
			}
		}
		if !found {
			return cf
		}
		t := g.kallelse(&mt, 1, "arbetsförmedlare", topic, k.code, e)
		mt.parties = append(mt.parties, genParty{org: e.org, unit: e.unit, role: "arbetsförmedlare", task: &t.id, attendance: "KALLAD"})
		mt.kallelser = append(mt.kallelser, t)
		g.place(&mt, r)
		g.outcome(&mt, false, r)
		cf.meetings = append(cf.meetings, mt)
	}
	return cf
}

// checklist draws the evidence checklist of case c: each item missing (no
// row), requested, received or waived, recorded by the kommun after the
// case opened.
func (g *casefileGenerator) checklist(c genCase, k *nationalKommun, r *rand.Rand) []genEvidence {
	from, to := c.openedAt.Add(time.Hour), g.dayStart().Add(-time.Hour)
	if to.Sub(from) < 4*time.Hour {
		return nil
	}
	span := int64(to.Sub(from))
	var out []genEvidence
	for _, spec := range evidence.Checklist {
		status := pick(r, []string{"MISSING", "REQUESTED", "RECEIVED", "WAIVED"}, 25, 25, 35, 15)
		if status == "MISSING" || (status == "REQUESTED" && spec.Holder == tenancy.Kommun) {
			continue
		}
		staff := k.staff[r.IntN(len(k.staff))].login
		e := genEvidence{kind: string(spec.Kind), class: string(spec.Class), status: status, updatedByUnit: c.unit, updatedBy: staff}
		var holder uuid.UUID
		switch spec.Holder {
		case tenancy.Region:
			holder = k.region
		case tenancy.AF:
			holder = demo.ID("org/af")
		default:
			holder = k.org
		}
		at := from.Add(time.Duration(r.Int64N(span * 7 / 10))).Truncate(time.Second)
		e.updatedAt = at
		switch status {
		case "REQUESTED":
			e.holder, e.requestedAt, e.requestedBy = &holder, &at, &staff
		case "RECEIVED":
			e.holder = &holder
			if spec.Holder != tenancy.Kommun && r.IntN(100) < 70 {
				requested := at
				e.requestedAt, e.requestedBy = &requested, &staff
				e.updatedAt = at.Add(time.Duration(r.Int64N(int64(to.Sub(at))))).Truncate(time.Second)
			}
			day := dayOf(e.updatedAt)
			e.receivedOn = &day
		case "WAIVED":
			reason := "Underlaget finns redan hos Försäkringskassan; ansökan går utan det."
			e.waiver = &reason
		}
		out = append(out, e)
	}
	return out
}

// dayIn is the moment day (a date) began in Sweden; dayOf the Swedish date
// of a moment.
func dayIn(day time.Time) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, cet)
}

func dayOf(t time.Time) time.Time {
	t = t.In(cet)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func latest(ts ...time.Time) time.Time {
	out := ts[0]
	for _, t := range ts[1:] {
		if t.After(out) {
			out = t
		}
	}
	return out
}

func earliest(ts ...time.Time) time.Time {
	out := ts[0]
	for _, t := range ts[1:] {
		if t.Before(out) {
			out = t
		}
	}
	return out
}

// casefileChunk is how many case files are generated, then copied, at a time.
const casefileChunk = 20_000

// copyCasefiles generates the case files of the first opts.Casefiles cases
// (and the kommuner's KONSULTATION series) and copies them, a chunk at a
// time, into the plan, meeting, task and evidence tables. Like the tasks
// (copyTasks) the load is quiet: no announcement of the kallelser's steps.
func copyCasefiles(ctx context.Context, tx pgx.Tx, opts Options, kommuner []nationalKommun, progress func(string, int, time.Time)) error {
	if opts.Casefiles == 0 {
		return nil
	}
	done, err := quietTaskLoad(ctx, tx)
	if err != nil {
		return err
	}
	types, err := tx.Conn().LoadTypes(ctx, []string{"consent_purpose", "information_class", "_information_class", "task_kind", "task_state",
		"sip_kind", "sip_insats_status", "meeting_kind", "meeting_attendance"})
	if err != nil {
		return fmt.Errorf("load enum types: %w", err)
	}
	tx.Conn().TypeMap().RegisterTypes(types)
	entries, err := loadDirectoryEntries(ctx, tx)
	if err != nil {
		return err
	}
	p := newPopulation(opts.Seed, opts.Today, kommuner, opts.Individuals, opts.Cases)
	g := newCasefileGenerator(newTaskGenerator(p, opts.TasksToday, opts.Consents, entries))
	start := time.Now()
	total := opts.Casefiles + len(kommuner)
	counts := map[string]int{}
	for from := 0; from < total; from += casefileChunk {
		rows := map[string][][]any{}
		add := func(table string, row ...any) { rows[table] = append(rows[table], row) }
		for i := from; i < min(from+casefileChunk, total); i++ {
			cf := g.casefile(i, opts.Casefiles)
			for _, pl := range cf.plans {
				add("sip_plans", pl.id, pl.caseID, pl.org, pl.individual, pl.kind, len(pl.versions), pl.createdAt)
				for _, v := range pl.versions {
					add("sip_plan_versions", pl.id, v.version, pl.org, pl.individual, v.goals, v.whatMatters, v.overallOrg, v.overallUnit,
						v.nextFollowUp, v.participants, v.reason, v.authorOrg, v.authorUnit, v.authorUser, v.authoredAt)
					for n, in := range v.insatser {
						add("sip_plan_insatser", pl.id, v.version, n+1, pl.org, pl.individual, in.org, in.unit, in.class, in.what,
							in.firstActivity, in.startOn, in.status)
					}
					if v.agreementHow != nil {
						add("sip_plan_agreements", pl.id, v.version, pl.org, pl.individual, *v.agreementHow, v.agreementNote, pl.org, v.agreementBy, v.agreementAt)
					}
				}
			}
			for _, m := range cf.meetings {
				orgs := make([]uuid.UUID, len(m.parties))
				for n, pt := range m.parties {
					orgs[n] = pt.org
				}
				add("meetings", m.id, string(m.kind), string(m.purpose), m.caseID, m.individual, m.caseOrg, m.org, m.unit, m.user, orgs,
					m.subject, m.agenda, m.startsAt, m.endsAt, m.place, m.remoteURL, m.personAttendance, m.cancelledAt, m.cancelReason,
					m.createdAt, m.updatedAt)
				for n, pt := range m.parties {
					add("meeting_parties", m.id, pt.org, pt.unit, pt.role, n == 0, pt.task, pt.attendance, m.startsAt, pt.updatedAt,
						m.org, m.caseOrg, orgs, string(m.purpose), m.individual, m.cancelledAt)
				}
				for _, t := range m.kallelser {
					rows["tasks"] = append(rows["tasks"], t.row())
					for _, e := range t.events {
						rows["task_events"] = append(rows["task_events"], e.row(t.id))
					}
				}
				counts[string(m.kind)]++
				if m.startsAt.After(g.dayStart()) && m.cancelledAt == nil {
					counts["coming"]++
				}
			}
			for _, e := range cf.evidence {
				add("case_evidence", cf.caseID, e.kind, cf.org, cf.individual, e.class, e.status, nil, e.holder, e.receivedOn, e.waiver,
					e.requestedAt, e.requestedBy, e.updatedAt, e.updatedByUnit, e.updatedBy)
				counts[e.status]++
			}
		}
		for _, table := range casefileTables {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{table.name}, table.columns, pgx.CopyFromRows(rows[table.name])); err != nil {
				return fmt.Errorf("copy %s: %w", table.name, err)
			}
			counts[table.name] += len(rows[table.name])
		}
	}
	progress(fmt.Sprintf("case files (plans %d, versions %d, insatser %d, agreements %d; meetings %d, coming %d, parties %d, kallelser %d; evidence items %d)",
		counts["sip_plans"], counts["sip_plan_versions"], counts["sip_plan_insatser"], counts["sip_plan_agreements"], counts["meetings"], counts["coming"],
		counts["meeting_parties"], counts["tasks"], counts["case_evidence"]), opts.Casefiles, start)
	return done()
}

// casefileTables are the tables a case file is copied into, in the order
// of their references.
var casefileTables = []struct {
	name    string
	columns []string
}{
	{"sip_plans", []string{"id", "case_id", "org_id", "individual_id", "kind", "current_version", "created_at"}},
	{"sip_plan_versions", []string{"plan_id", "version", "org_id", "individual_id", "goals", "what_matters", "overall_org_id", "overall_unit_id",
		"next_follow_up", "participants", "reason", "author_org_id", "author_unit_id", "author_user_id", "authored_at"}},
	{"sip_plan_insatser", []string{"plan_id", "version", "position", "org_id", "individual_id", "huvudman_org_id", "huvudman_unit_id", "class",
		"what", "first_activity", "start_on", "status"}},
	{"sip_plan_agreements", []string{"plan_id", "version", "org_id", "individual_id", "how", "note", "recorded_by_org_id", "recorded_by", "recorded_at"}},
	{"tasks", taskColumns},
	{"task_events", taskEventColumns},
	{"meetings", []string{"id", "kind", "purpose", "case_id", "individual_id", "case_org_id", "org_id", "unit_id", "user_id", "party_org_ids",
		"subject", "agenda", "starts_at", "ends_at", "place", "remote_url", "person_attendance", "cancelled_at", "cancel_reason", "created_at", "updated_at"}},
	// The party rows repeat their meeting's rule inputs and cancellation
	// (migration 040; its trigger, which fills them, does not fire here).
	{"meeting_parties", []string{"meeting_id", "org_id", "unit_id", "role", "caller", "task_id", "attendance", "starts_at", "updated_at",
		"meeting_org_id", "case_org_id", "party_org_ids", "purpose", "individual_id", "cancelled_at"}},
	{"case_evidence", []string{"case_id", "kind", "org_id", "individual_id", "class", "status", "task_id", "holder_org_id", "received_on",
		"waiver_reason", "requested_at", "requested_by", "updated_at", "updated_by_unit_id", "updated_by"}},
}
