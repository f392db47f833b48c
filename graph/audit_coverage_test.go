package graph_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// auditExpectation is what one root field of the schema leaves in the
// audit trail, proved by running an example of it.
type auditExpectation struct {
	// audited: the field touches protected data (personal data, the audit
	// trail, the directory's keeping) and must leave a record naming it.
	audited bool
	login   string
	purpose string
	query   string
	vars    map[string]any
	// subscription examples: what makes an event arrive.
	trigger func(t *testing.T, srv *testServer)
	// prepare makes the data the example reads, before it runs; the
	// variables it returns replace the example's of the same name.
	prepare func(t *testing.T, srv *testServer) map[string]any
	// logged: for personal data, the type of object (relay type) whose
	// read must be a row of the person's loggutdrag.
	logged string
}

var freshNumber, _ = testNumber(801)

// auditCoverage classifies every root field of the schema, and every
// field of a personal type that reaches other personal data. A field
// added to the schema without a line here fails the test: a new operation
// cannot be added unaudited by oversight. A key may carry a variant after
// '#' (another example of the same field).
var auditCoverage = map[string]auditExpectation{
	// Query: the catalogue and the directory hold no personal data.
	"Query.me":                {login: "soc.karlstad", query: `{ me { userId } }`},
	"Query.federations":       {login: "soc.karlstad", query: `{ federations { totalCount } }`},
	"Query.organizations":     {login: "soc.karlstad", query: `{ organizations { totalCount } }`},
	"Query.waysIn":            {login: "soc.karlstad", query: `{ waysIn(topic: SAMORDNAD_REHABILITERING, municipalityCode: "1780") { match } }`},
	"Query.directorySearch":   {login: "soc.karlstad", query: `{ directorySearch(query: "rehabilitering") { totalCount } }`},
	"Query.directoryCoverage": {login: "koord.karlstad", query: `query($f: ID!) { directoryCoverage(federationId: $f) { cells { status } } }`, vars: map[string]any{"f": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet"))}},
	"Query.node#Routine":      {login: "soc.eksjo", query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": relay.ID(relay.TypeRoutine, fmsRoutine)}},
	"Query.screeningCohorts":  {login: "soc.karlstad", purpose: rehab, query: `query($f: ID!) { screeningCohorts(federationId: $f) { name screened } }`, vars: map[string]any{"f": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet"))}},
	"Query.routines":          {login: "admin.samspelet", query: `query($f: ID!) { routines(federationId: $f) { id states { name } } }`, vars: map[string]any{"f": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet"))}},
	// Query: personal data and the audit trail.
	"Query.node#Case":                {audited: true, login: "ph.fk", purpose: rehab, query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": demoCaseID}, logged: relay.TypeCase},
	"Query.node#Individual":          {audited: true, login: "ph.fk", purpose: rehab, query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": demoIndividualID}, logged: relay.TypeIndividual},
	"Query.node#CaseItem":            {audited: true, login: "soc.karlstad", purpose: rehab, query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": relay.ID(relay.TypeCaseItem, demo.ID("case-item/karlstad/kim/plan"))}, logged: relay.TypeCaseItem},
	"Query.node#Consent":             {audited: true, login: "soc.karlstad", purpose: rehab, query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": demoConsentID}, logged: relay.TypeConsent},
	"Query.nodes":                    {audited: true, login: "ph.fk", purpose: rehab, query: `query($id: ID!) { nodes(ids: [$id]) { id } }`, vars: map[string]any{"id": demoCaseID}, logged: relay.TypeCase},
	"Query.individuals":              {audited: true, login: "soc.karlstad", purpose: rehab, query: `{ individuals { nodes { id } } }`, logged: relay.TypeIndividual},
	"Query.individualByPersonnummer": {audited: true, login: "soc.karlstad", purpose: rehab, query: `{ individualByPersonnummer(personnummer: "19850312-9804") { id } }`, logged: relay.TypeIndividual},
	"Query.cases":                    {audited: true, login: "ph.fk", purpose: rehab, query: `{ cases { nodes { id } } }`, logged: relay.TypeCase},
	// Fields of personal types that reach other personal data: each read
	// is a row of the person's loggutdrag, under the root field's name.
	"Case.individual":  {audited: true, login: "ph.fk", purpose: rehab, query: `{ cases { nodes { individual { id } } } }`, logged: relay.TypeIndividual},
	"Case.transitions": {audited: true, login: "ph.fk", purpose: rehab, query: `{ cases { nodes { transitions { to } } } }`, logged: relay.TypeCaseHistory},
	"Case.screening": {audited: true, login: "soc.karlstad", purpose: rehab, query: `{ cases { nodes { screening { eligible } } } }`, logged: relay.TypeCaseScreening,
		prepare: func(t *testing.T, srv *testServer) map[string]any {
			mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) { case { id } } }`,
				map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers()}}), &struct{}{})
			return nil
		}},
	"Case.items":          {audited: true, login: "ph.fk", purpose: rehab, query: `{ cases { nodes { items { id } } } }`, logged: relay.TypeCaseItem},
	"Individual.cases":    {audited: true, login: "soc.karlstad", purpose: rehab, query: `{ individuals { nodes { cases { id } } } }`, logged: relay.TypeCase},
	"Individual.consents": {audited: true, login: "soc.karlstad", purpose: rehab, query: `{ individuals { nodes { consents { id } } } }`, logged: relay.TypeConsent},
	"Consent.individual":  {audited: true, login: "soc.karlstad", purpose: rehab, query: `query($id: ID!) { node(id: $id) { ... on Consent { individual { id } } } }`, vars: map[string]any{"id": demoConsentID}, logged: relay.TypeIndividual},
	"Query.accessLog":     {audited: true, login: "logg.karlstad", query: `query($id: ID!) { accessLog(individualId: $id) { totalCount } }`, vars: map[string]any{"id": demoIndividualID}, logged: relay.TypeAccessLog},
	"Query.auditTrail":    {audited: true, login: "logg.karlstad", query: `{ auditTrail(first: 1) { totalCount } }`},
	// Mutations: every change is audited.
	"Mutation.registerIndividual": {audited: true, login: "soc.karlstad", purpose: rehab, query: registerMutation,
		vars: map[string]any{"in": map[string]any{"personnummer": freshNumber, "givenName": "Ny", "familyName": "Person"}}},
	"Mutation.recordConsent": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		vars: map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": "UPPFOLJNING", "purposes": []string{"UPPFOLJNING"}, "grants": []any{},
			"givenBy": "PERSON", "validFrom": "2026-01-01", "validUntil": "2027-01-01", "evidence": "ORAL", "witnessedBy": "Sara Lindqvist",
			"requestedById": relay.ID(relay.TypeOrganization, demo.ID("org/karlstad"))}}},
	"Mutation.revokeConsent": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($id: ID!) { revokeConsent(id: $id, reason: "test") { id } }`,
		vars: map[string]any{"id": demoConsentID}},
	"Mutation.openCase": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: OpenCaseInput!) { openCase(input: $in) { id } }`,
		vars: map[string]any{"in": map[string]any{"individualId": demoIndividualID, "federationId": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")),
			"sgi": "NO", "onForsorjningsstod": true, "healthObstacle": true, "careContact": true, "afStatus": "UNKNOWN"}}},
	"Mutation.addCaseParticipant": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($c: ID!, $o: ID!) { addCaseParticipant(caseId: $c, organizationId: $o) { id } }`,
		vars: map[string]any{"c": demoCaseID, "o": relay.ID(relay.TypeOrganization, demo.ID("org/af"))}},
	"Mutation.addCaseItem": {audited: true, login: "ph.fk", purpose: rehab, query: `mutation($c: ID!) { addCaseItem(caseId: $c, class: FK_BESLUT, summary: "Beslut") { id } }`,
		vars: map[string]any{"c": demoCaseID}},
	"Mutation.upsertDirectoryEntry": {audited: true, login: "admin.samspelet", query: upsertMutation, vars: map[string]any{"input": insatsInput()}},
	"Mutation.archiveDirectoryEntry": {audited: true, login: "admin.samspelet", query: `mutation($id: ID!) { archiveDirectoryEntry(id: $id) { entry { id } } }`,
		vars: map[string]any{"id": relay.ID(relay.TypeDirectoryEntry, demo.ID("entry/samspelet-insatser"))}},
	"Mutation.screenCase": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: ScreenCaseInput!) { screenCase(input: $in) { screening { eligible } } }`,
		vars: map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers()}}},
	"Mutation.transitionCase": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: TransitionCaseInput!) { transitionCase(input: $in) { case { state } } }`,
		vars: map[string]any{"in": map[string]any{"caseId": demoCaseID, "to": "AVSLUTAD", "closure": map[string]any{"reason": "FLYTTAT", "outcome": "INGET_UTFALL"}}}},
	"Case.evidence": {audited: true, login: "ph.fk", purpose: rehab, query: `{ cases { nodes { evidence { kind status } } } }`, logged: relay.TypeCaseEvidence},
	"EvidenceItem.request": {audited: true, login: "soc.karlstad", purpose: rehab, query: `{ cases { nodes { evidence { request { id } } } } }`, logged: relay.TypeTask,
		prepare: func(t *testing.T, srv *testServer) map[string]any {
			mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RequestEvidenceInput!) { requestEvidence(input: $in) { task { id } } }`,
				map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "LAKARUTLATANDE"}}), &struct{}{})
			return nil
		}},
	"Case.repayments": {audited: true, login: "ph.fk", purpose: rehab, query: `{ cases { nodes { repayments { amountKronor } } } }`, logged: relay.TypeCaseRepayments,
		prepare: func(t *testing.T, srv *testServer) map[string]any {
			mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordRepaymentInput!) { recordRepayment(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"caseId": demoCaseID, "amountKronor": 1000, "paidOn": day(0)}}), &struct{}{})
			return nil
		}},
	"Mutation.recordRepayment": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: RecordRepaymentInput!) { recordRepayment(input: $in) { id } }`,
		vars: map[string]any{"in": map[string]any{"caseId": demoCaseID, "amountKronor": 1000, "paidOn": day(0)}}, logged: relay.TypeCaseRepayments},
	"Mutation.requestEvidence": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: RequestEvidenceInput!) { requestEvidence(input: $in) { task { id } } }`,
		vars: map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "LAKARUTLATANDE"}}, logged: relay.TypeCaseEvidence},
	"Mutation.recordEvidence": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: RecordEvidenceInput!) { recordEvidence(input: $in) { id } }`,
		vars: map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SOCIALTJANSTENS_YTTRANDE", "receivedOn": day(0)}}, logged: relay.TypeCaseEvidence},
	"Mutation.waiveEvidence": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: WaiveEvidenceInput!) { waiveEvidence(input: $in) { id } }`,
		vars: map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "AF_REHABILITERING", "reason": "Inte aktuellt"}}, logged: relay.TypeCaseEvidence},
	"Mutation.moveCaseToRoutine": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: MoveCaseToRoutineInput!) { moveCaseToRoutine(input: $in) { case { state } } }`,
		vars: map[string]any{"in": map[string]any{"caseId": demoCaseID, "routineId": relay.ID(relay.TypeRoutine, fmsRoutine), "state": "BEDOMNING", "reason": "Förbundet går över till FMS"}}},
	// Meetings: each read and write of a meeting about the person is a row
	// of its loggutdrag.
	"Query.meetings": {audited: true, login: "ph.fk", purpose: rehab, query: `{ meetings { totalCount nodes { id } } }`, logged: relay.TypeMeeting,
		prepare: prepareMeeting},
	"Query.node#Meeting": {audited: true, login: "ph.fk", purpose: rehab, query: `query($id: ID!) { node(id: $id) { id } }`, logged: relay.TypeMeeting,
		prepare: prepareMeeting},
	"Case.meetings": {audited: true, login: "ph.fk", purpose: rehab, query: `{ cases { nodes { meetings { id } } } }`, logged: relay.TypeMeeting,
		prepare: prepareMeeting},
	"Mutation.scheduleMeeting": {audited: true, login: "soc.karlstad", purpose: rehab, query: scheduleMeetingMutation,
		vars: map[string]any{"in": avstamning("FK")}, logged: relay.TypeMeeting},
	"Mutation.recordAttendance": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($id: ID!) { recordAttendance(input: {meetingId: $id, person: ATERBUD}) { id } }`,
		logged: relay.TypeMeeting, prepare: prepareMeeting},
	"Mutation.addMeetingMinutes": {audited: true, login: "ph.fk", purpose: rehab, query: `mutation($id: ID!) { addMeetingMinutes(input: {meetingId: $id, kind: MINUTES, class: FK_SAMORDNING, text: "FK utreder rätten till rehabiliteringspenning."}) { id } }`,
		logged: relay.TypeMeetingMinutes, prepare: prepareMeeting},
	"Meeting.minutes": {audited: true, login: "ph.fk", purpose: rehab, query: `query($id: ID!) { node(id: $id) { ... on Meeting { minutes { id } } } }`,
		logged: relay.TypeMeetingMinutes, prepare: prepareMinutes},
	"Mutation.cancelMeeting": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($id: ID!) { cancelMeeting(input: {meetingId: $id, reason: "Flyttat"}) { id } }`,
		logged: relay.TypeMeeting, prepare: prepareMeeting},
	"Query.tasks": {audited: true, login: "soc.karlstad", purpose: rehab, query: `{ tasks { totalCount nodes { id } } }`},
	"Query.node#Task": {audited: true, login: "rehab.vc", purpose: rehab, query: `query($id: ID!) { node(id: $id) { id } }`,
		vars: map[string]any{"id": "task"}, logged: relay.TypeTask},
	"Mutation.createTask": {audited: true, login: "rehab.vc", purpose: rehab, query: createTaskMutation,
		vars: map[string]any{"in": signal()}, logged: relay.TypeTask},
	"Mutation.updateTask": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($id: ID!) { updateTask(input: {taskId: $id, state: MOTTAGEN}) { id } }`,
		vars: map[string]any{"id": "task"}, logged: relay.TypeTask},
	"Task.case": {audited: true, login: "soc.karlstad", purpose: rehab, query: `query($id: ID!) { node(id: $id) { ... on Task { case { id } } } }`,
		vars: map[string]any{"id": "task"}, logged: relay.TypeCase},
	"Mutation.saveRoutine": {audited: true, login: "admin.samspelet", query: `mutation($in: SaveRoutineInput!) { saveRoutine(input: $in) { version } }`,
		vars: map[string]any{"in": map[string]any{"federationId": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")), "key": "samverkan", "name": "Samspelets rutin", "definition": smallRoutine()}}},
	"Mutation.createScreeningCohort": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: CreateScreeningCohortInput!) { createScreeningCohort(input: $in) { id } }`,
		vars: map[string]any{"in": map[string]any{"federationId": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")), "name": "Förstudie"}}},
	"Mutation.importScreeningCohort": {audited: true, login: "soc.karlstad", purpose: rehab, query: `mutation($in: ImportScreeningCohortInput!) { importScreeningCohort(input: $in) { households } }`,
		logged: relay.TypeIndividual,
		prepare: func(t *testing.T, srv *testServer) map[string]any {
			return map[string]any{"in": map[string]any{"cohortId": createCohort(t, srv, "Förstudie"), "csv": cohortFile(1)}}
		}},
	// SIP and SAMSIP plans (under the purpose SIP).
	"Case.plans": {audited: true, login: "ph.fk", purpose: sipPurpose, query: `{ cases { nodes { plans { id current { insatser { what } } } } } }`,
		logged: relay.TypePlan, prepare: func(t *testing.T, srv *testServer) map[string]any { createSAMSIP(t, srv); return nil }},
	"Mutation.createPlan": {audited: true, login: "soc.karlstad", purpose: sipPurpose, query: createPlanMutation, logged: relay.TypePlan,
		prepare: func(t *testing.T, srv *testServer) map[string]any {
			recordSIPSamtycke(t, srv)
			return map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": samsipContent()}}
		}},
	"Mutation.revisePlan": {audited: true, login: "soc.karlstad", purpose: sipPurpose, query: revisePlanMutation, logged: relay.TypePlan,
		prepare: func(t *testing.T, srv *testServer) map[string]any {
			return reviseVars(createSAMSIP(t, srv), 1, samsipContent())
		}},
	"Mutation.recordPlanAgreement": {audited: true, login: "soc.karlstad", purpose: sipPurpose, query: agreementMutation, logged: relay.TypePlan,
		prepare: func(t *testing.T, srv *testServer) map[string]any {
			return map[string]any{"in": map[string]any{"planId": createSAMSIP(t, srv), "version": 1, "how": "ORAL"}}
		}},
	// Subscriptions: each delivered event is audited.
	"Subscription.consentEvents": {audited: true, login: "soc.karlstad", purpose: rehab, query: `subscription { consentEvents { kind } }`,
		trigger: func(t *testing.T, srv *testServer) {
			mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "test") { id } }`,
				map[string]any{"id": demoConsentID}), &struct{}{})
		}},
	"Subscription.taskEvents": {audited: true, login: "soc.karlstad", purpose: rehab, query: `subscription { taskEvents { kind task { id subject } } }`,
		logged: relay.TypeTask,
		trigger: func(t *testing.T, srv *testServer) {
			mustData(t, postFor(t, srv, "rehab.vc", rehab, createTaskMutation, map[string]any{"in": signal()}), &struct{}{})
		}},
}

func TestAuditCoverage_EveryRootFieldIsClassifiedAndDoesWhatItsLineSays(t *testing.T) {
	t.Parallel()
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(graph.SchemaSDL())})
	require.NoError(t, err)
	var fields []string
	for _, root := range []string{"Query", "Mutation", "Subscription"} {
		for _, f := range schema.Types[root].Fields {
			if f.Name[0] == '_' {
				continue // __schema, __type: introspection
			}
			fields = append(fields, root+"."+f.Name)
		}
	}
	// Fields of personal types that lead to other personal objects.
	personal := []string{"Individual", "Case", "CaseItem", "Consent", "CaseTransition", "CaseScreening", "Task", "Plan", "Meeting", "MeetingMinutes", "EvidenceItem", "Repayment"}
	for _, typ := range personal {
		for _, f := range schema.Types[typ].Fields {
			if slices.Contains(personal, f.Type.Name()) && f.Type.Name() != typ {
				fields = append(fields, typ+"."+f.Name)
			}
		}
	}
	covered := map[string]bool{}
	for key := range auditCoverage {
		field, _, _ := strings.Cut(key, "#")
		covered[field] = true
		require.Contains(t, fields, field, "auditCoverage names a field the schema does not have (or one that reaches no personal data)")
	}
	for _, f := range fields {
		require.True(t, covered[f], "%s has no audit expectation: say in auditCoverage whether it touches protected data, with an example", f)
	}

	for _, name := range slices.Sorted(maps.Keys(auditCoverage)) {
		e := auditCoverage[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, b := setup(t)
			qualified, _, _ := strings.Cut(name, "#")
			_, field, _ := strings.Cut(qualified, ".")
			vars := map[string]any{}
			maps.Copy(vars, e.vars)
			if e.prepare != nil {
				maps.Copy(vars, e.prepare(t, srv))
			}
			if e.trigger != nil {
				ws := wsAs(t, srv, e.login, e.purpose)
				ws.start("1", e.query)
				time.Sleep(300 * time.Millisecond) // the subscription is registered
				e.trigger(t, srv)
				m, ok, _ := ws.read(5 * time.Second)
				require.True(t, ok, "an event arrives")
				require.Equal(t, "next", m.Type, string(m.Payload))
			} else {
				if vars["id"] == "task" { // a task the vårdcentral sent to Karlstad's ekonomiskt bistånd
					var sent struct{ CreateTask struct{ ID string } }
					mustData(t, postFor(t, srv, "rehab.vc", rehab, createTaskMutation, map[string]any{"in": signal()}), &sent)
					vars = map[string]any{"id": sent.CreateTask.ID}
				}
				mustData(t, postFor(t, srv, e.login, e.purpose, e.query, vars), &map[string]any{})
			}
			if e.audited {
				var records int
				require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_records
					WHERE user_id = $1 AND ($2 = ANY (string_to_array(operation_name, ',')) OR $3)`,
					e.login, field, strings.Contains(qualified, ".") && !strings.HasPrefix(qualified, "Query.") &&
						!strings.HasPrefix(qualified, "Mutation.") && !strings.HasPrefix(qualified, "Subscription.")).Scan(&records))
				require.Positive(t, records, "%s leaves an audit record naming it", name)
			} else {
				var records int
				require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_records
					WHERE user_id = $1 AND $2 = ANY (string_to_array(operation_name, ','))`, e.login, field).Scan(&records))
				require.Zero(t, records, "%s holds no protected data and is not audited", name)
			}
			if e.logged != "" {
				rows, err := b.db.Pool.Query(context.Background(), `SELECT object_id FROM personal_data_access WHERE user_id = $1`, e.login)
				require.NoError(t, err)
				found := false
				for rows.Next() {
					var gid string
					require.NoError(t, rows.Scan(&gid))
					if typ, _, err := relay.ParseID(gid); err == nil && typ == e.logged {
						found = true
					}
				}
				require.NoError(t, rows.Err())
				require.True(t, found, "%s: a read of a %s is a row of the person's loggutdrag", name, e.logged)
			}
		})
	}
}

// prepareMeeting calls an avstämningsmöte on the demo case inviting FK,
// for the examples that read or change one: its id is $id.
func prepareMeeting(t *testing.T, srv *testServer) map[string]any {
	return map[string]any{"id": scheduleMeeting(t, srv, "soc.karlstad", avstamning("FK")).ID}
}

// prepareMinutes calls a meeting as prepareMeeting does, and Karlstad
// writes its decision (KOMMUN_PLANERING, which the samtycke shares with
// FK): its id is $id.
func prepareMinutes(t *testing.T, srv *testServer) map[string]any {
	vars := prepareMeeting(t, srv)
	addMinutes(t, srv, "soc.karlstad", rehab, vars["id"].(string), "DECISION", "KOMMUN_PLANERING", "Kommunen beviljar arbetsträning.")
	return vars
}
