// Package graph translates GraphQL into calls on the domain packages under
// internal/. Resolvers decode arguments, call the domain, and convert the
// result; they hold no rules and write no SQL.
package graph

//go:generate sh -c "cd .. && go tool gqlgen generate"

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
)

// Resolver is the root resolver; it holds the dependencies of all resolvers.
type Resolver struct {
	Pool  *pgxpool.Pool
	Authz *authz.Authorizer
	Keys  *piicrypt.Keys
	// ConsentEvents announces samtycke changes to subscriptions.
	ConsentEvents *consent.Listener
	// WaysCache keeps waysIn answers (nil: none).
	WaysCache *directory.WaysCache
}

// allow asks the one authorization entry point whether the request's
// principal may act on obj. A refusal is FORBIDDEN and goes to the audit
// trail; callers that must hide an object's existence turn it into
// NOT_FOUND themselves.
func (r *Resolver) allow(ctx context.Context, act authz.Action, obj authz.Object) error {
	p := identity.FromContext(ctx)
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "authentication required")
	}
	err := r.Authz.Require(ctx, querier(ctx), p, act, obj)
	if apperr.CodeOf(err) == apperr.Forbidden {
		audit.Deny(ctx, apperr.MessageOf(err), obj.ID)
	}
	return err
}
