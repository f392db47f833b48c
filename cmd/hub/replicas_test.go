package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// Two `hub serve` replicas share one database. A samtycke revoked through
// one is out of force for the very next request on the other, and no read
// that starts after the revocation has committed sees the case (0 stale
// reads), while reads run on both replicas all along.
func TestServeReplicas_RevocationHoldsForTheNextRequestOnEveryReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cluster := newReplicaCluster(t)
	// Readers as fast as they can: no rate limit.
	unlimited := []string{"--rate-limit-principal", "0", "--rate-limit-client", "0"}
	a, b := cluster.replica(unlimited...), cluster.replica(unlimited...)
	issuer := cluster.issuer

	tokens := map[string]string{}
	for _, login := range []string{"ph.fk", "soc.karlstad"} {
		tok, err := passwordGrant(ctx, issuer, login, "demo")
		require.NoError(t, err)
		tokens[login] = tok
	}
	post := func(base, login, query string, vars map[string]any) map[string]any {
		body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(string(body)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokens[login])
		req.Header.Set("Hub-Purpose", "SAMORDNAD_REHABILITERING")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(raw, &out), string(raw))
		require.Nil(t, out["errors"], string(raw))
		return out["data"].(map[string]any)
	}
	caseID := relay.ID(relay.TypeCase, demo.DemoCase)
	sees := func(base string) bool {
		return post(base, "ph.fk", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": caseID})["node"] != nil
	}
	require.True(t, sees(a), "FK sees the demo case on replica A")
	require.True(t, sees(b), "and on replica B")

	// Readers on both replicas, all along. A read that began after the
	// revocation committed must not see the case.
	var revokedAt atomic.Int64 // unix nanos when revokeConsent returned
	var stale, readsAfter atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, base := range []string{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				began := time.Now().UnixNano()
				visible := sees(base)
				if r := revokedAt.Load(); r != 0 && began > r {
					readsAfter.Add(1)
					if visible {
						stale.Add(1)
					}
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	post(a, "soc.karlstad", `mutation($id: ID!) { revokeConsent(id: $id, reason: "återkallat") { status } }`,
		map[string]any{"id": relay.ID(relay.TypeConsent, demo.DemoConsent)})
	revokedAt.Store(time.Now().UnixNano())
	require.False(t, sees(b), "the very next request on replica B sees nothing")
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	require.Positive(t, readsAfter.Load(), "reads ran after the revocation")
	require.Zero(t, stale.Load(), "stale reads after the revocation")
}

// replicaCluster is one database with the demo data and a dev identity
// provider, for `hub serve` replicas started on it.
type replicaCluster struct {
	t           *testing.T
	d           *pgtest.DB
	issuer      string
	ring, index string
}

func newReplicaCluster(t *testing.T) *replicaCluster {
	t.Helper()
	return newReplicaClusterOn(t, pgtest.NewDatabase(t))
}

// newReplicaClusterOn is newReplicaCluster on a migrated database of the
// test's choosing (a killable cluster's, for the fault tests).
func newReplicaClusterOn(t *testing.T, d *pgtest.DB) *replicaCluster {
	t.Helper()
	ctx := context.Background()
	ring, index := "k1:"+piicrypt.NewKey(), piicrypt.NewKey()
	keys, err := piicrypt.ParseKeys(ring, index)
	require.NoError(t, err)
	require.NoError(t, seed.Demo(ctx, d.Pool, keys, "test"))

	idpServer := httptest.NewUnstartedServer(nil)
	issuer := "http://" + idpServer.Listener.Addr().String()
	idp, err := devidp.New(issuer, demo.Users())
	require.NoError(t, err)
	idpServer.Config.Handler = idp
	idpServer.Start()
	t.Cleanup(idpServer.Close)
	require.NoError(t, demo.TrustIssuer(ctx, d.Pool, issuer))
	return &replicaCluster{t: t, d: d, issuer: issuer, ring: ring, index: index}
}

// replicas starts n replicas with the same flags (see replica).
func (c *replicaCluster) replicas(n int, extra ...string) []string {
	c.t.Helper()
	urls := make([]string, n)
	for i := range urls {
		urls[i] = c.replica(extra...)
	}
	return urls
}

// serveArgs are the arguments of `hub serve` on the cluster's database,
// listening on addr, followed by extra.
func (c *replicaCluster) serveArgs(addr string, extra ...string) []string {
	return append([]string{"serve", "--database-url", c.d.AppURL, "--http-addr", addr,
		"--pii-keys", c.ring, "--pii-index-key", c.index, "--log-level", "error"}, extra...)
}

// replica starts a `hub serve` replica (with the flags extra), stopped
// when the test ends, and returns its base URL once it is ready.
func (c *replicaCluster) replica(extra ...string) string {
	t := c.t
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(runCtx, c.serveArgs(addr, extra...))
	}()
	t.Cleanup(func() { cancel(); <-done })
	return waitReady(t, "http://"+addr, done)
}

// waitReady waits until the server at base answers /readyz with 200 and
// returns base; done delivers the server's end, which fails the test.
func waitReady(t *testing.T, base string, done <-chan error) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case err := <-done:
			t.Fatalf("hub serve ended early: %v", err)
		default:
		}
		require.True(t, time.Now().Before(deadline), "hub serve did not become ready")
		time.Sleep(50 * time.Millisecond)
	}
}
