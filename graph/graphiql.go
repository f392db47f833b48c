package graph

import (
	"crypto/rand"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/samverkanshub/hub/internal/consent"
)

// graphiqlFiles are GraphiQL and what it needs, pinned copies from the npm
// registry (versions, sources and licences in graphiql/README.md).
//
//go:embed graphiql/*.js graphiql/*.css graphiql/LICENSE.*
var graphiqlFiles embed.FS

// graphiqlAsset is one file of graphiqlFiles with the SHA-384 recorded when
// it was taken from its npm package: the page names it as the script's
// integrity, and TestGraphiQL_AssetsAreTheRecordedFiles checks the
// embedded file against it.
type graphiqlAsset struct {
	Name, Integrity string
}

// graphiqlAssets, in the order the page loads them.
var (
	graphiqlCSS     = graphiqlAsset{"graphiql-3.8.3.min.css", "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM"}
	graphiqlScripts = []graphiqlAsset{
		{"react-18.3.1.production.min.js", "sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z"},
		{"react-dom-18.3.1.production.min.js", "sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1"},
		{"graphiql-3.8.3.min.js", "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie"},
		{"graphql-ws-5.16.2.min.js", "sha384-+EVxFEOpy8LWPRQcpntm0FKN2O+BzrMNSL0G3HIgVWFmeb6xqZqjuLivrQUTXZKi"},
	}
)

// graphiqlAssetPrefix is where the page loads its files from.
const graphiqlAssetPrefix = "/graphiql/assets/"

// GraphiQLAssetIntegrity returns the SHA-384 subresource integrity of the
// embedded file name ("sha384-…"), for tests.
func GraphiQLAssetIntegrity(name string) (string, error) {
	b, err := graphiqlFiles.ReadFile("graphiql/" + name)
	if err != nil {
		return "", fmt.Errorf("GraphiQL asset %s: %w", name, err)
	}
	sum := sha512.Sum384(b)
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:]), nil
}

// GraphiQLRecordedAssets returns each served file's name and recorded
// integrity, for tests.
func GraphiQLRecordedAssets() map[string]string {
	out := map[string]string{graphiqlCSS.Name: graphiqlCSS.Integrity}
	for _, a := range graphiqlScripts {
		out[a.Name] = a.Integrity
	}
	return out
}

// GraphiQL serves GraphiQL with a login at /graphiql and its files under
// /graphiql/assets/. The page signs the person in at the identity provider
// issuer with authorization code + PKCE (public client clientID), asking
// only for scopes the provider's discovery document lists; keeps the access
// token in sessionStorage; and sends it with every operation, with the
// purpose picked in the bar as Hub-Purpose and the headers editor's headers
// on top. Subscriptions run over a WebSocket (graphql-ws), the token and
// purpose in connection_init. Everything the page loads comes from the hub
// itself, each script pinned by its integrity hash.
func GraphiQL(issuer, clientID string) http.Handler {
	purposes := make([]string, len(consent.Purposes))
	for i, p := range consent.Purposes {
		purposes[i] = string(p)
	}
	page := map[string]any{
		"Issuer": issuer, "ClientID": clientID, "Purposes": purposes,
		"CSS": graphiqlCSS, "Scripts": graphiqlScripts, "Prefix": graphiqlAssetPrefix,
	}
	issuerOrigin := issuer
	if u, err := url.Parse(issuer); err == nil && u.Scheme != "" {
		issuerOrigin = u.Scheme + "://" + u.Host
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /graphiql", func(w http.ResponseWriter, r *http.Request) {
		var b [16]byte
		_, _ = rand.Read(b[:])
		nonce := base64.StdEncoding.EncodeToString(b[:])
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "no-referrer") // the login's code is in the URL
		// The page holds the person's token: it runs only its own scripts
		// and the hub's pinned files, and talks only to the hub and the
		// identity provider (discovery and the token endpoint, which must
		// be on the issuer's origin).
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-"+nonce+"'; "+
			"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "+
			"connect-src 'self' ws://"+r.Host+" wss://"+r.Host+" "+issuerOrigin+"; "+
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		data := maps.Clone(page)
		data["Nonce"] = nonce
		_ = graphiqlPage.Execute(w, data)
	})
	mux.HandleFunc("GET "+graphiqlAssetPrefix+"{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if _, known := GraphiQLRecordedAssets()[name]; !known {
			http.NotFound(w, r)
			return
		}
		b, err := graphiqlFiles.ReadFile("graphiql/" + name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		ctype := "text/javascript; charset=utf-8"
		if strings.HasSuffix(name, ".css") {
			ctype = "text/css; charset=utf-8"
		}
		w.Header().Set("Content-Type", ctype)
		// The version is in the name: a new version is a new name.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(b)
	})
	return mux
}

