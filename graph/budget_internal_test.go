package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
)

// No field is resolved after the request's deadline: the executor skips
// its children, and the operation answers with one error saying why.
func TestExecutionBudget_NoFieldRunsPastTheDeadline(t *testing.T) {
	b := executionBudget{maxFields: 1000, maxBytes: 1 << 20}
	ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{
		Operation: &ast.OperationDefinition{Operation: ast.Query},
	})
	ctx, cancel := context.WithCancel(ctx)
	resolved := 0
	responses := b.InterceptOperation(ctx, func(ctx context.Context) graphql.ResponseHandler {
		resolve := func() {
			_, _ = b.InterceptField(ctx, func(context.Context) (any, error) { resolved++; return "x", nil })
		}
		resolve()
		cancel() // the deadline passes while the operation runs
		resolve()
		resolve()
		return graphql.OneShot(&graphql.Response{Data: []byte(`{"a":"x"}`)})
	})
	resp := responses(ctx)
	require.Equal(t, 1, resolved, "nothing after the deadline")
	require.Len(t, resp.Errors, 1)
	require.Contains(t, resp.Errors[0].Message, "time limit")
	require.Equal(t, "INTERNAL", resp.Errors[0].Extensions["code"])
	require.Nil(t, resp.Data)
}
