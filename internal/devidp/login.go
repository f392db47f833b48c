package devidp

import (
	"html/template"
	"net/http"
	"net/url"
)

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Samverkanshubben – dev login</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto}label{display:block;margin:.4em 0}
.err{color:#a00}</style></head>
<body><h1>Samverkanshubben: dev login</h1>
<p>Development identity provider. Every demo user's password is <code>demo</code>.</p>
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
<form method="post" action="/authorize">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
{{range .Users}}<label><input type="radio" name="username" value="{{.Login}}" required> <b>{{.Login}}</b>: {{.Name}} ({{range $i, $r := .Roles}}{{if $i}}, {{end}}{{$r}}{{end}})</label>{{end}}
<label>Password <input type="password" name="password" value="demo"></label>
<button type="submit">Log in</button>
</form></body></html>`))

// authParams are the authorization request parameters carried through the
// login form.
var authParams = []string{"client_id", "redirect_uri", "response_type", "state", "nonce", "scope", "code_challenge", "code_challenge_method"}

// checkAuthRequest validates an authorization request; it never redirects
// to an unchecked URI.
func checkAuthRequest(v url.Values) string {
	switch {
	case v.Get("client_id") != ClientSPA:
		return "unknown client_id: use hub-spa"
	case !localRedirect(v.Get("redirect_uri")):
		return "redirect_uri must be an http(s) URL on localhost"
	case v.Get("response_type") != "code":
		return "response_type must be code"
	case v.Get("code_challenge") == "" || v.Get("code_challenge_method") != "S256":
		return "PKCE is required: send code_challenge with code_challenge_method=S256"
	}
	return ""
}

func (p *Provider) renderLogin(w http.ResponseWriter, status int, v url.Values, msg string) {
	params := map[string]string{}
	for _, k := range authParams {
		params[k] = v.Get(k)
	}
	users := make([]User, 0, len(p.order))
	for _, l := range p.order {
		users = append(users, p.users[l])
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, map[string]any{"Params": params, "Users": users, "Error": msg})
}

func (p *Provider) authorizePage(w http.ResponseWriter, r *http.Request) {
	if msg := checkAuthRequest(r.URL.Query()); msg != "" {
		http.Error(w, "invalid authorization request: "+msg, http.StatusBadRequest)
		return
	}
	p.renderLogin(w, http.StatusOK, r.URL.Query(), "")
}

func (p *Provider) authorizeSubmit(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	v := r.PostForm
	if msg := checkAuthRequest(v); msg != "" {
		http.Error(w, "invalid authorization request: "+msg, http.StatusBadRequest)
		return
	}
	u, ok := p.users[v.Get("username")]
	if !ok || v.Get("password") != Password {
		p.renderLogin(w, http.StatusUnauthorized, v, "Unknown user or wrong password.")
		return
	}
	code := randomID(16)
	p.mu.Lock()
	p.codes[code] = authCode{
		login: u.Login, redirectURI: v.Get("redirect_uri"), challenge: v.Get("code_challenge"),
		nonce: v.Get("nonce"), scope: v.Get("scope"), expires: p.now().Add(codeTTL),
	}
	p.mu.Unlock()
	target, _ := url.Parse(v.Get("redirect_uri"))
	q := target.Query()
	q.Set("code", code)
	if s := v.Get("state"); s != "" {
		q.Set("state", s)
	}
	target.RawQuery = q.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}
