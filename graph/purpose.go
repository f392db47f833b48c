package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// PurposeHeader is the HTTP header in which a request declares its
// purpose: one Purpose value, which must be one the principal's roles act
// under (app.NewActor decides). The purpose decides which samtycken apply,
// and is written to the audit record and the loggutdrag. Over a WebSocket
// it is a key of the connection_init payload.
const PurposeHeader = app.PurposeField

type actorKey struct{}

// withConnectionActor carries the actor of a WebSocket connection, whose
// purpose was declared once, at connection_init.
func withConnectionActor(ctx context.Context, a app.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

func connectionActor(ctx context.Context) (app.Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(app.Actor)
	return a, ok
}

// errorResponse is a response with one error and no data, for operations
// refused before they run.
func errorResponse(err error) *graphql.Response {
	return &graphql.Response{Errors: gqlerror.List{{
		Message:    apperr.MessageOf(err),
		Extensions: map[string]any{"code": string(apperr.CodeOf(err))},
	}}}
}
