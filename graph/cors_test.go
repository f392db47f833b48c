package graph_test

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/browsertest"
)

// partnerPage is a partner's single-page app: on load it asks the API for
// the cases Försäkringskassan may see under a purpose, with a bearer token,
// and leaves what happened in window.outcome.
var partnerPage = template.Must(template.New("spa").Parse(`<!doctype html><html><body><script>
// A subscription's WebSocket: the server's first answer to connection_init.
const socket = () => new Promise((resolve) => {
  const s = new WebSocket({{.API}}.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  s.onopen = () => s.send(JSON.stringify({type: 'connection_init', payload: {'Authorization': 'Bearer ' + {{.Token}}}}));
  s.onmessage = (e) => { resolve(JSON.parse(e.data).type); s.close(); };
  s.onclose = (e) => resolve('closed ' + e.code);
});
fetch({{.API}} + '/graphql', {method: 'POST',
  headers: {'Authorization': 'Bearer ' + {{.Token}}, 'Content-Type': 'application/json', 'Hub-Purpose': 'SAMORDNAD_REHABILITERING'},
  body: JSON.stringify({query: '{ cases { nodes { individual { givenName } } } }'})})
  .then((res) => res.text().then((body) => ({status: res.status, body})))
  .catch((e) => ({error: String(e)}))
  .then(async (out) => { out.socket = await socket(); window.outcome = out; });
</script></body></html>`))

type fetchOutcome struct {
	Status int    `json:"status"`
	Body   string `json:"body"`
	Error  string `json:"error"`
	Socket string `json:"socket"`
}

// A page on an origin registered for an organisation's SPA client reads
// the API's answer in a real browser and opens a subscription WebSocket; a
// page on any other origin is blocked by the browser, because the hub
// answers it without CORS headers, and its WebSocket upgrade is refused.
func TestCORS_BrowserOnARegisteredOriginGetsDataAndAnOtherOriginIsBlocked(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	servePage := func() *httptest.Server {
		token := srv.token(t, "ph.fk")
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = partnerPage.Execute(w, map[string]string{"API": srv.URL, "Token": token})
		}))
		t.Cleanup(s.Close)
		return s
	}
	registered, unregistered := servePage(), servePage()
	require.NoError(t, identity.RegisterOrigin(context.Background(), b.db.Pool, demo.ID("org/fk"), "fk-partner-spa", registered.URL))

	browser := browsertest.New(t)
	load := func(url string) fetchOutcome {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, 60*time.Second)
		defer cancel()
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)))
		raw, err := chromedp.Run(ctx, chromedp.Poll[[]byte](`window.outcome`))
		require.NoError(t, err)
		var out fetchOutcome
		require.NoError(t, json.Unmarshal(raw, &out), string(raw))
		return out
	}

	got := load(registered.URL)
	require.Empty(t, got.Error)
	require.Equal(t, http.StatusOK, got.Status, got.Body)
	require.Contains(t, got.Body, `"givenName":"Kim"`)
	require.Equal(t, "connection_ack", got.Socket, "a subscription's WebSocket opens from a registered origin")

	got = load(unregistered.URL)
	require.Equal(t, "TypeError: Failed to fetch", got.Error, "the browser must keep the answer from a page on an unregistered origin")
	require.Zero(t, got.Status)
	require.Equal(t, "closed 1006", got.Socket, "the WebSocket upgrade from an unregistered origin is refused")
}

// The preflight of a registered origin names what a GraphQL client sends;
// an unregistered origin's gets no CORS headers at all; the origin is
// echoed, never "*", and credentials are never allowed.
func TestCORS_PreflightAnswersRegisteredOriginsOnly(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	preflight := func(origin string) *http.Response {
		req, err := http.NewRequest(http.MethodOptions, srv.URL+"/graphql", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		// As browsers send it: lowercase, sorted.
		req.Header.Set("Access-Control-Request-Headers", "apollographql-client-name,authorization,content-type,hub-purpose")
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res
	}

	res := preflight(demo.SPAOrigins[0]) // the demo registers it for hub-spa
	require.Equal(t, http.StatusNoContent, res.StatusCode)
	require.Equal(t, demo.SPAOrigins[0], res.Header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "apollographql-client-name,authorization,content-type,hub-purpose", res.Header.Get("Access-Control-Allow-Headers"))
	require.Equal(t, "POST", res.Header.Get("Access-Control-Allow-Methods"))
	require.Equal(t, "7200", res.Header.Get("Access-Control-Max-Age"))
	require.Contains(t, strings.Join(res.Header.Values("Vary"), ","), "Origin")
	require.Empty(t, res.Header.Get("Access-Control-Allow-Credentials"))

	res = preflight("http://localhost:5174")
	require.Equal(t, http.StatusNoContent, res.StatusCode)
	require.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))
	require.Empty(t, res.Header.Get("Access-Control-Allow-Methods"))
	require.Contains(t, strings.Join(res.Header.Values("Vary"), ","), "Origin")

	// The actual request: the registered origin is echoed, the request id
	// may be read; the other origin's answer has no CORS headers.
	r := do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"{ me { userId } }"}`),
		map[string]string{"Content-Type": "application/json", "Origin": demo.SPAOrigins[1]})
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, demo.SPAOrigins[1], r.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, r.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id")
	r = do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"{ me { userId } }"}`),
		map[string]string{"Content-Type": "application/json", "Origin": "https://evil.example"})
	require.Equal(t, http.StatusOK, r.Status) // the browser, not the server, blocks it
	require.Empty(t, r.Header.Get("Access-Control-Allow-Origin"))
}
