package graph_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// fuzzLogins and fuzzPurposes are who asks and under which declared
// purpose ("" declares none): users of several organisations.
var (
	fuzzLogins   = []string{"soc.karlstad", "koord.karlstad", "ph.fk", "af.karlstad", "rehab.vc", "admin.samspelet", "soc.eksjo", "logg.karlstad"}
	fuzzPurposes = []string{"", rehab, "SIP", "GEMENSAM_KARTLAGGNING", "ANSOKAN_ERSATTNING", "ARBETSLIVSINRIKTAD_REHABILITERING", "UPPFOLJNING", "NOT_A_PURPOSE"}
)

// FuzzGraphQLRequest sends what a client might: any document, any
// variables, as any demo user under any purpose, to the whole API over a
// real database. Whatever arrives, the answer is a well-formed GraphQL
// response with a client's error (never a 5xx, never INTERNAL): bad input
// is named as the client's, and nothing fails inside. The seeds are the
// audit coverage's example of every root field and some broken
// documents; `go test ./graph` runs them, and
//
//	go test ./graph -run '^$' -fuzz FuzzGraphQLRequest -fuzztime 10m
//
// explores further.
func FuzzGraphQLRequest(f *testing.F) {
	keys := make([]string, 0, len(auditCoverage))
	for k := range auditCoverage {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e := auditCoverage[k]
		if e.trigger != nil {
			continue // a subscription: not served over POST
		}
		vars, err := json.Marshal(e.vars)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(max(0, slices.Index(fuzzLogins, e.login))), uint8(max(0, slices.Index(fuzzPurposes, e.purpose))), e.query, string(vars))
	}
	for _, q := range []string{
		"", "{", "}", "query", "{ __typename }", "{ cases(first: -1) { totalCount } }", "{ cases(first: 1000000000000) { totalCount } }",
		`{ node(id: "") { id } }`, `{ node(id: "@@@") { id } }`, `{ case(id: "Q2FzZTp4") { id } }`,
		`query($f: Int) { cases(first: $f) { totalCount } }`, `{ cases(after: "not a cursor") { totalCount } }`,
		`{ waysIn(topic: SAMORDNAD_REHABILITERING, municipalityCode: "\u0000") { match } }`,
		`{ directorySearch(query: "` + string(make([]byte, 300)) + `") { totalCount } }`,
		"query A { me { userId } } query B { me { userId } }", "fragment F on Query { ...F } { ...F }",
		`mutation { cancelMeeting(input: {id: "x", reason: ""}) { id } }`, "subscription { __typename }",
	} {
		f.Add(uint8(0), uint8(1), q, `{"f": "x"}`)
	}
	srv, _ := setup(f)
	tokens := map[string]string{}
	for _, login := range fuzzLogins {
		tokens[login] = srv.token(f, login)
	}
	f.Fuzz(func(t *testing.T, login, purpose uint8, query, variables string) {
		var vars json.RawMessage
		if json.Valid([]byte(variables)) {
			vars = json.RawMessage(variables)
		}
		body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
		if err != nil {
			t.Skip("not a JSON string")
		}
		r := do(t, srv, http.MethodPost, "/graphql", body, map[string]string{
			"Content-Type": "application/json", "Accept": "application/json",
			"Authorization": "Bearer " + tokens[fuzzLogins[int(login)%len(fuzzLogins)]],
			"Hub-Purpose":   fuzzPurposes[int(purpose)%len(fuzzPurposes)],
		})
		if r.Status >= 500 {
			t.Fatalf("status %d for %q with %s", r.Status, query, variables)
		}
		if r.Raw == nil {
			t.Fatalf("status %d and no GraphQL response for %q with %s", r.Status, query, variables)
		}
		for i, e := range r.Errors {
			if r.code(i) == string(apperr.Internal) {
				t.Fatalf("INTERNAL for %q with %s: %s", query, variables, e.Message)
			}
		}
	})
}
