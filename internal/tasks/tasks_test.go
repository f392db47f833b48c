package tasks_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// The state machine as a table: from, to, who may take it.
func TestDecide_TheStateMachine(t *testing.T) {
	t.Parallel()
	allowed := map[[2]tasks.State]tasks.Side{
		{tasks.Skickad, tasks.Mottagen}:    tasks.Recipient,
		{tasks.Mottagen, tasks.Accepterad}: tasks.Recipient,
		{tasks.Mottagen, tasks.Avvisad}:    tasks.Recipient,
		{tasks.Accepterad, tasks.Pagaende}: tasks.Recipient,
		{tasks.Pagaende, tasks.Klar}:       tasks.Recipient,
		{tasks.Skickad, tasks.Avbruten}:    tasks.Sender,
		{tasks.Mottagen, tasks.Avbruten}:   tasks.Sender,
		{tasks.Accepterad, tasks.Avbruten}: tasks.Sender,
		{tasks.Pagaende, tasks.Avbruten}:   tasks.Sender,
	}
	for _, from := range tasks.States {
		for _, to := range tasks.States {
			for _, side := range []tasks.Side{tasks.Sender, tasks.Recipient} {
				err := tasks.Decide(from, to, side)
				if who, ok := allowed[[2]tasks.State{from, to}]; ok && who == side {
					require.NoError(t, err, "%s → %s by %s", from, to, side)
				} else {
					require.Error(t, err, "%s → %s by %s", from, to, side)
				}
			}
		}
	}
}

// A refused change names the changes there are from the state, and who
// takes each.
func TestDecide_NamesTheAllowedChanges(t *testing.T) {
	t.Parallel()
	require.EqualError(t, tasks.Decide(tasks.Skickad, tasks.Klar, tasks.Recipient),
		"the task cannot go from SKICKAD to KLAR as the recipient: from SKICKAD it goes to MOTTAGEN (the recipient), AVBRUTEN (the sender)")
	require.EqualError(t, tasks.Decide(tasks.Klar, tasks.Pagaende, tasks.Recipient), "the task is KLAR, which is final: nothing changes it")
}

var today = time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC) // a Thursday

// Every problem of a task, after its field, in field order.
func TestNewTask_NamesEveryProblemInFieldOrder(t *testing.T) {
	t.Parallel()
	caseID := uuid.New()
	topic := directory.Topic("FIKA")
	code := "1780"
	past := today.AddDate(0, 0, -1)
	require.Equal(t, []string{
		"caseId: a KONSULTATION is de-identified: it names no case or person",
		`topic: unknown topic "FIKA"`,
		"classes: a KONSULTATION is de-identified: it carries no information classes",
		"body: a KONSULTATION is de-identified: remove the personnummer",
		"dueOn: the due date has passed",
	}, tasks.NewTask{Kind: tasks.Konsultation, CaseID: &caseID, Topic: &topic, MunicipalityCode: &code,
		Classes: []consent.Class{consent.KommunPlanering}, Subject: "Fråga om arbetsträning",
		Body: "Gäller 19850312-9804", DueOn: &past}.Problems(tenancy.Kommun, today))

	require.Equal(t, []string{
		"caseId: a SIGNAL_SJUKSKRIVNING is about a case: name it",
		"municipalityCode: a task about a case goes to the case's municipality: leave it out",
		"classes: KOMMUN_PLANERING is not your organisation's information: send your own classes (VARD_SJUKSKRIVNING, VARD_MEDICINSKT_UNDERLAG, VARD_REHABILITERING)",
		"subject: give a subject of 1 to 200 characters",
	}, tasks.NewTask{Kind: tasks.SignalSjukskrivning, MunicipalityCode: &code,
		Classes: []consent.Class{consent.KommunPlanering}, Subject: " "}.Problems(tenancy.Region, today))

	require.Empty(t, tasks.NewTask{Kind: tasks.SignalSjukskrivning, CaseID: &caseID,
		Classes: []consent.Class{consent.VardSjukskrivning}, Subject: "Begäran om sjukskrivning",
		Body: "Patienten 19850312-9804 har begärt sjukskrivning."}.Problems(tenancy.Region, today),
		"a task about a person may name them")
}

