package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/pgtest"
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
