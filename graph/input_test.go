package graph_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// Finding: a NUL byte in any string argument reached Postgres and came back
// as INTERNAL. Every string an operation passes in is checked first:
// control characters are BAD_USER_INPUT naming the argument; line breaks
// and tabs are allowed in multi-line text (@multiline) only. Nothing is
// written.
func TestTextInput_ControlCharactersAreRefusedNamingTheField(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	for _, tc := range []struct {
		name, login, query string
		vars               map[string]any
		field, want        string
	}{
		{"NUL in a variable's input object", "soc.karlstad", registerMutation,
			map[string]any{"in": map[string]any{"personnummer": "19850312-9804", "givenName": "A\u0000B", "familyName": "Andersson"}},
			"registerIndividual(input).givenName", "control character (U+0000)"},
		{"NUL in a literal summary", "ph.fk", `mutation($id: ID!) { addCaseItem(caseId: $id, class: FK_BESLUT, summary: "x\u0000y") { id } }`,
			map[string]any{"id": demoCaseID}, "addCaseItem(summary)", "control character (U+0000)"},
		{"NUL in a filter", "logg.karlstad", `{ auditTrail(userId: "a\u0000b") { totalCount } }`, nil, "auditTrail(userId)", "control character"},
		{"escape in a variable", "soc.karlstad", `query($n: String!) { individualByPersonnummer(personnummer: $n) { id } }`,
			map[string]any{"n": "\u001b[31m19850312-9804"}, "individualByPersonnummer(personnummer)", "control character (U+001B)"},
		{"a C1 control", "soc.karlstad", `query($q: String!) { directorySearch(query: $q) { totalCount } }`,
			map[string]any{"q": "försäkring\u0085kassan"}, "directorySearch(query)", "control character (U+0085)"},
		{"a newline in one line of text", "soc.karlstad", registerMutation,
			map[string]any{"in": map[string]any{"personnummer": "19850312-9804", "givenName": "Anna", "familyName": "Anders\nson"}},
			"registerIndividual(input).familyName", "one line of text"},
		{"a tab in a fragment's argument", "logg.karlstad", `query { ...T } fragment T on Query { auditTrail(userId: "a\tb") { totalCount } }`, nil,
			"auditTrail(userId)", "one line of text"},
		{"a line separator in one line of text", "soc.karlstad", `query($q: String!) { directorySearch(query: $q) { totalCount } }`,
			map[string]any{"q": "a\u2028b"}, "directorySearch(query)", "one line of text"},
		{"a right-to-left override", "soc.karlstad", registerMutation,
			map[string]any{"in": map[string]any{"personnummer": "19850312-9804", "givenName": "Anna", "familyName": "\u202Enossredna"}},
			"registerIndividual(input).familyName", "bidirectional control character (U+202E)"},
	} {
		r := postFor(t, srv, tc.login, rehab, tc.query, tc.vars)
		require.Len(t, r.Errors, 1, tc.name)
		require.Equal(t, "BAD_USER_INPUT", r.code(0), tc.name)
		require.Contains(t, r.Errors[0].Message, tc.field, tc.name)
		require.Contains(t, r.Errors[0].Message, tc.want, tc.name)
		require.Contains(t, []string{"", "null"}, string(r.Data), "%s: nothing ran", tc.name)
	}
	// A GET query string can carry bytes that are no UTF-8 (JSON bodies
	// cannot): refused as such, not an INTERNAL error from Postgres.
	r := do(t, srv, http.MethodGet, "/graphql?query="+url.QueryEscape(`{ auditTrail(userId: "a`+"\xff"+`b") { totalCount } }`), nil, map[string]string{
		"Accept": "application/json", "Authorization": "Bearer " + srv.token(t, "logg.karlstad"),
	})
	requireError(t, r, "BAD_USER_INPUT", "auditTrail(userId): is not valid UTF-8")

	var registered int
	require.NoError(t, b.db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM individuals WHERE family_name = E'Anders\nson'`).Scan(&registered))
	require.Zero(t, registered, "nothing was written")

	// Multi-line text keeps its line breaks and tabs.
	var item struct{ AddCaseItem struct{ Summary string } }
	mustData(t, postFor(t, srv, "ph.fk", rehab, `mutation($id: ID!, $s: String!) { addCaseItem(caseId: $id, class: FK_BESLUT, summary: $s) { summary } }`,
		map[string]any{"id": demoCaseID, "s": "Beslut:\r\n\t- samordning"}), &item)
	require.Equal(t, "Beslut:\r\n\t- samordning", item.AddCaseItem.Summary)

	// With application/graphql-response+json the refusal is a request
	// error (400), like any other invalid document.
	body, _ := json.Marshal(map[string]any{"query": `{ auditTrail(userId: "a\u0000b") { totalCount } }`})
	r = do(t, srv, http.MethodPost, "/graphql", body, map[string]string{
		"Content-Type": "application/json", "Accept": "application/graphql-response+json",
		"Authorization": "Bearer " + srv.token(t, "logg.karlstad"),
	})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, "BAD_USER_INPUT", r.code(0))
}
