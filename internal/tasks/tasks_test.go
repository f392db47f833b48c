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
