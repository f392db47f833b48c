package httpserver

import (
	"net/http"
	"strings"
	"time"

	"github.com/rs/cors"
)

// corsMaxAge is how long a browser may reuse a preflight's answer. Chromium
// caps it at 2 hours, Firefox at 24; an origin removed from the
// registrations may keep its cached preflight this long, but its requests'
// answers carry no Access-Control-Allow-Origin from then on.
const corsMaxAge = 2 * time.Hour

// CORSAllowedHeaders are the request headers a page on a registered origin
// may send: what the API reads (the bearer token, the purpose, the body's
// type, a caller's request id) and what GraphQL clients add (Apollo
// Client's client awareness and CSRF-prevention headers).
var CORSAllowedHeaders = []string{
	"Authorization", "Content-Type", "Accept", "Hub-Purpose", "X-Request-ID",
	"Apollographql-Client-Name", "Apollographql-Client-Version", "Apollo-Require-Preflight",
	"X-Apollo-Operation-Name", "Graphql-Client-Name", "Graphql-Client-Version",
}

// corsExposedHeaders are the response headers such a page may read.
var corsExposedHeaders = []string{"X-Request-ID", "Retry-After"}

// withCORS answers preflights and marks answers readable for the origins
// allowed says yes to; a request from any other origin gets no CORS headers,
// so the browser keeps the answer from the page. The allowed origin is
// echoed, never "*", and credentials (cookies) are never allowed: the API
// authenticates by bearer token only, which a page sends in a header.
func withCORS(allowed func(r *http.Request, origin string) bool, h http.Handler) http.Handler {
	if allowed == nil {
		return h
	}
	// rs/cors asks about every request, also those without an Origin
	// (every non-browser client): those need no answer, and no look-up.
	allowedOrigin := func(r *http.Request, origin string) bool { return origin != "" && allowed(r, origin) }
	return cors.New(cors.Options{
		AllowOriginRequestFunc: allowedOrigin,
		AllowedMethods:         []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:         CORSAllowedHeaders,
		ExposedHeaders:         corsExposedHeaders,
		MaxAge:                 int(corsMaxAge / time.Second),
		AllowCredentials:       false,
	}).Handler(allowWebSocketsFrom(allowedOrigin, h))
}

// allowWebSocketsFrom lets a page on a registered origin open a
// subscription WebSocket. Browsers do not apply CORS to WebSockets; the
// WebSocket library instead refuses (403) an upgrade whose Origin is not
// the API's own host. An upgrade from a registered origin is checked here,
// and its Origin header removed so that the library's same-origin check
// passes; one from any other origin keeps its Origin and is refused there.
func allowWebSocketsFrom(allowed func(r *http.Request, origin string) bool, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") && allowed(r, origin) {
			r = r.Clone(r.Context())
			r.Header.Del("Origin")
		}
		h.ServeHTTP(w, r)
	})
}
