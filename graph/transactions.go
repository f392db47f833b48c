package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// transactions gives every query and mutation one unit of work of the
// application layer (app.Work): one database transaction, begun by the
// first statement, and one audit record written in it at the end. A
// mutation with any error is rolled back whole, so a failed request leaves
// nothing half-written; the response then carries no data. Subscriptions
// are checked event by event, each in a unit of work of its own.
type transactions struct {
	app      *app.App
	refusals *app.Refusals
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = transactions{}

func (transactions) ExtensionName() string                   { return "Transactions" }
func (transactions) Validate(graphql.ExecutableSchema) error { return nil }

func (t transactions) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	// Over a WebSocket the purpose was declared, and checked, once for the
	// connection (connection_init); over HTTP each request declares it.
	actor, ok := connectionActor(ctx)
	if !ok {
		var err error
		actor, err = t.app.NewActor(identity.FromContext(ctx), oc.Headers.Get(PurposeHeader))
		if err != nil {
			t.refusals.Record(ctx, identity.FromContext(ctx), operationOf(oc), apperr.MessageOf(err))
			return graphql.OneShot(errorResponse(err))
		}
	}
	w := t.app.Begin(actor)
	responses := next(withWork(ctx, w))

	var once sync.Once
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		once.Do(func() { resp = finish(ctx, w, oc, resp) })
		return resp
	}
}

// finish ends the unit of work after the operation has been executed: the
// audit record and the commit, or, for a mutation with an error (or an
// operation that never completed), the rollback and the record on its own.
func finish(ctx context.Context, w *app.Work, oc *graphql.OperationContext, resp *graphql.Response) *graphql.Response {
	failed := resp == nil || (oc.Operation.Operation == ast.Mutation && len(resp.Errors) > 0)
	err := w.Finish(ctx, operationOf(oc), failed, "the operation failed and was rolled back")
	if err != nil {
		logging.FromContext(ctx).Error("unit of work not finished", "error", err.Error())
		if !failed {
			return internalResponse()
		}
	}
	if failed && resp != nil {
		resp.Data = []byte("null")
	}
	return resp
}

// operationOf is what the audit record says ran.
func operationOf(oc *graphql.OperationContext) app.Operation {
	return app.Operation{Type: string(oc.Operation.Operation), Name: operationName(oc), ClientName: clientOperationName(oc)}
}

func internalResponse() *graphql.Response {
	return &graphql.Response{
		Data: []byte("null"),
		Errors: gqlerror.List{{
			Message:    "internal error",
			Extensions: map[string]any{"code": string(apperr.Internal)},
		}},
	}
}
