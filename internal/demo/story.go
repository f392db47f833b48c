package demo

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/sip"
	"github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The story of the sources (issue 14) for one person in Karlstad, Robin
// Nilsson, told by the demo users step by step, each step the API's
// mutation of the same name: the vårdcentral's signal → ekonomiskt
// bistånd's screening → the samtycke → a SAMSIP meeting with FK, AF and the
// vårdcentral (AF joining only once a samtycke names it) → a plan with
// insatser of four parties → the checklist behind an application for
// sjukersättning → the route chosen → closed with sjukersättning granted
// and FK's repayment of the försörjningsstöd.
//
// The hub lets no personal data travel without a samtycke, so the story
// starts where the sources' does in practice: applying for
// försörjningsstöd, Robin agrees that ekonomiskt bistånd and the
// vårdcentral may tell each other about the sick leave (a narrow
// samtycke), which is what the vårdcentral's signal needs.
//
// The whole story happens on the day the demo is loaded: its dates are
// relative to that day (TheStory), and the meeting starts at the next
// whole second after the step that calls it (a meeting is called for the
// future, and who came is recorded once it has started: the load waits
// for the start, which costs it less than a second).
var (
	StoryIndividual = ID("individual/karlstad/robin")
	StoryCase       = ID("case/karlstad/robin")
	// StorySamtycken are the story's three samtycken, in the order they
	// are recorded: the narrow one for the signal, the one for the joint
	// work (FK and the vårdcentral, not AF), and the one naming AF.
	StorySamtycken = []uuid.UUID{ID("consent/karlstad/robin/signal"), ID("consent/karlstad/robin/samverkan"), ID("consent/karlstad/robin/af")}
	StorySignal    = ID("task/karlstad/robin/signal")
	StoryMeeting   = ID("meeting/karlstad/robin/samsip")
	StoryPlan      = ID("sip-plan/karlstad/robin/samsip")
	StoryRepayment = ID("case-repayment/karlstad/robin/1")
)

// StoryMeetingLasts is how long the story's SAMSIP meeting lasts.
const StoryMeetingLasts = time.Hour

// StoryRepaymentKronor is FK's repayment to Karlstad at the story's end.
const StoryRepaymentKronor = 48200

// Story is a person's case told step by step: the person registered and
// the case opened by Case.Login, then the steps, in order.
type Story struct {
	Person Person
	Case   Case
	Steps  []StoryStep
}

// StoryStep is one step of a story: Login does Act under Purpose.
type StoryStep struct {
	Login   string
	Purpose consent.Purpose
	Act     Act
}

// Act is what a step does: Samtycke, Participant, Step (a screening or a
// transition), or one of the acts below. Mutation names the API mutation
// that does the same (the name of the step's audit record).
type Act interface{ Mutation() string }

// Mutation is recordConsent.
func (Samtycke) Mutation() string { return "recordConsent" }

// Mutation is addCaseParticipant.
func (Participant) Mutation() string { return "addCaseParticipant" }

// Mutation is screenCase for a screening, transitionCase otherwise.
func (st Step) Mutation() string {
	if st.Answers != nil {
		return "screenCase"
	}
	return "transitionCase"
}

// SendTask sends a task about the story's case (createTask), routed
// through en väg in; ID is the task's, EventID its sending's.
type SendTask struct {
	ID, EventID   uuid.UUID
	Kind          tasks.Kind
	Classes       []consent.Class
	Subject, Body string
}

// Mutation is createTask.
func (SendTask) Mutation() string { return "createTask" }

// TaskStep moves a task to To (updateTask); ID is the step's entry in the
// task's history.
type TaskStep struct {
	ID, TaskID uuid.UUID
	To         tasks.State
}

// Mutation is updateTask.
func (TaskStep) Mutation() string { return "updateTask" }

// CallMeeting calls a meeting about the story's case (scheduleMeeting),
// starting at the next whole second after the step and lasting
// StoryMeetingLasts. Kallelser are the ids of each invited party's
// kallelse and of its sending, in the order of Invited.
type CallMeeting struct {
	ID              uuid.UUID
	Kallelser       [][2]uuid.UUID
	Kind            meetings.Kind
	Subject, Agenda string
	RemoteURL       string
	Role            string
	Invited         []meetings.Invitee
}

// Mutation is scheduleMeeting.
func (CallMeeting) Mutation() string { return "scheduleMeeting" }

