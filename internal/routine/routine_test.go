package routine

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
)

func TestShippedRoutinesAreValid(t *testing.T) {
	t.Parallel()
	require.Empty(t, shipped(t, KeySamverkan).Validate())
	require.Empty(t, shipped(t, KeyFMS).Validate())
}

func TestValidate_NamesEveryProblemInFieldOrder(t *testing.T) {
	t.Parallel()
	d := Definition{
		Initial: "START",
		States: []State{
			{Name: "START", Label: "Start"},
			{Name: "start", Label: ""},
			{Name: "START", Label: "Again"},
			{Name: "DONE", Label: "Klar", Final: true, Waiting: true},
		},
		Transitions: []Transition{
			{From: []string{"START"}, To: "NOWHERE", Roles: []identity.Role{"KING"}},
			{From: []string{"DONE"}, To: "START", Roles: []identity.Role{identity.Socialsekreterare}},
			{From: []string{"START"}, To: "DONE", Guards: []Guard{{Kind: ConsentInForce}, {Kind: "MAGIC"}, {Kind: DecisionRecorded, Forum: "basgruppen", Purpose: consent.SIP}}},
		},
	}
	require.Equal(t, []string{
		`states[1].name: "start" is not an UPPER_SNAKE name of at most 40 characters`,
		"states[1].label: give a label of 1 to 80 characters",
		"states[2].name: START is named twice",
		"states[3]: a final state does not wait",
		`transitions[0].to: "NOWHERE" is not one of the states`,
		`transitions[0].roles: unknown role "KING"`,
		"transitions[1].from: DONE is final; no transition leaves it",
		"transitions[2].roles: name at least one role that may take it",
		"transitions[2].guards[0].purpose: a purpose belongs to, and only to, CONSENT_IN_FORCE",
		`transitions[2].guards[1].kind: unknown guard "MAGIC"`,
		"transitions[2].guards[2].purpose: a purpose belongs to, and only to, CONSENT_IN_FORCE",
		"transitions[2].guards: closing a case (to DONE) needs CLOSURE_RECORDED",
	}, d.Validate())
}

func TestValidate_RefusesACaseThatCouldBeStuck(t *testing.T) {
	t.Parallel()
	workers := []identity.Role{identity.Socialsekreterare}
	d := Definition{
		Initial: "A",
		States:  []State{{Name: "A", Label: "A"}, {Name: "B", Label: "B"}, {Name: "ISLAND", Label: "Ö"}, {Name: "END", Label: "Slut", Final: true}},
		Transitions: []Transition{
			{From: []string{"A"}, To: "B", Roles: workers},
			{From: []string{"A"}, To: "END", Roles: workers, Guards: []Guard{{Kind: ClosureRecorded}}},
			{From: []string{"ISLAND"}, To: "END", Roles: workers, Guards: []Guard{{Kind: ClosureRecorded}}},
		},
	}
	require.Equal(t, []string{
		"states: no transition leaves B, which is not final",
		"states: ISLAND cannot be reached from A",
	}, d.Validate())
}

func TestCheck_SaysWhichGuardFailed(t *testing.T) {
	t.Parallel()
	fk := Party{OrgID: uuid.New()}
	af := Party{OrgID: uuid.New()}
	names := func(p Party) string {
		if p == fk {
			return "Försäkringskassan"
		}
		return "Arbetsförmedlingen"
	}
	yes, no := true, false
	d := shipped(t, KeySamverkan)
	step := func(from, to string) Transition {
		tr, ok := d.Step(from, to)
		require.True(t, ok, "%s → %s", from, to)
		return tr
	}
	for _, tc := range []struct {
		name     string
		from, to string
		move     Move
		facts    Facts
		failed   []string
	}{
		{"planning needs the parties invited", Underlag, GemensamPlanering, Move{}, Facts{},
			[]string{"CONSENT_IN_FORCE: name the parties invited; a samtycke in force for SIP must name each"}},
		{"planning needs each invited party named for SIP", Underlag, GemensamPlanering, Move{Parties: []Party{fk, af}},
			Facts{Grantees: map[consent.Purpose][]consent.Grantee{consent.SIP: {{OrgID: fk.OrgID}}, consent.SamordnadRehabilitering: {{OrgID: af.OrgID}}}},
			[]string{"CONSENT_IN_FORCE: no samtycke in force for SIP names Arbetsförmedlingen"}},
		{"planning with every party named", Uppfoljning, GemensamPlanering, Move{Parties: []Party{fk, af}},
			Facts{Grantees: map[consent.Purpose][]consent.Grantee{consent.SIP: {{OrgID: af.OrgID}, {OrgID: fk.OrgID}}}}, nil},
		{"a route must be chosen", GemensamPlanering, VagVald, Move{}, Facts{}, []string{"ROUTES_NAMED: name one or more routes"}},
		{"closing needs a reason and an outcome", Kartlaggning, Avslutad, Move{Routes: []Route{RouteAFInskrivning}}, Facts{},
			[]string{"CLOSURE_RECORDED: give a closure reason and an outcome", "routes: this transition chooses no routes"}},
		{"waiting says for what", VagVald, Vantar, Move{}, Facts{}, []string{"WAIT_STATED: say what is awaited and until when"}},
		{"screened needs a screening", Identifierad, Screenad, Move{}, Facts{}, []string{"ELIGIBLE: the case is not screened"}},
		{"screened needs the target group", Identifierad, Screenad, Move{}, Facts{Eligible: &no},
			[]string{"ELIGIBLE: the screening found the person outside the target group; close the case with reason EJ_MALGRUPP"}},
		{"screened, in the target group", Identifierad, Screenad, Move{}, Facts{Eligible: &yes}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.failed, step(tc.from, tc.to).Check(tc.move, tc.facts, names))
		})
	}

	fms := shipped(t, KeyFMS)
	include, ok := fms.Step(FMSBedomning, FMSInkluderad)
	require.True(t, ok)
	require.Equal(t, []string{"DECISION_RECORDED: record the decision of basgruppen (who decided and when) and its reason"},
		include.Check(Move{Decision: &Decision{Forum: "basgruppen"}}, Facts{}, names))
	require.Empty(t, include.Check(Move{Reason: "MIX 2 och arbetsterapeutens bedömning", Decision: &Decision{Forum: "basgruppen"}}, Facts{}, names))
}

