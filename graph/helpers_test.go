package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/httpserver"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testBundle is what a test needs beside the server under test.
type testBundle struct {
	db *pgtest.DB
}

// setup starts the whole HTTP API over a fresh database holding the demo
// data, exactly as `hub serve` wires it. Functions in adjust may change the
// GraphQL options.
func setup(t *testing.T, adjust ...func(*graph.Options)) (*httptest.Server, *testBundle) {
	t.Helper()
	d := pgtest.NewDatabase(t)
	require.NoError(t, demo.Load(context.Background(), d.Pool))
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := graph.Options{
		Pool:             d.Pool,
		StatementTimeout: 5 * time.Second,
		Introspection:    true,
	}
	for _, f := range adjust {
		f(&opts)
	}
	e := httpserver.New(httpserver.Options{
		Logger:         logger,
		Pool:           d.Pool,
		GraphQL:        graph.NewHandler(opts),
		SchemaSDL:      graph.SchemaSDL(),
		BodyLimitBytes: 64 << 10,
		RequestTimeout: 10 * time.Second,
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv, &testBundle{db: d}
}

// gqlResponse is a decoded GraphQL response.
type gqlResponse struct {
	Status int
	Header http.Header
	Raw    map[string]json.RawMessage
	Data   json.RawMessage
	Errors []gqlError
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (r gqlResponse) code(i int) string {
	c, _ := r.Errors[i].Extensions["code"].(string)
	return c
}

// post sends a GraphQL POST with Accept: application/json.
func post(t *testing.T, srv *httptest.Server, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	return do(t, srv, http.MethodPost, "/graphql", body, map[string]string{
		"Content-Type": "application/json", "Accept": "application/json",
	})
}

func do(t *testing.T, srv *httptest.Server, method, path string, body []byte, headers map[string]string) gqlResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	out := gqlResponse{Status: res.StatusCode, Header: res.Header}
	if len(raw) > 0 && json.Valid(raw) {
		require.NoError(t, json.Unmarshal(raw, &out.Raw), string(raw))
		out.Data = out.Raw["data"]
		if e, ok := out.Raw["errors"]; ok {
			require.NoError(t, json.Unmarshal(e, &out.Errors))
		}
	}
	return out
}

// mustData requires an error-free response and decodes its data into v.
func mustData(t *testing.T, r gqlResponse, v any) {
	t.Helper()
	require.Equal(t, http.StatusOK, r.Status)
	require.Empty(t, r.Errors, "unexpected errors")
	require.NoError(t, json.Unmarshal(r.Data, v))
}

// requireError requires exactly one error with the code, whose message
// contains msg.
func requireError(t *testing.T, r gqlResponse, code, msg string) {
	t.Helper()
	require.Len(t, r.Errors, 1, "want one error")
	require.Equal(t, code, r.code(0))
	require.Contains(t, r.Errors[0].Message, msg)
}
