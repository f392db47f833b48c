package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

const rehab = "SAMORDNAD_REHABILITERING"

// The documents the soak sends: what a UI of each organisation sends.
const (
	waysInQuery = `query($t: Topic!, $m: String!, $first: Int) { waysIn(topic: $t, municipalityCode: $m, first: $first) { match
  entry { functionName organization { name } channels { kind value } } } }`
	searchQuery = `query($q: String!, $first: Int) { directorySearch(query: $q, first: $first) { totalCount
  nodes { functionName organization { name } } } }`
	casesQuery = `query($first: Int) { cases(first: $first) { totalCount nodes { id state sgi individual { handle givenName }
  lead { unit { name } } sharedClasses items { class } } } }`
	caseFileQuery = `query($id: ID!) { node(id: $id) { ... on Case { id state openedAt individual { handle givenName familyName }
  items { class summary } meetings { id kind startsAt parties { organizationName unitName role attendance } }
  evidence { kind status } } } }`
	tasksQuery = `query($first: Int, $state: TaskState) { tasks(first: $first, state: $state) { totalCount
  nodes { id kind state subject dueOn case { id } recipientUnit { name } } } }`
	meetingsQuery = `query($to: DateTime, $first: Int) { meetings(to: $to, first: $first) { totalCount
  nodes { id kind startsAt caseId parties { organizationName unitName role caller attendance } } } }`
	auditQuery    = `query($first: Int) { auditTrail(first: $first) { totalCount } }`
	coverageQuery = `query($f: ID!) { directoryCoverage(federationId: $f) { cells { status } } }`
	visibleQuery  = `query($id: ID!) { node(id: $id) { id } }`

	registerMutation = `mutation($in: RegisterIndividualInput!) { registerIndividual(input: $in) { id } }`
	consentMutation  = `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`
	revokeMutation   = `mutation($id: ID!, $reason: String!) { revokeConsent(id: $id, reason: $reason) { id } }`
	openCaseMutation = `mutation($in: OpenCaseInput!) { openCase(input: $in) { id } }`
	itemMutation     = `mutation($c: ID!, $class: InformationClass!, $s: String!) { addCaseItem(caseId: $c, class: $class, summary: $s) { id } }`
	createTask       = `mutation($in: CreateTaskInput!) { createTask(input: $in) { id state recipientOrganization { id } recipientUnit { id } } }`
	updateTask       = `mutation($in: UpdateTaskInput!) { updateTask(input: $in) { id state } }`
	scheduleMeeting  = `mutation($in: ScheduleMeetingInput!) { scheduleMeeting(input: $in) { id
  parties { organizationId unitName kallelseTaskId } } }`
	cancelMeeting = `mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "Flyttat av soak"}) { id } }`
)

var (
	topics = []string{"SAMORDNAD_REHABILITERING", "SJUKERSATTNING", "AKTIVITETSERSATTNING", "ARBETSLIVSINRIKTAD_REHABILITERING",
		"AF_INSKRIVNING", "MEDICINSKT_UNDERLAG", "SJUKSKRIVNING", "SIP", "GEMENSAM_KARTLAGGNING", "EKONOMISKT_BISTAND",
		"PSYKIATRI", "SAMTYCKE_BLANKETT", "FORBUNDETS_INSATSER"}
	searches = []string{"rehabilitering", "ekonomiskt bistånd", "sjukskrivning", "samordnad rehab", "rehabiliterng", "psykiatri",
		"arbetsförmedlingen", "sip", "försörjningsstöd karlstad", "kartläggning", "vårdcentral", "aktivitetsersättning"}
	// The demo users (docs/identity.md) and who reads what.
	allUsers     = []string{"soc.karlstad", "koord.karlstad", "ph.fk", "af.karlstad", "rehab.vc", "admin.samspelet", "soc.eksjo", "logg.karlstad"}
	caseReaders  = []string{"soc.karlstad", "koord.karlstad", "ph.fk", "af.karlstad", "rehab.vc", "soc.eksjo"}
	taskReaders  = []string{"soc.karlstad", "ph.fk", "af.karlstad", "rehab.vc", "soc.eksjo"}
	meetingUsers = []string{"soc.karlstad", "koord.karlstad", "ph.fk", "af.karlstad", "rehab.vc", "soc.eksjo"}
	pageSizes    = []int{10, 20, 20, 20, 50}
)

