package graph

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// transactions runs every query and mutation in one database transaction
// (db.Session), begun lazily by the first statement. A mutation with any
// error is rolled back whole, so a failed request leaves nothing
// half-written; the response then carries no data. Subscriptions manage
// their own short transactions per event.
type transactions struct {
	pool             *pgxpool.Pool
	statementTimeout time.Duration
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
	isMutation := oc.Operation.Operation == ast.Mutation
	session := db.NewSession(t.pool, db.Settings{
		Values:           sessionSettings(identity.FromContext(ctx)),
		StatementTimeout: t.statementTimeout,
	})
	responses := next(db.WithSession(ctx, session))

	var once sync.Once
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		once.Do(func() { resp = t.finish(ctx, session, resp, isMutation) })
		return resp
	}
}

// sessionSettings are the hub.* settings row-level security reads: who is
// asking, for which organisation and unit, in which roles.
func sessionSettings(p *identity.Principal) map[string]string {
	if p == nil {
		return nil
	}
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = string(r)
	}
	unit := ""
	if p.UnitID != nil {
		unit = p.UnitID.String()
	}
	return map[string]string{
		"hub.org_id":  p.OrgID.String(),
		"hub.unit_id": unit,
		"hub.user_id": p.UserID,
		"hub.roles":   strings.Join(roles, ","),
	}
}

// finish commits or rolls back after the operation has been executed.
func (t transactions) finish(ctx context.Context, s *db.Session, resp *graphql.Response, isMutation bool) *graphql.Response {
	// The client may have gone; the transaction must still end properly.
	ctx = context.WithoutCancel(ctx)
	if resp == nil || (isMutation && len(resp.Errors) > 0) {
		if err := s.Rollback(ctx); err != nil {
			logging.FromContext(ctx).Error("rollback failed", "error", err.Error())
		}
		if resp != nil {
			resp.Data = []byte("null")
		}
		return resp
	}
	if err := s.Commit(ctx); err != nil {
		logging.FromContext(ctx).Error("commit failed", "error", err.Error())
		return &graphql.Response{
			Data: []byte("null"),
			Errors: gqlerror.List{{
				Message:    apperr.MessageOf(err),
				Extensions: map[string]any{"code": string(apperr.Internal)},
			}},
		}
	}
	return resp
}