// Attendance records who came to a meeting (recordAttendance), once it
// has started: the person, and each party by organisation.
type Attendance struct {
	MeetingID uuid.UUID
	Person    meetings.Attendance
	Parties   map[uuid.UUID]meetings.Attendance
}

// Mutation is recordAttendance.
func (Attendance) Mutation() string { return "recordAttendance" }

// DrawPlan draws up the first version of a plan of the case (createPlan).
type DrawPlan struct {
	ID      uuid.UUID
	Kind    sip.Kind
	Content sip.Content
}

// Mutation is createPlan.
func (DrawPlan) Mutation() string { return "createPlan" }

// PlanAgreement records the person's agreement to a version of a plan
// (recordPlanAgreement).
type PlanAgreement struct {
	PlanID  uuid.UUID
	Version int
	How     string
	Note    string
}

// Mutation is recordPlanAgreement.
func (PlanAgreement) Mutation() string { return "recordPlanAgreement" }

// RequestEvidence asks the holder of an item of the checklist for it
// (requestEvidence), with a task whose ids are TaskID and EventID.
type RequestEvidence struct {
	TaskID, EventID uuid.UUID
	Kind            evidence.Kind
}

// Mutation is requestEvidence.
func (RequestEvidence) Mutation() string { return "requestEvidence" }

// ReceiveEvidence records an item of the checklist as received
// (recordEvidence); Holder is who holds it (nil: as requested, or the
// municipality itself).
type ReceiveEvidence struct {
	Kind       evidence.Kind
	ReceivedOn time.Time
	Holder     *uuid.UUID
}

// Mutation is recordEvidence.
func (ReceiveEvidence) Mutation() string { return "recordEvidence" }

// Repayment records FK's repayment to the municipality (recordRepayment).
type Repayment struct {
	ID     uuid.UUID
	Kronor int64
	PaidOn time.Time
}

// Mutation is recordRepayment.
func (Repayment) Mutation() string { return "recordRepayment" }

