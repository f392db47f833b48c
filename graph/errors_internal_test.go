package graph

import (
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// A plain error a resolver returns is the hub's fault (INTERNAL, its text
// kept from the client); an argument's coercion error, which gqlgen wraps
// the same way, stays the client's; an application error keeps its code.
func TestPresentError_ResolverFaultsAreInternalCoercionErrorsTheClients(t *testing.T) {
	ctx := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{
		Operation: &ast.OperationDefinition{Operation: ast.Query},
	})
	ctx = graphql.WithResponseContext(ctx, presentError, nil)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "cases"}}})
	resolve := func(err error) error {
		_, got := resolverErrors{}.InterceptField(ctx, func(context.Context) (any, error) { return nil, err })
		return graphql.ErrorOnPath(ctx, got)
	}

	fault := presentError(ctx, resolve(errors.New("lane 3 of the audit chain is stuck")))
	require.Equal(t, "INTERNAL", fault.Extensions["code"])
	require.NotContains(t, fault.Message, "lane 3")

	coercion := presentError(ctx, graphql.ErrorOnPath(ctx, errors.New("Int cannot represent non-integer value: \"x\"")))
	require.Equal(t, "BAD_USER_INPUT", coercion.Extensions["code"])
	require.Contains(t, coercion.Message, "Int cannot represent")

	app := presentError(ctx, resolve(apperr.Invalidf("first must be between 0 and 100, got -1")))
	require.Equal(t, "BAD_USER_INPUT", app.Extensions["code"])
	require.Equal(t, "first must be between 0 and 100, got -1", app.Message)
}
