package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// resolverErrors marks what a resolver returned that is neither an
// application error nor a GraphQL error as the hub's own fault. gqlgen
// wraps a resolver's error and an argument's coercion error alike (a
// *gqlerror.Error on the path), so presentError cannot tell a plain
// errors.New from deep inside a use case apart from "Int cannot represent
// …": without the mark, the former was shown to the client verbatim as
// BAD_USER_INPUT. Arguments are coerced before a field's interceptors
// run, so what passes here is the resolver's.
type resolverErrors struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
} = resolverErrors{}

func (resolverErrors) ExtensionName() string                   { return "ResolverErrors" }
func (resolverErrors) Validate(graphql.ExecutableSchema) error { return nil }

func (resolverErrors) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil {
		err = markResolverError(err)
	}
	return res, err
}

// markResolverError wraps err unless it is the client's (an application
// error names its code; a GraphQL error is gqlgen's or the hub's own
// request error).
func markResolverError(err error) error {
	var appErr *apperr.Error
	var gqlErr *gqlerror.Error
	if errors.As(err, &appErr) || errors.As(err, &gqlErr) {
		return err
	}
	return resolverFault{err}
}

// resolverFault is a resolver's error of the hub's own making: it wraps
// its cause, which makes isInternal true, so the client sees INTERNAL and
// a generic message, and the log the detail.
type resolverFault struct{ err error }

func (f resolverFault) Error() string { return f.err.Error() }
func (f resolverFault) Unwrap() error { return f.err }
