package graph_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

func testNumber(serial int) (dashed, digits string) {
	nine := fmt.Sprintf("770707%03d", serial)
	d := fmt.Sprintf("%s%d", nine, personnummer.CheckDigit(nine))
	return d[:6] + "-" + d[6:], "19" + d
}

const registerMutation = `mutation($in: RegisterIndividualInput!) { registerIndividual(input: $in) {
	id handle givenName personnummer identityNumberKind protectedIdentity organization { name } } }`

// No personnummer ever reaches the server's log, an error message, the
// audit trail or the database in clear text, whether the number is good,
// bad, found or not found.
func TestIndividuals_NumberNeverInLogsErrorsOrStorage(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	dashed, digits := testNumber(981)
	var reg struct {
		RegisterIndividual struct {
			ID, Handle, IdentityNumberKind string
			Personnummer                   *string
			Organization                   struct{ Name string }
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, registerMutation,
		map[string]any{"in": map[string]any{"personnummer": dashed, "givenName": "Test", "familyName": "Person"}}), &reg)
	require.Equal(t, digits[:8]+"-"+digits[8:], *reg.RegisterIndividual.Personnummer, "normalised to twelve digits")
	require.Equal(t, "PERSONNUMMER", reg.RegisterIndividual.IdentityNumberKind)
	require.Equal(t, "Karlstads kommun", reg.RegisterIndividual.Organization.Name)

	var messages []string
	r := postFor(t, srv, "soc.karlstad", rehab, registerMutation,
		map[string]any{"in": map[string]any{"personnummer": dashed, "givenName": "Test", "familyName": "Igen"}})
	requireError(t, r, "CONFLICT", "already registered")
	messages = append(messages, r.Errors[0].Message)
	bad := digits[2:11] + fmt.Sprint((int(digits[11]-'0')+1)%10) // wrong check digit
	r = postFor(t, srv, "soc.karlstad", rehab, registerMutation,
		map[string]any{"in": map[string]any{"personnummer": bad, "givenName": "Test", "familyName": "Fel"}})
	requireError(t, r, "BAD_USER_INPUT", "check digit")
	messages = append(messages, r.Errors[0].Message)
	r = postFor(t, srv, "soc.karlstad", rehab, `query($n: String!) { individualByPersonnummer(personnummer: $n) { id } }`, map[string]any{"n": bad})
	requireError(t, r, "BAD_USER_INPUT", "check digit")
	messages = append(messages, r.Errors[0].Message)

	var found struct{ IndividualByPersonnummer *struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `query($n: String!) { individualByPersonnummer(personnummer: $n) { id } }`,
		map[string]any{"n": digits}), &found)
	require.NotNil(t, found.IndividualByPersonnummer)
	require.Equal(t, reg.RegisterIndividual.ID, found.IndividualByPersonnummer.ID)
	mustData(t, postFor(t, srv, "ph.fk", rehab, `query($n: String!) { individualByPersonnummer(personnummer: $n) { id } }`,
		map[string]any{"n": digits}), &found)
	require.Nil(t, found.IndividualByPersonnummer, "FK has no samtycke for this person")

	// Search every trace for the number in any writing.
	forms := []string{digits, digits[2:], digits[:8] + "-" + digits[8:], digits[2:8] + "-" + digits[8:], bad}
	ctx := context.Background()
	var stored string
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT concat_ws(' ',
		(SELECT string_agg(i::text, ' ') FROM individuals i),
		(SELECT string_agg(a::text, ' ') FROM audit_records a),
		(SELECT string_agg(p::text, ' ') FROM personal_data_access p))`).Scan(&stored))
	logs := b.logs.String()
	require.NotEmpty(t, logs)
	for _, f := range forms {
		require.NotContains(t, logs, f, "the server log holds a personnummer")
		require.NotContains(t, stored, f, "the database holds a personnummer in clear text")
		for _, m := range messages {
			require.NotContains(t, m, f, "an error message holds a personnummer")
		}
	}
}

func TestIndividuals_RegistrationInputAndProtectedIdentity(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	// Samordningsnummer, ten digits with "+", and bad names together.
	nine := "770767982"
	samordning := fmt.Sprintf("%s%d", nine, personnummer.CheckDigit(nine))
	var reg struct {
		RegisterIndividual struct {
			ID, Handle, IdentityNumberKind string
			GivenName                      *string
			ProtectedIdentity              bool
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, registerMutation,
		map[string]any{"in": map[string]any{"personnummer": samordning, "givenName": "Skyddad", "familyName": "Person", "protectedIdentity": true}}), &reg)
	require.Equal(t, "SAMORDNINGSNUMMER", reg.RegisterIndividual.IdentityNumberKind)
	require.True(t, strings.HasPrefix(reg.RegisterIndividual.Handle, "P-"))
	require.Equal(t, "Skyddad", *reg.RegisterIndividual.GivenName, "the owning unit sees the name")

	r := postFor(t, srv, "soc.karlstad", rehab, registerMutation,
		map[string]any{"in": map[string]any{"personnummer": "12-34", "givenName": "", "familyName": strings.Repeat("x", 101)}})
	require.Len(t, r.Errors, 1)
	require.Equal(t, "BAD_USER_INPUT", r.code(0))
	for _, want := range []string{"written YYMMDD-NNNN", "givenName must be 1–100", "familyName must be 1–100"} {
		require.Contains(t, r.Errors[0].Message, want)
	}

	// The protected person: the owner's other unit sees the handle only,
	// and cannot find them by number.
	var other struct {
		Node *struct {
			Handle       string
			GivenName    *string
			Personnummer *string
		}
	}
	mustData(t, postFor(t, srv, "koord.karlstad", rehab, `query($id: ID!) { node(id: $id) { ... on Individual { handle givenName personnummer } } }`,
		map[string]any{"id": reg.RegisterIndividual.ID}), &other)
	require.NotNil(t, other.Node)
	require.Equal(t, reg.RegisterIndividual.Handle, other.Node.Handle)
	require.Nil(t, other.Node.GivenName)
	require.Nil(t, other.Node.Personnummer)
	var found struct{ IndividualByPersonnummer *struct{ ID string } }
	mustData(t, postFor(t, srv, "koord.karlstad", rehab, `query($n: String!) { individualByPersonnummer(personnummer: $n) { id } }`,
		map[string]any{"n": samordning}), &found)
	require.Nil(t, found.IndividualByPersonnummer)

	// A legal representative's name is the protected person's too: hidden
	// outside the owning unit.
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": reg.RegisterIndividual.ID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{rehab},
			"grants":  []map[string]any{{"organizationId": relay.ID(relay.TypeOrganization, demo.ID("org/fk")), "classes": []string{"KOMMUN_PLANERING"}}},
			"givenBy": "LEGAL_REPRESENTATIVE", "representativeName": "Maria Person (god man)", "validFrom": "2026-01-01", "validUntil": "2026-12-31",
			"evidence": "WRITTEN", "formReference": "F9", "requestedById": relay.ID(relay.TypeOrganization, demo.ID("org/fk"))}}), &struct{}{})
	representative := func(login string) *string {
		var got struct {
			Node struct {
				Consents []struct{ RepresentativeName *string }
			}
		}
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { ... on Individual { consents { representativeName } } } }`,
			map[string]any{"id": reg.RegisterIndividual.ID}), &got)
		require.Len(t, got.Node.Consents, 1)
		return got.Node.Consents[0].RepresentativeName
	}
	require.Equal(t, "Maria Person (god man)", *representative("soc.karlstad"))
	require.Nil(t, representative("koord.karlstad"))

	// Roles and purposes.
	r = postFor(t, srv, "ph.fk", rehab, registerMutation, map[string]any{"in": map[string]any{"personnummer": samordning, "givenName": "A", "familyName": "B"}})
	requireError(t, r, "FORBIDDEN", "do not allow create on individual")
	r = postFor(t, srv, "soc.karlstad", "", registerMutation, map[string]any{"in": map[string]any{"personnummer": samordning, "givenName": "A", "familyName": "B"}})
	requireError(t, r, "BAD_USER_INPUT", "Hub-Purpose")
	r = postFor(t, srv, "ph.fk", "ARBETSLIVSINRIKTAD_REHABILITERING", `{ cases { totalCount } }`, nil)
	requireError(t, r, "FORBIDDEN", "do not act under ARBETSLIVSINRIKTAD_REHABILITERING")
	r = postFor(t, srv, "ph.fk", "NOT_A_PURPOSE", `{ cases { totalCount } }`, nil)
	requireError(t, r, "BAD_USER_INPUT", "unknown purpose")
}

