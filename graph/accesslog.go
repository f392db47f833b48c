package graph

import (
	"context"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// The access log line of a /graphql request (written by httpserver when
// the request is over) says what ran and for whom, in terms an operator
// can count and that identify no person: the operation's root fields
// (`root_fields=cases,meetings`), its type, the organisation's id and the
// principal's roles. Never the user's id or name, the variables or the
// query text. A WebSocket connection's line, written when it closes,
// collects the root fields of every operation run on it.

// logPrincipal records the organisation and roles of the request's
// principal (set by identity.Middleware; a WebSocket's principal is known
// only at connection_init, where authenticateWebSocket records them).
func logPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := identity.FromContext(r.Context()); p != nil {
			recordPrincipal(r.Context(), p)
		}
		next.ServeHTTP(w, r)
	})
}

func recordPrincipal(ctx context.Context, p *identity.Principal) {
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = string(r) // a closed set: Authenticate refuses unknown roles
	}
	logging.SetField(ctx, "org", p.OrgID.String())
	logging.SetField(ctx, "roles", strings.Join(roles, ","))
}

// operationLog records each operation's type and root fields on the
// request's access log line.
type operationLog struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = operationLog{}

func (operationLog) ExtensionName() string                   { return "OperationLog" }
func (operationLog) Validate(graphql.ExecutableSchema) error { return nil }

func (operationLog) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
		logging.AddToField(ctx, "operation", string(oc.Operation.Operation))
		logging.AddToField(ctx, "root_fields", rootFieldNames(oc)...)
	}
	return next(ctx)
}
