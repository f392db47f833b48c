package graph_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

type orgPage struct {
	Organizations struct {
		TotalCount int `json:"totalCount"`
		Edges      []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				ID   string `json:"id"`
				Name string `json:"name"`
				Kind string `json:"kind"`
			} `json:"node"`
		} `json:"edges"`
		PageInfo struct {
			HasNextPage bool    `json:"hasNextPage"`
			StartCursor *string `json:"startCursor"`
			EndCursor   *string `json:"endCursor"`
		} `json:"pageInfo"`
	} `json:"organizations"`
}

const orgsQuery = `query($first: Int, $after: String, $federationId: ID, $kind: OrganizationKind, $municipalityCode: String, $activeOn: Date) {
  organizations(first: $first, after: $after, federationId: $federationId, kind: $kind, municipalityCode: $municipalityCode, activeOn: $activeOn) {
    totalCount
    edges { cursor node { id name kind } }
    pageInfo { hasNextPage startCursor endCursor }
  }
}`

func names(p orgPage) []string {
	out := []string{}
	for _, e := range p.Organizations.Edges {
		out = append(out, e.Node.Name)
	}
	return out
}

var (
	samspeletID = relay.ID(relay.TypeFederation, demo.ID("federation/samspelet"))
	hoglandetID = relay.ID(relay.TypeFederation, demo.ID("federation/hoglandet"))
)

func TestFederations_DemoSeedHasBothFederationsWithTheirMembers(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	var got struct {
		Federations struct {
			TotalCount int `json:"totalCount"`
			Nodes      []struct {
				Name         string `json:"name"`
				Organization struct {
					Kind string `json:"kind"`
				} `json:"organization"`
				Members []struct {
					Organization struct {
						Name string `json:"name"`
					} `json:"organization"`
					Active bool `json:"active"`
				} `json:"members"`
				Municipalities []struct {
					Code string `json:"code"`
				} `json:"municipalities"`
			} `json:"nodes"`
		} `json:"federations"`
	}
	mustData(t, post(t, srv, `{ federations { totalCount nodes { name organization { kind }
		members { organization { name } active } municipalities { code } } } }`, nil), &got)

	require.Equal(t, 2, got.Federations.TotalCount)
	byName := map[string][]string{}
	codes := map[string][]string{}
	for _, f := range got.Federations.Nodes {
		require.Equal(t, "SAMORDNINGSFORBUND", f.Organization.Kind)
		for _, m := range f.Members {
			require.True(t, m.Active)
			byName[f.Name] = append(byName[f.Name], m.Organization.Name)
		}
		for _, m := range f.Municipalities {
			codes[f.Name] = append(codes[f.Name], m.Code)
		}
	}
	require.ElementsMatch(t, []string{"Karlstads kommun", "Grums kommun", "Hammarö kommun", "Kristinehamns kommun",
		"Försäkringskassan", "Arbetsförmedlingen", "Region Värmland"}, byName["Samordningsförbundet Samspelet"])
	require.ElementsMatch(t, []string{"Aneby kommun", "Eksjö kommun", "Nässjö kommun", "Sävsjö kommun", "Tranås kommun",
		"Vetlanda kommun", "Försäkringskassan", "Arbetsförmedlingen", "Region Jönköpings län"}, byName["Höglandets samordningsförbund"])
	require.Equal(t, []string{"1761", "1764", "1780", "1781"}, codes["Samordningsförbundet Samspelet"])
	require.Equal(t, []string{"0604", "0682", "0684", "0685", "0686", "0687"}, codes["Höglandets samordningsförbund"])
}

