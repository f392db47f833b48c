package graph

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkanshub/hub/internal/platform/metrics"
)

// operationMetrics counts GraphQL operations and measures their latency
// (metrics.GraphQLOperations, metrics.GraphQLDuration). The operation's
// label is its root field when it has one (a name from the schema, so a
// bounded set), "several" when it has more, never the operation name the
// client chose. A request refused before an operation existed (parse and
// validation errors, an unknown persisted query) is counted as type and
// operation "none".
type operationMetrics struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = operationMetrics{}

func (operationMetrics) ExtensionName() string                   { return "OperationMetrics" }
func (operationMetrics) Validate(graphql.ExecutableSchema) error { return nil }

type measuredKey struct{}

// InterceptOperation measures an operation at its first response: a
// query's or mutation's only one, a subscription's first event or
// refusal (a subscription's latency is not measured).
func (operationMetrics) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	kind, op := string(oc.Operation.Operation), metricOperation(oc)
	start := oc.Stats.OperationStart
	responses := next(context.WithValue(ctx, measuredKey{}, true))
	first := true
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if first && resp != nil {
			first = false
			metrics.GraphQLOperations.WithLabelValues(kind, op, responseCode(resp)).Inc()
			if oc.Operation.Operation != ast.Subscription {
				metrics.GraphQLDuration.WithLabelValues(kind, op).Observe(since(start))
			}
		}
		return resp
	}
}

// InterceptResponse counts the responses no operation produced: requests
// refused before execution (the executor's DispatchError).
func (operationMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || ctx.Value(measuredKey{}) != nil {
		return resp
	}
	metrics.GraphQLOperations.WithLabelValues("none", "none", responseCode(resp)).Inc()
	if graphql.HasOperationContext(ctx) {
		metrics.GraphQLDuration.WithLabelValues("none", "none").Observe(since(graphql.GetOperationContext(ctx).Stats.OperationStart))
	}
	return resp
}

func since(start time.Time) float64 {
	if start.IsZero() {
		return 0
	}
	return time.Since(start).Seconds()
}

// metricOperation is the operation's label: its one root field, or
// "several".
func metricOperation(oc *graphql.OperationContext) string {
	name := operationName(oc)
	switch {
	case name == "":
		return "none"
	case strings.Contains(name, ","):
		return "several"
	}
	return name
}

// metricCodes are the error codes counted by name; any other is "OTHER".
var metricCodes = map[string]bool{
	"UNAUTHENTICATED": true, "FORBIDDEN": true, "NOT_FOUND": true, "BAD_USER_INPUT": true,
	"CONFLICT": true, "INTERNAL": true, "RATE_LIMITED": true,
	"PERSISTED_QUERY_NOT_FOUND": true, "PERSISTED_QUERY_NOT_SUPPORTED": true,
	"GRAPHQL_PARSE_FAILED": true, "GRAPHQL_VALIDATION_FAILED": true,
}

// responseCode is "OK" for a response without errors, else the first
// error's extensions.code.
func responseCode(resp *graphql.Response) string {
	if len(resp.Errors) == 0 {
		return "OK"
	}
	code, _ := resp.Errors[0].Extensions["code"].(string)
	if metricCodes[code] {
		return code
	}
	return "OTHER"
}

// countResponses counts and times the endpoint's HTTP answers by status
// (metrics.HTTPResponses, HTTPDuration); a WebSocket's upgrade request
// lasts as long as its connection and is not timed.
func countResponses(next http.Handler) http.Handler {
	counted := promhttp.InstrumentHandlerDuration(metrics.HTTPDuration,
		promhttp.InstrumentHandlerCounter(metrics.HTTPResponses, next))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebSocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		counted.ServeHTTP(w, r)
	})
}
