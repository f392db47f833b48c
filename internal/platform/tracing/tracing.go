// Package tracing turns on OpenTelemetry traces: when an OTLP endpoint is
// configured, spans of requests (HTTP, GraphQL operations and root fields,
// SQL statements) are batched and sent over OTLP/HTTP (protobuf) to a
// collector. Off by default. See docs/tracing.md.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// Propagator is how trace context crosses process boundaries: W3C
// traceparent/tracestate, the only format the hub reads.
var Propagator propagation.TextMapPropagator = propagation.TraceContext{}

// Enabled reports whether traces are to be exported: an endpoint is
// given (--otlp-endpoint), or one of OpenTelemetry's standard variables
// names one (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
// and OTEL_SDK_DISABLED is not true.
func Enabled(endpoint string) bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") {
		return false
	}
	return endpoint != "" || os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// NewProvider builds a tracer provider exporting to endpoint, a
// collector's OTLP/HTTP URL (http://collector:4318, to which /v1/traces
// is added as to OTEL_EXPORTER_OTLP_ENDPOINT), or, when it is empty, where
// OpenTelemetry's standard variables say. The sampler is
// parent-based, always sampling a root (OTEL_TRACES_SAMPLER and
// OTEL_TRACES_SAMPLER_ARG change it); the resource is service.name "hub"
// and its version (OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win).
// Shut the provider down to flush the last spans.
func NewProvider(ctx context.Context, endpoint string) (*sdktrace.TracerProvider, error) {
	var opts []otlptracehttp.Option
	if endpoint != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(strings.TrimRight(endpoint, "/")+"/v1/traces"))
	}
	exporter, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	version := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceName("hub"), semconv.ServiceVersion(version)),
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("OpenTelemetry resource (OTEL_RESOURCE_ATTRIBUTES?): %w", err)
	}
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res)), nil
}

// Setup turns traces on for the process when Enabled(endpoint): the
// global tracer provider exports over OTLP/HTTP and W3C trace context is
// the global propagator. It returns the function flushing and stopping
// the exporter (a no-op when traces are off).
func Setup(ctx context.Context, endpoint string) (shutdown func(context.Context) error, err error) {
	if !Enabled(endpoint) {
		return func(context.Context) error { return nil }, nil
	}
	tp, err := NewProvider(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(Propagator)
	return tp.Shutdown, nil
}
