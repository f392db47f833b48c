package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/httpserver"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// `hub healthcheck` against the hub's own HTTP front over a real database:
// ready, it exits 0; with the database gone (/readyz 503) and with nobody
// listening, it fails and says why. The address comes from $HUB_HTTP_ADDR
// as for hub serve, a wildcard host asked on loopback.
func TestHealthcheck_ZeroOnlyWhenTheAPIIsReady(t *testing.T) {
	d := pgtest.NewDatabase(t)
	pool, err := db.NewPool(context.Background(), db.PoolConfig{URL: d.URL, MaxConns: 2})
	require.NoError(t, err)
	e := httpserver.New(httpserver.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Pool: pool,
		GraphQL: http.NotFoundHandler(), BodyLimitBytes: 1 << 20, RequestTimeout: 5 * time.Second})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpserver.Serve(ctx, e, l, time.Second) }()
	t.Cleanup(func() { cancel(); <-served })
	port := l.Addr().(*net.TCPAddr).Port

	t.Setenv("HUB_HTTP_ADDR", net.JoinHostPort("", itoa(port))) // ":PORT", as in the image
	require.NoError(t, run(context.Background(), []string{"healthcheck"}))
	require.NoError(t, run(context.Background(), []string{"healthcheck", "--http-addr", "0.0.0.0:" + itoa(port)}))

	pool.Close() // the database is out of reach: /readyz answers 503
	err = run(context.Background(), []string{"healthcheck"})
	require.ErrorContains(t, err, "not ready: http://127.0.0.1:"+itoa(port)+"/readyz answered 503")

	closed := freePort(t)
	err = run(context.Background(), []string{"healthcheck", "--http-addr", "127.0.0.1:" + itoa(closed), "--timeout", "2s"})
	require.ErrorContains(t, err, "not healthy: http://127.0.0.1:"+itoa(closed)+"/readyz")
	require.ErrorContains(t, err, "connection refused")

	require.ErrorContains(t, run(context.Background(), []string{"healthcheck", "--http-addr", "8080"}), `--http-addr "8080"`)
}

func itoa(n int) string { return strconv.Itoa(n) }
