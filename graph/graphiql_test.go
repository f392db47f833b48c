package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/platform/browsertest"
)

// graphiqlSession is GraphiQL open in a real browser, signed in.
type graphiqlSession struct {
	t       *testing.T
	browser context.Context
}

// openGraphiQL opens the hub's GraphiQL in headless Chromium and signs in
// as login at the dev identity provider's page, as a person would. It
// returns the session and the authorization request's parameters.
func openGraphiQL(t *testing.T, srv *testServer, login string) (*graphiqlSession, url.Values) {
	t.Helper()
	s := &graphiqlSession{t: t, browser: browsertest.New(t)}
	ctx, cancel := context.WithTimeout(s.browser, 60*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/graphiql"),
		chromedp.WaitVisible(chromedp.CSS(`input[value="`+login+`"]`)),
	))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	authorize, err := url.Parse(loc)
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[value="`+login+`"]`)),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-execute-button`)),
	))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.getElementById('who').textContent.startsWith(%q)`, login)))
	require.NoError(t, err, "the bar names who is signed in")
	return s, authorize.Query()
}

// textOnceShown opens url in a fresh browser and returns the text of the
// element with id once it is visible.
func textOnceShown(t *testing.T, url, id string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(browsertest.New(t), 60*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.ID(id))))
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	require.NoError(t, err)
	return text
}

// eval runs JavaScript in the page.
func (s *graphiqlSession) eval(js string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.browser, 30*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](js))
	require.NoError(s.t, err, js)
}

// pickPurpose chooses a purpose in the bar's picker ("" for none).
func (s *graphiqlSession) pickPurpose(p string) {
	s.t.Helper()
	s.eval(fmt.Sprintf(`{ const el = document.getElementById('purpose'); el.value = %q; el.dispatchEvent(new Event('change')); }`, p))
}

// setHeaders opens the headers editor and types headers into it.
func (s *graphiqlSession) setHeaders(headers string) {
	s.t.Helper()
	s.eval(`[...document.querySelectorAll('.graphiql-editor-tools button')].find((b) => b.textContent.trim() === 'Headers').click()`)
	ctx, cancel := context.WithTimeout(s.browser, 30*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')`))
	require.NoError(s.t, err, "the headers editor opens")
	s.eval(fmt.Sprintf(`document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror.setValue(%q)`, headers))
}

// run puts query in the editor, presses the run button and returns the
// result pane's text once it holds want.
func (s *graphiqlSession) run(query, want string) string {
	s.t.Helper()
	s.eval(`document.querySelector('.result-window .CodeMirror').CodeMirror.setValue('')`)
	s.eval(fmt.Sprintf(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(%q)`, query))
	ctx, cancel := context.WithTimeout(s.browser, 30*time.Second)
	defer cancel()
	require.NoError(s.t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.graphiql-execute-button`))))
	out, err := chromedp.Run(ctx, chromedp.Poll[string](fmt.Sprintf(
		`(() => { const v = document.querySelector('.result-window .CodeMirror').CodeMirror.getValue(); return v.includes(%q) ? v : false })()`, want)))
	if err != nil {
		pane, _ := chromedp.Run(s.browser, chromedp.Evaluate[string](`document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()`))
		require.NoError(s.t, err, "the result pane shows %q; it holds: %s", want, pane)
	}
	return out
}

