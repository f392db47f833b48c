package graph_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

const (
	jsonType     = "application/json"
	responseType = "application/graphql-response+json"
)

// The GraphQL-over-HTTP behaviour, as the specification words it.
func TestHTTP_GraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	get := func(query, accept string) gqlResponse {
		return do(t, srv, http.MethodGet, "/graphql?query="+url.QueryEscape(query), nil, map[string]string{"Accept": accept})
	}
	postRaw := func(body, accept string) gqlResponse {
		return do(t, srv, http.MethodPost, "/graphql", []byte(body), map[string]string{"Content-Type": jsonType, "Accept": accept})
	}

	tests := []struct {
		name       string
		send       func() gqlResponse
		status     int
		mediaType  string
		hasData    bool
		errCode    string // "" = no errors
		errMessage string
	}{
		{"POST query, graphql-response+json", func() gqlResponse { return postRaw(`{"query":"{ federations { totalCount } }"}`, responseType) },
			200, responseType, true, "", ""},
		{"POST query, application/json", func() gqlResponse { return postRaw(`{"query":"{ federations { totalCount } }"}`, jsonType) },
			200, jsonType, true, "", ""},
		{"GET query", func() gqlResponse { return get("{ federations { totalCount } }", responseType) },
			200, responseType, true, "", ""},
		{"parse error, graphql-response+json: 400 without data", func() gqlResponse { return postRaw(`{"query":"{ federations { "}`, responseType) },
			400, responseType, false, "BAD_USER_INPUT", "Expected Name"},
		{"parse error, application/json: 200 without data", func() gqlResponse { return postRaw(`{"query":"{ federations { "}`, jsonType) },
			200, jsonType, false, "BAD_USER_INPUT", "Expected Name"},
		{"validation error, graphql-response+json: 400", func() gqlResponse { return postRaw(`{"query":"{ nothingHere }"}`, responseType) },
			400, responseType, false, "BAD_USER_INPUT", `Cannot query field "nothingHere"`},
		{"validation error, application/json: 200", func() gqlResponse { return get("{ nothingHere }", jsonType) },
			200, jsonType, false, "BAD_USER_INPUT", `Cannot query field "nothingHere"`},
		{"no query: 400", func() gqlResponse { return postRaw(`{"variables":{}}`, responseType) },
			400, jsonType, false, "BAD_USER_INPUT", "no GraphQL document"},
		{"GET without query: 400", func() gqlResponse { return get("", responseType) },
			400, jsonType, false, "BAD_USER_INPUT", "no GraphQL document"},
		{"body that is not JSON: 400", func() gqlResponse { return postRaw(`query { federations }`, responseType) },
			400, responseType, false, "BAD_USER_INPUT", "not a valid GraphQL-over-HTTP JSON request"},
		{"query that is not a string: 400", func() gqlResponse { return postRaw(`{"query": 42}`, responseType) },
			400, responseType, false, "BAD_USER_INPUT", "not a valid GraphQL-over-HTTP JSON request"},
		{"variables that are not an object: 400", func() gqlResponse {
			return postRaw(`{"query":"{ federations { totalCount } }","variables":[1]}`, responseType)
		}, 400, responseType, false, "BAD_USER_INPUT", "not a valid GraphQL-over-HTTP JSON request"},
		{"resolver error keeps 200 and data", func() gqlResponse {
			return postRaw(`{"query":"{ organizations(first: 500) { totalCount } }"}`, responseType)
		}, 200, responseType, true, "BAD_USER_INPUT", "first must be between 0 and 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.send()
			require.Equal(t, tt.status, r.Status)
			require.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), tt.mediaType), r.Header.Get("Content-Type"))
			_, hasData := r.Raw["data"]
			require.Equal(t, tt.hasData, hasData, "data entry present")
			if tt.errCode == "" {
				require.Empty(t, r.Errors)
				return
			}
			requireError(t, r, tt.errCode, tt.errMessage)
		})
	}
}

func TestHTTP_MethodsOtherThanGetAndPostAre405(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		t.Run(m, func(t *testing.T) {
			r := do(t, srv, m, "/graphql", []byte(`{"query":"{ federations { totalCount } }"}`), map[string]string{"Content-Type": jsonType})
			require.Equal(t, http.StatusMethodNotAllowed, r.Status)
			require.Contains(t, r.Header.Get("Allow"), "POST")
			requireError(t, r, "BAD_USER_INPUT", "not allowed")
		})
	}
}

func TestHTTP_BodyLargerThanTheLimitIs413(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t) // limit 1 MiB, as served
	big := `{"query":"{ federations { totalCount } }","variables":{"pad":"` + strings.Repeat("x", 1<<20) + `"}}`
	r := do(t, srv, http.MethodPost, "/graphql", []byte(big), map[string]string{"Content-Type": jsonType})
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
	requireError(t, r, "BAD_USER_INPUT", "larger than the limit")

	// Without Content-Length (chunked), the limit bites while reading.
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", io.MultiReader(strings.NewReader(big)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", jsonType)
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
}

