package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
)

// Apollo's automatic persisted queries, as the persisted-query link does
// them: the hash alone first; on PERSISTED_QUERY_NOT_FOUND (the code the
// link looks for; the hub's error presenter used to turn it into
// BAD_USER_INPUT, and the link never sent the query) the hash with the
// query; later the hash alone again, by POST or by GET.
func TestHTTP_PersistedQueryCodesReachApolloClientsIntact(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	const query = `{ federations { totalCount } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	post := func(body map[string]any, accept string) gqlResponse {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		return do(t, srv, http.MethodPost, "/graphql", b, map[string]string{"Content-Type": jsonType, "Accept": accept})
	}

	for _, accept := range []string{jsonType, responseType} {
		r := post(map[string]any{"extensions": ext}, accept)
		require.Len(t, r.Errors, 1, accept)
		require.Equal(t, "PERSISTED_QUERY_NOT_FOUND", r.code(0), accept)
		require.Equal(t, "PersistedQueryNotFound", r.Errors[0].Message, "the message Apollo also matches on")
	}
	extJSON, err := json.Marshal(ext)
	require.NoError(t, err)
	r := do(t, srv, http.MethodGet, "/graphql?extensions="+url.QueryEscape(string(extJSON)), nil, map[string]string{"Accept": jsonType})
	require.Len(t, r.Errors, 1)
	require.Equal(t, "PERSISTED_QUERY_NOT_FOUND", r.code(0), "by GET too (useGETForHashedQueries)")

	var data struct{ Federations struct{ TotalCount int } }
	mustData(t, post(map[string]any{"query": query, "extensions": ext}, jsonType), &data)
	mustData(t, post(map[string]any{"extensions": ext}, jsonType), &data)
	require.Positive(t, data.Federations.TotalCount, "the hash alone now runs the query")
	mustData(t, do(t, srv, http.MethodGet, "/graphql?extensions="+url.QueryEscape(string(extJSON)), nil, map[string]string{"Accept": jsonType}), &data)
}

// A POST the hub cannot read says why, and what it accepts, instead of
// gqlgen's "transport not supported".
func TestHTTP_APostWithoutJSONContentTypeIs415AndSaysWhatIsAccepted(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	body := []byte(`{"query":"{ federations { totalCount } }"}`)
	for _, tc := range []struct {
		name, contentType, message string
	}{
		{"none", "", "the request has no Content-Type header"},
		{"text/plain", "text/plain", `Content-Type "text/plain" is not accepted`},
		{"form", "application/x-www-form-urlencoded", `Content-Type "application/x-www-form-urlencoded" is not accepted`},
	} {
		r := do(t, srv, http.MethodPost, "/graphql", body, map[string]string{"Content-Type": tc.contentType})
		require.Equal(t, http.StatusUnsupportedMediaType, r.Status, tc.name)
		requireError(t, r, "BAD_USER_INPUT", tc.message)
		require.Contains(t, r.Errors[0].Message, "Content-Type: application/json (the only media type POST /graphql accepts)", tc.name)
		require.Equal(t, "application/json", r.Header.Get("Accept-Post"), tc.name)
	}
	// With parameters it is still JSON.
	r := do(t, srv, http.MethodPost, "/graphql", body, map[string]string{"Content-Type": "application/json; charset=utf-8"})
	require.Equal(t, http.StatusOK, r.Status)
	require.Empty(t, r.Errors)
}

// A document of several operations runs the one operationName names; a
// request that names none, or one the document lacks, is told so, with
// the document's operations listed.
func TestHTTP_SeveralOperationsWithoutOperationNameSaySo(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	const doc = `query Federations { federations { totalCount } } query Organizations { organizations(first: 1) { totalCount } }`
	post := func(body map[string]any, accept string) gqlResponse {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		return do(t, srv, http.MethodPost, "/graphql", b, map[string]string{"Content-Type": jsonType, "Accept": accept})
	}
	r := post(map[string]any{"query": doc}, responseType)
	require.Equal(t, http.StatusBadRequest, r.Status)
	requireError(t, r, "BAD_USER_INPUT",
		`the document has 2 operations and the request names none: send "operationName" with the one to run (the document has: Federations, Organizations)`)
	r = post(map[string]any{"query": doc, "operationName": "Cases"}, jsonType)
	requireError(t, r, "BAD_USER_INPUT", `the document has no operation named "Cases" (operationName): it has Federations, Organizations`)

	var data struct{ Organizations struct{ TotalCount int } }
	mustData(t, post(map[string]any{"query": doc, "operationName": "Organizations"}, jsonType), &data)
	require.Positive(t, data.Organizations.TotalCount)
}

// An access log line says which root fields ran, for which organisation
// and roles, and nothing of the person: not their name, not the variables,
// not the query text. A WebSocket connection's line, written when it
// closes, names the root fields of its operations, and how the hub closed
// it.
func TestAccessLog_NamesRootFieldsOrganisationAndRolesNeverThePerson(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	body, err := json.Marshal(map[string]any{
		"query":     `query Look($n: String!) { federations { totalCount } orgs: organizations(first: 1) { totalCount } ...More } fragment More on Query { individualByPersonnummer(personnummer: $n) { id } }`,
		"variables": map[string]any{"n": demo.DemoPersonnummer},
	})
	require.NoError(t, err)
	r := do(t, srv, http.MethodPost, "/graphql", body, map[string]string{
		"Content-Type": jsonType, "Hub-Purpose": rehab, "X-Request-ID": "accesslog-http",
	})
	require.Equal(t, http.StatusOK, r.Status)

	line := accessLine(t, b.logs, "accesslog-http")
	require.Equal(t, "federations,organizations,individualByPersonnummer", line["root_fields"], "root fields by name, not alias, after fragments")
	require.Equal(t, "query", line["operation"])
	require.Equal(t, demo.ID("org/karlstad").String(), line["org"])
	require.Equal(t, "SOCIALSEKRETERARE", line["roles"])
	raw, _ := json.Marshal(line)
	for _, never := range []string{"Sara Lindqvist", demo.DemoPersonnummer, "Look", "totalCount", "soc.karlstad"} {
		require.NotContains(t, string(raw), never)
	}

	// A refused request has no principal: no org or roles, but a line.
	r = do(t, srv, http.MethodPost, "/graphql", body, map[string]string{"Content-Type": jsonType, "Authorization": "Bearer nope", "X-Request-ID": "accesslog-refused"})
	require.Equal(t, http.StatusUnauthorized, r.Status)
	line = accessLine(t, b.logs, "accesslog-refused")
	require.NotContains(t, line, "org")
	require.NotContains(t, line, "root_fields")

	// A WebSocket: its line is written when it closes.
	ws := wsAs(t, srv, "soc.karlstad", rehab)
	ws.start("1", `subscription { consentEvents { kind } }`)
	ws.start("2", `query { federations { totalCount } }`)
	_, ok, _ := ws.read(5 * time.Second) // the query's answer: both ran
	require.True(t, ok)
	require.NoError(t, ws.c.Close(1000, "done"))
	// The two operations run at once on the connection, so either may be
	// named first.
	var wsLine map[string]any
	require.Eventually(t, func() bool {
		for _, l := range strings.Split(b.logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && sameSet(m["root_fields"], "consentEvents", "federations") {
				wsLine = m
				return true
			}
		}
		return false
	}, 10*time.Second, 50*time.Millisecond, "the WebSocket's access line")
	require.True(t, sameSet(wsLine["operation"], "subscription", "query"), "operation: %v", wsLine["operation"])
	require.Equal(t, "SOCIALSEKRETERARE", wsLine["roles"])
}

// sameSet reports whether v is a comma-separated list of exactly want, in
// any order.
func sameSet(v any, want ...string) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	got := strings.Split(s, ",")
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}

// accessLine finds the access log line of the request with id.
func accessLine(t *testing.T, logs *syncBuffer, id string) map[string]any {
	t.Helper()
	var found map[string]any
	require.Eventually(t, func() bool {
		for _, l := range strings.Split(logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "http request" && m["request_id"] == id {
				found = m
				return true
			}
		}
		return false
	}, 5*time.Second, 20*time.Millisecond, "access log line of %s", id)
	return found
}
