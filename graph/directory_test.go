package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

const waysInQuery = `query($topic: Topic!, $m: String!, $kind: OrganizationKind, $first: Int) {
  waysIn(topic: $topic, municipalityCode: $m, organizationKind: $kind, first: $first) {
    match
    entry { id functionName visibility stale openNow organization { name kind } unit { name }
      channels { kind value note visibility openNow openingHours { day from to } } }
    fallbackChain { functionName }
  }
}`

type waysInResult struct {
	WaysIn []struct {
		Match string `json:"match"`
		Entry struct {
			ID           string `json:"id"`
			FunctionName string `json:"functionName"`
			Visibility   string `json:"visibility"`
			Stale        bool   `json:"stale"`
			OpenNow      *bool  `json:"openNow"`
			Organization struct {
				Name string `json:"name"`
				Kind string `json:"kind"`
			} `json:"organization"`
			Channels []struct {
				Kind         string `json:"kind"`
				Value        string `json:"value"`
				Visibility   string `json:"visibility"`
				OpeningHours []struct {
					Day int `json:"day"`
				} `json:"openingHours"`
			} `json:"channels"`
		} `json:"entry"`
		FallbackChain []struct {
			FunctionName string `json:"functionName"`
		} `json:"fallbackChain"`
	} `json:"waysIn"`
}

func (r waysInResult) names() []string {
	out := []string{}
	for _, w := range r.WaysIn {
		out = append(out, w.Entry.FunctionName)
	}
	return out
}

func waysIn(t *testing.T, srv *testServer, login, topic, m string) waysInResult {
	t.Helper()
	var got waysInResult
	mustData(t, postAs(t, srv, login, waysInQuery, map[string]any{"topic": topic, "m": m}), &got)
	return got
}

func TestWaysIn_KarlstadGetsFKsCoordinationFirstWithChannelsAndFallback(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	got := waysIn(t, srv, "soc.karlstad", "SAMORDNAD_REHABILITERING", "1780")
	require.Equal(t, []string{
		"Samordning av rehabilitering för personer utan SGI",             // FK, responsible party, names Karlstad
		"Rehabkoordinator, Vårdcentralen Gripen",                         // names Karlstad only
		"Samverkanskoordinator, intern rådgivning",                       // Karlstad's own, ORGANISATION-visible
		"Arbetslivsinriktad rehabilitering, Arbetsförmedlingen Karlstad", // the four Samspelet municipalities
		"Region Värmland, rehabiliteringsstöd (länsövergripande)",        // the whole county
		"Försäkringskassan, samverkanspartner (nationellt)",              // national
	}, got.names())

	fk := got.WaysIn[0]
	require.Equal(t, "MUNICIPAL", fk.Match)
	require.Equal(t, "FK", fk.Entry.Organization.Kind)
	require.Len(t, fk.Entry.Channels, 3)
	require.Equal(t, "PHONE", fk.Entry.Channels[0].Kind)
	require.Len(t, fk.Entry.Channels[0].OpeningHours, 2, "telefontid Tuesdays and Thursdays")
	require.NotNil(t, fk.Entry.OpenNow, "a channel with hours says whether it is open")
	require.Equal(t, []string{"Försäkringskassan, samverkanspartner (nationellt)"}, []string{fk.FallbackChain[0].FunctionName})
	require.False(t, fk.Entry.Stale)

	regional := got.WaysIn[4]
	require.Equal(t, "REGIONAL", regional.Match)
	require.True(t, regional.Entry.Stale, "not reviewed for 180 days")
	require.Equal(t, "NATIONAL", got.WaysIn[5].Match)
}