// TheStory is Robin's story as it is told on the day today (a Swedish
// calendar day, as tenancy.DayOf gives it).
func TheStory(today time.Time) Story {
	const rehab, sipPurpose = consent.SamordnadRehabilitering, consent.SIP
	karlstad, fk, af, region := ID("org/karlstad"), ID("org/fk"), ID("org/af"), ID("org/region-varmland")
	gripen, fkKarlstad, afKarlstad := ID("unit/region-varmland/vc-gripen"), ID("unit/fk/karlstad"), ID("unit/af/karlstad")
	date := func(days int) string { return today.AddDate(0, 0, days).Format(time.DateOnly) }
	by := func(login string, purpose consent.Purpose, act Act) StoryStep {
		return StoryStep{Login: login, Purpose: purpose, Act: act}
	}
	// The steps of a task in its recipient's hands, each with its id.
	worked := func(login string, purpose consent.Purpose, taskName string, task uuid.UUID, states ...tasks.State) []StoryStep {
		var out []StoryStep
		for _, st := range states {
			out = append(out, by(login, purpose, TaskStep{ID: ID(taskName + "/" + string(st)), TaskID: task, To: st}))
		}
		return out
	}
	move := func(key string, st Step) StoryStep {
		if st.Answers == nil {
			st.ID = ID("case-transition/karlstad/robin/" + key)
		}
		return by("soc.karlstad", rehab, st)
	}
	samtycke := func(i int, form string, validYears int, purposes []consent.Purpose, grants ...consent.Grant) StoryStep {
		return by("soc.karlstad", rehab, Samtycke{ID: StorySamtycken[i], IndividualID: StoryIndividual, RequestedBy: karlstad,
			Login: "soc.karlstad", ValidFrom: date(0), ValidUntil: today.AddDate(validYears, 0, -1).Format(time.DateOnly),
			FormReference: form, Purposes: purposes, Grants: grants})
	}
	classes := func(cs ...consent.Class) []consent.Class { return cs }

	// The kallelser to the SAMSIP meeting, FK's, AF's and the region's.
	kallelse := func(party string) (string, [2]uuid.UUID) {
		name := "task/karlstad/robin/kallelse-" + party
		return name, [2]uuid.UUID{ID(name), ID(name + "/SKICKAD")}
	}
	fkName, fkKallelse := kallelse("fk")
	afName, afKallelse := kallelse("af")
	vcName, vcKallelse := kallelse("vc")
	lakarName, afRehabName := "task/karlstad/robin/lakarutlatande", "task/karlstad/robin/af-rehabilitering"
	lakarTask, afRehabTask := ID(lakarName), ID(afRehabName)
	signalName := "task/karlstad/robin/signal"
	nextMonth := time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, time.UTC)

	var steps []StoryStep
	add := func(s ...StoryStep) { steps = append(steps, s...) }
	// 1. Ekonomiskt bistånd knows Robin (försörjningsstöd); the narrow
	//    samtycke lets the vårdcentral see that there is a case (the
	//    municipality's planning, not its ekonomiskt bistånd: the
	//    vårdcentral never sees the repayments) and ekonomiskt bistånd
	//    hear of the sick leave.
	add(samtycke(0, "Samtycke vid ansökan om försörjningsstöd, Karlstads kommun "+date(0), 1, []consent.Purpose{rehab},
		consent.Grant{OrgID: region, UnitID: &gripen, Classes: classes(consent.KommunPlanering)},
		consent.Grant{OrgID: karlstad, Classes: classes(consent.VardSjukskrivning)}),
		by("soc.karlstad", rehab, Participant{Login: "soc.karlstad", OrgID: region, UnitID: gripen}))
	// 2. The vårdcentral's signal reaches ekonomiskt bistånd's queue
	//    through en väg in; ekonomiskt bistånd takes it.
	add(by("rehab.vc", rehab, SendTask{ID: StorySignal, EventID: ID(signalName + "/SKICKAD"), Kind: tasks.SignalSjukskrivning,
		Classes: classes(consent.VardSjukskrivning), Subject: "Begäran om sjukskrivning",
		Body: "Patienten har försörjningsstöd och har begärt sjukskrivning; besvär från rygg och nacke sedan ett år, nedstämdhet. Läkarbesök bokat."}))
	add(worked("soc.karlstad", rehab, signalName, StorySignal, tasks.Mottagen, tasks.Accepterad, tasks.Pagaende, tasks.Klar)...)
	// 3. Ekonomiskt bistånd screens the case; the kartläggning starts.
	add(move("screening", Step{Answers: eligible()}),
		move("screenad", Step{To: routine.Screenad, Reason: "Inom målgruppen: ingen SGI, försörjningsstöd, sjukskriven."}),
		move("kartlaggning", Step{To: routine.Kartlaggning, Reason: "Kartläggning av arbetsförmåga och vårdkontakter."}),
		move("samtycke", Step{To: routine.Samtycke}))
	// 4. The samtycke for the joint work, for samordnad rehabilitering and
	//    SIP: FK and the vårdcentral, not AF. The underlag is gathered
	//    from FK and the vårdcentral.
	add(samtycke(1, "Samtycke samverkan och SAMSIP, Samspelet "+date(0), 2, []consent.Purpose{rehab, sipPurpose},
		consent.Grant{OrgID: fk, Classes: classes(consent.KommunEkonomisktBistand, consent.KommunPlanering, consent.VardSjukskrivning)},
		consent.Grant{OrgID: region, UnitID: &gripen, Classes: classes(consent.KommunPlanering, consent.FKSamordning)},
		consent.Grant{OrgID: karlstad, Classes: classes(consent.FKSamordning, consent.FKBeslut, consent.VardSjukskrivning,
			consent.VardRehabilitering, consent.VardMedicinsktUnderlag, consent.AFInsatser)}),
		by("soc.karlstad", rehab, Participant{Login: "soc.karlstad", OrgID: fk, UnitID: fkKarlstad}),
		move("underlag", Step{To: routine.Underlag, Parties: []routine.Party{{OrgID: fk}, {OrgID: region, UnitID: &gripen}}}))
	// 5. Robin agrees that AF joins: a samtycke naming AF. Only then is
	//    the SAMSIP meeting called, with FK, AF and the region, each
	//    invited by its kallelse through en väg in; the parties accept,
	//    the case moves to joint planning, and who came is recorded once
	//    the meeting has started.
	add(samtycke(2, "Samtycke SAMSIP, Arbetsförmedlingen "+date(0), 2, []consent.Purpose{rehab, sipPurpose},
		consent.Grant{OrgID: af, Classes: classes(consent.KommunPlanering)}),
		by("soc.karlstad", rehab, Participant{Login: "soc.karlstad", OrgID: af, UnitID: afKarlstad}),
		by("soc.karlstad", sipPurpose, CallMeeting{ID: StoryMeeting, Kallelser: [][2]uuid.UUID{fkKallelse, afKallelse, vcKallelse},
			Kind: meetings.SIPMote, Subject: "SAMSIP för Robin", Agenda: "1. Robins mål\n2. Vem gör vad\n3. Uppföljning",
			RemoteURL: "https://mote.example.se/samsip/robin", Role: "socialsekreterare",
			Invited: []meetings.Invitee{{OrganizationKind: tenancy.FK, Role: "personlig handläggare"},
				{OrganizationKind: tenancy.AF, Role: "arbetsförmedlare"}, {OrganizationKind: tenancy.Region, Role: "rehabkoordinator"}}}))
	add(worked("ph.fk", sipPurpose, fkName, fkKallelse[0], tasks.Mottagen, tasks.Accepterad)...)
	add(worked("af.karlstad", sipPurpose, afName, afKallelse[0], tasks.Mottagen, tasks.Accepterad)...)
	add(worked("rehab.vc", sipPurpose, vcName, vcKallelse[0], tasks.Mottagen, tasks.Accepterad)...)
	add(move("gemensam-planering", Step{To: routine.GemensamPlanering, Parties: []routine.Party{{OrgID: fk}, {OrgID: af}, {OrgID: region, UnitID: &gripen}}}),
		by("soc.karlstad", sipPurpose, Attendance{MeetingID: StoryMeeting, Person: meetings.Narvarande,
			Parties: map[uuid.UUID]meetings.Attendance{karlstad: meetings.Narvarande, fk: meetings.Narvarande, af: meetings.Narvarande,
				region: meetings.Narvarande}}))
	add(worked("ph.fk", sipPurpose, fkName, fkKallelse[0], tasks.Pagaende, tasks.Klar)...)
	add(worked("af.karlstad", sipPurpose, afName, afKallelse[0], tasks.Pagaende, tasks.Klar)...)
	add(worked("rehab.vc", sipPurpose, vcName, vcKallelse[0], tasks.Pagaende, tasks.Klar)...)
	// 6. The SAMSIP, drawn up in the meeting: Robin's goals, insatser of
	//    Karlstad, FK, AF and the vårdcentral; Robin agrees to it.
	add(by("soc.karlstad", sipPurpose, DrawPlan{ID: StoryPlan, Kind: sip.SAMSIP, Content: sip.Content{
		Goals:        []string{"Jag vill få rätt ersättning och slippa söka försörjningsstöd varje månad.", "Jag vill må bättre i kroppen och orka mer."},
		WhatMatters:  "Att jag inte behöver berätta allt för varje myndighet, och att möten kan vara på länk.",
		OverallOrgID: karlstad, NextFollowUp: today.AddDate(0, 0, 60), Reason: "Upprättad på SAMSIP-mötet med Robin.",
		Participants: []string{"Robin Nilsson (personen)", "Sara Lindqvist, ekonomiskt bistånd, Karlstad", "Peter Holm, Försäkringskassan Karlstad",
			"Aisha Nilsson, Arbetsförmedlingen Karlstad", "Rebecka Ek, Vårdcentralen Gripen"},
		Insatser: []sip.NewInsats{
			{HuvudmanOrgID: karlstad, What: "Försörjningsstöd under utredningen", FirstActivity: "Månadsuppföljning", StartOn: today, Status: sip.Pagar},
			{HuvudmanOrgID: fk, What: "Samordning och utredning av rätten till sjukersättning", FirstActivity: "Avstämningsmöte", StartOn: today.AddDate(0, 0, 7), Status: sip.Planerad},
			{HuvudmanOrgID: af, What: "Arbetsförberedande insats: kartläggning av arbetsförmåga", FirstActivity: "Inskrivningssamtal", StartOn: today.AddDate(0, 0, 14), Status: sip.Planerad},
			{HuvudmanOrgID: region, HuvudmanUnitID: &gripen, What: "Rehabilitering: läkarutlåtande och fysioterapi", FirstActivity: "Läkarbesök", StartOn: today.AddDate(0, 0, 3), Status: sip.Planerad},
		}}}),
		by("soc.karlstad", sipPurpose, PlanAgreement{PlanID: StoryPlan, Version: 1, How: "WRITTEN", Note: "Planen undertecknad av Robin på SAMSIP-mötet; originalet i akten."}))
	// 7. The checklist behind the application for sjukersättning: the
	//    läkarutlåtande asked of the vårdcentral, AF's record of the
	//    rehabilitation tried asked of AF; they answer, and all four
	//    items are received.
	add(by("soc.karlstad", rehab, RequestEvidence{TaskID: lakarTask, EventID: ID(lakarName + "/SKICKAD"), Kind: evidence.Lakarutlatande}),
		by("soc.karlstad", rehab, RequestEvidence{TaskID: afRehabTask, EventID: ID(afRehabName + "/SKICKAD"), Kind: evidence.AFRehabilitering}))
	add(worked("rehab.vc", rehab, lakarName, lakarTask, tasks.Mottagen, tasks.Accepterad, tasks.Pagaende, tasks.Klar)...)
	add(worked("af.karlstad", rehab, afRehabName, afRehabTask, tasks.Mottagen, tasks.Accepterad, tasks.Pagaende, tasks.Klar)...)
	add(by("soc.karlstad", rehab, ReceiveEvidence{Kind: evidence.Lakarutlatande, ReceivedOn: today}),
		by("soc.karlstad", rehab, ReceiveEvidence{Kind: evidence.AFRehabilitering, ReceivedOn: today}),
		by("soc.karlstad", rehab, ReceiveEvidence{Kind: evidence.Sjukskrivningshistorik, ReceivedOn: today, Holder: &region}),
		by("soc.karlstad", rehab, ReceiveEvidence{Kind: evidence.SocialtjanstensYttrande, ReceivedOn: today}))
	// 8. The route: the application for sjukersättning and FK's
	//    samordning; waiting for FK's decision; closed with sjukersättning
	//    granted, and FK's repayment of the försörjningsstöd paid meanwhile.
	add(move("vag-vald", Step{To: routine.VagVald, Reason: "Ansökan om sjukersättning med fullständigt underlag; FK samordnar.",
		Routes: []routine.Route{routine.RouteAnsokanErsattning, routine.RouteFKSamordning}}),
		move("vantar", Step{To: routine.Vantar, Wait: &routine.Wait{What: "Försäkringskassans beslut om sjukersättning", ExpectedUntil: today.AddDate(0, 4, 0)}}),
		move("avslutad", Step{To: routine.Avslutad, Reason: "Sjukersättning beviljad.", Closure: &routine.Closure{
			Reason: routine.ClosureErsattning, Outcome: routine.OutcomeRattErsattning,
			Benefit: &routine.Benefit{Kind: routine.BenefitSjukersattning, From: nextMonth}}}),
		by("soc.karlstad", rehab, Repayment{ID: StoryRepayment, Kronor: StoryRepaymentKronor, PaidOn: today}))

	return Story{
		Person: Person{ID: StoryIndividual, Login: "soc.karlstad", Number: number("19870915", 989), Given: "Robin", Family: "Nilsson"},
		Case: Case{ID: StoryCase, IndividualID: StoryIndividual, FederationID: ID("federation/samspelet"), Login: "soc.karlstad",
			LeadName: "Sara Lindqvist", SGI: "NO", AFStatus: "INTE_INSKRIVEN", OnForsorjningsstod: true, HealthObstacle: true, CareContact: true},
		Steps: steps,
	}
}