func TestOrganizations_Filters(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	tests := []struct {
		name string
		vars map[string]any
		want []string
	}{
		{"members of Samspelet today", map[string]any{"federationId": samspeletID},
			[]string{"Arbetsförmedlingen", "Försäkringskassan", "Grums kommun", "Hammarö kommun", "Karlstads kommun", "Kristinehamns kommun", "Region Värmland"}},
		{"members of Samspelet before Kristinehamn joined in 2012", map[string]any{"federationId": samspeletID, "activeOn": "2010-06-01"},
			[]string{"Arbetsförmedlingen", "Försäkringskassan", "Grums kommun", "Hammarö kommun", "Karlstads kommun", "Region Värmland"}},
		{"members of Samspelet before it was founded", map[string]any{"federationId": samspeletID, "activeOn": "2000-01-01"},
			[]string{}},
		{"kommuner of Höglandet", map[string]any{"federationId": hoglandetID, "kind": "KOMMUN"},
			[]string{"Aneby kommun", "Eksjö kommun", "Nässjö kommun", "Sävsjö kommun", "Tranås kommun", "Vetlanda kommun"}},
		{"regions", map[string]any{"kind": "REGION"}, []string{"Region Jönköpings län", "Region Värmland"}},
		{"everyone serving Karlstad", map[string]any{"municipalityCode": "1780"},
			[]string{"Arbetsförmedlingen", "Försäkringskassan", "Karlstads kommun", "Region Värmland", "Samordningsförbundet Samspelet"}},
		{"kommun serving Eksjö", map[string]any{"municipalityCode": "0686", "kind": "KOMMUN"}, []string{"Eksjö kommun"}},
		{"nobody serves a municipality outside the demo counties", map[string]any{"municipalityCode": "0180"}, []string{}},
		{"a federation id of another type matches nothing", map[string]any{"federationId": relay.ID(relay.TypeFederation, demo.ID("org/karlstad"))}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]any{"first": 100}
			for k, v := range tt.vars {
				vars[k] = v
			}
			var got orgPage
			mustData(t, post(t, srv, orgsQuery, vars), &got)
			require.Equal(t, tt.want, names(got))
			require.Equal(t, len(tt.want), got.Organizations.TotalCount)
		})
	}
}

func TestOrganizations_BadFilterInput(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	tests := []struct {
		name string
		vars map[string]any
		msg  string
	}{
		{"five-digit kommunkod", map[string]any{"municipalityCode": "17800"}, `municipality code "17800" is not a four-digit SCB kommunkod`},
		{"letters as kommunkod", map[string]any{"municipalityCode": "KSD"}, "is not a four-digit SCB kommunkod"},
		{"organisation id as federation id", map[string]any{"federationId": relay.ID(relay.TypeOrganization, demo.ID("org/karlstad"))}, "is not the id of a Federation"},
		{"garbage id", map[string]any{"federationId": "not-an-id"}, `malformed id "not-an-id"`},
		{"impossible date", map[string]any{"activeOn": "2026-02-30"}, `"2026-02-30" is not a date`},
		{"unknown kind", map[string]any{"kind": "KYRKA"}, "KYRKA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requireError(t, post(t, srv, orgsQuery, tt.vars), "BAD_USER_INPUT", tt.msg)
		})
	}
}

func TestOrganizations_Pagination(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	page := func(t *testing.T, vars map[string]any) orgPage {
		t.Helper()
		var p orgPage
		mustData(t, post(t, srv, orgsQuery, vars), &p)
		return p
	}
	all := page(t, map[string]any{"first": 100})
	total := all.Organizations.TotalCount
	require.Equal(t, 16, total, "demo organisations")
	require.True(t, sort.StringsAreSorted(names(all)), "ordered by name")

	t.Run("empty result", func(t *testing.T) {
		p := page(t, map[string]any{"municipalityCode": "0180"})
		require.Empty(t, p.Organizations.Edges)
		require.False(t, p.Organizations.PageInfo.HasNextPage)
		require.Nil(t, p.Organizations.PageInfo.StartCursor)
		require.Nil(t, p.Organizations.PageInfo.EndCursor)
		require.Zero(t, p.Organizations.TotalCount)
	})
	t.Run("first 0 returns no items but says more exist", func(t *testing.T) {
		p := page(t, map[string]any{"first": 0})
		require.Empty(t, p.Organizations.Edges)
		require.True(t, p.Organizations.PageInfo.HasNextPage)
	})
	t.Run("exact page has no next page", func(t *testing.T) {
		p := page(t, map[string]any{"first": total})
		require.Len(t, p.Organizations.Edges, total)
		require.False(t, p.Organizations.PageInfo.HasNextPage)
	})
	t.Run("walking pages of 4 visits every organisation once, in order", func(t *testing.T) {
		var seen []string
		var after any
		for i := 0; ; i++ {
			require.Less(t, i, 10, "too many pages")
			p := page(t, map[string]any{"first": 4, "after": after})
			seen = append(seen, names(p)...)
			require.Equal(t, total, p.Organizations.TotalCount)
			if !p.Organizations.PageInfo.HasNextPage {
				require.Len(t, p.Organizations.Edges, total-4*i, "last page holds the rest")
				break
			}
			require.Len(t, p.Organizations.Edges, 4)
			require.Equal(t, p.Organizations.Edges[3].Cursor, *p.Organizations.PageInfo.EndCursor)
			after = *p.Organizations.PageInfo.EndCursor
		}
		require.Equal(t, names(all), seen)
	})
	t.Run("cursor past the last item gives an empty page", func(t *testing.T) {
		p := page(t, map[string]any{"first": 5, "after": *all.Organizations.PageInfo.EndCursor})
		require.Empty(t, p.Organizations.Edges)
		require.False(t, p.Organizations.PageInfo.HasNextPage)
	})
	for _, tt := range []struct {
		name string
		vars map[string]any
		msg  string
	}{
		{"invalid cursor", map[string]any{"after": "bm9wZQ"}, "invalid cursor"},
		{"cursor that is not base64", map[string]any{"after": "%%%"}, "invalid cursor"},
		{"negative page size", map[string]any{"first": -1}, "first must be between 0 and 100, got -1"},
		{"page size above the maximum", map[string]any{"first": 101}, "first must be between 0 and 100, got 101"},
		{"page size of 10,000", map[string]any{"first": 10000}, "first must be between 0 and 100, got 10000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, orgsQuery, tt.vars)
			requireError(t, r, "BAD_USER_INPUT", tt.msg)
			require.Equal(t, "null", string(r.Data))
		})
	}
}

