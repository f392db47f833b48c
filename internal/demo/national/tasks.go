package national

// The tasks part of the national data set (issue 13, "Targets"): tasks
// between agencies about the generated cases, in every state and kind,
// sent by the parties that send them (vårdcentraler, municipal
// ekonomiskt bistånd, Försäkringskassan's and Arbetsförmedlingen's
// offices) to directory entries of the right organisation, each with a
// history that ends in its state.
//
// Task i draws from its own random stream, like the people and cases, so
// the same seed, data set and day give the same tasks. A task about a
// person names the samtycke that shares it with the recipient (the lowest
// id, as hub_task_samtycke answers), in force when it was sent, and its
// classes are the sender's own that this samtycke shares; a sender that
// does not own the case sees it through a samtycke too. A draw that finds
// none of that tries another case.

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/tasks"
)

const (
	streamTask uint64 = iota + 100
)

// taskEntry is a directory entry a task can be routed to.
type taskEntry struct {
	id, org uuid.UUID
	unit    *uuid.UUID
}

type entryKey struct {
	org   uuid.UUID
	topic string
	code  string // "*": a national entry; for FK and AF "/" and the office follow (officeKey)
}

// taskKindMix is the share of each kind, in percent.
var taskKindMix = []struct {
	kind  tasks.Kind
	share int
}{
	{tasks.SignalSjukskrivning, 17}, {tasks.AnsokanSamordnadRehabilitering, 19}, {tasks.FragaMedicinsktUnderlag, 16},
	{tasks.BegaranGemensamKartlaggning, 10}, {tasks.KallelseSIP, 12}, {tasks.AFInskrivning, 12}, {tasks.Konsultation, 10},
	{tasks.Paminnelse, 4},
}

// taskStateMix is the share of each state, in percent: most tasks are
// done, a third are open.
var taskStateMix = []struct {
	state tasks.State
	share int
}{
	{tasks.Skickad, 10}, {tasks.Mottagen, 9}, {tasks.Accepterad, 7}, {tasks.Pagaende, 12},
	{tasks.Klar, 44}, {tasks.Avvisad, 8}, {tasks.Avbruten, 10},
}

var rejectReasons = []string{
	"Personen är inte aktuell hos oss; skicka till rätt funktion.",
	"Underlaget räcker inte för en bedömning; komplettera med planeringen.",
	"Personen har inte samtyckt till kontakt med oss i denna fråga.",
	"Ärendet handläggs redan av ett annat kontor.",
}

// genTask is one generated task with its history.
type genTask struct {
	id                          uuid.UUID
	kind                        tasks.Kind
	state                       tasks.State
	purpose                     consent.Purpose
	classes                     []string
	caseID, individual, caseOrg *uuid.UUID
	senderOrg                   uuid.UUID
	senderUnit                  *uuid.UUID
	senderUser                  string
	topic, municipality         string
	entry                       *uuid.UUID
	recipientOrg                uuid.UUID
	recipientUnit               *uuid.UUID
	assignee, assigneeName      *string
	subject, body               string
	dueOn                       time.Time
	rejectReason                *string
	consentID                   *uuid.UUID
	createdAt, updatedAt        time.Time
	events                      []genTaskEvent
}

type genTaskEvent struct {
	id          uuid.UUID
	at          time.Time
	org         uuid.UUID
	unit        *uuid.UUID
	user        string
	kind        tasks.EventKind
	from        *tasks.State
	to          tasks.State
	note        *string
	routedEntry *uuid.UUID
}

// taskGenerator makes the tasks of a data set.
type taskGenerator struct {
	p         *population
	today     time.Time // the tasks' day (midnight UTC of the Swedish date)
	entries   map[entryKey][]taskEntry
	kommun    map[string]*nationalKommun // by municipality code
	lastSlot  int                        // samtycken of slots < lastSlot are loaded, and the first lastCount of lastSlot
	lastCount int
	src       *rand.PCG
	rng       *rand.Rand
}

