package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// readyStatus is the status /readyz answers at base (0: no answer).
func readyStatus(base string) int {
	c := http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// waitFor polls cond every 20 ms until it holds or bound passes, and
// returns how long it took (failing the test past the bound).
func waitFor(t *testing.T, bound time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	began := time.Now()
	for !cond() {
		require.Less(t, time.Since(began), bound, "%s within %s", what, bound)
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(began)
}

// PostgreSQL killed (`pg_ctl stop -m immediate`, as a crash) and started
// again while clients keep sending mutations to a `hub serve` process:
// every mutation answered with success is in the database, with its
// audit record and loggutdrag row, and nothing is half-written; during
// the outage mutations get an error answer (never a hang past a bound,
// never a cut connection) and /readyz answers 503; afterwards the same
// process serves again within a bounded time, and /readyz answers 200.
func TestFaults_PostgresKilledUnderWriteLoad_NothingLostNothingHalfWrittenAndTheHubRecovers(t *testing.T) {
	t.Parallel()
	pg := pgtest.NewKillable(t)
	c := newReplicaClusterOn(t, pg.DB)
	hub := c.process("--rate-limit-principal", "0", "--rate-limit-client", "0")
	load := newWriteLoad(c, hub.url)
	stop := make(chan struct{})
	workers := load.run(4, stop)

	waitFor(t, 10*time.Second, "writes succeed before the crash", func() bool { return load.okSince(time.Time{}) })
	time.Sleep(time.Second)
	pg.Kill(t)
	killed := time.Now()
	down := waitFor(t, 5*time.Second, "/readyz answers 503 while the database is down", func() bool { return readyStatus(hub.url) == http.StatusServiceUnavailable })
	time.Sleep(2*time.Second - time.Since(killed)) // an outage of 2 s, mutations sent all along
	require.Equal(t, http.StatusServiceUnavailable, readyStatus(hub.url), "still 503 at the end of the outage")
	pg.Start(t)
	restarted := time.Now()
	ready := waitFor(t, 10*time.Second, "/readyz answers 200 after the restart", func() bool { return readyStatus(hub.url) == http.StatusOK })
	recovered := waitFor(t, 10*time.Second, "a mutation succeeds again after the restart", func() bool { return load.okSince(restarted) })
	time.Sleep(time.Second)
	close(stop)
	workers.Wait()

	t.Logf("outage %s (503 after %s); after the restart /readyz 200 in %s, first success in %s",
		restarted.Sub(killed).Round(time.Millisecond), down.Round(time.Millisecond), ready.Round(time.Millisecond), recovered.Round(time.Millisecond))
	lost := checkWholeAndNothingLost(t, pg.DB.URL, load.acknowledged())
	load.report(t, lost)
	require.Zero(t, lost)
	require.Positive(t, load.failed, "the outage failed some mutations (else it tested nothing)")
	require.Zero(t, load.transport, "every mutation got a GraphQL answer, none a cut connection")
	require.Less(t, load.slowest, 10*time.Second, "no mutation hung during the outage")
	for failure := range load.failures {
		require.Contains(t, failure, "database", "a failure during the outage says the database is the problem")
	}
	require.Equal(t, http.StatusOK, readyStatus(hub.url))
}

// withApplicationName is dsn (a URL or key=value words) with the
// connections named name in pg_stat_activity.
func withApplicationName(dsn, name string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("application_name", name)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " application_name=" + name
}

// poolGauge reads one hub_db_pool_* value from the metrics at base.
func poolGauge(t *testing.T, base, name string) float64 {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "hub_db_pool_"+name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			return f
		}
	}
	t.Fatalf("no hub_db_pool_%s in the metrics", name)
	return 0
}

// A replica SIGKILLed while it has transactions open under write load
// (caught in the act: its connections hold written rows, so locks, of
// uncommitted transactions): the database ends its sessions and rolls
// them back, nothing is half-written and every acknowledged write is
// there; the other replica, under load all along, answers every request
// with success (no lock of the dead one left held: every Karlstad write
// takes one of the organisation's audit lanes), and its pool is healthy
// afterwards (no connection left acquired).
func TestFaults_ReplicaKilledMidTransaction_TheOtherServesOnAndNothingIsHalfWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newReplicaCluster(t)
	unlimited := []string{"--rate-limit-principal", "0", "--rate-limit-client", "0"}
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	a := c.process(append(unlimited, "--database-url", withApplicationName(c.d.AppURL, "replica-a"))...)
	b := c.process(append(unlimited, "--database-url", withApplicationName(c.d.AppURL, "replica-b"), "--metrics-addr", metricsAddr)...)

	loadA, loadB := newWriteLoad(c, a.url), newWriteLoad(c, b.url)
	stopA, stopB := make(chan struct{}), make(chan struct{})
	workersA, workersB := loadA.run(4, stopA), loadB.run(2, stopB)
	waitFor(t, 10*time.Second, "writes succeed on both replicas", func() bool { return loadA.okSince(time.Time{}) && loadB.okSince(time.Time{}) })
	time.Sleep(time.Second) // acknowledged writes of A to look for afterwards

	// Kill A the moment it has a transaction that has written (holds an
	// xid, so row locks) and has not committed.
	var open int
	waitFor(t, 10*time.Second, "replica A with a transaction open that has written", func() bool {
		require.NoError(t, c.d.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE application_name = 'replica-a' AND backend_xid IS NOT NULL`).Scan(&open))
		return open > 0
	})
	a.kill(t)
	killed := time.Now()
	close(stopA)
	workersA.Wait()

	gone := waitFor(t, 10*time.Second, "the database ends the dead replica's sessions", func() bool {
		var n int
		require.NoError(t, c.d.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'replica-a'`).Scan(&n))
		return n == 0
	})
	var locks int
	require.NoError(t, c.d.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
		WHERE s.application_name = 'replica-a'`).Scan(&locks))
	require.Zero(t, locks, "no lock of the dead replica left held")
	waitFor(t, 10*time.Second, "the survivor writes after the kill", func() bool { return loadB.okSince(killed.Add(gone)) })
	time.Sleep(time.Second)
	close(stopB)
	workersB.Wait()
	t.Logf("replica A killed with %d transaction(s) open that had written; its sessions gone after %s", open, gone.Round(time.Millisecond))

	lost := checkWholeAndNothingLost(t, c.d.URL, append(loadA.acknowledged(), loadB.acknowledged()...))
	t.Log("replica A (killed):")
	loadA.report(t, lost)
	t.Log("replica B (survivor):")
	loadB.report(t, 0)
	require.Zero(t, lost)
	require.Zero(t, loadB.failed, "the survivor answered every request with success")
	require.Less(t, loadB.slowest, 5*time.Second)
	require.Equal(t, http.StatusOK, readyStatus(b.url))
	waitFor(t, 5*time.Second, "no connection of the survivor's pool left acquired", func() bool {
		return poolGauge(t, "http://"+metricsAddr, "acquired_conns") == 0
	})
	require.LessOrEqual(t, poolGauge(t, "http://"+metricsAddr, "total_conns"), poolGauge(t, "http://"+metricsAddr, "max_conns"))
	res, err := gqlCall(ctx, http.DefaultClient, b.url, c.tokenFor("soc.karlstad"), rehab,
		`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": relay.ID(relay.TypeCase, demo.DemoCase)})
	require.NoError(t, err)
	require.True(t, res.ok(), "the survivor still reads: %+v", res)
}
