package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The profiler shows the program's internals and flags: it listens on a
// loopback address only.
func TestServeProfiler_LoopbackOnly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:6060", "example.org:6060", "nonsense"} {
		require.Error(t, serveProfiler(ctx, addr, logger), addr)
	}
	require.NoError(t, serveProfiler(ctx, "127.0.0.1:0", logger))
}

// A profile can be fetched from it.
func TestServeProfiler_ServesProfiles(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	require.NoError(t, serveProfiler(ctx, addr, slog.New(slog.NewTextHandler(io.Discard, nil))))
	resp, err := http.Get("http://" + addr + "/debug/pprof/goroutine?debug=1")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(body), "goroutine profile")
}