// person is one of the soak's own people, registered by soc.karlstad with
// a case in Samspelet: samtycke A shares it with FK, the vårdcentral and
// the kommun for what they hold (as the demo's samtycke does); samtycke B
// is Arbetsförmedlingen's only way to the person, and is revoked and
// granted again through the run. Every change to a person is made under
// its lock, so that no request races a revocation of the same person.
type person struct {
	mu                    sync.Mutex
	individual, caseID    string
	consentA, consentB    string // B is "" while revoked
	meetings              []calledMeeting
	revocations, regrants int
}

// calledMeeting is a meeting the soak called, with the kallelse tasks
// that went to FK's queue (cancelling the meeting cancels them).
type calledMeeting struct {
	id        string
	kallelser []string
}

// tracked is a task the soak sent, followed by its recipient.
type tracked struct {
	id, state string
	p         *person
}

// soak is the run's shared state.
type soak struct {
	h      *hub
	ev     *expectations
	munis  []string
	seed   uint64
	fkOrg  string
	afOrg  string
	region string
	kommun string
	gripen string
	fed    string

	mu      sync.Mutex
	rng     *rand.Rand
	people  []*person
	inboxes map[string][]*tracked // recipient user → tasks to move on
	units   map[string]queue      // user → its queue (me)
	checks  struct{ revoked, regranted, failed int }
}

func newSoak(h *hub, ev *expectations, seed uint64) *soak {
	var munis []string
	for _, c := range demo.Counties() {
		munis = append(munis, c.Municipalities...)
	}
	org := func(key string) string { return relay.ID(relay.TypeOrganization, demo.ID("org/"+key)) }
	return &soak{h: h, ev: ev, munis: munis, seed: seed, rng: rand.New(rand.NewPCG(seed, 0x50a4)),
		fkOrg: org("fk"), afOrg: org("af"), region: org("region-varmland"), kommun: org("karlstad"),
		gripen:  relay.ID(relay.TypeUnit, demo.ID("unit/region-varmland/vc-gripen")),
		fed:     relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")),
		inboxes: map[string][]*tracked{}, units: map[string]queue{}}
}

func (s *soak) intn(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.IntN(n)
}

func pick[T any](s *soak, xs []T) T { return xs[s.intn(len(xs))] }

// action is one entry of the mix: its weight and what it does.
type action struct {
	name   string
	weight int
	do     func(s *soak) error
}

// mix is the soak's load: about 80 % reads, 15 % writes and 5 %
// samtycke revocations with their re-grants, in requests.
var mix = []action{
	{"read waysIn", 20, (*soak).waysIn},
	{"read directorySearch", 10, (*soak).search},
	{"read cases", 12, (*soak).cases},
	{"read case file", 10, (*soak).caseFile},
	{"read tasks", 10, (*soak).tasks},
	{"read coming meetings", 10, (*soak).meetings},
	{"read auditTrail / coverage", 3, (*soak).operatorReads},
	{"write new person and case", 1, (*soak).newPersonAction},
	{"write task", 5, (*soak).sendTask},
	{"write task state", 6, (*soak).moveTask},
	{"write meeting", 3, (*soak).meeting},
	{"write case item", 3, (*soak).caseItem},
	{"write samtycke revoke + re-grant", 2, (*soak).revokeAndRegrant},
}

func (s *soak) draw() action {
	total := 0
	for _, a := range mix {
		total += a.weight
	}
	x := s.intn(total)
	for _, a := range mix {
		if x < a.weight {
			return a
		}
		x -= a.weight
	}
	return mix[0]
}

func (s *soak) waysIn() error {
	return s.h.call("waysIn", pick(s, allUsers), "", waysInQuery,
		map[string]any{"t": pick(s, topics), "m": pick(s, s.munis), "first": pick(s, []int{5, 10, 20})}, nil)
}

func (s *soak) search() error {
	return s.h.call("directorySearch", pick(s, allUsers), "", searchQuery, map[string]any{"q": pick(s, searches), "first": pick(s, pageSizes)}, nil)
}

func (s *soak) cases() error {
	return s.h.call("cases", pick(s, caseReaders), rehab, casesQuery, map[string]any{"first": pick(s, pageSizes)}, nil)
}