// String names a step in messages: who did what.
func (st StoryStep) String() string { return fmt.Sprintf("%s as %s", st.Act.Mutation(), st.Login) }

// What the story leaves to count, for tests that count what a demo user
// sees. Its samtycken name FK, Vårdcentralen Gripen and AF, so ph.fk and
// rehab.vc see Robin's case besides Kim's (the scenario's), and
// af.karlstad sees Robin's alone (StoryCasesSeenBy). Its tasks are all
// KLAR: in the inbox of each user's unit (StoryInbox) the signal at
// Karlstad's ekonomiskt bistånd; a kallelse at FK Karlstad, AF Karlstad
// and Vårdcentralen Gripen; the requests for the läkarutlåtande at Gripen
// and for AF's record at AF Karlstad; sent (StorySent) by Karlstad the
// kallelser and the two requests, by the vårdcentral the signal. Its one
// meeting started at the load (so it is in no list of coming meetings),
// and its one plan is a SAMSIP.
var (
	StoryCasesSeenBy = map[string]int{"ph.fk": 1, "rehab.vc": 1, "af.karlstad": 1}
	StoryInbox       = map[string]int{"soc.karlstad": 1, "ph.fk": 1, "af.karlstad": 2, "rehab.vc": 2}
	StorySent        = map[string]int{"soc.karlstad": 5, "rehab.vc": 1}
)

// StoryTasks is how many tasks the story sends.
const StoryTasks = 6