func TestWaysIn_EksjoGetsHoglandetAndNothingPrivateOfKarlstad(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	got := waysIn(t, srv, "soc.eksjo", "SAMORDNAD_REHABILITERING", "0686")
	require.Equal(t, []string{
		"Samordning av rehabilitering, Höglandet",
		"Rehabkoordinator, Vårdcentralen Eksjö",
		"Försäkringskassan, samverkanspartner (nationellt)",
	}, got.names())

	// Eksjö asks about a person in Karlstad: it sees PUBLIC entries and the
	// FEDERATION entries of organisations it shares a förbund with (FK and
	// AF are members of Höglandet too), but neither Karlstad's internal
	// entry nor Region Värmland's federation entries.
	got = waysIn(t, srv, "soc.eksjo", "SAMORDNAD_REHABILITERING", "1780")
	require.Equal(t, []string{
		"Samordning av rehabilitering för personer utan SGI",
		"Arbetslivsinriktad rehabilitering, Arbetsförmedlingen Karlstad",
		"Region Värmland, rehabiliteringsstöd (länsövergripande)",
		"Försäkringskassan, samverkanspartner (nationellt)",
	}, got.names())
	for _, w := range got.WaysIn {
		require.NotEqual(t, "ORGANISATION", w.Entry.Visibility)
	}

	// Nor can Eksjö fetch Karlstad's internal entry by id.
	id := relay.ID(relay.TypeDirectoryEntry, demo.ID("entry/karlstad-internt"))
	var node struct{ Node *struct{} }
	mustData(t, postAs(t, srv, "soc.eksjo", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}), &node)
	require.Nil(t, node.Node, "an entry one may not see does not exist")
	mustData(t, postAs(t, srv, "soc.karlstad", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}), &node)
	require.NotNil(t, node.Node, "its owner sees it")
}

func TestWaysIn_FederationPartnersSeeFederationEntriesButNotInternalOnes(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	got := waysIn(t, srv, "ph.fk", "SAMORDNAD_REHABILITERING", "1780")
	require.Contains(t, got.names(), "Rehabkoordinator, Vårdcentralen Gripen")
	require.NotContains(t, got.names(), "Samverkanskoordinator, intern rådgivning")
}

func TestWaysIn_ChannelVisibilityIsAppliedPerChannel(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	// Karlstad's public mailbox gets an internal direct line.
	e := directory.Entry{
		ID: demo.ID("entry/eb-karlstad"), OrgID: demo.ID("org/karlstad"), FunctionName: "Ekonomiskt bistånd, funktionsbrevlåda (dagansvar)",
		Topics: []string{"EKONOMISKT_BISTAND"}, MunicipalityCodes: []string{"1780"}, Visibility: directory.Public,
		ReviewedAt: time.Now(), ReviewedBy: "test",
	}
	require.NoError(t, directory.EnsureEntry(context.Background(), b.db.Pool, e, []directory.Channel{
		{Kind: directory.Funktionsbrevlada, Value: "ekonomisktbistand@karlstad.example", Visibility: directory.Public},
		{Kind: directory.Phone, Value: "054-540 11 11", Note: "direkt till dagansvarig", Visibility: directory.Organisation},
	}))
	channels := func(login string) []string {
		got := waysIn(t, srv, login, "EKONOMISKT_BISTAND", "1780")
		require.Len(t, got.WaysIn, 1)
		var out []string
		for _, c := range got.WaysIn[0].Entry.Channels {
			out = append(out, c.Value)
		}
		return out
	}
	require.Equal(t, []string{"ekonomisktbistand@karlstad.example", "054-540 11 11"}, channels("koord.karlstad"))
	require.Equal(t, []string{"ekonomisktbistand@karlstad.example"}, channels("ph.fk"))
	require.Equal(t, []string{"ekonomisktbistand@karlstad.example"}, channels("soc.eksjo"))
}