func (s *soak) caseFile() error {
	p := s.somePerson()
	user := pick(s, []string{"soc.karlstad", "ph.fk", "rehab.vc"})
	return s.h.call("case file", user, rehab, caseFileQuery, map[string]any{"id": p.caseID}, nil)
}

func (s *soak) tasks() error {
	vars := map[string]any{"first": pick(s, pageSizes)}
	if s.intn(3) == 0 {
		vars["state"] = "SKICKAD"
	}
	return s.h.call("tasks", pick(s, taskReaders), rehab, tasksQuery, vars, nil)
}

func (s *soak) meetings() error {
	days := pick(s, []int{7, 30, 90})
	return s.h.call("coming meetings", pick(s, meetingUsers), rehab, meetingsQuery,
		map[string]any{"to": time.Now().Add(time.Duration(days) * 24 * time.Hour).UTC().Format(time.RFC3339), "first": pick(s, pageSizes)}, nil)
}

func (s *soak) operatorReads() error {
	if s.intn(2) == 0 {
		return s.h.call("auditTrail", "logg.karlstad", "", auditQuery, map[string]any{"first": pick(s, pageSizes)}, nil)
	}
	return s.h.call("directoryCoverage", pick(s, []string{"admin.samspelet", "koord.karlstad"}), "", coverageQuery, map[string]any{"f": s.fed}, nil)
}

func (s *soak) somePerson() *person {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.people[s.rng.IntN(len(s.people))]
}

func (s *soak) newPersonAction() error {
	_, err := s.newPerson()
	return err
}

// newPerson registers one of the soak's own people with a fresh
// synthetic personnummer, records samtycke A and B and opens the case.
func (s *soak) newPerson() (*person, error) {
	var reg struct{ RegisterIndividual struct{ ID string } }
	var err error
	for try := 0; ; try++ {
		// A number no earlier run drew: a birth day and serial outside
		// the mix's seeded stream (a clash is refused with CONFLICT, and
		// drawn again).
		day := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rand.IntN(40*365))
		nine := fmt.Sprintf("%s%03d", day.Format("060102"), rand.IntN(1000))
		number := fmt.Sprintf("%s-%s%d", nine[:6], nine[6:], personnummer.CheckDigit(nine))
		err = s.h.call("registerIndividual", "soc.karlstad", rehab, registerMutation,
			map[string]any{"in": map[string]any{"personnummer": number, "givenName": "Soak", "familyName": fmt.Sprintf("Person %d", s.intn(100000))}}, &reg)
		if err == nil || try == 10 || !strings.Contains(err.Error(), "CONFLICT") {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	p := &person{individual: reg.RegisterIndividual.ID}
	a, err := s.record(p, "A", []map[string]any{
		{"organizationId": s.fkOrg, "classes": []string{"KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING", "VARD_SJUKSKRIVNING"}},
		{"organizationId": s.region, "unitId": s.gripen, "classes": []string{"KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING", "FK_SAMORDNING"}},
		{"organizationId": s.kommun, "classes": []string{"FK_BESLUT", "FK_SAMORDNING", "VARD_SJUKSKRIVNING", "VARD_REHABILITERING"}}})
	if err != nil {
		return nil, err
	}
	p.consentA = a
	if p.consentB, err = s.recordB(p); err != nil {
		return nil, err
	}
	var oc struct{ OpenCase struct{ ID string } }
	if err := s.h.call("openCase", "soc.karlstad", rehab, openCaseMutation, map[string]any{"in": map[string]any{
		"individualId": p.individual, "federationId": s.fed, "sgi": "NO", "onForsorjningsstod": true,
		"healthObstacle": true, "careContact": true, "afStatus": "INTE_INSKRIVEN"}}, &oc); err != nil {
		return nil, err
	}
	p.caseID = oc.OpenCase.ID
	s.mu.Lock()
	s.people = append(s.people, p)
	s.mu.Unlock()
	return p, nil
}

// record records a samtycke for p with grants, and expects its events:
// the municipality hears it with its id, each subscribed grantee without.
func (s *soak) record(p *person, which string, grants []map[string]any) (string, error) {
	var rc struct{ RecordConsent struct{ ID string } }
	now := time.Now()
	err := s.h.call("recordConsent "+which, "soc.karlstad", rehab, consentMutation, map[string]any{"in": map[string]any{
		"individualId": p.individual, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{rehab}, "grants": grants,
		"givenBy": "PERSON", "validFrom": now.AddDate(0, 0, -1).Format("2006-01-02"), "validUntil": now.AddDate(1, 0, 0).Format("2006-01-02"),
		"evidence": "ORAL", "witnessedBy": "Sara Lindqvist och Karin Berg", "requestedById": s.fkOrg}}, &rc)
	if err != nil {
		return "", err
	}
	id := rc.RecordConsent.ID
	s.ev.expect("soc.karlstad consentEvents", "RECORDED "+id)
	for _, g := range grants {
		switch g["organizationId"] {
		case s.fkOrg:
			s.ev.expect("ph.fk consentEvents", "RECORDED "+p.individual)
		case s.afOrg:
			s.ev.expect("af.karlstad consentEvents", "RECORDED "+p.individual)
		}
	}
	return id, nil
}

func (s *soak) recordB(p *person) (string, error) {
	return s.record(p, "B", []map[string]any{{"organizationId": s.afOrg, "classes": []string{"KOMMUN_PLANERING"}}})
}

// visibleToAF is whether af.karlstad reads p's case.
func (s *soak) visibleToAF(p *person) (bool, error) {
	var out struct{ Node *struct{ ID string } }
	if err := s.h.call("case visible to AF?", "af.karlstad", rehab, visibleQuery, map[string]any{"id": p.caseID}, &out); err != nil {
		return false, err
	}
	return out.Node != nil, nil
}

// revokeAndRegrant revokes samtycke B (AF's only way to the person) and
// checks that AF's very next read no longer finds the case; then grants
// it again and checks that AF finds it.
func (s *soak) revokeAndRegrant() error {
	p := s.somePerson()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := s.h.call("revokeConsent", "soc.karlstad", rehab, revokeMutation, map[string]any{"id": p.consentB, "reason": "Återkallat muntligt (soak)"}, nil); err != nil {
		return err
	}
	s.ev.expect("soc.karlstad consentEvents", "REVOKED "+p.consentB)
	p.consentB = ""
	p.revocations++
	seen, err := s.visibleToAF(p)
	if err != nil {
		return err
	}
	s.check(!seen, "revoked")
	if p.consentB, err = s.recordB(p); err != nil {
		return err
	}
	p.regrants++
	seen, err = s.visibleToAF(p)
	if err != nil {
		return err
	}
	s.check(seen, "regranted")
	return nil
}

func (s *soak) check(ok bool, what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !ok:
		s.checks.failed++
	case what == "revoked":
		s.checks.revoked++
	default:
		s.checks.regranted++
	}
}