var graphiqlPage = template.Must(template.New("graphiql").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Samverkanshubben GraphiQL</title>
<link rel="stylesheet" href="{{.Prefix}}{{.CSS.Name}}" integrity="{{.CSS.Integrity}}" crossorigin="anonymous">
<style>html,body{height:100%;margin:0}#bar{font:13px system-ui;padding:4px 8px;background:#eef;height:24px;box-sizing:border-box;display:flex;gap:8px;align-items:center}
#problem{display:none;font:14px system-ui;padding:12px 16px;background:#fde8e8;color:#7a1010;border-bottom:1px solid #e0a0a0}
#graphiql{height:calc(100% - 24px)}</style>
</head><body>
<div id="bar">Samverkanshubben · <span id="who">signing in…</span> ·
<label>Purpose (Hub-Purpose) <select id="purpose"><option value="">none: no personal data</option></select></label> ·
<a href="#" id="logout">log out</a></div>
<div id="problem" role="alert"></div>
<div id="graphiql"></div>
<script nonce="{{.Nonce}}">
// Runs before the pinned scripts, so it can report those that fail to load
// (not found, or refused because their content does not match integrity).
const failedAssets = [];
window.addEventListener('error', (e) => {
  const el = e.target;
  if (el && (el.tagName === 'SCRIPT' || el.tagName === 'LINK')) failedAssets.push(el.getAttribute('src') || el.getAttribute('href'));
}, true);
function showProblem(text) { const p = document.getElementById('problem'); p.textContent = text; p.style.display = 'block'; }
</script>
{{range .Scripts}}<script src="{{$.Prefix}}{{.Name}}" integrity="{{.Integrity}}" crossorigin="anonymous"></script>
{{end}}<script nonce="{{.Nonce}}">
const issuer = {{.Issuer}}, clientId = {{.ClientID}}, purposes = {{.Purposes}};
const redirectUri = location.origin + location.pathname;
const b64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)));

const picker = document.getElementById('purpose');
for (const p of purposes) { const o = document.createElement('option'); o.value = p; o.textContent = p; picker.appendChild(o); }
picker.value = sessionStorage.getItem('hub_purpose') || '';
picker.onchange = () => sessionStorage.setItem('hub_purpose', picker.value);

async function discover() {
  const res = await fetch(issuer.replace(/\/$/, '') + '/.well-known/openid-configuration');
  if (!res.ok) throw new Error('the identity provider ' + issuer + ' answered ' + res.status + ' to discovery');
  return res.json();
}

// Ask only for scopes the provider has: an unknown scope is invalid_scope
// at Keycloak and others. The hub reads its claims from the access token,
// so openid alone is enough; profile adds the name where it is offered.
function scopesFor(meta) {
  const supported = meta.scopes_supported || [];
  return supported.includes('profile') ? 'openid profile' : 'openid';
}

async function login() {
  const meta = await discover();
  const verifier = random(), state = random();
  sessionStorage.setItem('hub_pkce', JSON.stringify({verifier, state}));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const q = new URLSearchParams({client_id: clientId, redirect_uri: redirectUri, response_type: 'code',
    scope: scopesFor(meta), state, code_challenge: challenge, code_challenge_method: 'S256'});
  location.assign(meta.authorization_endpoint + '?' + q);
}

async function finishLogin(q) {
  const saved = JSON.parse(sessionStorage.getItem('hub_pkce') || '{}');
  sessionStorage.removeItem('hub_pkce');
  history.replaceState(null, '', redirectUri);
  if (q.get('error')) throw new Error(q.get('error') + (q.get('error_description') ? ': ' + q.get('error_description') : ''));
  if (!saved.state || saved.state !== q.get('state')) throw new Error('login state mismatch');
  const meta = await discover();
  const res = await fetch(meta.token_endpoint, {method: 'POST', body: new URLSearchParams({grant_type: 'authorization_code',
    client_id: clientId, code: q.get('code'), redirect_uri: redirectUri, code_verifier: saved.verifier})});
  const body = await res.json();
  if (!res.ok) throw new Error(body.error_description || body.error);
  sessionStorage.setItem('hub_token', body.access_token);
}