// A person tries the API in GraphiQL: the login asks the dev provider for
// the scopes it offers; the purpose picked in the bar reaches the request,
// and so do the headers typed into GraphiQL's headers editor.
func TestGraphiQL_RunsQueriesWithThePurposePickedAndTheHeadersTyped(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	s, authorize := openGraphiQL(t, srv, "ph.fk")
	require.Equal(t, "openid profile", authorize.Get("scope"), "the dev provider lists profile in scopes_supported")
	require.Equal(t, devidp.ClientSPA, authorize.Get("client_id"))

	const cases = `{ cases { nodes { individual { givenName } } } }`
	s.pickPurpose("SAMORDNAD_REHABILITERING")
	s.run(cases, `"givenName": "Kim"`)

	s.pickPurpose("")
	s.run(cases, "declare the purpose of this request in the Hub-Purpose header")

	s.setHeaders(`{"Hub-Purpose": "SAMORDNAD_REHABILITERING"}`)
	s.run(cases, `"givenName": "Kim"`)

	// What was typed (variables may hold a personnummer) stays in this
	// tab's session, never in localStorage, and logging out forgets it.
	ctx, cancel := context.WithTimeout(s.browser, 30*time.Second)
	defer cancel()
	kept := func(store string) int {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Object.keys(`+store+`).filter((k) => k.startsWith('graphiql:')).length`))
		require.NoError(t, err)
		return n
	}
	require.Zero(t, kept("localStorage"), "GraphiQL writes nothing to localStorage")
	require.Positive(t, kept("sessionStorage"), "GraphiQL keeps its tabs in the session")
	s.eval(`forget()`)
	require.Zero(t, kept("sessionStorage"), "logging out forgets the tabs")
}

// A subscription started in GraphiQL runs over a WebSocket (graphql-ws)
// with the token and the purpose in connection_init, and its events reach
// the page.
func TestGraphiQL_SubscriptionDeliversEventsToThePage(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	s, _ := openGraphiQL(t, srv, "soc.karlstad")
	s.pickPurpose(rehab)
	s.eval(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('subscription { consentEvents { kind consentId } }')`)
	ctx, cancel := context.WithTimeout(s.browser, 60*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.graphiql-execute-button`))))

	// Record samtycken until the page shows one: the subscription starts a
	// moment after the button is pressed (the WebSocket connects first),
	// and an event before that is not delivered.
	deadline := time.Now().Add(30 * time.Second)
	for {
		time.Sleep(time.Second)
		recordAFSamtycke(t, srv)
		pane, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()`))
		require.NoError(t, err)
		if strings.Contains(pane, `"kind": "RECORDED"`) {
			require.Contains(t, pane, `"consentId": "`)
			return
		}
		require.True(t, time.Now().Before(deadline), "no event reached the page; the result pane holds: %s", pane)
	}
}

// GraphiQL asks for profile only where the identity provider offers it:
// Keycloak, for one, refuses a scope it does not have (invalid_scope).
func TestGraphiQL_AsksOnlyForScopesTheProviderOffers(t *testing.T) {
	t.Parallel()
	// An identity provider whose discovery offers openid alone; its
	// authorization endpoint shows what it was asked.
	var idp *httptest.Server
	idp = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*") // discovery is public
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": idp.URL, "authorization_endpoint": idp.URL + "/authorize",
				"token_endpoint": idp.URL + "/token", "scopes_supported": []string{"openid", "hub"}})
		case "/authorize":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><p id="asked">%s</p>`, r.URL.Query().Get("scope"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(idp.Close)
	page := httptest.NewServer(graph.GraphiQL(idp.URL, devidp.ClientSPA))
	t.Cleanup(page.Close)

	require.Equal(t, "openid", textOnceShown(t, page.URL+"/graphiql", "asked"))
}

// When GraphiQL's scripts cannot load (here: one whose content is not what
// its integrity hash says), the browser refuses to run it and the page
// says so, instead of staying blank.
func TestGraphiQL_SaysSoWhenItsScriptsCannotLoad(t *testing.T) {
	t.Parallel()
	served := graph.GraphiQL("http://127.0.0.1:1", devidp.ClientSPA)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphiql/assets/graphql-ws-5.16.2.min.js" {
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, "window.graphqlWs = {tampered: true};")
			return
		}
		served.ServeHTTP(w, r)
	}))
	t.Cleanup(page.Close)

	msg := textOnceShown(t, page.URL+"/graphiql", "problem")
	require.Contains(t, msg, "GraphiQL cannot start: graphql-ws did not load")
	require.Contains(t, msg, "/graphiql/assets/graphql-ws-5.16.2.min.js")
	require.Contains(t, msg, "does not match the integrity hash")
}

// The files the hub serves are the ones taken from npm (graph/graphiql/
// README.md): each embedded file has the hash the page names.
func TestGraphiQL_AssetsAreTheRecordedFiles(t *testing.T) {
	t.Parallel()
	recorded := graph.GraphiQLRecordedAssets()
	require.Len(t, recorded, 5)
	srv := httptest.NewServer(graph.GraphiQL("http://127.0.0.1:1", devidp.ClientSPA))
	t.Cleanup(srv.Close)
	res, err := http.Get(srv.URL + "/graphiql")
	require.NoError(t, err)
	var page bytes.Buffer
	_, _ = page.ReadFrom(res.Body)
	res.Body.Close()
	for name, want := range recorded {
		got, err := graph.GraphiQLAssetIntegrity(name)
		require.NoError(t, err)
		require.Equal(t, want, got, "%s changed: record its new hash and version (graph/graphiql/README.md)", name)
		require.Contains(t, html.UnescapeString(page.String()), `integrity="`+want+`" crossorigin="anonymous"`)
		res, err := http.Get(srv.URL + "/graphiql/assets/" + name)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, name)
		require.Contains(t, res.Header.Get("Cache-Control"), "immutable")
	}
	res, err = http.Get(srv.URL + "/graphiql/assets/LICENSE.react")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode, "only the listed files are served")
}