func TestConsent_RecordRejectsBadInputNamingEachProblem(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	org := func(key string) string { return relay.ID(relay.TypeOrganization, demo.ID("org/"+key)) }
	base := func() map[string]any {
		return map[string]any{"individualId": demoIndividualID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{rehab},
			"grants":  []map[string]any{{"organizationId": org("fk"), "classes": []string{"KOMMUN_PLANERING"}}},
			"givenBy": "PERSON", "validFrom": "2026-01-01", "validUntil": "2026-12-31", "evidence": "WRITTEN", "formReference": "F1",
			"requestedById": org("fk")}
	}
	record := func(login string, in map[string]any) gqlResponse {
		return postFor(t, srv, login, rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id status grants { organization { name } classes } } }`, map[string]any{"in": in})
	}
	var ok struct {
		RecordConsent struct {
			ID, Status string
			Grants     []struct {
				Organization struct{ Name string }
				Classes      []string
			}
		}
	}
	mustData(t, record("soc.karlstad", base()), &ok)
	require.Equal(t, "Försäkringskassan", ok.RecordConsent.Grants[0].Organization.Name)

	cases := []struct {
		name   string
		change func(map[string]any)
		want   []string
	}{
		{"oral without witness, representative without name", func(in map[string]any) {
			in["evidence"], in["givenBy"] = "ORAL", "LEGAL_REPRESENTATIVE"
		}, []string{"needs who witnessed it", "needs the representative's name"}},
		{"period backwards and too long", func(in map[string]any) { in["validFrom"], in["validUntil"] = "2026-12-31", "2026-01-01" }, []string{"validUntil is before validFrom"}},
		{"too long", func(in map[string]any) { in["validUntil"] = "2032-01-01" }, []string{"at most five years"}},
		{"PDL to FK and for kommun information", func(in map[string]any) { in["kind"] = "PDL_SAMMANHALLEN_JOURNALFORING" },
			[]string{"a PDL samtycke covers only VARD_* classes", "names care providers (regions) only"}},
		{"UPPFOLJNING with grantees", func(in map[string]any) { in["kind"] = "UPPFOLJNING" }, []string{"shares no information", "the one purpose UPPFOLJNING"}},
		{"own information to the grantee", func(in map[string]any) {
			in["grants"] = []map[string]any{{"organizationId": org("fk"), "classes": []string{"FK_BESLUT", "FK_BESLUT"}}}
		}, []string{"FK_BESLUT is the grantee's own kind", "listed twice"}},
		{"no grantee", func(in map[string]any) { in["grants"] = []map[string]any{} }, []string{"name at least one grantee"}},
		{"unit of another organisation", func(in map[string]any) {
			in["grants"] = []map[string]any{{"organizationId": org("fk"), "unitId": relay.ID(relay.TypeUnit, demo.ID("unit/af/karlstad")), "classes": []string{"KOMMUN_PLANERING"}}}
		}, []string{"the unit is not one of the organisation's"}},
	}
	for _, c := range cases {
		in := base()
		c.change(in)
		r := record("soc.karlstad", in)
		require.Len(t, r.Errors, 1, c.name)
		require.Equal(t, "BAD_USER_INPUT", r.code(0), c.name)
		for _, w := range c.want {
			require.Contains(t, r.Errors[0].Message, w, c.name)
		}
	}

	// Other organisations: FK sees the person (samtycke) but may not record;
	// Eksjö does not see them at all.
	requireError(t, record("ph.fk", base()), "FORBIDDEN", "do not allow create on consent")
	requireError(t, record("soc.eksjo", base()), "NOT_FOUND", "no such individual")
	r := postFor(t, srv, "soc.eksjo", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "x") { id } }`, map[string]any{"id": ok.RecordConsent.ID})
	requireError(t, r, "NOT_FOUND", "no such samtycke")
	r = postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: " ") { id } }`, map[string]any{"id": ok.RecordConsent.ID})
	requireError(t, r, "BAD_USER_INPUT", "reason")
	// Nothing half-written: the failed attempts left exactly the two samtycken.
	var list struct {
		Node struct{ Consents []struct{ ID string } }
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `query($id: ID!) { node(id: $id) { ... on Individual { consents { id } } } }`,
		map[string]any{"id": demoIndividualID}), &list)
	require.Len(t, list.Node.Consents, 2, "the demo samtycke and the one recorded here")
	var fkList struct {
		Node struct{ Consents []struct{ ID string } }
	}
	mustData(t, postFor(t, srv, "ph.fk", rehab, `query($id: ID!) { node(id: $id) { ... on Individual { consents { id } } } }`,
		map[string]any{"id": demoIndividualID}), &fkList)
	require.Empty(t, fkList.Node.Consents, "the samtycken stay the municipality's")
}

func TestCases_OpenAddItemsAndParticipants(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	fed := relay.ID(relay.TypeFederation, demo.ID("federation/samspelet"))
	open := func(login string, in map[string]any) gqlResponse {
		return postFor(t, srv, login, rehab, `mutation($in: OpenCaseInput!) { openCase(input: $in) { id state lead { unit { name } } federation { name } } }`, map[string]any{"in": in})
	}
	in := map[string]any{"individualId": demoIndividualID, "federationId": fed, "sgi": "UNKNOWN", "onForsorjningsstod": true,
		"healthObstacle": false, "careContact": false, "afStatus": "INSKRIVEN"}
	var opened struct {
		OpenCase struct {
			ID, State  string
			Lead       struct{ Unit struct{ Name string } }
			Federation struct{ Name string }
		}
	}
	mustData(t, open("soc.karlstad", in), &opened)
	require.Equal(t, "IDENTIFIERAD", opened.OpenCase.State)
	require.Equal(t, "Ekonomiskt bistånd", opened.OpenCase.Lead.Unit.Name)

	in["federationId"] = relay.ID(relay.TypeFederation, demo.ID("federation/hoglandet"))
	requireError(t, open("soc.karlstad", in), "BAD_USER_INPUT", "not a member of that federation")
	in["federationId"] = fed
	requireError(t, open("soc.eksjo", in), "NOT_FOUND", "no such individual")
	requireError(t, open("ph.fk", in), "FORBIDDEN", "do not allow create on case")

	// FK writes its own class into the shared demo case, not another's.
	item := func(login, class string) gqlResponse {
		return postFor(t, srv, login, rehab, `mutation($id: ID!, $c: InformationClass!) { addCaseItem(caseId: $id, class: $c, summary: "Beslut om samordning") { id class organization { name } } }`,
			map[string]any{"id": demoCaseID, "c": class})
	}
	var added struct {
		AddCaseItem struct {
			ID, Class    string
			Organization struct{ Name string }
		}
	}
	mustData(t, item("ph.fk", "FK_BESLUT"), &added)
	require.Equal(t, "Försäkringskassan", added.AddCaseItem.Organization.Name)
	requireError(t, item("ph.fk", "KOMMUN_PLANERING"), "BAD_USER_INPUT", "not your organisation's information")
	requireError(t, item("af.karlstad", "AF_INSATSER"), "NOT_FOUND", "no such case")
	// Karlstad has a samtycke for FK_BESLUT: it sees FK's new item.
	var seen struct {
		Node struct{ Items []struct{ ID string } }
	}
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `query($id: ID!) { node(id: $id) { ... on Case { items(classes: [FK_BESLUT]) { id } } } }`,
		map[string]any{"id": demoCaseID}), &seen)
	require.Len(t, seen.Node.Items, 1)
	require.Equal(t, added.AddCaseItem.ID, seen.Node.Items[0].ID)

	part := func(login string) gqlResponse {
		return postFor(t, srv, login, rehab, `mutation($id: ID!, $o: ID!) { addCaseParticipant(caseId: $id, organizationId: $o) { participants { organization { name } } } }`,
			map[string]any{"id": opened.OpenCase.ID, "o": relay.ID(relay.TypeOrganization, demo.ID("org/af"))})
	}
	var parts struct {
		AddCaseParticipant struct {
			Participants []struct{ Organization struct{ Name string } }
		}
	}
	mustData(t, part("soc.karlstad"), &parts)
	require.Equal(t, "Arbetsförmedlingen", parts.AddCaseParticipant.Participants[0].Organization.Name)
	requireError(t, part("soc.karlstad"), "CONFLICT", "already takes part")
	// FK sees the new case too (the samtycke is the person's), but only the
	// owner adds parties; AF sees no case at all.
	requireError(t, part("ph.fk"), "FORBIDDEN", "do not allow update on case")
	requireError(t, part("af.karlstad"), "NOT_FOUND", "no such case")
}

// A page of consent-filtered cases costs the same statements for 5 cases
// as for 50, whatever the page asks of each case.
func TestCases_StatementsDoNotGrowWithThePage(t *testing.T) {
	t.Parallel()
	srv, b := setup(t, countingStatements)
	ctx := context.Background()
	// 60 more people in Karlstad, each with a case, items and a samtycke for FK.
	numbers := make([]string, 60)
	for n := range numbers {
		_, numbers[n] = testNumber(100 + n)
	}
	ids, indexes, sealed := sealedPeople(t, numbers)
	_, err := b.db.Pool.Exec(ctx, `
	WITH ins_people AS (
		INSERT INTO individuals (id, org_id, unit_id, number_kind, number_index, number_sealed, number_key_id, given_name, family_name, handle, registered_at, registered_by)
		SELECT p.id, $1, $2, 'PERSONNUMMER', p.idx, p.sealed, 'dev1', 'Person', 'Nr ' || p.n, 'P-STMT' || p.n, now(), 'test'
		FROM unnest($5::uuid[], $6::bytea[], $7::bytea[]) WITH ORDINALITY AS p(id, idx, sealed, n)
		RETURNING id
	), ins_cases AS (
		INSERT INTO cases (id, org_id, unit_id, individual_id, federation_id, lead_unit_id, sgi, on_forsorjningsstod, health_obstacle, care_contact, af_status, opened_at, opened_by)
		SELECT gen_random_uuid(), $1, $2, id, $3, $2, 'NO', true, true, false, 'UNKNOWN', now() - interval '1 day', 'test' FROM ins_people
		RETURNING id, individual_id
	), ins_items AS (
		INSERT INTO case_items (id, case_id, individual_id, case_org_id, org_id, class, purpose, summary, recorded_at, recorded_by)
		SELECT gen_random_uuid(), id, individual_id, $1, $1, 'KOMMUN_PLANERING', 'SAMORDNAD_REHABILITERING', 'plan', now(), 'test' FROM ins_cases
	), ins_consents AS (
		INSERT INTO consents (id, org_id, individual_id, kind, purposes, given_by, valid_from, valid_until, evidence, form_reference, requested_by_org_id, registered_at, registered_by, registered_by_name)
		SELECT gen_random_uuid(), $1, id, 'OSL_SEKRETESSBRYTANDE', '{SAMORDNAD_REHABILITERING}', 'PERSON', current_date - 1, current_date + 100, 'WRITTEN', 'F', $4, now(), 'test', 'Test'
		FROM ins_people RETURNING id, individual_id, kind, purposes, valid_from, valid_until
	)
	INSERT INTO consent_grants (consent_id, org_id, individual_id, grantee_org_id, classes, kind, purposes, valid_from, valid_until)
	SELECT id, $1, individual_id, $4, '{KOMMUN_PLANERING}', kind, purposes, valid_from, valid_until FROM ins_consents`,
		demo.ID("org/karlstad"), demo.ID("unit/karlstad/eb"), demo.ID("federation/samspelet"), demo.ID("org/fk"), ids, indexes, sealed)
	require.NoError(t, err)

	q := `query($first: Int) { cases(first: $first) { totalCount pageInfo { hasNextPage endCursor } nodes {
		id sgi openedAt organization { name } federation { name } lead { unit { name } }
		individual { handle givenName } participants { organization { name } }
		sharedClasses items { class organization { name } } } } }`
	count := func(first int) int64 {
		before := b.db.Statements.Load()
		var got struct {
			Cases struct {
				TotalCount int
				Nodes      []struct{ Items []struct{ Class string } }
			}
		}
		mustData(t, postFor(t, srv, "ph.fk", rehab, q, map[string]any{"first": first}), &got)
		require.Len(t, got.Cases.Nodes, first)
		require.Equal(t, 61+demo.StoryCasesSeenBy["ph.fk"], got.Cases.TotalCount, "the 60, the demo case and the story's")
		return b.db.Statements.Load() - before
	}
	count(5) // warm the authenticator's caches
	five, fifty := count(5), count(50)
	require.Equal(t, five, fifty, "statements for 5 and for 50 cases")
	require.LessOrEqual(t, fifty, int64(16))
	t.Logf("%d statements for a page of 50", fifty)
}

// A number sent as an Int (literal or variable), or inside a malformed
// value, never comes back in an error message or reaches the log.
func TestIndividuals_WrongTypeNumberIsNotEchoed(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	for _, r := range []gqlResponse{
		postFor(t, srv, "soc.karlstad", rehab, `{ individualByPersonnummer(personnummer: 198503129804) { id } }`, nil),
		postFor(t, srv, "soc.karlstad", rehab, `query($n: String!) { individualByPersonnummer(personnummer: $n) { id } }`, map[string]any{"n": 198503129804}),
		postFor(t, srv, "soc.karlstad", rehab, `query($n: Int!) { individualByPersonnummer(personnummer: $n) { id } }`, map[string]any{"n": 198503129804}),
		postFor(t, srv, "soc.karlstad", rehab, `query($n: String!) { individualByPersonnummer(personnummer: $n) { id } }`, map[string]any{"n": []any{198503129804}}),
		postFor(t, srv, "soc.karlstad", rehab, `{ individualByPersonnummer(personnummer: [198503129804]) { id } }`, nil),
	} {
		require.Equal(t, http.StatusOK, r.Status)
		for _, e := range r.Errors {
			require.NotContains(t, e.Message, "198503129804")
			require.NotContains(t, e.Message, "8503129804")
		}
	}
	require.NotContains(t, b.logs.String(), "8503129804")
}

// sealedPeople gives each 12-digit number a new individual id, and seals
// and indexes it with the development keys, as registerIndividual does.
func sealedPeople(t *testing.T, numbers []string) (ids []uuid.UUID, indexes, sealed [][]byte) {
	t.Helper()
	keys := demo.DevKeys()
	for _, digits := range numbers {
		id := uuid.New()
		keyID, s, err := keys.Seal([]byte(digits), id[:])
		require.NoError(t, err)
		require.Equal(t, "dev1", keyID)
		ids, indexes, sealed = append(ids, id), append(indexes, keys.Index([]byte(digits))), append(sealed, s)
	}
	return ids, indexes, sealed
}

// totalCount of individuals and cases stops at 1,000: every row is checked
// against the sharing rule, and counting FK's 147,250 cases at national
// scale took seconds.
func TestCases_TotalCountIsBoundedAt1000(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	numbers := make([]string, 1005)
	for i := range numbers {
		nine := fmt.Sprintf("8001%02d%03d", 1+i/900, i%900)
		numbers[i] = fmt.Sprintf("19%s%d", nine, personnummer.CheckDigit(nine))
	}
	ids, indexes, sealed := sealedPeople(t, numbers)
	_, err := b.db.Pool.Exec(ctx, `
	WITH ins_people AS (
		INSERT INTO individuals (id, org_id, unit_id, number_kind, number_index, number_sealed, number_key_id, given_name, family_name, handle, registered_at, registered_by)
		SELECT p.id, $1, $2, 'PERSONNUMMER', p.idx, p.sealed, 'dev1', 'Person', 'Nr ' || p.n, 'P-COUNT' || p.n, now(), 'test'
		FROM unnest($4::uuid[], $5::bytea[], $6::bytea[]) WITH ORDINALITY AS p(id, idx, sealed, n)
		RETURNING id
	)
	INSERT INTO cases (id, org_id, unit_id, individual_id, federation_id, lead_unit_id, sgi, on_forsorjningsstod, health_obstacle, care_contact, af_status, opened_at, opened_by)
	SELECT gen_random_uuid(), $1, $2, id, $3, $2, 'NO', true, true, false, 'UNKNOWN', now() - interval '1 day', 'test' FROM ins_people`,
		demo.ID("org/karlstad"), demo.ID("unit/karlstad/eb"), demo.ID("federation/samspelet"), ids, indexes, sealed)
	require.NoError(t, err)

	var got struct {
		Cases       struct{ TotalCount int }
		Individuals struct{ TotalCount int }
	}
	mustData(t, postFor(t, srv, "soc.karlstad", "SAMORDNAD_REHABILITERING",
		`{ cases(first: 1) { totalCount } individuals(first: 1) { totalCount } }`, nil), &got)
	require.Equal(t, 1000, got.Cases.TotalCount, "1,006 cases: 1,000 means that many or more")
	require.Equal(t, 1000, got.Individuals.TotalCount)
	// Below the bound the count is exact: FK sees the demo case and the
	// story's (Kim's and Robin's), none of the 1,006.
	mustData(t, postFor(t, srv, "ph.fk", "SAMORDNAD_REHABILITERING",
		`{ cases(first: 1) { totalCount } individuals(first: 1) { totalCount } }`, nil), &got)
	require.Equal(t, 1+demo.StoryCasesSeenBy["ph.fk"], got.Cases.TotalCount)
	require.Equal(t, 1+demo.StoryCasesSeenBy["ph.fk"], got.Individuals.TotalCount)
}
