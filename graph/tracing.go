package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// operationSpans makes a span of each query and mutation, named by its
// type and root fields as the audit trail names it (operationName: never
// the client's operation name, never an alias, never a variable or an
// argument), and a child span of each root field (by field name, never
// the client's alias), under which the field's SQL statements appear (internal/platform/db). Nested fields get none: a
// span per scalar would cost more than the request. A subscription gets
// none either: it lasts as long as its socket. See docs/tracing.md.
//
// Added first, so that its span holds the other extensions' work (the
// unit of work's begin, audit and commit).
type operationSpans struct{ tracer trace.Tracer }

func newOperationSpans(tp trace.TracerProvider) operationSpans {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return operationSpans{tracer: tp.Tracer("github.com/samverkanshub/hub/graph")}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.RootFieldInterceptor
} = operationSpans{}

func (operationSpans) ExtensionName() string                   { return "OperationSpans" }
func (operationSpans) Validate(graphql.ExecutableSchema) error { return nil }

func (s operationSpans) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	opType := string(oc.Operation.Operation)
	ctx, span := s.tracer.Start(ctx, opType, trace.WithAttributes(
		semconv.GraphQLOperationTypeKey.String(opType)))
	if !span.IsRecording() {
		span.End()
		return next(ctx)
	}
	span.SetName(opType + " " + operationName(oc)) // only when traced: it collects the root fields
	responses := next(ctx)
	var once sync.Once
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		once.Do(func() {
			// Error codes only: a message may quote what was asked.
			if resp != nil && len(resp.Errors) > 0 {
				span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)))
				if code, _ := resp.Errors[0].Extensions["code"].(string); code != "" {
					span.SetAttributes(attribute.String("graphql.error.code", code))
				}
				span.SetStatus(codes.Error, "GraphQL errors")
			}
			span.End()
		})
		return resp
	}
}

func (s operationSpans) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	rfc := graphql.GetRootFieldContext(ctx)
	if rfc == nil || !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	parent := rootTypes[graphql.GetOperationContext(ctx).Operation.Operation]
	ctx, span := s.tracer.Start(ctx, parent+"."+rfc.Field.Name, trace.WithAttributes(
		attribute.String("graphql.field.name", rfc.Field.Name),
		attribute.String("graphql.field.parent_type", parent)))
	defer span.End()
	return next(ctx) // resolves the field and everything under it
}

var rootTypes = map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"}