func TestOrganizations_UnitTreeAndMunicipalities(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	var got struct {
		Node struct {
			Name           string `json:"name"`
			Municipalities []struct {
				Code       string `json:"code"`
				Name       string `json:"name"`
				CountyName string `json:"countyName"`
			} `json:"municipalities"`
			Units []struct {
				Name   string `json:"name"`
				Kind   string `json:"kind"`
				Parent *struct {
					Name string `json:"name"`
				} `json:"parent"`
				Children []struct {
					Name string `json:"name"`
				} `json:"children"`
			} `json:"units"`
		} `json:"node"`
	}
	id := relay.ID(relay.TypeOrganization, demo.ID("org/karlstad"))
	mustData(t, post(t, srv, `query($id: ID!) { node(id: $id) { ... on Organization {
		name municipalities { code name countyName } units { name kind parent { name } children { name } } } } }`,
		map[string]any{"id": id}), &got)
	require.Equal(t, "Karlstads kommun", got.Node.Name)
	require.Len(t, got.Node.Municipalities, 1)
	require.Equal(t, "Karlstad", got.Node.Municipalities[0].Name)
	require.Equal(t, "Värmlands län", got.Node.Municipalities[0].CountyName)
	kinds := map[string]string{}
	for _, u := range got.Node.Units {
		kinds[u.Name] = u.Kind
		if u.Kind == "FORVALTNING" {
			require.Nil(t, u.Parent)
			require.Len(t, u.Children, 3)
		} else {
			require.Equal(t, "Arbetsmarknads- och socialförvaltningen", u.Parent.Name)
		}
	}
	require.Equal(t, "EKONOMISKT_BISTAND", kinds["Ekonomiskt bistånd"])
}

func TestDemoSeed_EveryRegionHasThreeVardcentralerAndPsykiatri(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	var got orgUnits
	mustData(t, post(t, srv, `{ organizations(kind: REGION) { nodes { name units { kind } } } }`, nil), &got)
	require.Len(t, got.Organizations.Nodes, 2)
	for _, r := range got.Organizations.Nodes {
		count := map[string]int{}
		for _, u := range r.Units {
			count[u.Kind]++
		}
		require.GreaterOrEqual(t, count["VARDCENTRAL"], 3, r.Name)
		require.GreaterOrEqual(t, count["PSYKIATRI"], 1, r.Name)
	}
}

type orgUnits struct {
	Organizations struct {
		Nodes []struct {
			Name  string `json:"name"`
			Units []struct {
				Kind string `json:"kind"`
			} `json:"units"`
		} `json:"nodes"`
	} `json:"organizations"`
}

