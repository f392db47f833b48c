package graph

import (
	"html/template"
	"net/http"
)

// GraphiQL serves GraphiQL with a login: the page signs the person in at
// the identity provider with authorization code + PKCE (public client
// hub-spa), keeps the access token in sessionStorage and sends it with
// every query. GraphiQL and React load from a CDN, so the browser needs the
// internet; the API itself does not.
func GraphiQL(issuer, clientID string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = graphiqlPage.Execute(w, map[string]string{"Issuer": issuer, "ClientID": clientID})
	})
}

var graphiqlPage = template.Must(template.New("graphiql").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Samverkanshubben GraphiQL</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css">
<style>html,body,#graphiql{height:100%;margin:0}#bar{font:13px system-ui;padding:4px 8px;background:#eef}</style>
</head><body>
<div id="bar">Samverkanshubben · <span id="who">signing in…</span> · <a href="#" id="logout">log out</a></div>
<div id="graphiql" style="height:calc(100% - 24px)"></div>
<script src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
<script src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
<script src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"></script>
<script>
const issuer = {{.Issuer}}, clientId = {{.ClientID}};
const redirectUri = location.origin + location.pathname;
const b64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)));

async function discover() {
  const res = await fetch(issuer.replace(/\/$/, '') + '/.well-known/openid-configuration');
  return res.json();
}

async function login() {
  const meta = await discover();
  const verifier = random(), state = random();
  sessionStorage.setItem('hub_pkce', JSON.stringify({verifier, state}));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const q = new URLSearchParams({client_id: clientId, redirect_uri: redirectUri, response_type: 'code',
    scope: 'openid profile', state, code_challenge: challenge, code_challenge_method: 'S256'});
  location.assign(meta.authorization_endpoint + '?' + q);
}

async function finishLogin(code, state) {
  const saved = JSON.parse(sessionStorage.getItem('hub_pkce') || '{}');
  sessionStorage.removeItem('hub_pkce');
  if (!saved.state || saved.state !== state) throw new Error('login state mismatch');
  const meta = await discover();
  const res = await fetch(meta.token_endpoint, {method: 'POST', body: new URLSearchParams({grant_type: 'authorization_code',
    client_id: clientId, code, redirect_uri: redirectUri, code_verifier: saved.verifier})});
  const body = await res.json();
  if (!res.ok) throw new Error(body.error_description || body.error);
  sessionStorage.setItem('hub_token', body.access_token);
  history.replaceState(null, '', redirectUri);
}

async function fetcher(params) {
  const res = await fetch('/graphql', {method: 'POST', headers: {'Content-Type': 'application/json',
    'Accept': 'application/graphql-response+json', 'Authorization': 'Bearer ' + sessionStorage.getItem('hub_token')},
    body: JSON.stringify(params)});
  if (res.status === 401) { sessionStorage.removeItem('hub_token'); login(); }
  return res.json();
}

document.getElementById('logout').onclick = (e) => { e.preventDefault(); sessionStorage.removeItem('hub_token'); login(); };

(async () => {
  const q = new URLSearchParams(location.search);
  if (q.get('code')) await finishLogin(q.get('code'), q.get('state'));
  if (!sessionStorage.getItem('hub_token')) return login();
  const me = await fetcher({query: '{ me { userId organization { name } roles } }'});
  if (me.data) document.getElementById('who').textContent = me.data.me.userId + ', ' + me.data.me.organization.name + ' (' + me.data.me.roles.join(', ') + ')';
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, {fetcher,
    defaultQuery: '{\n  me { userId displayName organization { name } unit { name } roles }\n  federations { totalCount nodes { name municipalities { code name } } }\n}\n'}));
})().catch((e) => { document.getElementById('who').textContent = 'login failed: ' + e.message; });
</script></body></html>`))
