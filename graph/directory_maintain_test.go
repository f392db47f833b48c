package graph_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

const upsertMutation = `mutation($input: DirectoryEntryInput!) {
  upsertDirectoryEntry(input: $input) { id functionName municipalityCodes reviewedBy stale
    channels { kind value openingHours { day from to } } }
}`

type upsertResult struct {
	UpsertDirectoryEntry struct {
		ID                string   `json:"id"`
		FunctionName      string   `json:"functionName"`
		MunicipalityCodes []string `json:"municipalityCodes"`
		ReviewedBy        string   `json:"reviewedBy"`
		Stale             bool     `json:"stale"`
		Channels          []struct {
			Kind  string `json:"kind"`
			Value string `json:"value"`
		} `json:"channels"`
	} `json:"upsertDirectoryEntry"`
}

func insatsInput() map[string]any {
	return map[string]any{
		"unitId":       relay.ID(relay.TypeUnit, demo.ID("unit/samspelet/kansli")),
		"functionName": "Samspelet, arbetsträning i grupp",
		"topics":       []string{"FORBUNDETS_INSATSER", "ARBETSLIVSINRIKTAD_REHABILITERING"},
		"leadTopics":   []string{"FORBUNDETS_INSATSER"},
		"visibility":   "FEDERATION",
		"channels": []map[string]any{
			{"kind": "PHONE", "value": "054-10 20 30", "note": "telefontid", "visibility": "FEDERATION",
				"openingHours": []map[string]any{{"day": 3, "from": "13:00", "to": "15:00"}}},
		},
	}
}

func entryCount(t *testing.T, b *testBundle) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM directory_entries`).Scan(&n))
	return n
}

func TestUpsertDirectoryEntry_OrgAdminCreatesAndUpdates_AndItIsAudited(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	var got upsertResult
	mustData(t, postAs(t, srv, "admin.samspelet", upsertMutation, map[string]any{"input": insatsInput()}), &got)
	e := got.UpsertDirectoryEntry
	require.Equal(t, []string{"1761", "1764", "1780", "1781"}, e.MunicipalityCodes, "defaults to the unit's municipalities")
	require.Equal(t, "admin.samspelet", e.ReviewedBy, "saving counts as a review")
	require.False(t, e.Stale)
	require.Len(t, e.Channels, 1)

	// Karlstad's socialsekreterare now finds it.
	ways := waysIn(t, srv, "soc.karlstad", "FORBUNDETS_INSATSER", "1780")
	require.Contains(t, ways.names(), "Samspelet, arbetsträning i grupp")

	in := insatsInput()
	in["id"] = e.ID
	in["functionName"] = "Samspelet, arbetsträning i grupp (höst)"
	mustData(t, postAs(t, srv, "admin.samspelet", upsertMutation, map[string]any{"input": in}), &got)
	require.Equal(t, e.ID, got.UpsertDirectoryEntry.ID)
	require.Equal(t, "Samspelet, arbetsträning i grupp (höst)", got.UpsertDirectoryEntry.FunctionName)

	var n int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_records
		WHERE org_id = $1 AND operation_type = 'mutation' AND decision = 'ALLOWED' AND $2 = ANY(object_ids)`,
		demo.ID("org/samspelet"), e.ID).Scan(&n))
	require.Equal(t, 2, n, "both changes are in Samspelet's audit trail")
}

func TestUpsertDirectoryEntry_OtherOrganisationsEntryIsNotFound_AndOthersMayNotChange(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	before := entryCount(t, b)
	in := insatsInput()
	in["id"] = relay.ID(relay.TypeDirectoryEntry, demo.ID("entry/eb-karlstad"))
	r := postAs(t, srv, "admin.samspelet", upsertMutation, map[string]any{"input": in})
	requireError(t, r, "NOT_FOUND", "no directory entry with that id in your organisation")
	require.Equal(t, "null", string(r.Data))

	requireError(t, postAs(t, srv, "soc.karlstad", upsertMutation, map[string]any{"input": insatsInput()}),
		"FORBIDDEN", "do not allow create on directory entry")
	requireError(t, postAs(t, srv, "admin.samspelet", `mutation($id: ID!) { archiveDirectoryEntry(id: $id) { entry { id } } }`,
		map[string]any{"id": relay.ID(relay.TypeDirectoryEntry, demo.ID("entry/eb-karlstad"))}), "NOT_FOUND", "in your organisation")
	require.Equal(t, before, entryCount(t, b), "nothing written")
}

