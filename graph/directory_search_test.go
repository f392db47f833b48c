package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const searchQuery = `query($q: String!, $first: Int, $after: String, $kind: OrganizationKind, $m: String, $topic: Topic) {
  directorySearch(query: $q, first: $first, after: $after, organizationKind: $kind, municipalityCode: $m, topic: $topic) {
    totalCount
    edges { cursor node { functionName organization { name } } }
    pageInfo { hasNextPage endCursor }
  }
}`

type searchResult struct {
	DirectorySearch struct {
		TotalCount int `json:"totalCount"`
		Edges      []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				FunctionName string `json:"functionName"`
				Organization struct {
					Name string `json:"name"`
				} `json:"organization"`
			} `json:"node"`
		} `json:"edges"`
		PageInfo struct {
			HasNextPage bool    `json:"hasNextPage"`
			EndCursor   *string `json:"endCursor"`
		} `json:"pageInfo"`
	} `json:"directorySearch"`
}

func (r searchResult) names() []string {
	out := []string{}
	for _, e := range r.DirectorySearch.Edges {
		out = append(out, e.Node.FunctionName)
	}
	return out
}

func search(t *testing.T, srv *testServer, login string, vars map[string]any) searchResult {
	t.Helper()
	var got searchResult
	mustData(t, postAs(t, srv, login, searchQuery, vars), &got)
	return got
}

func TestDirectorySearch_ForgivesSwedishSpellingAndTypos(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	tests := []struct {
		query string
		want  string // must be among the hits
	}{
		{"försäkringskassan", "Försäkringskassan, samverkanspartner (nationellt)"},
		{"försäkringskasan", "Försäkringskassan, samverkanspartner (nationellt)"},
		{"forsakringskassan samordning", "Samordning av rehabilitering för personer utan SGI"},
		{"vardcentral gripen", "Rehabkoordinator, Vårdcentralen Gripen"},
		{"rehabkordinator", "Rehabkoordinator, Vårdcentralen Gripen"},
		{"nollplacerade", "Samordning av rehabilitering för personer utan SGI"},
		{"samtycke blankett", "Arbetsförmedlingen, samtyckesblanketter (central adress)"},
		{"ekonomiskt bistand karlstad", "Ekonomiskt bistånd, funktionsbrevlåda (dagansvar)"},
		{"psykiatri", "Psykiatrin, samverkanskontakt Karlstad"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := search(t, srv, "soc.karlstad", map[string]any{"q": tt.query})
			require.Contains(t, got.names(), tt.want)
		})
	}
	t.Run("every word must match", func(t *testing.T) {
		got := search(t, srv, "soc.karlstad", map[string]any{"q": "gripen eksjö"})
		require.Empty(t, got.names())
	})
}

func TestDirectorySearch_VisibilityFiltersAndPages(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	// Karlstad's internal entry: found by Karlstad, not by Eksjö or FK.
	require.Contains(t, search(t, srv, "soc.karlstad", map[string]any{"q": "intern radgivning"}).names(), "Samverkanskoordinator, intern rådgivning")
	require.Empty(t, search(t, srv, "soc.eksjo", map[string]any{"q": "intern radgivning"}).names())
	require.Empty(t, search(t, srv, "ph.fk", map[string]any{"q": "intern radgivning"}).names())
	// Region Värmland's federation entry is invisible to Eksjö.
	require.Empty(t, search(t, srv, "soc.eksjo", map[string]any{"q": "gripen"}).names())

	got := search(t, srv, "soc.karlstad", map[string]any{"q": "rehabilitering", "kind": "FK"})
	require.NotEmpty(t, got.DirectorySearch.Edges)
	for _, e := range got.DirectorySearch.Edges {
		require.Equal(t, "Försäkringskassan", e.Node.Organization.Name)
	}
	got = search(t, srv, "soc.karlstad", map[string]any{"q": "rehabilitering", "m": "0686", "topic": "SAMORDNAD_REHABILITERING"})
	require.Contains(t, got.names(), "Samordning av rehabilitering, Höglandet")
	require.NotContains(t, got.names(), "Samordning av rehabilitering för personer utan SGI")

	all := search(t, srv, "soc.karlstad", map[string]any{"q": "rehabilitering", "first": 100})
	require.Greater(t, all.DirectorySearch.TotalCount, 3)
	var seen []string
	var after any
	for i := 0; i < 20; i++ {
		p := search(t, srv, "soc.karlstad", map[string]any{"q": "rehabilitering", "first": 2, "after": after})
		seen = append(seen, p.names()...)
		if !p.DirectorySearch.PageInfo.HasNextPage {
			break
		}
		after = *p.DirectorySearch.PageInfo.EndCursor
	}
	require.Equal(t, all.names(), seen, "pages of 2 visit every hit once, in relevance order")
}

func TestDirectorySearch_BadInput(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	for _, tt := range []struct {
		vars map[string]any
		msg  string
	}{
		{map[string]any{"q": "  ?! "}, "at least one word of two or more letters"},
		{map[string]any{"q": "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh ii"}, "at most 8 words"},
		{map[string]any{"q": "rehab", "m": "17"}, "not a four-digit SCB kommunkod"},
		{map[string]any{"q": "rehab", "after": "garbage"}, "invalid cursor"},
		{map[string]any{"q": "rehab", "first": 500}, "first must be between 0 and 100"},
	} {
		requireError(t, post(t, srv, searchQuery, tt.vars), "BAD_USER_INPUT", tt.msg)
	}
}
