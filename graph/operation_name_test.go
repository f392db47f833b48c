package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// The audit trail names an operation by the root fields that run, never by
// what the client calls it. (The HTTP tests in audit_test.go show it end to
// end; this table shows the rule on its own.)
func TestOperationName_IsTheRootFieldsThatRun(t *testing.T) {
	t.Parallel()
	var fields strings.Builder
	for i := 1; i <= 25; i++ {
		fmt.Fprintf(&fields, " f%02d: Int", i)
	}
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { cases: Int individuals: Int accessLog: Int` + fields.String() + ` }
		type Mutation { openCase: Int registerIndividual: Int }
		type Subscription { taskEvents: Int }`})
	tests := []struct {
		name, query string
		vars        map[string]any
		want        string
		client      string // the client's operation name, as recorded ("" = none)
	}{
		{"the client's name is not what ran", `query directoryLookup { cases }`, nil, "cases", "directoryLookup"},
		{"no name", `{ cases individuals }`, nil, "cases,individuals", ""},
		{"field names, not aliases", `query { directoryLookup: cases }`, nil, "cases", ""},
		{"each field once, in order", `{ individuals a: cases b: cases individuals }`, nil, "individuals,cases", ""},
		{"a skipped field did not run", `{ individuals cases @skip(if: true) }`, nil, "individuals", ""},
		{"neither did one not included", `query($with: Boolean!) { individuals cases @include(if: $with) }`, map[string]any{"with": false}, "individuals", ""},
		{"an included one did", `query($with: Boolean!) { individuals cases @include(if: $with) }`, map[string]any{"with": true}, "individuals,cases", ""},
		{"fragment spreads at the root", `query q { ...Root individuals } fragment Root on Query { accessLog cases }`, nil, "accessLog,cases,individuals", "q"},
		{"inline fragments at the root", `{ ... on Query { cases } ... @skip(if: true) { accessLog } }`, nil, "cases", ""},
		{"__typename as it is", `{ __typename cases }`, nil, "__typename,cases", ""},
		{"mutations", `mutation innocent { registerIndividual openCase }`, nil, "registerIndividual,openCase", "innocent"},
		{"subscriptions", `subscription { taskEvents }`, nil, "taskEvents", ""},
		{"at most 20 names, the rest counted", `{ ` + strings.Repeat("f01 ", 3) + fieldList(2, 25) + ` }`, nil,
			fieldList(1, 20, ",") + ",…+5", ""},
		{"the client's name is cut to 100 characters", `query ` + strings.Repeat("x", 150) + ` { cases }`, nil, "cases", strings.Repeat("x", 99) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, errs := gqlparser.LoadQuery(schema, tt.query)
			require.Empty(t, errs)
			require.Len(t, doc.Operations, 1)
			oc := &graphql.OperationContext{RawQuery: tt.query, Doc: doc, Operation: doc.Operations[0], Variables: tt.vars}
			require.Equal(t, tt.want, operationName(oc))
			if tt.client == "" {
				require.Nil(t, clientOperationName(oc))
			} else {
				require.Equal(t, tt.client, *clientOperationName(oc))
				require.LessOrEqual(t, len([]rune(*clientOperationName(oc))), maxClientOperationName)
			}
		})
	}
}

// fieldList is "f01 f02 …" from..to (sep " " unless given).
func fieldList(from, to int, sep ...string) string {
	s := " "
	if len(sep) > 0 {
		s = sep[0]
	}
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("f%02d", i))
	}
	return strings.Join(out, s)
}