func newTaskGenerator(p *population, today time.Time, consents int, entries map[entryKey][]taskEntry) *taskGenerator {
	g := &taskGenerator{p: p, today: today, entries: entries, src: rand.NewPCG(0, 0), kommun: map[string]*nationalKommun{}}
	for i := range p.kommuner {
		g.kommun[p.kommuner[i].code] = &p.kommuner[i]
	}
	g.rng = rand.New(g.src)
	// Which samtycken were loaded: the stream stops after `consents`.
	s := &consentStream{p: p, left: consents}
	for s.next() {
	}
	g.lastSlot = s.slot - 1
	if g.lastSlot >= 0 {
		g.lastCount = len(p.slot(g.lastSlot)) - len(s.buf)
	}
	return g
}

// dayStart is the moment the tasks' day began in Sweden.
func (g *taskGenerator) dayStart() time.Time {
	return time.Date(g.today.Year(), g.today.Month(), g.today.Day(), 0, 0, 0, 0, cet)
}

// loadedConsents is the samtycken of slot s that are in the database.
func (g *taskGenerator) loadedConsents(s int) []genConsent {
	switch {
	case s < g.lastSlot:
		return g.p.slot(s)
	case s == g.lastSlot:
		return g.p.slot(s)[:g.lastCount]
	}
	return nil
}

// grantsFor is the OSL grants of cs in force at `at` for org (its unit),
// under purpose: what hub_task_samtycke and hub_shares_person look at.
func grantsFor(cs []genConsent, org uuid.UUID, unit *uuid.UUID, purpose consent.Purpose, at time.Time) []struct {
	id      uuid.UUID
	classes []string
} {
	var out []struct {
		id      uuid.UUID
		classes []string
	}
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	for _, c := range cs {
		if c.kind != consent.OSL || !slices.Contains(c.purposes, string(purpose)) || c.validFrom.After(day) || c.validUntil.Before(day) ||
			!c.registeredAt.Before(at) || (c.revokedAt != nil && !c.revokedAt.After(at)) {
			continue
		}
		for _, gr := range c.grants {
			if gr.org == org && (gr.unit == nil || (unit != nil && *gr.unit == *unit)) {
				out = append(out, struct {
					id      uuid.UUID
					classes []string
				}{c.id, gr.classes})
			}
		}
	}
	slices.SortFunc(out, func(a, b struct {
		id      uuid.UUID
		classes []string
	}) int {
		return bytes.Compare(a.id[:], b.id[:])
	})
	return out
}

func ownClasses(prefix string, classes []string) []string {
	var out []string
	for _, c := range classes {
		if len(c) > len(prefix) && c[:len(prefix)] == prefix {
			out = append(out, c)
		}
	}
	return out
}

// party is who sends or receives: an organisation, its unit and a staff member.
func partyStaff(prefix, code string, n int) handlaggare {
	h := staffMember(code, n+3)
	return handlaggare{fmt.Sprintf("%s%d.%s", prefix, n+1, code), h.name}
}