func TestWaysIn_FiltersAndBadInput(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	var got waysInResult
	mustData(t, post(t, srv, waysInQuery, map[string]any{"topic": "SAMORDNAD_REHABILITERING", "m": "1780", "kind": "FK"}), &got)
	require.Equal(t, []string{"Samordning av rehabilitering för personer utan SGI", "Försäkringskassan, samverkanspartner (nationellt)"}, got.names())

	got = waysIn(t, srv, "soc.karlstad", "SAMTYCKE_BLANKETT", "0686")
	require.Equal(t, []string{"Arbetsförmedlingen, samtyckesblanketter (central adress)"}, got.names())
	require.Nil(t, got.WaysIn[0].Entry.OpenNow, "an address has no opening hours")

	for _, tt := range []struct {
		vars map[string]any
		msg  string
	}{
		{map[string]any{"topic": "SAMORDNAD_REHABILITERING", "m": "17800"}, "not a four-digit SCB kommunkod"},
		{map[string]any{"topic": "SAMORDNAD_REHABILITERING", "m": "9999"}, `unknown municipality code "9999"`},
		{map[string]any{"topic": "FIKA", "m": "1780"}, "FIKA"},
		{map[string]any{"topic": "SAMORDNAD_REHABILITERING", "m": "1780", "first": 0}, "first must be between 1 and 100"},
		{map[string]any{"topic": "SAMORDNAD_REHABILITERING", "m": "1780", "first": 101}, "first must be between 1 and 100"},
	} {
		requireError(t, post(t, srv, waysInQuery, tt.vars), "BAD_USER_INPUT", tt.msg)
	}
}

// The best ways in come first and first cuts the answer after them.
func TestWaysIn_FirstReturnsTheBestWays(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	all := waysIn(t, srv, "soc.karlstad", "SAMORDNAD_REHABILITERING", "1780").names()
	var got waysInResult
	mustData(t, postAs(t, srv, "soc.karlstad", waysInQuery,
		map[string]any{"topic": "SAMORDNAD_REHABILITERING", "m": "1780", "first": 2}), &got)
	require.Equal(t, all[:2], got.names())
}

// An answer with its entries' channels, organisations and units costs the
// same statements however many ways in it has. From SQL (no resident
// directory, or memory behind): each way's entry is its own parent object,
// so its relations are loaded for all ways at once (and without waiting for
// a dataloader batch). From memory: one statement, the directory's version.
func TestWaysIn_StatementsDoNotGrowWithTheAnswer(t *testing.T) {
	t.Parallel()
	q := `query($first: Int) { waysIn(topic: SAMORDNAD_REHABILITERING, municipalityCode: "1780", first: $first) {
		match entry { functionName openNow organization { name } unit { name } channels { kind value openNow } } } }`
	counter := func(t *testing.T, srv *testServer, b *testBundle) func(int) int64 {
		return func(first int) int64 {
			before := b.db.Statements.Load()
			var got waysInResult
			mustData(t, postAs(t, srv, "soc.karlstad", q, map[string]any{"first": first}), &got)
			require.Len(t, got.WaysIn, first)
			return b.db.Statements.Load() - before
		}
	}
	t.Run("from SQL", func(t *testing.T) {
		srv, b := setup(t, countingStatements, withoutResidentDirectory)
		count := counter(t, srv, b)
		count(2) // warm the authenticator's caches
		one, six := count(1), count(6)
		// begin and settings, the municipality, the ways, their channels,
		// organisations and units, commit.
		require.LessOrEqual(t, six, int64(8))
		require.Equal(t, one, six, "statements for 1 and for 6 ways in")
	})
	t.Run("from memory", func(t *testing.T) {
		srv, b := setup(t, countingStatements)
		count := counter(t, srv, b)
		require.Eventually(t, func() bool { return count(2) == 1 }, 20*time.Second, 50*time.Millisecond,
			"once the replica holds the directory, an answer costs one statement")
		require.Equal(t, int64(1), count(1))
		require.Equal(t, int64(1), count(6))
	})
}

