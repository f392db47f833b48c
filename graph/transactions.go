package graph

import (
	"context"
	"errors"
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
// are checked event by event, each in a unit of work of its own (their
// feeds'), and the fields of an event's payload are resolved in a unit of
// work of their own, begun when the first of them needs it (perEvent).
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
	if oc.Operation == nil {
		return next(ctx)
	}
	if oc.Operation.Operation == ast.Subscription {
		return t.perEvent(ctx, oc, next)
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
// audit record and the commit, or, for a mutation with an error, any
// operation with an error of the hub's own (INTERNAL: a statement that
// failed has aborted the transaction, so nothing more can be written in
// it; a statement timeout is one) or an operation that never completed,
// the rollback and the record on its own. A failed operation answers with
// its errors and no data: what it read is then not delivered, so it is no
// row of anyone's loggutdrag.
func finish(ctx context.Context, w *app.Work, oc *graphql.OperationContext, resp *graphql.Response) *graphql.Response {
	failed := resp == nil || (len(resp.Errors) > 0 && (oc.Operation.Operation == ast.Mutation || hasInternalError(resp.Errors)))
	err := w.Finish(ctx, operationOf(oc), failed, "the operation failed and was rolled back")
	if err != nil {
		logging.FromContext(ctx).Error("unit of work not finished", "error", err.Error())
		if !failed {
			return unfinishedResponse(err)
		}
	}
	if failed && resp != nil {
		resp.Data = []byte("null")
	}
	return resp
}

func hasInternalError(errs gqlerror.List) bool {
	for _, e := range errs {
		if e.Extensions["code"] == string(apperr.Internal) {
			return true
		}
	}
	return false
}

// operationOf is what the audit record says ran.
func operationOf(oc *graphql.OperationContext) app.Operation {
	return app.Operation{Type: string(oc.Operation.Operation), Name: operationName(oc), ClientName: clientOperationName(oc)}
}

func internalResponse() *graphql.Response { return unfinishedResponse(nil) }

// unfinishedResponse answers an operation whose unit of work could not be
// finished (err, from Finish): no data, and an INTERNAL error that says
// what happened when that is something the client can act on. The work
// was rolled back when the audit record could not be written (the hub
// never serves protected data unaudited); a commit whose connection was
// lost may or may not have taken effect.
func unfinishedResponse(err error) *graphql.Response {
	msg := "internal error"
	switch {
	case errors.Is(err, app.ErrNotAudited) && app.DatabaseUnavailable(err):
		msg = databaseUnavailableMessage
	case errors.Is(err, app.ErrNotAudited):
		msg = "the audit record of this request could not be written, so nothing was served or changed " +
			"(the hub serves protected data only when it can audit it). Try again later; the operators have been told by the log"
	case app.DatabaseUnavailable(err):
		msg = "the connection to the hub's database was lost while this request was being committed: its answer is withheld, " +
			"and a change it made may or may not have been saved. Check before repeating a change"
	}
	return &graphql.Response{
		Data: []byte("null"),
		Errors: gqlerror.List{{
			Message:    msg,
			Extensions: map[string]any{"code": string(apperr.Internal)},
		}},
	}
}

// perEvent gives each event of a subscription a unit of work for
// resolving the fields of its payload (a task change's task, its case,
// its history): begun only when the first field needs it, so that its
// clock is the event's, not the time the subscription began waiting, and
// finished (its audit record, if it touched protected data, and the
// commit) once the event's response is made. Each event gets a fresh one:
// nothing read for one event is kept for the next.
func (t transactions) perEvent(ctx context.Context, oc *graphql.OperationContext, next graphql.OperationHandler) graphql.ResponseHandler {
	actor, ok := connectionActor(ctx)
	if !ok {
		return next(ctx) // not over a WebSocket: the resolvers refuse it
	}
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		ev := &eventWork{app: t.app, actor: actor}
		resp := responses(context.WithValue(ctx, eventWorkKey{}, ev))
		if w := ev.started(); w != nil {
			if err := w.Finish(ctx, operationOf(oc), false, ""); err != nil {
				logging.FromContext(ctx).Error("unit of work of a subscription event not finished", "error", err.Error())
				if resp != nil {
					return internalResponse()
				}
			}
		}
		return resp
	}
}

// eventWork is the unit of work of one subscription event, begun on
// first use.
type eventWork struct {
	app   *app.App
	actor app.Actor

	once sync.Once
	mu   sync.Mutex
	w    *app.Work
}

type eventWorkKey struct{}

func (e *eventWork) get() *app.Work {
	e.once.Do(func() {
		w := e.app.Begin(e.actor)
		e.mu.Lock()
		e.w = w
		e.mu.Unlock()
	})
	return e.started()
}

func (e *eventWork) started() *app.Work {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.w
}
