package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/directory/resident"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/config"
	"github.com/samverkanshub/hub/internal/platform/httpserver"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/tasks"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// demoTemplate holds the demo data of `hub dev`, sealed with the development
// keys: loaded once per test cluster and cloned for each test. What depends
// on the test (the issuer registrations naming its identity provider) is
// added per test.
var demoTemplate = &pgtest.Template{Name: "demo", Seed: func(ctx context.Context, pool *pgxpool.Pool) error {
	return seed.Demo(ctx, pool, demo.DevKeys(), "test")
}}

// authorizers lends each test an authorizer with the default policy.
// Making one evaluates the whole policy (about a second under the race
// detector on a loaded 2-core machine, most of a GraphQL test's setup), so
// they are reused: one test at a time has each, and one whose test changed
// the policy (Use with a version, as the policy store does) is dropped.
var authorizers authorizerPool

type authorizerPool struct {
	mu   sync.Mutex
	free []*authz.Authorizer
}

func (p *authorizerPool) get(t testing.TB) *authz.Authorizer {
	t.Helper()
	p.mu.Lock()
	var a *authz.Authorizer
	if n := len(p.free); n > 0 {
		a, p.free = p.free[n-1], p.free[:n-1]
	}
	p.mu.Unlock()
	if a == nil {
		var err error
		a, err = authz.New(authz.SamtyckeInForce)
		require.NoError(t, err)
	}
	t.Cleanup(func() {
		if a.Version() != 0 {
			return
		}
		p.mu.Lock()
		p.free = append(p.free, a)
		p.mu.Unlock()
	})
	return a
}

// testBundle is what a test needs beside the server under test.
type testBundle struct {
	db    *pgtest.DB
	app   *app.App // the API's application, its job queue an insert-only river client
	idp   *devidp.Provider
	authz *authz.Authorizer
	logs  *syncBuffer // everything the server logged, at debug level
	// idpRequests counts what the dev identity provider was asked, e.g.
	// idpRequests.count("GET /jwks").
	idpRequests *requestCounter
}

// requestCounter counts the requests a handler serves, by method and path.
type requestCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *requestCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		if c.n == nil {
			c.n = map[string]int{}
		}
		c.n[r.Method+" "+r.URL.Path]++
		c.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (c *requestCounter) count(methodAndPath string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[methodAndPath]
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent logging.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is the API under test. Requests carry a token of
// defaultLogin unless they set their own Authorization header.
type testServer struct {
	*httptest.Server
	idpURL string
	mu     sync.Mutex
	tokens map[string]string
}

const defaultLogin = "soc.karlstad"

// token fetches (once) a real access token for login from the dev identity
// provider's token endpoint, found through discovery.
func (s *testServer) token(t testing.TB, login string) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if tok, ok := s.tokens[login]; ok {
		return tok
	}
	var meta struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	res, err := http.Get(s.idpURL + "/.well-known/openid-configuration")
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(res.Body).Decode(&meta))
	res.Body.Close()
	res, err = http.PostForm(meta.TokenEndpoint, url.Values{
		"grant_type": {"password"}, "client_id": {devidp.ClientCLI}, "username": {login}, "password": {devidp.Password},
	})
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "token for %s", login)
	var body struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	s.tokens[login] = body.AccessToken
	return body.AccessToken
}

// setup starts the whole HTTP API over a fresh database holding the demo
// data, exactly as `hub serve` wires it. Functions in adjust may change the
// GraphQL options.
// countingStatements gives dataloaders a wait long enough for every
// sibling of a level to arrive even on a loaded CI machine, for tests that
// count statements.
func countingStatements(o *graph.Options) { o.BatchWait = 200 * time.Millisecond }

func setup(t testing.TB, adjust ...func(*graph.Options)) (*testServer, *testBundle) {
	t.Helper()
	return setupWith(t, false, adjust...)
}