// task generates task i.
func (g *taskGenerator) task(i int) genTask {
	reseed(g.src, g.p.seed, streamTask, i)
	r := g.rng
	x, kind := r.IntN(100), tasks.Konsultation
	for _, m := range taskKindMix {
		if x < m.share {
			kind = m.kind
			break
		}
		x -= m.share
	}
	x, state := r.IntN(100), tasks.Klar
	for _, m := range taskStateMix {
		if x < m.share {
			state = m.state
			break
		}
		x -= m.share
	}
	// Open tasks are recent; done ones of the past year.
	var createdDay time.Time
	if state.Final() {
		createdDay = g.today.AddDate(0, 0, -1-r.IntN(365))
	} else {
		createdDay = g.today.AddDate(0, 0, -1-r.IntN(28))
	}
	// The steps of the history, as gaps after the creation.
	path := statePath(state, r)
	gaps := make([]time.Duration, len(path))
	var span time.Duration
	for s := range gaps {
		gaps[s] = time.Duration(10+r.IntN(3*24*60)) * time.Minute
		span += gaps[s]
	}
	created := atWork(createdDay, r)
	// Everything happened before today began in Sweden (an assignment
	// takes up to 31 more minutes).
	if limit := g.dayStart().Add(-32*time.Minute - span); created.After(limit) {
		created = limit
	}
	t := genTask{id: nationalID("task/", i), kind: kind, state: state, createdAt: created}
	for attempt := 0; ; attempt++ {
		if attempt == 40 || (g.p.cases == 0 && kind != tasks.Konsultation) {
			kind, t.kind = tasks.Konsultation, tasks.Konsultation
		}
		if g.fill(&t, r) {
			break
		}
	}
	due := tasks.AddWorkingDays(time.Date(t.createdAt.Year(), t.createdAt.Month(), t.createdAt.Day(), 0, 0, 0, 0, time.UTC), tasks.DefaultDueDays[t.kind])
	if t.kind == tasks.Paminnelse {
		due = tasks.AddWorkingDays(time.Date(t.createdAt.Year(), t.createdAt.Month(), t.createdAt.Day(), 0, 0, 0, 0, time.UTC), 10)
	} else if r.IntN(100) < 10 { // a date the sender chose
		due = due.AddDate(0, 0, 7+r.IntN(40))
	}
	t.dueOn = due
	g.history(&t, path, gaps, r, func(n int) uuid.UUID { return nationalID("task-event/", i, "/", n) })
	return t
}

// statePath is the states a task went through after SKICKAD to reach s.
func statePath(s tasks.State, r *rand.Rand) []tasks.State {
	full := []tasks.State{tasks.Mottagen, tasks.Accepterad, tasks.Pagaende, tasks.Klar}
	switch s {
	case tasks.Skickad:
		return nil
	case tasks.Mottagen, tasks.Accepterad, tasks.Pagaende, tasks.Klar:
		return full[:slices.Index(full, s)+1]
	case tasks.Avvisad:
		return []tasks.State{tasks.Mottagen, tasks.Avvisad}
	default: // cancelled by the sender while open
		return append(slices.Clone(full[:r.IntN(4)]), tasks.Avbruten)
	}
}