// sendTask sends a task about one of the soak's cases: Karlstad's
// ansökan to FK, or the vårdcentral's signal to Karlstad.
func (s *soak) sendTask() error {
	p := s.somePerson()
	p.mu.Lock()
	defer p.mu.Unlock()
	sender, recipient, in := "soc.karlstad", "ph.fk", map[string]any{"kind": "ANSOKAN_SAMORDNAD_REHABILITERING", "caseId": p.caseID,
		"classes": []string{"KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING"}, "subject": "Ansökan om samordnad rehabilitering (soak)",
		"body": "Försörjningsstöd, ingen SGI."}
	if s.intn(2) == 0 {
		sender, recipient, in = "rehab.vc", "soc.karlstad", map[string]any{"kind": "SIGNAL_SJUKSKRIVNING", "caseId": p.caseID,
			"classes": []string{"VARD_SJUKSKRIVNING"}, "subject": "Signal (soak)", "body": "Patienten har begärt sjukskrivning."}
	}
	var out struct {
		CreateTask struct {
			ID, State             string
			RecipientOrganization struct{ ID string }
			RecipientUnit         *struct{ ID string }
		}
	}
	if err := s.h.call("createTask", sender, rehab, createTask, map[string]any{"in": in}, &out); err != nil {
		return err
	}
	t := out.CreateTask
	s.mu.Lock()
	q := s.units[recipient]
	s.mu.Unlock()
	if q.holds(t.RecipientOrganization.ID, t.RecipientUnit) {
		s.ev.expect(recipient+" taskEvents", "CREATED "+t.ID)
		s.follow(recipient, &tracked{id: t.ID, state: t.State, p: p})
	}
	return nil
}

