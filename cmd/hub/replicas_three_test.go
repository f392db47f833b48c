package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/policy"
)

// threeReplicas is three `hub serve` replicas on one database behind one
// address (a round-robin reverse proxy).
type threeReplicas struct {
	*replicaCluster
	urls  []string
	proxy string
}

func newThreeReplicas(t *testing.T) threeReplicas {
	t.Helper()
	c := newReplicaCluster(t)
	urls := c.replicas(3, "--rate-limit-principal", "0", "--rate-limit-client", "0")
	return threeReplicas{replicaCluster: c, urls: urls, proxy: roundRobin(t, urls)}
}

// everywhere is each replica directly, then the proxy three times (so
// that, round robin, it reaches each replica once more).
func (r threeReplicas) everywhere() []string {
	return append(append([]string{}, r.urls...), r.proxy, r.proxy, r.proxy)
}

// ask posts query to base and fails the test on a transport failure.
func (r threeReplicas) ask(base, token, purpose, query string, vars map[string]any) gqlResult {
	r.t.Helper()
	res, err := gqlCall(context.Background(), http.DefaultClient, base, token, purpose, query, vars)
	require.NoError(r.t, err)
	return res
}

const rehab = "SAMORDNAD_REHABILITERING"

// Behind one address, a samtycke revocation, a directory change and a
// policy change (`hub policy load`) are each seen by the very next
// request on every replica, asked directly and through the address.
func TestServeReplicas_ThreeBehindOneAddress_ChangesHoldOnEveryReplica(t *testing.T) {
	t.Parallel()
	r := newThreeReplicas(t)
	fk, soc, logg, admin := r.tokenFor("ph.fk"), r.tokenFor("soc.karlstad"), r.tokenFor("logg.karlstad"), r.tokenFor("admin.samspelet")

	// The revocation.
	caseID := relay.ID(relay.TypeCase, demo.DemoCase)
	seesCase := func(base string) bool {
		res := r.ask(base, fk, rehab, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": caseID})
		require.True(t, res.ok() || res.code() == "", "%+v", res)
		return string(res.Data) != `{"node":null}`
	}
	for _, base := range r.everywhere() {
		require.True(t, seesCase(base), "FK sees the demo case at %s before the revocation", base)
	}
	res := r.ask(r.proxy, soc, rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "återkallat") { status } }`,
		map[string]any{"id": relay.ID(relay.TypeConsent, demo.DemoConsent)})
	require.True(t, res.ok(), "%+v", res)
	for _, base := range r.everywhere() {
		require.False(t, seesCase(base), "the next request at %s after the revocation sees no case", base)
	}

	// The directory change: an entry added, then renamed, then archived.
	const ways = `query($m: String!) { waysIn(topic: SAMORDNAD_REHABILITERING, municipalityCode: $m) {
		match entry { id functionName organization { name } stale channels { kind value note } }
		fallbackChain { functionName channels { kind value } } } }`
	entry := map[string]any{
		"unitId": relay.ID(relay.TypeUnit, demo.ID("unit/samspelet/kansli")), "functionName": "Samspelet, replikprov",
		"topics": []string{"SAMORDNAD_REHABILITERING"}, "municipalityCodes": []string{"1780"}, "visibility": "PUBLIC",
		"channels": []map[string]any{{"kind": "PHONE", "value": "054-11 22 33", "visibility": "PUBLIC"}},
	}
	upsert := func(in map[string]any) string {
		res := r.ask(r.proxy, admin, "", `mutation($in: DirectoryEntryInput!) { upsertDirectoryEntry(input: $in) { id } }`, map[string]any{"in": in})
		require.True(t, res.ok(), "%+v", res)
		var out struct{ UpsertDirectoryEntry struct{ ID string } }
		require.NoError(t, json.Unmarshal(res.Data, &out))
		return out.UpsertDirectoryEntry.ID
	}
	// sameEverywhere asks waysIn at every replica and through the proxy,
	// as an organisation that sees PUBLIC entries only (FK) and as a
	// member of the förbund (Karlstad), and requires one answer per
	// asker; it returns the Karlstad one.
	sameEverywhere := func(what string) string {
		var karlstad string
		for _, tok := range []string{fk, soc} {
			var first string
			for _, base := range r.everywhere() {
				res := r.ask(base, tok, "", ways, map[string]any{"m": "1780"})
				require.True(t, res.ok(), "%+v", res)
				if first == "" {
					first = string(res.Data)
				}
				require.Equal(t, first, string(res.Data), "%s: waysIn at %s is the one of the first replica", what, base)
			}
			karlstad = first
		}
		return karlstad
	}
	before := sameEverywhere("before the change")
	require.NotContains(t, before, "replikprov")
	id := upsert(entry)
	require.Contains(t, sameEverywhere("after the entry was added"), "Samspelet, replikprov")
	entry["id"], entry["functionName"] = id, "Samspelet, omdöpt replikprov"
	require.Equal(t, id, upsert(entry))
	renamed := sameEverywhere("after the entry was renamed")
	require.Contains(t, renamed, "Samspelet, omdöpt replikprov")
	require.NotContains(t, renamed, `"Samspelet, replikprov"`)
	res = r.ask(r.proxy, admin, "", `mutation($id: ID!) { archiveDirectoryEntry(id: $id) { entry { id } } }`, map[string]any{"id": id})
	require.True(t, res.ok(), "%+v", res)
	require.Equal(t, before, sameEverywhere("after the entry was archived"))

	// The policy change: the loggranskare loses the audit trail.
	const trail = `{ auditTrail(first: 1) { totalCount } }`
	for _, base := range r.everywhere() {
		res := r.ask(base, logg, "", trail, nil)
		require.True(t, res.ok(), "the loggranskare reads the audit trail at %s: %+v", base, res)
	}
	const rule = "p, LOGGRANSKARE, audit_record, read, OWN, allow\n"
	require.Contains(t, policy.Default, rule)
	file := filepath.Join(t.TempDir(), "policy.csv")
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(policy.Default, rule, "", 1)), 0o600))
	// `hub policy load` returns once every replica has the new policy in
	// force (each tabulates it: ~0.7 s on this busy machine).
	began := time.Now()
	require.NoError(t, run(context.Background(), []string{"policy", "--database-url", r.d.URL, "load", file}))
	t.Logf("`hub policy load` took %s with three replicas", time.Since(began).Round(time.Millisecond))
	for _, base := range r.everywhere() {
		res := r.ask(base, logg, "", trail, nil)
		require.Equal(t, "FORBIDDEN", res.code(), "the next request at %s after the policy change: %+v", base, res)
		require.JSONEq(t, "null", string(res.Data))
	}
}

// Subscribers connected to different replicas (two directly, one through
// the address, its WebSocket passed through the proxy) each get the event
// of a task sent on a third replica, within a second.
func TestServeReplicas_ThreeBehindOneAddress_SubscriptionsFanOut(t *testing.T) {
	t.Parallel()
	r := newThreeReplicas(t)
	const events = `subscription { taskEvents { kind task { id } } }`
	subscribers := map[string]*websocket.Conn{
		"replica 1":   subscribe(t, r.urls[0], r.tokenFor("soc.karlstad"), events),
		"replica 2":   subscribe(t, r.urls[1], r.tokenFor("soc.karlstad"), events),
		"the address": subscribe(t, r.proxy, r.tokenFor("soc.karlstad"), events),
	}
	created := sendSignal(t, r.urls[2], r.tokenFor("rehab.vc"))
	for where, ws := range subscribers {
		payload := nextEvent(t, ws, time.Second)
		var got struct {
			Data struct {
				TaskEvents struct {
					Kind string
					Task struct{ ID string }
				}
			}
			Errors []any
		}
		require.NoError(t, json.Unmarshal(payload, &got), string(payload))
		require.Empty(t, got.Errors, "%s: %s", where, payload)
		require.Equal(t, "CREATED", got.Data.TaskEvents.Kind, where)
		require.Equal(t, created.ID, got.Data.TaskEvents.Task.ID, where)
	}
}