// fill draws the case, the parties, the entry and the samtycke of t;
// false: this draw does not make a task that could have been sent.
func (g *taskGenerator) fill(t *genTask, r *rand.Rand) bool {
	if t.kind == tasks.Konsultation {
		return g.fillKonsultation(t, r)
	}
	t.classes, t.consentID = nil, nil
	j := r.IntN(g.p.cases)
	c := g.p.caseOf(j)
	if !c.openedAt.Before(t.createdAt) {
		return false
	}
	k := g.p.person(g.p.caseIndividual(j)).kommun
	consents := g.loadedConsents(j)
	caseID, ind, org := c.id, c.individual, c.org
	t.caseID, t.individual, t.caseOrg, t.municipality = &caseID, &ind, &org, k.code
	if t.kind == tasks.Paminnelse {
		// From the case's owner to its lead unit, by the timers: no entry.
		t.purpose, t.classes, t.topic = consent.SamordnadRehabilitering, []string{string(consent.KommunPlanering)}, "SAMORDNAD_REHABILITERING"
		t.senderOrg, t.senderUnit, t.senderUser = c.org, nil, "job:caseReminders"
		lead := c.leadUnit
		t.recipientOrg, t.recipientUnit, t.entry = c.org, &lead, nil
		t.subject = "Årlig genomgång av ärendet"
		t.body = "Ärendet har varit öppet i mer än ett år. Gå igenom om insatserna fortfarande leder mot egen försörjning."
		return true
	}
	eb := c.unit
	kommun := func() { t.senderOrg, t.senderUnit, t.senderUser = c.org, &eb, k.staff[r.IntN(len(k.staff))].login }
	var recipient uuid.UUID
	var senderPrefix string
	switch t.kind {
	case tasks.SignalSjukskrivning:
		vc := k.vcs[r.IntN(len(k.vcs))]
		t.senderOrg, t.senderUnit, t.senderUser = k.region, &vc, partyStaff("vc", k.code, r.IntN(4)).login
		recipient, t.topic, t.purpose, senderPrefix = c.org, "EKONOMISKT_BISTAND", consent.SamordnadRehabilitering, "VARD_"
		t.subject, t.body = "Signal: patienten har begärt sjukskrivning", "Patienten, som har försörjningsstöd, har vid besök begärt sjukskrivning. Vi föreslår kontakt för samordning."
	case tasks.AnsokanSamordnadRehabilitering:
		kommun()
		recipient, t.topic, t.purpose, senderPrefix = demo.ID("org/fk"), "SAMORDNAD_REHABILITERING", consent.SamordnadRehabilitering, "KOMMUN_"
		t.subject, t.body = "Ansökan om samordnad rehabilitering (7434)", "Vi ansöker om samordning av rehabilitering för personen, som saknar SGI. Planeringen bifogas."
	case tasks.FragaMedicinsktUnderlag:
		kommun()
		recipient, t.topic, t.purpose, senderPrefix = k.region, "MEDICINSKT_UNDERLAG", consent.SamordnadRehabilitering, "KOMMUN_"
		t.subject, t.body = "Frågor om medicinskt underlag", tasks.MedicinsktUnderlagQuestions
	case tasks.BegaranGemensamKartlaggning:
		kommun()
		recipient = demo.ID("org/fk")
		if r.IntN(2) == 0 {
			recipient = demo.ID("org/af")
		}
		t.topic, t.purpose, senderPrefix = "GEMENSAM_KARTLAGGNING", consent.SamordnadRehabilitering, "KOMMUN_"
		t.subject, t.body = "Begäran om gemensam kartläggning", "Vi vill göra en gemensam kartläggning av personens förutsättningar för arbete."
	case tasks.KallelseSIP:
		if r.IntN(100) < 30 { // Försäkringskassan's office calls the kommun
			office := k.fkOffice
			t.senderOrg, t.senderUnit, t.senderUser = demo.ID("org/fk"), &office, partyStaff("fk", k.county, r.IntN(6)).login
			recipient, senderPrefix = c.org, "FK_"
		} else {
			kommun()
			recipient, senderPrefix = k.region, "KOMMUN_"
		}
		t.topic, t.purpose = "SIP", consent.SIP
		t.subject, t.body = "Kallelse till SIP-möte", "Välkommen till ett SIP-möte om personens samordnade insatser. Förslag på tid: vecka "+fmt.Sprint(1+r.IntN(52))+"."
	case tasks.AFInskrivning:
		kommun()
		recipient, t.topic, t.purpose, senderPrefix = demo.ID("org/af"), "AF_INSKRIVNING", consent.SamordnadRehabilitering, "KOMMUN_"
		t.subject, t.body = "Begäran om inskrivning", "Personen behöver skrivas in som arbetssökande för att kunna ta del av insatser."
	}
	// A sender that does not own the case sees it through a samtycke.
	if t.senderOrg != c.org && len(grantsFor(consents, t.senderOrg, t.senderUnit, t.purpose, t.createdAt)) == 0 {
		return false
	}
	e, ok := g.entry(recipient, t.topic, k.code, r)
	if !ok {
		return false
	}
	t.entry, t.recipientOrg, t.recipientUnit = &e.id, e.org, e.unit
	// The sender's classes that a samtycke in force shares with the
	// recipient; the lowest such samtycke is the task's.
	for _, gr := range grantsFor(consents, t.recipientOrg, t.recipientUnit, t.purpose, t.createdAt) {
		if own := ownClasses(senderPrefix, gr.classes); len(own) > 0 {
			if len(own) > 1 && r.IntN(2) == 0 {
				own = own[:1]
			}
			t.classes = own
			break
		}
	}
	if t.classes == nil {
		return false
	}
	for _, gr := range grantsFor(consents, t.recipientOrg, t.recipientUnit, t.purpose, t.createdAt) {
		if containsAll(gr.classes, t.classes) {
			id := gr.id
			t.consentID = &id
			break
		}
	}
	return true
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// fillKonsultation: a de-identified question from ekonomiskt bistånd to
// AF or FK, or from AF's or FK's office to ekonomiskt bistånd.
func (g *taskGenerator) fillKonsultation(t *genTask, r *rand.Rand) bool {
	k := &g.p.kommuner[r.IntN(len(g.p.kommuner))]
	t.municipality, t.purpose, t.classes = k.code, consent.SamordnadRehabilitering, []string{}
	t.caseID, t.individual, t.caseOrg, t.consentID = nil, nil, nil, nil
	var recipient uuid.UUID
	switch x := r.IntN(100); {
	case x < 40:
		eb := k.eb
		t.senderOrg, t.senderUnit, t.senderUser = k.org, &eb, k.staff[r.IntN(len(k.staff))].login
		recipient, t.topic = demo.ID("org/af"), "ARBETSLIVSINRIKTAD_REHABILITERING"
	case x < 65:
		eb := k.eb
		t.senderOrg, t.senderUnit, t.senderUser = k.org, &eb, k.staff[r.IntN(len(k.staff))].login
		recipient, t.topic = demo.ID("org/fk"), "SAMORDNAD_REHABILITERING"
	case x < 85:
		t.senderOrg, t.senderUnit, t.senderUser = demo.ID("org/af"), k.afOffice, partyStaff("af", k.code, r.IntN(4)).login
		recipient, t.topic = k.org, "EKONOMISKT_BISTAND"
	default:
		office := k.fkOffice
		t.senderOrg, t.senderUnit, t.senderUser = demo.ID("org/fk"), &office, partyStaff("fk", k.county, r.IntN(6)).login
		recipient, t.topic = k.org, "EKONOMISKT_BISTAND"
	}
	e, ok := g.entry(recipient, t.topic, k.code, r)
	if !ok {
		return false
	}
	t.entry, t.recipientOrg, t.recipientUnit = &e.id, e.org, e.unit
	t.subject = "Konsultation: avstämning inför beslut om insatser"
	t.body = "Avidentifierad fråga inför ärendegenomgång: vilka insatser kan ni erbjuda en person utan SGI med långvarigt försörjningsstöd?"
	return true
}

// entry picks a directory entry of org about topic serving the
// municipality code (or the whole country). For FK and AF it picks among
// the functions of the office serving the municipality only (officeOf; a
// national function of that office too), as the routine sends a person's kallelser and tasks to the
// office of their county, never to a national queue.
func (g *taskGenerator) entry(org uuid.UUID, topic, code string, r *rand.Rand) (taskEntry, bool) {
	localCode, nationalCode := code, "*"
	if k := g.kommun[code]; k != nil {
		if office, ok := officeOf(org, k.county, code); ok {
			localCode, nationalCode = code+"/"+office.String(), "*/"+office.String()
		}
	}
	local, national := g.entries[entryKey{org, topic, localCode}], g.entries[entryKey{org, topic, nationalCode}]
	n := len(local) + len(national)
	if n == 0 {
		return taskEntry{}, false
	}
	if x := r.IntN(n); x < len(local) {
		return local[x], true
	} else {
		return national[x-len(local)], true
	}
}

// history writes t's steps: its creation, then each state of path (the
// recipient's, or the sender's cancellation), an assignment once
// accepted; the task's state, assignee, reason and updated_at follow.
func (g *taskGenerator) history(t *genTask, path []tasks.State, gaps []time.Duration, r *rand.Rand, eventID func(n int) uuid.UUID) {
	n := 0
	add := func(e genTaskEvent) {
		e.id = eventID(n)
		n++
		t.events = append(t.events, e)
	}
	at := t.createdAt
	add(genTaskEvent{at: at, org: t.senderOrg, unit: t.senderUnit, user: t.senderUser, kind: tasks.EventCreated, to: tasks.Skickad, routedEntry: t.entry})
	var staff []handlaggare
	for s := range 4 {
		staff = append(staff, partyStaff("rc", t.municipality, s))
	}
	worker := staff[r.IntN(len(staff))]
	recipientUnit := t.recipientUnit
	from := tasks.Skickad
	for s, to := range path {
		at = at.Add(gaps[s])
		f := from
		e := genTaskEvent{at: at, org: t.recipientOrg, unit: recipientUnit, user: worker.login, kind: tasks.EventState, from: &f, to: to}
		if to == tasks.Avbruten {
			e.org, e.unit, e.user = t.senderOrg, t.senderUnit, t.senderUser
		}
		if to == tasks.Avvisad {
			reason := rejectReasons[r.IntN(len(rejectReasons))]
			e.note, t.rejectReason = &reason, &reason
		}
		add(e)
		from = to
		if to == tasks.Accepterad && r.IntN(100) < 80 {
			login, name := worker.login, worker.name
			at = at.Add(time.Duration(1+r.IntN(30)) * time.Minute)
			add(genTaskEvent{at: at, org: t.recipientOrg, unit: recipientUnit, user: worker.login, kind: tasks.EventAssigned, to: to, note: &name})
			t.assignee, t.assigneeName = &login, &name
		}
	}
	t.updatedAt = at
}

// officeKey is what an FK or AF function's codes carry in the index,
// "/" and its office, so that entry picks among the office's only; ""
// for the others.
func officeKey(org uuid.UUID, unit *uuid.UUID) string {
	if unit != nil && (org == demo.ID("org/fk") || org == demo.ID("org/af")) {
		return "/" + unit.String()
	}
	return ""
}

// loadDirectoryEntries indexes the live directory entries by
// organisation, topic and municipality, in id order.
func loadDirectoryEntries(ctx context.Context, tx pgx.Tx) (map[entryKey][]taskEntry, error) {
	rows, err := tx.Query(ctx, `SELECT id, org_id, unit_id, topics::text[], municipality_codes::text[], national
		FROM directory_entries WHERE archived_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read directory entries: %w", err)
	}
	defer rows.Close()
	out := map[entryKey][]taskEntry{}
	for rows.Next() {
		var e taskEntry
		var topics, codes []string
		var national bool
		if err := rows.Scan(&e.id, &e.org, &e.unit, &topics, &codes, &national); err != nil {
			return nil, fmt.Errorf("read directory entries: %w", err)
		}
		if national {
			codes = append(codes, "*")
		}
		if office := officeKey(e.org, e.unit); office != "" {
			for i := range codes {
				codes[i] += office
			}
		}
		for _, tp := range topics {
			for _, c := range codes {
				out[entryKey{e.org, tp, c}] = append(out[entryKey{e.org, tp, c}], e)
			}
		}
	}
	return out, rows.Err()
}

// copyTasks streams opts.Tasks tasks and their histories into tasks and
// task_events with COPY.
//
// The load is the owner's, so row security and the write triggers of
// migration 029 (they hold only writers row security holds) let it
// through; the rows are the generator's, built to the same rules. What
// would fire is the trigger of migration 025 that announces every
// history step on the channel hub_tasks: millions of notifications queued
// at commit for every listening replica, about steps nobody made now. As
// a superuser the load runs with session_replication_role = replica,
// which skips that trigger and the foreign-key checks (the rows refer to
// generated rows that exist; the tests check them); otherwise it disables
// just that trigger for the transaction.
func copyTasks(ctx context.Context, tx pgx.Tx, opts Options, kommuner []nationalKommun, progress func(string, int, time.Time)) error {
	if opts.Tasks == 0 {
		return nil
	}
	done, err := quietTaskLoad(ctx, tx)
	if err != nil {
		return err
	}
	types, err := tx.Conn().LoadTypes(ctx, []string{"consent_purpose", "information_class", "_information_class", "task_kind", "task_state"})
	if err != nil {
		return fmt.Errorf("load enum types: %w", err)
	}
	tx.Conn().TypeMap().RegisterTypes(types)
	entries, err := loadDirectoryEntries(ctx, tx)
	if err != nil {
		return err
	}
	p := newPopulation(opts.Seed, opts.Today, kommuner, opts.Individuals, opts.Cases)
	g := newTaskGenerator(p, opts.TasksToday, opts.Consents, entries)

	start := time.Now()
	i := 0
	mix := map[string]int{}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"tasks"},
		taskColumns,
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == opts.Tasks {
				return nil, nil
			}
			t := g.task(i)
			i++
			mix[string(t.kind)]++
			mix[string(t.state)]++
			if !t.state.Final() && t.dueOn.Before(g.today) {
				mix["overdue"]++
			}
			return t.row(), nil
		}))
	if err != nil {
		return fmt.Errorf("copy tasks: %w", err)
	}
	var kinds, states string
	for _, m := range taskKindMix {
		kinds += fmt.Sprintf(" %s %s", m.kind, share(mix, string(m.kind), opts.Tasks))
	}
	for _, m := range taskStateMix {
		states += fmt.Sprintf(" %s %s", m.state, share(mix, string(m.state), opts.Tasks))
	}
	progress(fmt.Sprintf("tasks (%s;%s; open and overdue %s)", kinds[1:], states, share(mix, "overdue", opts.Tasks)), opts.Tasks, start)

	start = time.Now()
	i, events := 0, 0
	var pending []genTaskEvent
	var taskID uuid.UUID
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"task_events"},
		taskEventColumns,
		pgx.CopyFromFunc(func() ([]any, error) {
			for len(pending) == 0 {
				if i == opts.Tasks {
					return nil, nil
				}
				t := g.task(i)
				i++
				taskID, pending = t.id, t.events
			}
			e := pending[0]
			pending = pending[1:]
			events++
			return e.row(taskID), nil
		}))
	if err != nil {
		return fmt.Errorf("copy task events: %w", err)
	}
	progress("task events", events, start)
	return done()
}

// quietTaskLoad readies tx for copying generated tasks (see copyTasks):
// replica mode for a superuser, else the announcing trigger disabled until
// done is called.
func quietTaskLoad(ctx context.Context, tx pgx.Tx) (done func() error, err error) {
	var super bool
	if err := tx.QueryRow(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil {
		return nil, fmt.Errorf("tasks: who loads: %w", err)
	}
	if super {
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return nil, err
		}
		return func() error { return nil }, nil
	}
	if _, err := tx.Exec(ctx, `ALTER TABLE task_events DISABLE TRIGGER task_events_announce`); err != nil {
		return nil, fmt.Errorf("tasks: quiet the announcements: %w", err)
	}
	return func() error {
		_, err := tx.Exec(ctx, `ALTER TABLE task_events ENABLE TRIGGER task_events_announce`)
		return err
	}, nil
}

// The columns of tasks and task_events that the generator writes, and a
// generated task's and step's rows in that order.
var (
	taskColumns = []string{"id", "kind", "state", "purpose", "classes", "case_id", "individual_id", "case_org_id", "sender_org_id", "sender_unit_id",
		"sender_user_id", "topic", "municipality_code", "routed_entry_id", "recipient_org_id", "recipient_unit_id", "assignee_user_id",
		"assignee_name", "subject", "body", "due_on", "escalation_level", "reject_reason", "consent_id", "created_at", "updated_at"}
	taskEventColumns = []string{"id", "task_id", "at", "actor_org_id", "actor_unit_id", "actor_user_id", "kind", "from_state", "to_state", "note", "routed_entry_id"}
)

func (t *genTask) row() []any {
	return []any{t.id, string(t.kind), string(t.state), string(t.purpose), t.classes, t.caseID, t.individual, t.caseOrg, t.senderOrg, t.senderUnit,
		t.senderUser, t.topic, t.municipality, t.entry, t.recipientOrg, t.recipientUnit, t.assignee,
		t.assigneeName, t.subject, t.body, t.dueOn, 0, t.rejectReason, t.consentID, t.createdAt, t.updatedAt}
}

func (e *genTaskEvent) row(taskID uuid.UUID) []any {
	var from *string
	if e.from != nil {
		s := string(*e.from)
		from = &s
	}
	return []any{e.id, taskID, e.at, e.org, e.unit, e.user, string(e.kind), from, string(e.to), e.note, e.routedEntry}
}
