package graph

import (
	"context"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// executionBudget bounds what a query or mutation does while it runs, for
// what pricing before it runs cannot see (operationCost): a selection that
// fans out over lists longer than priced, introspection of a nested type
// graph. Every field resolved counts against MaxResponseFields; no field
// is resolved after the request's deadline; and a response whose data
// passes MaxResponseBytes is not sent. Such an operation answers with one
// error and no data, and a mutation is rolled back (transactions sees the
// error). Subscriptions are exempt: each event is small and made by the
// server.
type executionBudget struct {
	maxFields int64
	maxBytes  int
}

// Defaults of the execution budget.
const (
	// DefaultMaxResponseFields: GraphiQL's introspection of the whole
	// schema resolves about 10,000 fields; a page of 100 cases with their
	// items and parties some 20,000.
	DefaultMaxResponseFields = 200_000
	// DefaultMaxResponseBytes: 16 MiB.
	DefaultMaxResponseBytes = 16 << 20
)

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.FieldInterceptor
} = executionBudget{}

func (executionBudget) ExtensionName() string                   { return "ExecutionBudget" }
func (executionBudget) Validate(graphql.ExecutableSchema) error { return nil }

// spent is one operation's account.
type spent struct {
	fields   atomic.Int64
	over     atomic.Bool // more fields than the budget
	timedOut atomic.Bool // a field was due after the deadline
}

type spentKey struct{}

func (b executionBudget) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	account := &spent{}
	responses := next(context.WithValue(ctx, spentKey{}, account))
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp == nil {
			return nil
		}
		switch {
		case account.timedOut.Load():
			return errorResponse(errTimeLimit)
		case account.over.Load():
			return errorResponse(apperr.Invalidf(
				"the response would hold more than %d fields: ask for less (smaller pages, fewer fields, no nested introspection)", b.maxFields))
		case len(resp.Data) > b.maxBytes:
			return errorResponse(apperr.Invalidf(
				"the response would be larger than %d bytes (%d): ask for less (smaller pages, fewer fields)", b.maxBytes, len(resp.Data)))
		}
		return resp
	}
}

// InterceptField counts every field resolved, introspection included, and
// stops resolving at the budget or the deadline: the executor then skips
// the field's children, so the work left is one level of siblings.
func (b executionBudget) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	account, ok := ctx.Value(spentKey{}).(*spent)
	if !ok {
		return next(ctx)
	}
	if ctx.Err() != nil {
		account.timedOut.Store(true)
		return nil, errStopped
	}
	if account.fields.Add(1) > b.maxFields {
		account.over.Store(true)
		return nil, errStopped
	}
	return next(ctx)
}

// errTimeLimit answers an operation stopped at the request's deadline.
var errTimeLimit = apperr.New(apperr.Internal,
	"the request was stopped: it ran past the server's time limit; ask for less (smaller pages, fewer fields) or try again")

// errStopped fails the fields left when an operation ran out of budget or
// time; the operation's response is replaced by one error that says which.
var errStopped = apperr.New(apperr.Invalid, "stopped")