func (s *soak) follow(user string, t *tracked) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inboxes[user] = append(s.inboxes[user], t)
}

// next is the recipient's next step of a task.
var next = map[string]string{"SKICKAD": "MOTTAGEN", "MOTTAGEN": "ACCEPTERAD", "ACCEPTERAD": "PAGAENDE", "PAGAENDE": "KLAR"}

// moveTask moves one task a recipient received one step on.
func (s *soak) moveTask() error {
	user := pick(s, []string{"ph.fk", "soc.karlstad"})
	s.mu.Lock()
	box := s.inboxes[user]
	if len(box) == 0 {
		s.mu.Unlock()
		return s.tasks() // nothing to move yet: a read instead
	}
	i := s.rng.IntN(len(box))
	t := box[i]
	box[i] = box[len(box)-1]
	s.inboxes[user] = box[:len(box)-1]
	s.mu.Unlock()
	t.p.mu.Lock()
	defer t.p.mu.Unlock()
	to := next[t.state]
	var out struct{ UpdateTask struct{ ID, State string } }
	if err := s.h.call("updateTask", user, rehab, updateTask, map[string]any{"in": map[string]any{"taskId": t.id, "state": to}}, &out); err != nil {
		return err
	}
	s.ev.expect(user+" taskEvents", "STATE "+t.id+" "+to)
	t.state = out.UpdateTask.State
	if next[t.state] != "" {
		s.follow(user, t)
	}
	return nil
}

// meeting calls an avstämningsmöte about one of the soak's cases
// inviting FK (its kallelse reaches FK's queue), or cancels one.
func (s *soak) meeting() error {
	p := s.somePerson()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.meetings) > 2 {
		m := p.meetings[0]
		p.meetings = p.meetings[1:]
		if err := s.h.call("cancelMeeting", "soc.karlstad", rehab, cancelMeeting, map[string]any{"id": m.id}, nil); err != nil {
			return err
		}
		for _, t := range m.kallelser {
			s.ev.expect("ph.fk taskEvents", "STATE "+t+" AVBRUTEN")
		}
		return nil
	}
	start := time.Now().UTC().Add(time.Duration(1+s.intn(60)) * 24 * time.Hour).Truncate(time.Hour)
	var out struct {
		ScheduleMeeting struct {
			ID      string
			Parties []struct {
				OrganizationID string
				UnitName       *string
				KallelseTaskID *string
			}
		}
	}
	err := s.h.call("scheduleMeeting", "soc.karlstad", rehab, scheduleMeeting, map[string]any{"in": map[string]any{
		"kind": "AVSTAMNINGSMOTE", "caseId": p.caseID, "subject": "Avstämning om rehabiliteringen (soak)", "agenda": "1. Läget\n2. Nästa steg",
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(time.Hour).Format(time.RFC3339), "place": "Samverkanshuset, rum 3",
		"role": "handläggare", "invited": []map[string]any{{"organizationKind": "FK", "role": "handläggare"}}}}, &out)
	if err != nil {
		return err
	}
	m := out.ScheduleMeeting
	called := calledMeeting{id: m.ID}
	s.mu.Lock()
	fk := s.units["ph.fk"]
	s.mu.Unlock()
	for _, party := range m.Parties {
		if party.KallelseTaskID != nil && party.OrganizationID == fk.Organization.ID &&
			(party.UnitName == nil || fk.Unit != nil && *party.UnitName == fk.Unit.Name) {
			s.ev.expect("ph.fk taskEvents", "CREATED "+*party.KallelseTaskID)
			called.kallelser = append(called.kallelser, *party.KallelseTaskID)
		}
	}
	p.meetings = append(p.meetings, called)
	return nil
}

// caseItem records an item of the writer's own classes on a soak case.
func (s *soak) caseItem() error {
	p := s.somePerson()
	p.mu.Lock()
	defer p.mu.Unlock()
	user, class, text := "soc.karlstad", "KOMMUN_PLANERING", "Planeringen följs upp vid nästa avstämning (soak)."
	if s.intn(2) == 0 {
		user, class, text = "ph.fk", "FK_SAMORDNING", "FK utreder rätten till rehabiliteringspenning (soak)."
	}
	return s.h.call("addCaseItem", user, rehab, itemMutation, map[string]any{"c": p.caseID, "class": class, "s": text}, nil)
}