// setupWith is setup; asOwner runs the API as the tables' owner, whom
// row-level security does not bind, so that tests can show the
// application's own rules hold without RLS behind them.
func setupWith(t testing.TB, asOwner bool, adjust ...func(*graph.Options)) (*testServer, *testBundle) {
	t.Helper()
	ctx := context.Background()
	authorizer := authorizers.get(t) // first: given back after every other cleanup
	d := pgtest.NewDatabaseFrom(t, demoTemplate)

	idpServer := httptest.NewUnstartedServer(nil)
	idpURL := "http://" + idpServer.Listener.Addr().String()
	idp, err := devidp.New(idpURL, demo.Users())
	require.NoError(t, err)
	idpRequests := &requestCounter{}
	idpServer.Config.Handler = idpRequests.wrap(idp)
	idpServer.Start()
	t.Cleanup(idpServer.Close)
	require.NoError(t, demo.TrustIssuer(ctx, d.Pool, idpURL))

	captured := &syncBuffer{}
	var logs io.Writer = captured
	if os.Getenv("HUB_TEST_LOG") != "" { // show the server's log, e.g. an INTERNAL error's cause
		logs = io.MultiWriter(captured, os.Stderr)
	}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	events := consent.NewListener()
	listenCtx, stopListening := context.WithCancel(ctx)
	t.Cleanup(stopListening)
	go events.Run(listenCtx, d.AppURL, logger)
	taskEvents := tasks.NewListener()
	go taskEvents.Run(listenCtx, d.AppURL, logger)
	// An event committed before a listener listens is lost: tests commit
	// their events right after subscribing.
	for _, ready := range []<-chan struct{}{events.Ready(), taskEvents.Ready()} {
		select {
		case <-ready:
		case <-time.After(30 * time.Second):
			t.Fatal("the event listeners did not start listening")
		}
	}
	jobs, err := timers.NewInserter(d.AppPool)
	require.NoError(t, err)
	application := &app.App{Pool: d.AppPool, Authz: authorizer, Keys: demo.DevKeys(), StatementTimeout: 5 * time.Second, Jobs: jobs}
	if asOwner {
		application.Pool = d.Pool
	}
	opts := graph.Options{
		App:           application,
		ConsentEvents: events,
		TaskEvents:    taskEvents,
		Authenticator: identity.NewAuthenticator(d.AppPool),
		Introspection: true,
	}
	if config.Defaults().ResidentDirectory { // as served
		opts.ResidentDirectory = resident.New(application.Pool, logger)
	}
	for _, f := range adjust {
		f(&opts)
	}
	e := httpserver.New(httpserver.Options{
		Logger:         logger,
		Pool:           d.AppPool,
		GraphQL:        graph.NewHandler(opts),
		SchemaSDL:      graph.SchemaSDL(),
		BodyLimitBytes: config.Defaults().BodyLimitBytes, // as served: 1 MiB
		RequestTimeout: 10 * time.Second,
		AllowedOrigin:  identity.NewOrigins(d.AppPool).AllowRequest, // as served
		GraphiQL:       graph.GraphiQL(idpURL, devidp.ClientSPA),
		TracerProvider: opts.TracerProvider,
	})
	srv := &testServer{Server: httptest.NewServer(e), idpURL: idpURL, tokens: map[string]string{}}
	t.Cleanup(srv.Close)
	return srv, &testBundle{db: d, app: application, idp: idp, authz: authorizer, logs: captured, idpRequests: idpRequests}
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

// post sends a GraphQL POST with Accept: application/json as defaultLogin.
func post(t *testing.T, srv *testServer, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return postAs(t, srv, defaultLogin, query, vars)
}

// postAs sends a GraphQL POST as the demo user login.
func postAs(t *testing.T, srv *testServer, login, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	return do(t, srv, http.MethodPost, "/graphql", body, map[string]string{
		"Content-Type": "application/json", "Accept": "application/json",
		"Authorization": "Bearer " + srv.token(t, login),
	})
}

// do sends a request; it carries defaultLogin's token unless headers has an
// "Authorization" entry ("" sends none).
func do(t *testing.T, srv *testServer, method, path string, body []byte, headers map[string]string) gqlResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if _, ok := headers["Authorization"]; !ok {
		req.Header.Set("Authorization", "Bearer "+srv.token(t, defaultLogin))
	}
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
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

// withoutResidentDirectory answers every waysIn from SQL
// (--resident-directory=false).
func withoutResidentDirectory(o *graph.Options) { o.ResidentDirectory = nil }