func TestNode_FetchesEachTypeByGlobalID(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	tests := []struct {
		id       string
		typename string
		name     string
	}{
		{relay.ID(relay.TypeOrganization, demo.ID("org/fk")), "Organization", "Försäkringskassan"},
		{relay.ID(relay.TypeUnit, demo.ID("unit/region-varmland/vc-gripen")), "Unit", "Vårdcentralen Gripen"},
		{hoglandetID, "Federation", "Höglandets samordningsförbund"},
	}
	for _, tt := range tests {
		t.Run(tt.typename, func(t *testing.T) {
			var got struct {
				Node struct {
					Typename string `json:"__typename"`
					ID       string `json:"id"`
					Name     string `json:"name"`
				} `json:"node"`
			}
			mustData(t, post(t, srv, `query($id: ID!) { node(id: $id) { __typename id
				... on Organization { name } ... on Unit { name } ... on Federation { name } } }`,
				map[string]any{"id": tt.id}), &got)
			require.Equal(t, tt.typename, got.Node.Typename)
			require.Equal(t, tt.id, got.Node.ID)
			require.Equal(t, tt.name, got.Node.Name)
		})
	}
	t.Run("an unknown id is null, as if it did not exist", func(t *testing.T) {
		var got struct{ Node *struct{} }
		mustData(t, post(t, srv, `query($id: ID!) { node(id: $id) { id } }`,
			map[string]any{"id": relay.ID(relay.TypeOrganization, demo.ID("org/nowhere"))}), &got)
		require.Nil(t, got.Node)
	})
	t.Run("nodes keeps order and marks missing ones null", func(t *testing.T) {
		var got struct {
			Nodes []*struct {
				ID string `json:"id"`
			} `json:"nodes"`
		}
		ids := []string{tests[2].id, relay.ID(relay.TypeUnit, demo.ID("unit/none")), tests[0].id}
		mustData(t, post(t, srv, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}), &got)
		require.Len(t, got.Nodes, 3)
		require.Equal(t, ids[0], got.Nodes[0].ID)
		require.Nil(t, got.Nodes[1])
		require.Equal(t, ids[2], got.Nodes[2].ID)
	})
	t.Run("more than 100 ids are refused", func(t *testing.T) {
		ids := make([]string, 101)
		for i := range ids {
			ids[i] = relay.ID(relay.TypeUnit, demo.ID(fmt.Sprint("unit/", i)))
		}
		requireError(t, post(t, srv, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}),
			"BAD_USER_INPUT", "at most 100 ids")
	})
}

// A page of organisations with all their nested lists costs the same,
// small number of SQL statements whatever the page size: nested fields are
// batched, never fetched per item.
func TestOrganizations_StatementsPerRequestDoNotGrowWithPageSize(t *testing.T) {
	t.Parallel()
	// A generous batch window: this test is about which calls merge, not
	// about how fast a loaded CI machine schedules goroutines.
	srv, b := setup(t, countingStatements)
	q := `query($first: Int) { organizations(first: $first) { totalCount nodes { name
		municipalities { code } units { name parent { name } children { name } municipalities { code } }
		memberships { validFrom federation { name organization { name } } organization { name } } } } }`
	count := func(first int) int64 {
		before := b.db.Statements.Load()
		var got orgUnits
		mustData(t, post(t, srv, q, map[string]any{"first": first}), &got)
		require.Len(t, got.Organizations.Nodes, first)
		return b.db.Statements.Load() - before
	}
	// The principal's organisation, begin, the page, totalCount, one query
	// per nested relation and level, commit: 15 at most. Two relations of different levels may share a
	// batch when their calls happen to fall in one window, so the count can
	// be one lower; it never grows with the page size.
	const bound = 15
	count(1) // warm the authenticator's caches (issuer registration, keys)
	small, large := count(2), count(16)
	require.LessOrEqual(t, small, int64(bound), "statements for 2 organisations")
	require.LessOrEqual(t, large, int64(bound), "statements for 16 organisations")
	require.InDelta(t, small, large, 1)
}

// Even the open catalogue is read through the one authorization entry
// point: a policy that closes it closes every way in.
func TestCatalogue_FollowsThePolicy(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	require.NoError(t, b.authz.Use(2, "p, LOGGRANSKARE, organization, read, OWN, allow\np, SOCIALSEKRETERARE, purpose, SIP, OWN, allow\n"))
	requireError(t, post(t, srv, `{ organizations { totalCount } }`, nil), "FORBIDDEN", "do not allow read on organization")
	requireError(t, post(t, srv, `{ federations { totalCount } }`, nil), "FORBIDDEN", "do not allow read on federation")
	var got struct{ Node *struct{} }
	mustData(t, post(t, srv, `query($id: ID!) { node(id: $id) { id } }`,
		map[string]any{"id": relay.ID(relay.TypeOrganization, demo.ID("org/karlstad"))}), &got)
	require.Nil(t, got.Node, "an object the person may not read is null, as if it did not exist")
}