func TestMoveValidate(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	fk := Party{OrgID: uuid.New()}
	require.Equal(t, []string{
		"parties[1]: invited twice",
		`routes[0]: unknown route "R9"`,
		"routes[2]: AF_INSKRIVNING is named twice",
		`closure.reason: unknown closure reason "TIRED"`,
		"wait.what: say what is awaited, in 1 to 200 characters",
		"wait.expectedUntil: give a day after today",
		"decision.decidedOn: a decision cannot be taken in the future",
	}, Move{
		Parties:  []Party{fk, fk},
		Routes:   []Route{"R9", RouteAFInskrivning, RouteAFInskrivning},
		Closure:  &Closure{Reason: "TIRED", Outcome: OutcomeRattInsats},
		Wait:     &Wait{What: " ", ExpectedUntil: today},
		Decision: &Decision{Forum: "basgruppen", DecidedOn: today.AddDate(0, 0, 1)},
	}.Validate(today))
	require.Empty(t, Move{Wait: &Wait{What: "FK:s prövning av överklagandet", ExpectedUntil: today.AddDate(1, 0, 0)}}.Validate(today))
}

func TestEligible_DerivesTheFindingFromTheAnswers(t *testing.T) {
	t.Parallel()
	d := shipped(t, KeySamverkan)
	all := map[string]bool{"SGI_SAKNAS": true, "FORSORJNINGSSTOD": true, "SJUKSKRIVEN_ELLER_OHALSA": true, "MISSBRUK": false}
	ok, failed, bad := d.Eligible(all)
	require.True(t, ok)
	require.Empty(t, failed)
	require.Empty(t, bad)

	withSGI := map[string]bool{"SGI_SAKNAS": false, "FORSORJNINGSSTOD": true, "SJUKSKRIVEN_ELLER_OHALSA": true, "MISSBRUK": true}
	ok, failed, bad = d.Eligible(withSGI)
	require.False(t, ok)
	require.Equal(t, []string{"SGI_SAKNAS", "MISSBRUK"}, failed)
	require.Empty(t, bad)

	ok, _, bad = d.Eligible(map[string]bool{"SGI_SAKNAS": true, "SKOSTORLEK": true})
	require.False(t, ok)
	require.Equal(t, []string{
		`answers: "SKOSTORLEK" is not a criterion of this routine`,
		"answers: answer FORSORJNINGSSTOD (Har personen försörjningsstöd?)",
		"answers: answer SJUKSKRIVEN_ELLER_OHALSA (Är personen sjukskriven eller uppger arbetshinder på grund av ohälsa?)",
		"answers: answer MISSBRUK (Har personen missbruksproblem? (Då handläggs ärendet inom ordinarie ekonomiskt bistånd.))",
	}, bad)
}

// A förbund may give each kind of task its own due period; an unknown
// kind or a period out of range is named.
func TestDefinition_TaskDueDaysAreOptionalAndChecked(t *testing.T) {
	d := shipped(t, KeySamverkan)
	require.Equal(t, 5, d.DueDays("SIGNAL_SJUKSKRIVNING", 5), "absent: the default")
	d.TaskDueDays = map[string]int{"SIGNAL_SJUKSKRIVNING": 3, "KAFFE": 2, "KALLELSE_SIP": 0}
	require.Equal(t, 3, d.DueDays("SIGNAL_SJUKSKRIVNING", 5))
	require.Equal(t, []string{
		`taskDueDays: "KAFFE" is not a task kind`,
		"taskDueDays.KALLELSE_SIP: give 1 to 120 working days",
	}, d.Validate())
}
