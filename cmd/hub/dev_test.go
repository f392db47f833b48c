package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// The README's first command, end to end: `hub dev` creates its cluster,
// loads the demo data and answers GraphQL; a second `hub dev` on the same
// data directory is refused while the first runs (it used to reuse the
// cluster and stop it on its way out); stopped and started again, it
// reuses the cluster and its data.
func TestDev_StartsWithDemoDataRefusesASecondOnItsDataAndReusesTheClusterOnTheNextRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a durable PostgreSQL cluster")
	}
	t.Setenv("HUB_DATABASE_URL", "")
	dir, err := os.MkdirTemp("", "hubdev-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755)) // reachable by the postgres user when root
	dataDir := filepath.Join(dir, "data")

	var issuer, metricsAddr string
	var args []string
	start := func() (addr string, stop func()) {
		dbPort, httpPort, idpPort := freePort(t), freePort(t), freePort(t)
		addr = fmt.Sprintf("127.0.0.1:%d", httpPort)
		metricsAddr = fmt.Sprintf("127.0.0.1:%d", freePort(t)) // hub dev's own is localhost:9464
		issuer = fmt.Sprintf("http://127.0.0.1:%d", idpPort)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		args = []string{"dev", "--data-dir", dataDir, "--db-port", fmt.Sprint(dbPort),
			"--http-addr", addr, "--idp-addr", strings.TrimPrefix(issuer, "http://"), "--metrics-addr", metricsAddr, "--log-level", "warn"}
		go func() { done <- run(ctx, args) }()
		deadline := time.Now().Add(60 * time.Second)
		for {
			res, err := http.Get("http://" + addr + "/readyz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					break
				}
			}
			select {
			case err := <-done:
				t.Fatalf("hub dev ended early: %v", err)
			default:
			}
			require.True(t, time.Now().Before(deadline), "hub dev did not become ready")
			time.Sleep(100 * time.Millisecond)
		}
		return addr, func() {
			cancel()
			require.NoError(t, <-done)
		}
	}
	federationCount := func(addr string) string {
		// The README's flow: a token from the dev provider, then a query.
		token, err := passwordGrant(context.Background(), issuer, "soc.karlstad", "demo")
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql",
			strings.NewReader(`{"query":"{ federations { totalCount } }"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return string(b)
	}

	addr, stop := start()
	res, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { userId } }"}`))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode, "no token, no answer")
	require.JSONEq(t, `{"data":{"federations":{"totalCount":2}}}`, federationCount(addr))
	require.Contains(t, scrape(t, metricsAddr), "hub_build_info", "hub dev serves metrics")

	// The same command again, as a second terminal would run it.
	err = run(context.Background(), args)
	require.ErrorContains(t, err, fmt.Sprintf("process %d holds", os.Getpid()), "the error names the hub dev holding the directory")
	require.ErrorContains(t, err, "another hub dev is using this data directory")
	res, err = http.Get("http://" + addr + "/readyz")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "the first hub dev keeps its database")
	stop()
	_, err = os.Stat(filepath.Join(dataDir, "pg", "postmaster.pid"))
	require.True(t, os.IsNotExist(err), "the cluster is stopped with the API")

	addr, stop = start()
	require.JSONEq(t, `{"data":{"federations":{"totalCount":2}}}`, federationCount(addr), "seeding again does not duplicate")
	stop()
}

// The log's token hint asks the identity provider hub dev runs, wherever
// --idp-addr put it.
func TestTokenHint_NamesTheIssuerUnlessItIsTheDefault(t *testing.T) {
	t.Parallel()
	require.Equal(t, "go run ./cmd/hub token soc.karlstad", tokenHint("http://localhost:8081"))
	require.Equal(t, "go run ./cmd/hub token --issuer http://127.0.0.1:9091 soc.karlstad", tokenHint("http://127.0.0.1:9091"))
}
