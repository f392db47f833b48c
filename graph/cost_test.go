package graph_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/platform/config"
)

// aliases repeats field under n aliases in one operation, without
// spaces, as an attacker fits the most fields under the parser's token
// limit and the body limit.
func aliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, "a%d:%s ", i, field)
	}
	b.WriteString("}")
	return b.String()
}

// Finding: 700 aliases of a search with its count were priced at 3 each
// and ran for seconds; counts of cases, individuals and the audit trail
// likewise. Searches, counts and personal-data root fields now have base
// prices, and an operation holds at most graph.DefaultMaxCostlyFields of
// them. Nothing runs.
func TestCost_AliasedSearchesAndCountsAreRefusedBeforeTheyRun(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	for _, tc := range []struct {
		name, login, query string
	}{
		{"700 searches with their counts", "soc.karlstad", aliases(700, `directorySearch(query:"försäkringskasan rehabilitring samordnng",first:1){totalCount}`)},
		{"11 counts of cases", "ph.fk", aliases(11, `cases(first: 1) { totalCount }`)},
		{"11 lists of individuals", "soc.karlstad", aliases(11, `individuals(first: 1) { nodes { id } }`)},
		{"6 searches with their counts", "soc.karlstad", aliases(6, `directorySearch(query: "rehabilitering", first: 1) { totalCount }`)},
		{"11 counts of the audit trail", "logg.karlstad", aliases(11, `auditTrail(first: 1) { totalCount }`)},
	} {
		r := postFor(t, srv, tc.login, rehab, tc.query, nil)
		require.Len(t, r.Errors, 1, tc.name)
		require.Equal(t, "BAD_USER_INPUT", r.code(0), tc.name)
		require.Contains(t, r.Errors[0].Message, "at most 10 searches, counts (totalCount) and personal-data lists", tc.name)
		require.NotContains(t, r.Raw, "data", "%s: nothing ran", tc.name)
	}
	// Five searches with their counts are fine…
	var got map[string]struct{ TotalCount int }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, aliases(5, `directorySearch(query: "rehabilitering", first: 1) { totalCount }`), nil), &got)
	require.Len(t, got, 5)
	// …but not with big pages: the complexity is priced by what they return.
	r := postFor(t, srv, "soc.karlstad", rehab, aliases(5, `directorySearch(query: "rehabilitering", first: 100) { nodes { functionName description channels { kind value note } } }`), nil)
	requireError(t, r, "BAD_USER_INPUT", "operation has complexity")
	// A case's plans, their versions and insatser are not paged: they are
	// priced at what a heavy case has, so a page of 100 cases with every
	// plan version's insatser is refused before it runs.
	r = postFor(t, srv, "soc.karlstad", "SIP", `{ cases(first: 100) { nodes { plans { versions { goals insatser { what firstActivity status } } } } } }`, nil)
	requireError(t, r, "BAD_USER_INPUT", "operation has complexity")

	// Nothing was audited as read: the operations never ran.
	var records int
	require.NoError(t, b.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_records WHERE operation_name LIKE '%cases%' OR operation_name LIKE '%individuals%'`).Scan(&records))
	require.Zero(t, records)
}

// Finding: ~850 aliased individualByPersonnummer lookups fitted in one
// request under one audit record that named none of the numbers. Now an
// operation looks up at most graph.DefaultMaxLookups numbers, and the
// audit record holds each number tried as its blind index, never the
// number.
func TestCost_LookupsAreCappedAndEveryNumberTriedIsAudited(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	r := postFor(t, srv, "soc.karlstad", rehab, aliases(850, `individualByPersonnummer(personnummer: "19850312-9804") { id }`), nil)
	requireError(t, r, "BAD_USER_INPUT", "at most 5 identity numbers")

	var numbers, digits []string
	query := "query("
	vars := map[string]any{}
	var body strings.Builder
	for i := range graph.DefaultMaxLookups {
		dashed, d := testNumber(900 + i)
		numbers, digits = append(numbers, dashed), append(digits, d)
		query += fmt.Sprintf("$n%d: String! ", i)
		vars[fmt.Sprintf("n%d", i)] = dashed
		fmt.Fprintf(&body, "p%d: individualByPersonnummer(personnummer: $n%d) { id } ", i, i)
	}
	query += ") { " + body.String() + "}"
	var found map[string]*struct{ ID string }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, query, vars), &found)
	require.Len(t, found, graph.DefaultMaxLookups)
	r = postFor(t, srv, "soc.karlstad", rehab, `query($bad: String!) { individualByPersonnummer(personnummer: $bad) { id } }`,
		map[string]any{"bad": "not a number"})
	requireError(t, r, "BAD_USER_INPUT", "personnummer")

	var trail struct {
		AuditTrail struct {
			Nodes []struct {
				OperationName string
				ObjectIds     []string
			}
		}
	}
	mustData(t, postAs(t, srv, "logg.karlstad", `{ auditTrail(userId: "soc.karlstad", first: 50) { nodes { operationName objectIds } } }`, nil), &trail)
	nodes := trail.AuditTrail.Nodes[:min(2, len(trail.AuditTrail.Nodes))] // newest first; the seed's come after
	require.Len(t, nodes, 2)
	bad, good := nodes[0], nodes[1]
	require.Equal(t, "individualByPersonnummer", good.OperationName)
	require.Len(t, good.ObjectIds, graph.DefaultMaxLookups, "one entry per number tried")
	seen := map[string]bool{}
	for _, id := range good.ObjectIds {
		require.True(t, strings.HasPrefix(id, "personnummer-index:"), id)
		require.NotEqual(t, "personnummer-index:invalid", id)
		seen[id] = true
	}
	require.Len(t, seen, graph.DefaultMaxLookups, "each number has its own index")
	require.Equal(t, []string{"personnummer-index:invalid"}, bad.ObjectIds)
	raw, err := json.Marshal(trail)
	require.NoError(t, err)
	for i := range numbers {
		require.NotContains(t, string(raw), digits[i][2:], "no number in the trail")
	}
}

// Finding: one request of 600 aliases of __schema sharing a fragment
// returned 70 MB after 33–53 s. Introspection is off unless configured; when
// on, an operation holds at most one __schema or __type, priced in the
// complexity, and its depth and fields are bounded.
func TestIntrospection_IsBounded(t *testing.T) {
	t.Parallel()
	require.False(t, config.Defaults().Introspection, "off by default in hub serve (hub dev turns it on)")

	srv, _ := setup(t, func(o *graph.Options) { o.Introspection = true })
	const frag = ` fragment F on __Schema { types { name fields { name type { name } } } }`
	r := postAs(t, srv, "soc.karlstad", aliases(600, `__schema { ...F }`)+frag, nil)
	requireError(t, r, "BAD_USER_INPUT", "at most one __schema or __type")
	r = postAs(t, srv, "soc.karlstad", `{ a: __type(name: "Query") { name } b: __type(name: "Case") { name } }`, nil)
	requireError(t, r, "BAD_USER_INPUT", "at most one __schema or __type")

	// GraphiQL's introspection query (graphql-js getIntrospectionQuery)
	// works.
	full, err := os.ReadFile("testdata/introspection.graphql")
	require.NoError(t, err)
	var schema struct {
		Schema struct{ Types []struct{ Name string } } `json:"__schema"`
	}
	mustData(t, postAs(t, srv, "soc.karlstad", string(full), nil), &schema)
	require.Greater(t, len(schema.Schema.Types), 50)

	// A type graph walked deeper than any client needs is refused: fields
	// within fields by the parser's own rule, anything else past 16 levels
	// by the hub's.
	deep := `{ __type(name: "Query") { ` + strings.Repeat("fields { type { ofType { ", 5) + "name" + strings.Repeat(" } } }", 5) + " } }"
	requireError(t, postAs(t, srv, "soc.karlstad", deep, nil), "BAD_USER_INPUT", "introspection depth")
	deep = `{ __type(name: "Query") { ` + strings.Repeat("ofType { ", 20) + "name" + strings.Repeat(" }", 20) + " } }"
	requireError(t, postAs(t, srv, "soc.karlstad", deep, nil), "BAD_USER_INPUT", "introspection is nested too deeply")

	// Off: refused before anything runs, with where to find the schema.
	off, _ := setup(t, func(o *graph.Options) { o.Introspection = false })
	requireError(t, postAs(t, off, "soc.karlstad", `{ __schema { queryType { name } } }`, nil), "BAD_USER_INPUT", "/graphql/schema.graphql")
	// __typename is no introspection.
	var me struct {
		Typename string `json:"__typename"`
	}
	mustData(t, postAs(t, off, "soc.karlstad", `{ __typename }`, nil), &me)
	require.Equal(t, "Query", me.Typename)
}

// What pricing cannot see is bounded while the operation runs: a
// response of more fields than the budget is not sent, and the operation
// answers with one error.
func TestExecutionBudget_ResponseFieldsAreBounded(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, func(o *graph.Options) {
		o.Introspection = true
		o.MaxResponseFields = 2000
	})
	full, err := os.ReadFile("testdata/introspection.graphql")
	require.NoError(t, err)
	r := postAs(t, srv, "soc.karlstad", string(full), nil)
	requireError(t, r, "BAD_USER_INPUT", "more than 2000 fields")
	require.Equal(t, "null", string(r.Data), "no partial data")

	// Within the budget, answers are whole.
	var me struct{ Me struct{ UserID string } }
	mustData(t, postAs(t, srv, "soc.karlstad", `{ me { userId } }`, nil), &me)
	require.Equal(t, "soc.karlstad", me.Me.UserID)
}

// hub serve passes the configuration's limits; its defaults are the
// handler's.
func TestLimits_ConfigurationDefaultsAreTheHandlers(t *testing.T) {
	c := config.Defaults()
	require.Equal(t, graph.DefaultMaxCostlyFields, c.MaxCostlyFields)
	require.Equal(t, graph.DefaultMaxLookups, c.MaxLookups)
	require.Equal(t, graph.DefaultMaxResponseFields, c.MaxResponseFields)
	require.Equal(t, graph.DefaultMaxResponseBytes, c.MaxResponseBytes)
	require.Equal(t, graph.DefaultMaxConnectionsPerUser, c.WSMaxConnectionsPerUser)
	require.Equal(t, graph.DefaultMaxOperationsPerConnection, c.WSMaxOperations)
	require.Equal(t, graph.DefaultMaxComplexity, c.MaxComplexity)
	require.Equal(t, graph.DefaultMaxDepth, c.MaxDepth)
}

func TestExecutionBudget_ResponseBytesAreBounded(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t, func(o *graph.Options) { o.MaxResponseBytes = 300 })
	r := postAs(t, srv, "soc.karlstad", `{ organizations(first: 50) { nodes { name kind units { name } } } }`, nil)
	requireError(t, r, "BAD_USER_INPUT", "larger than 300 bytes")
	var me struct{ Me struct{ UserID string } }
	mustData(t, postAs(t, srv, "soc.karlstad", `{ me { userId } }`, nil), &me)
}

// Lists that select only __typename are priced by their length all the
// same, and node/nodes count as personal-data root fields: 800 aliases
// of nodes(ids: 100 ids) { __typename } would otherwise cost nothing and
// check the rule 80,000 times.
func TestCost_FreeSelectionsDoNotMakeListsFree(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = demoCaseID
	}
	vars := map[string]any{"i": ids}
	r := postFor(t, srv, "ph.fk", rehab, `query($i: [ID!]!) `+aliases(800, `nodes(ids:$i){__typename}`), vars)
	requireError(t, r, "BAD_USER_INPUT", "at most 10 searches, counts (totalCount) and personal-data lists")
	r = postFor(t, srv, "ph.fk", rehab, `query($i: [ID!]!) `+aliases(10, `nodes(ids:$i){__typename}`), vars)
	var got map[string][]struct {
		Typename string `json:"__typename"`
	}
	mustData(t, r, &got)
	require.Len(t, got, 10)
	require.Equal(t, "Case", got["a0"][0].Typename)
	// Organisations too: 300 pages of 100 cost 300 × (10 + 100).
	r = postAs(t, srv, "soc.karlstad", aliases(300, `organizations(first:100){nodes{__typename}}`), nil)
	requireError(t, r, "BAD_USER_INPUT", "operation has complexity")
}

// Finding of the review: @defer ran deferred fields after the operation's
// transaction had committed and its audit record was written.
func TestDeferAndStreamAreRefused(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	for _, q := range []string{
		`{ cases { nodes { id ... @defer { items { summary } } } } }`,
		`query { ...F @defer } fragment F on Query { cases { nodes { id } } }`,
	} {
		r := postFor(t, srv, "ph.fk", rehab, q, nil)
		requireError(t, r, "BAD_USER_INPUT", "@defer and @stream are not supported")
	}
	var rows int
	require.NoError(t, b.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM personal_data_access WHERE user_id = 'ph.fk' AND operation NOT LIKE 'seedDemo: %'`).Scan(&rows))
	require.Zero(t, rows, "nothing was read")
}