// The headers of an operation: the token, the purpose picked in the bar,
// then whatever the headers editor holds (it wins, so it can override or
// clear the purpose).
function headersFor(editorHeaders) {
  const h = {'Authorization': 'Bearer ' + sessionStorage.getItem('hub_token')};
  if (picker.value) h['Hub-Purpose'] = picker.value;
  return Object.assign(h, editorHeaders || {});
}

// Whether the operation to run is a subscription. GraphiQL's parsed
// document lags the editor by a moment, so it counts only when it is the
// text being sent; otherwise the text itself is read.
function isSubscription(params, opts) {
  const ast = opts && opts.documentAST;
  if (ast && ast.loc && ast.loc.source && ast.loc.source.body === params.query) {
    const defs = ast.definitions.filter((d) => d.kind === 'OperationDefinition');
    const op = defs.find((d) => d.name && d.name.value === params.operationName) || (defs.length === 1 ? defs[0] : null);
    if (op) return op.operation === 'subscription';
  }
  const text = params.query.replace(/#[^\n]*/g, '');
  if (params.operationName) return new RegExp('\\bsubscription\\s+' + params.operationName + '\\b').test(text);
  return /^\s*subscription\b/.test(text);
}

// A subscription gets its own graphql-ws connection, so that it carries the
// headers of the moment it was started; it is closed when it ends.
function subscribe(params, headers) {
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
  return {subscribe(observer) {
    const client = graphqlWs.createClient({url, lazy: true, retryAttempts: 0, connectionParams: headers});
    const problem = (err) => {
      if (Array.isArray(err)) return observer.next({errors: err});
      if (err && typeof err.code === 'number') return observer.next({errors: [{message: 'the WebSocket closed: ' + err.code + (err.reason ? ' ' + err.reason : '')}]});
      observer.error(err);
    };
    const stop = client.subscribe(params, {next: (v) => observer.next(v), error: (e) => { problem(e); client.dispose(); },
      complete: () => { observer.complete(); client.dispose(); }});
    return {unsubscribe() { stop(); client.dispose(); }};
  }};
}

async function fetcher(params, opts) {
  const headers = headersFor(opts && opts.headers);
  if (isSubscription(params, opts)) return subscribe(params, headers);
  const res = await fetch('/graphql', {method: 'POST', body: JSON.stringify(params),
    headers: Object.assign({'Content-Type': 'application/json', 'Accept': 'application/graphql-response+json'}, headers)});
  if (res.status === 401) { forget(); login(); }
  return res.json();
}

// GraphiQL keeps its tabs (queries and variables, which may hold a
// personnummer) and history in the storage it is given: this tab's
// sessionStorage, never localStorage, which would outlive the session on a
// shared computer; logging out, or a refused token, forgets them too.
function forget() {
  sessionStorage.removeItem('hub_token');
  for (const store of [sessionStorage, localStorage]) {
    for (const k of Object.keys(store)) if (k.startsWith('graphiql:')) store.removeItem(k);
  }
}
for (const k of Object.keys(localStorage)) if (k.startsWith('graphiql:')) localStorage.removeItem(k);

document.getElementById('logout').onclick = (e) => { e.preventDefault(); forget(); login(); };

(async () => {
  const missing = [['React', window.React], ['ReactDOM', window.ReactDOM], ['GraphiQL', window.GraphiQL], ['graphql-ws', window.graphqlWs]]
    .filter(([, v]) => !v).map(([n]) => n);
  if (failedAssets.length || missing.length) {
    document.getElementById('who').textContent = 'GraphiQL could not start';
    showProblem('GraphiQL cannot start: ' + (missing.join(', ') || 'a file') + ' did not load' +
      (failedAssets.length ? ' (' + failedAssets.join(', ') + ': not served, or its content does not match the integrity hash the page names)' : '') +
      '. The hub serves these files itself; reload, and if it persists, tell the hub\'s operators.');
    return;
  }
  const q = new URLSearchParams(location.search);
  if (q.get('code') || q.get('error')) await finishLogin(q);
  if (!sessionStorage.getItem('hub_token')) return login();
  const me = await fetcher({query: '{ me { userId organization { name } roles } }'}, {});
  if (me.data) document.getElementById('who').textContent = me.data.me.userId + ', ' + me.data.me.organization.name + ' (' + me.data.me.roles.join(', ') + ')';
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, {fetcher, storage: sessionStorage,
    defaultQuery: '{\n  me { userId displayName organization { name } unit { name } roles }\n  federations { totalCount nodes { name municipalities { code name } } }\n}\n'}));
})().catch((e) => {
  document.getElementById('who').textContent = 'login failed';
  showProblem('Login failed: ' + e.message);
});
</script></body></html>`))