// A replica keeps the directory in memory, but answers from it only while
// it holds the directory's current version: every change, committed by any
// replica or by hand, shows in the very next answer. Each organisation
// sees only what it may.
func TestWaysIn_ResidentDirectoryFollowsEveryChangeAtOnce(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	q := `query($topic: Topic!, $m: String!) { waysIn(topic: $topic, municipalityCode: $m) { entry { id functionName visibility } } }`
	type answer struct {
		WaysIn []struct {
			Entry struct {
				ID           string `json:"id"`
				FunctionName string `json:"functionName"`
				Visibility   string `json:"visibility"`
			} `json:"entry"`
		} `json:"waysIn"`
	}
	ask := func(login, topic, m string) (names []string, private []string, statements int64) {
		t.Helper()
		before := b.db.Statements.Load()
		var got answer
		mustData(t, postAs(t, srv, login, q, map[string]any{"topic": topic, "m": m}), &got)
		for _, w := range got.WaysIn {
			names = append(names, w.Entry.FunctionName)
			if w.Entry.Visibility == "ORGANISATION" {
				private = append(private, w.Entry.FunctionName)
			}
		}
		return names, private, b.db.Statements.Load() - before
	}

	// settled asks until memory answers (one statement: the version).
	settled := func(login, topic, m string) []string {
		t.Helper()
		var names []string
		require.Eventually(t, func() bool {
			var n int64
			names, _, n = ask(login, topic, m)
			return n == 1
		}, 20*time.Second, 20*time.Millisecond, "once the replica holds the directory (and the organisation's own part), an answer costs one statement, the directory's version")
		return names
	}

	fromSQL, _, miss := ask("soc.karlstad", "SAMORDNAD_REHABILITERING", "1780")
	settled("soc.karlstad", "SAMORDNAD_REHABILITERING", "1780")
	karlstad, private, hit := ask("soc.karlstad", "SAMORDNAD_REHABILITERING", "1780")
	require.Equal(t, fromSQL, karlstad, "memory answers what SQL answers")
	require.Equal(t, int64(1), hit)
	require.Greater(t, miss, hit)

	// Eksjö asks the same question: its own answer, without Karlstad's
	// internal entries.
	require.NotEmpty(t, private, "Karlstad sees its own internal entry")
	eksjo := settled("soc.eksjo", "SAMORDNAD_REHABILITERING", "1780")
	for _, name := range private {
		require.NotContains(t, eksjo, name)
	}

	// A change by hand (another replica, an import): no notification, and
	// the next answer has it.
	_, err := b.db.Pool.Exec(ctx, `UPDATE directory_entries SET function_name = function_name || ' (ändrad)'
		WHERE function_name = $1`, karlstad[0])
	require.NoError(t, err)
	changed, _, _ := ask("soc.karlstad", "SAMORDNAD_REHABILITERING", "1780")
	require.Equal(t, karlstad[0]+" (ändrad)", changed[0])
	require.Equal(t, changed, settled("soc.karlstad", "SAMORDNAD_REHABILITERING", "1780"), "and memory, once loaded, has it")

	// A new entry saved through the API.
	before, _, _ := ask("soc.karlstad", "FORBUNDETS_INSATSER", "1780")
	require.NotContains(t, before, "Samspelet, arbetsträning i grupp")
	var saved upsertResult
	mustData(t, postAs(t, srv, "admin.samspelet", upsertMutation, map[string]any{"input": insatsInput()}), &saved)
	after, _, _ := ask("soc.karlstad", "FORBUNDETS_INSATSER", "1780")
	require.Contains(t, after, "Samspelet, arbetsträning i grupp")
	require.Equal(t, after, settled("soc.karlstad", "FORBUNDETS_INSATSER", "1780"))

	// Who belongs to a förbund decides who sees its FEDERATION entries: when
	// Region Värmland leaves Samspelet, FK no longer sees Gripen's.
	fk := settled("ph.fk", "SAMORDNAD_REHABILITERING", "1780")
	require.Contains(t, fk, "Rehabkoordinator, Vårdcentralen Gripen")
	_, err = b.db.Pool.Exec(ctx, `UPDATE federation_memberships SET valid_to = current_date
		WHERE member_org_id = $1`, demo.ID("org/region-varmland"))
	require.NoError(t, err)
	fk, _, _ = ask("ph.fk", "SAMORDNAD_REHABILITERING", "1780")
	require.NotContains(t, fk, "Rehabkoordinator, Vårdcentralen Gripen")
	require.NotContains(t, settled("ph.fk", "SAMORDNAD_REHABILITERING", "1780"), "Rehabkoordinator, Vårdcentralen Gripen")
}