func TestUpsertDirectoryEntry_BadInputNamesEveryProblemAndWritesNothing(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	before := entryCount(t, b)
	tests := []struct {
		name   string
		change func(map[string]any)
		msg    string
	}{
		{"bad phone number", func(in map[string]any) {
			in["channels"] = []map[string]any{{"kind": "PHONE", "value": "ring Anna", "visibility": "PUBLIC"}}
		}, `channels[0]: "ring Anna" is not a phone number`},
		{"bad hours", func(in map[string]any) {
			in["channels"] = []map[string]any{{"kind": "PHONE", "value": "054-10 20 30", "visibility": "PUBLIC",
				"openingHours": []map[string]any{{"day": 8, "from": "12:00", "to": "09:00"}}}}
		}, "channels[0].openingHours[0]: need day 1–7 and from < to"},
		{"unknown kommunkod", func(in map[string]any) { in["municipalityCodes"] = []string{"1780", "9999"} }, "unknown kommunkod: 9999"},
		{"lead topic not among topics", func(in map[string]any) { in["leadTopics"] = []string{"PSYKIATRI"} }, "leadTopics: PSYKIATRI is not among the entry's topics"},
		{"no topics", func(in map[string]any) { in["topics"] = []string{}; in["leadTopics"] = []string{} }, "topics must name at least one topic"},
		{"unit of another organisation", func(in map[string]any) { in["unitId"] = relay.ID(relay.TypeUnit, demo.ID("unit/karlstad/eb")) }, "unitId is not a unit of your organisation"},
		{"own fallback", func(in map[string]any) {
			in["id"] = relay.ID(relay.TypeDirectoryEntry, demo.ID("entry/samspelet-insatser"))
			in["fallbackEntryId"] = in["id"]
		}, "cannot be its own fallback"},
		{"invisible fallback", func(in map[string]any) {
			in["fallbackEntryId"] = relay.ID(relay.TypeDirectoryEntry, demo.ID("entry/karlstad-internt"))
		}, "fallbackEntryId: no live directory entry"},
		{"empty name", func(in map[string]any) { in["functionName"] = "  " }, "functionName must be 1–200 characters"},
		{"a topic twice", func(in map[string]any) { in["topics"] = []string{"SIP", "SIP"}; in["leadTopics"] = []string{} }, "topics lists SIP twice"},
		{"a kommunkod twice", func(in map[string]any) { in["municipalityCodes"] = []string{"1780", "1780"} }, "municipalityCodes lists 1780 twice"},
		{"a channel wider than its entry", func(in map[string]any) {
			in["visibility"] = "FEDERATION"
			in["channels"] = []map[string]any{{"kind": "PHONE", "value": "054-10 20 30", "visibility": "PUBLIC"}}
		}, "channels[0]: visibility PUBLIC is wider than the entry's FEDERATION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := insatsInput()
			tt.change(in)
			r := postAs(t, srv, "admin.samspelet", upsertMutation, map[string]any{"input": in})
			requireError(t, r, "BAD_USER_INPUT", tt.msg)
			require.Equal(t, "null", string(r.Data))
		})
	}
	require.Equal(t, before, entryCount(t, b), "nothing written by any of them")
}

func TestArchiveDirectoryEntry_ReportsEntriesThatFallBackOnIt(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	target := relay.ID(relay.TypeDirectoryEntry, demo.ID("entry/samspelet-insatser"))
	in := insatsInput()
	in["fallbackEntryId"] = target
	var created upsertResult
	mustData(t, postAs(t, srv, "admin.samspelet", upsertMutation, map[string]any{"input": in}), &created)

	// A loop of fallbacks is refused.
	loop := map[string]any{
		"id": target, "functionName": "Samspelets insatser", "topics": []string{"FORBUNDETS_INSATSER"},
		"municipalityCodes": []string{"1780"}, "visibility": "FEDERATION", "channels": []map[string]any{},
		"fallbackEntryId": created.UpsertDirectoryEntry.ID,
	}
	requireError(t, postAs(t, srv, "admin.samspelet", upsertMutation, map[string]any{"input": loop}), "BAD_USER_INPUT", "loop of fallbacks")

	var got struct {
		ArchiveDirectoryEntry struct {
			Entry struct {
				ID string `json:"id"`
			} `json:"entry"`
			FallbackOf []struct {
				FunctionName string `json:"functionName"`
			} `json:"fallbackOf"`
		} `json:"archiveDirectoryEntry"`
	}
	mustData(t, postAs(t, srv, "admin.samspelet", `mutation($id: ID!) { archiveDirectoryEntry(id: $id) { entry { id } fallbackOf { functionName } } }`,
		map[string]any{"id": target}), &got)
	require.Equal(t, target, got.ArchiveDirectoryEntry.Entry.ID)
	require.Len(t, got.ArchiveDirectoryEntry.FallbackOf, 1)
	require.Equal(t, "Samspelet, arbetsträning i grupp", got.ArchiveDirectoryEntry.FallbackOf[0].FunctionName)

	ways := waysIn(t, srv, "soc.karlstad", "FORBUNDETS_INSATSER", "1780")
	require.NotContains(t, ways.names(), "Samspelets insatser", "an archived entry no longer answers")
	require.Empty(t, ways.WaysIn[0].FallbackChain, "nor is it offered as a fallback")
}

func TestMutationOverGET_Is405(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	q := url.QueryEscape(`mutation { archiveDirectoryEntry(id: "x") { entry { id } } }`)
	r := do(t, srv, http.MethodGet, "/graphql?query="+q, nil, map[string]string{"Accept": responseType})
	require.Equal(t, http.StatusMethodNotAllowed, r.Status)
	require.Equal(t, "POST", r.Header.Get("Allow"))
}