func TestLimits_AbusiveQueriesGetAClearError(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	nest := func(levels int) string {
		// organization -> units -> organization -> units … : every level valid.
		var b strings.Builder
		b.WriteString("{ organizations { nodes { ")
		for i := 0; i < levels; i++ {
			if i%2 == 0 {
				b.WriteString("units { ")
			} else {
				b.WriteString("organization { ")
			}
		}
		b.WriteString("name")
		b.WriteString(strings.Repeat(" }", levels))
		b.WriteString(" } } }")
		return b.String()
	}
	tests := []struct {
		name  string
		query string
		msg   string
	}{
		{"20 levels deep", nest(18), "nested too deeply: more than 12 levels"},
		{"deep through fragments", `{ organizations { nodes { ...A } } } fragment A on Organization { units { organization { units { organization { units { organization { units { organization { units { organization { name } } } } } } } } } } }`,
			"nested too deeply"},
		{"page size of 10,000", `{ organizations(first: 10000) { nodes { name } } }`, "first must be between 0 and 100, got 10000"},
		{"too complex", `{ organizations(first: 100) { nodes { units { children { children { municipalities { code name } } } } } } }`,
			"operation has complexity"},
		{"too many ids", `{ nodes(ids: [` + strings.Repeat(`"x",`, 101) + `]) { id } }`, "at most 100 ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, tt.query, nil)
			requireError(t, r, "BAD_USER_INPUT", tt.msg)
		})
	}
	t.Run("a query at the depth limit passes", func(t *testing.T) {
		// node (1) > parent × 10 (2–11) > name (12)
		q := `query($id: ID!) { node(id: $id) { ... on Unit { ` + strings.Repeat("parent { ", 10) + "name" + strings.Repeat(" }", 10) + ` } } }`
		id := relay.ID(relay.TypeUnit, demo.ID("unit/karlstad/eb"))
		mustData(t, post(t, srv, q, map[string]any{"id": id}), &map[string]any{})
		q = strings.Replace(q, "name", "parent { name }", 1)
		requireError(t, post(t, srv, q, map[string]any{"id": id}), "BAD_USER_INPUT", "nested too deeply")
	})
	t.Run("introspection is not counted as depth", func(t *testing.T) {
		q := `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`
		mustData(t, post(t, srv, q, nil), &map[string]any{})
	})
}

func TestHTTP_HealthAndReadiness(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, path)
		require.NotEmpty(t, res.Header.Get("X-Request-Id"))
	}
	b.db.AppPool.Close() // the database is gone
	res, err := http.Get(srv.URL + "/readyz")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	res, err = http.Get(srv.URL + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "the process is still up")
}

func TestHTTP_InternalErrorsDoNotLeakSQL(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	// A broken schema: the resolver's SQL fails with an error naming tables.
	_, err := b.db.Pool.Exec(context.Background(), `ALTER TABLE federations RENAME TO federations_gone`)
	require.NoError(t, err)
	r := post(t, srv, `{ federations { totalCount } }`, nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.NotEmpty(t, r.Errors)
	for i, e := range r.Errors {
		require.Equal(t, "INTERNAL", r.code(i))
		require.Equal(t, "internal error", e.Message)
	}

	// The database is gone altogether: authenticating a person not seen
	// before cannot finish.
	srv.token(t, "ph.fk")
	b.db.AppPool.Close()
	r = postAs(t, srv, "ph.fk", `{ federations { totalCount } }`, nil)
	require.Equal(t, http.StatusInternalServerError, r.Status)
	requireError(t, r, "INTERNAL", "internal error")
}

// The published SDL is the contract for partner developers: it must parse,
// and every type, field, argument and enum value must say what it is.
func TestSchemaSDL_IsServedAndEverythingIsDescribed(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	res, err := http.Get(srv.URL + "/graphql/schema.graphql")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	schema, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(body)})
	require.Nil(t, gqlErr)
	require.Contains(t, string(body), "type Organization implements Node")

	for name, def := range schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		require.NotEmpty(t, strings.TrimSpace(def.Description), "type %s has no description", name)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			require.NotEmpty(t, strings.TrimSpace(f.Description), "field %s.%s has no description", name, f.Name)
			for _, a := range f.Arguments {
				require.NotEmpty(t, strings.TrimSpace(a.Description), "argument %s.%s(%s) has no description", name, f.Name, a.Name)
			}
		}
		for _, v := range def.EnumValues {
			require.NotEmpty(t, strings.TrimSpace(v.Description), "enum value %s.%s has no description", name, v.Name)
		}
	}
}
