package httpserver_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/httpserver"
)

// A request in flight when shutdown begins still gets its answer; new
// connections are refused.
func TestServe_ShutdownDrainsInFlightRequests(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(w, `{"data":{}}`)
	})
	e := httpserver.New(httpserver.Options{
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		GraphQL:        slow,
		BodyLimitBytes: 1 << 20,
		RequestTimeout: 5 * time.Second,
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpserver.Serve(ctx, e, l, 5*time.Second) }()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Post("http://"+l.Addr().String()+"/graphql", "application/json", nil)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		got <- result{status: res.StatusCode, body: string(b)}
	}()
	<-started
	cancel() // SIGTERM arrives while the request runs

	r := <-got
	require.NoError(t, r.err)
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, `{"data":{}}`, r.body)
	require.NoError(t, <-served)
	_, err = net.DialTimeout("tcp", l.Addr().String(), time.Second)
	require.Error(t, err, "no new connections after shutdown")
}
