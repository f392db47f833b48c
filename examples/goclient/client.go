// Package goclient is an example of a typed GraphQL client for the hub,
// for partner developers (docs/schema-changelog.md): genqlient generates
// generated.go from operations.graphql and the committed SDL snapshot
// (graph/schema.snapshot.graphql), so a change of the schema that breaks
// these operations fails `go generate` and the build, not a partner's
// production. graph/goclient_test.go runs it against a real server.
package goclient

//go:generate go tool genqlient

import (
	"net/http"

	"github.com/Khan/genqlient/graphql"
)

// PurposeHeader is the header in which each request declares its purpose
// (docs/samtycke.md); reads of personal data (cases, meetings) need it.
const PurposeHeader = "Hub-Purpose"

// New is a client of the hub's GraphQL endpoint (e.g.
// https://hub.example/graphql) that sends token as the bearer token and
// purpose (empty: none) in Hub-Purpose. base carries the requests (nil:
// http.DefaultTransport).
func New(endpoint, token, purpose string, base http.RoundTripper) graphql.Client {
	if base == nil {
		base = http.DefaultTransport
	}
	return graphql.NewClient(endpoint, &http.Client{Transport: headers{base: base, token: token, purpose: purpose}})
}

// headers adds the bearer token and the purpose to every request.
type headers struct {
	base           http.RoundTripper
	token, purpose string
}

func (h headers) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+h.token)
	if h.purpose != "" {
		r.Header.Set(PurposeHeader, h.purpose)
	}
	return h.base.RoundTrip(r)
}