func TestAddWorkingDays_SkipsWeekends(t *testing.T) {
	t.Parallel()
	require.Equal(t, time.Date(2026, 12, 17, 0, 0, 0, 0, time.UTC), tasks.AddWorkingDays(today, 5))
	require.Equal(t, time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC), tasks.AddWorkingDays(today, 1))
	require.Equal(t, time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC), tasks.AddWorkingDays(today, 2))
}

// A KONSULTATION's subject, body and rejection reason refuse a
// personnummer however it is written (security review, finding 4).
func TestKonsultation_RefusesAPersonnummerHoweverItIsWritten(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	topic := directory.Topic("ARBETSLIVSINRIKTAD_REHABILITERING")
	code := "1780"
	for _, written := range []string{
		"19850312-9804",
		"19850312\u20139804",
		"19850312\u00a09804",
		"850312 - 9804",
		"1985-03-12-9804",
		"850312\t9804",
		"000000-0000 19850312-9804",
		"\uff11\uff19\uff18\uff15\uff10\uff13\uff11\uff12-\uff19\uff18\uff10\uff14",
	} {
		text := "Gäller " + written + ", kvinna 40 år"
		in := tasks.NewTask{Kind: tasks.Konsultation, Topic: &topic, MunicipalityCode: &code, Subject: text, Body: text}
		require.Equal(t, []string{
			"subject: a KONSULTATION is de-identified: remove the personnummer",
			"body: a KONSULTATION is de-identified: remove the personnummer",
		}, in.Problems(tenancy.Kommun, today), "%q", written)

		rejected := tasks.Avvisad
		k := tasks.Task{Kind: tasks.Konsultation, State: tasks.Mottagen}
		require.Equal(t, []string{"reason: a KONSULTATION is de-identified: remove the personnummer"},
			tasks.Change{State: &rejected, Reason: text}.Problems(k, tasks.Recipient, today), "%q", written)
		about := tasks.Task{Kind: tasks.AnsokanSamordnadRehabilitering, State: tasks.Mottagen}
		require.Empty(t, tasks.Change{State: &rejected, Reason: text}.Problems(about, tasks.Recipient, today),
			"a task about a case may name the person")
	}
	k := tasks.Task{Kind: tasks.Konsultation, State: tasks.Mottagen}
	rejected := tasks.Avvisad
	require.Empty(t, tasks.Change{State: &rejected, Reason: "Vi tar inte sådana ärenden 2025-03-12 - 2026-03-15"}.Problems(k, tasks.Recipient, today))
}

// Which requests go to several parties at once, and to whom.
func TestJointParties_AKartlaggningWithoutAnOrganizationKindGoesToFKAndAF(t *testing.T) {
	t.Parallel()
	fk, af := tenancy.FK, tenancy.AF
	for _, tc := range []struct {
		name   string
		kind   tasks.Kind
		orgs   *tenancy.OrganizationKind
		sender tenancy.OrganizationKind
		want   []tenancy.OrganizationKind
	}{
		{"a kommun's request naming no kind: FK and AF", tasks.BegaranGemensamKartlaggning, nil, tenancy.Kommun, []tenancy.OrganizationKind{fk, af}},
		{"the region's request naming no kind: FK and AF", tasks.BegaranGemensamKartlaggning, nil, tenancy.Region, []tenancy.OrganizationKind{fk, af}},
		{"FK's request: AF alone", tasks.BegaranGemensamKartlaggning, nil, tenancy.FK, []tenancy.OrganizationKind{af}},
		{"AF's request: FK alone", tasks.BegaranGemensamKartlaggning, nil, tenancy.AF, []tenancy.OrganizationKind{fk}},
		{"a request naming FK: one task, as routed", tasks.BegaranGemensamKartlaggning, &fk, tenancy.Kommun, nil},
		{"a request naming AF: one task, as routed", tasks.BegaranGemensamKartlaggning, &af, tenancy.Kommun, nil},
		{"another kind: one task, as routed", tasks.AnsokanSamordnadRehabilitering, nil, tenancy.Kommun, nil},
	} {
		in := tasks.NewTask{Kind: tc.kind, OrganizationKind: tc.orgs}
		require.Equal(t, tc.want, in.JointParties(tc.sender), tc.name)
	}
}
