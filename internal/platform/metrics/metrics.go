// Package metrics holds the hub's Prometheus metrics and serves them on a
// listener of their own (docs/metrics-and-limits.md).
//
// The metrics are package-level collectors that the packages measuring
// something update directly; a Registry (never Prometheus' global one)
// gathers them with the process's and the pool's. Labels take values from
// small fixed sets only (operation kinds, root field names of the schema,
// error codes, close codes): never an id, a name or anything a client
// chose freely.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Latency buckets of requests and operations, in seconds: from a cached
// answer (1 ms) to the request timeout (30 s).
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

var (
	// GraphQLOperations counts GraphQL operations (and requests refused
	// before an operation existed) by kind, operation and outcome.
	GraphQLOperations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hub_graphql_operations_total",
		Help: "GraphQL operations answered, by type (query, mutation, subscription, none), operation (the root field when it is the only one, 'several', or 'none' when the request failed before an operation existed) and code (OK or the first error's extensions.code).",
	}, []string{"type", "operation", "code"})

	// GraphQLDuration is the time from a request's arrival to its
	// operation's answer (queries and mutations; a subscription's first
	// answer is not its latency).
	GraphQLDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hub_graphql_operation_duration_seconds",
		Help:    "Time from a GraphQL request's start to its answer, for queries, mutations and refused requests, by type and operation as hub_graphql_operations_total.",
		Buckets: latencyBuckets,
	}, []string{"type", "operation"})

	// HTTPResponses counts the answers of /graphql over HTTP by status,
	// including those no GraphQL operation produced (401, 429, 400).
	HTTPResponses = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hub_graphql_http_responses_total",
		Help: "Answers of /graphql over HTTP (WebSocket upgrades excluded), by HTTP status code.",
	}, []string{"code"})

	// HTTPDuration is the time to answer /graphql over HTTP.
	HTTPDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hub_graphql_http_duration_seconds",
		Help:    "Time to answer /graphql over HTTP (WebSocket upgrades excluded), by HTTP status code.",
		Buckets: latencyBuckets,
	}, []string{"code"})

	// WebSocketsOpen is the number of GraphQL WebSocket connections open
	// on this replica.
	WebSocketsOpen = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "hub_websocket_connections_open",
		Help: "GraphQL WebSocket connections open on this replica.",
	})

	// WebSocketCloses counts the connections the hub closed, by close
	// code: 4400, 4401, 4403 and 4429 are refusals.
	WebSocketCloses = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hub_websocket_closes_total",
		Help: "GraphQL WebSocket connections the hub closed, by close code (4400 bad request, 4401 unauthorized, 4403 forbidden or token expired, 4429 too many, 4500 internal, 1000 normal; 'other' for the rest).",
	}, []string{"code"})

	// ListenReconnects counts the times a LISTEN connection was lost and
	// is being opened again, by listener.
	ListenReconnects = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hub_listen_reconnects_total",
		Help: "Times a Postgres LISTEN connection was lost and opened again, by listener (a fixed name in the code).",
	}, []string{"listener"})

	// AuditAppendWait is the time one audit record takes to be appended:
	// mostly waiting for a lane of the organisation's hash chain.
	AuditAppendWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "hub_audit_append_seconds",
		Help:    "Time to append one audit record to its organisation's hash chain, most of it waiting for a free lane (docs/audit.md).",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5},
	})

	// RateLimited counts requests, connections and operations refused by
	// a rate limit, by the limit's kind.
	RateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hub_rate_limit_rejections_total",
		Help: "Requests, WebSocket connections and operations refused with RATE_LIMITED, by limit: principal (a person), client (an organisation's client application) or address (requests without a token).",
	}, []string{"limit"})
)

// closeCodes are the close codes counted by their number.
var closeCodes = map[int]string{
	1000: "1000", 1001: "1001", 1008: "1008", 1011: "1011",
	4400: "4400", 4401: "4401", 4403: "4403", 4408: "4408", 4409: "4409", 4429: "4429", 4500: "4500",
}

// CountWebSocketClose counts a close by the hub with code.
func CountWebSocketClose(code int) {
	label, ok := closeCodes[code]
	if !ok {
		label = "other"
	}
	WebSocketCloses.WithLabelValues(label).Inc()
}

// NewRegistry returns a registry with the hub's metrics, Go's runtime and
// process metrics, the build's information and extra (the database pool's
// collector).
func NewRegistry(extra ...prometheus.Collector) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(),
		GraphQLOperations, GraphQLDuration, HTTPResponses, HTTPDuration, WebSocketsOpen, WebSocketCloses,
		ListenReconnects, AuditAppendWait, RateLimited,
	)
	reg.MustRegister(extra...)
	return reg
}

// buildInfo is hub_build_info, always 1, labelled with what built the
// binary: the module's version, Go's version, and the VCS revision and
// whether the tree had changes (go build records them; "unknown" under
// go test and go run).
func buildInfo() prometheus.Collector {
	version, revision, modified := "unknown", "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "hub_build_info",
		Help: "Always 1; labelled with the hub's module version, the Go version, the VCS revision and whether the working tree was modified.",
		ConstLabels: prometheus.Labels{
			"version": version, "goversion": runtime.Version(), "revision": revision, "modified": modified,
		},
	})
	g.Set(1)
	return g
}

// Handler serves reg in Prometheus' text (or OpenMetrics) format.
func Handler(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		Registry:          reg, // promhttp_metric_handler_errors_total
		EnableOpenMetrics: true,
	}))
	return mux
}

// Serve serves reg at /metrics on addr until ctx ends. It returns once
// the listener is open (an error if it cannot be), and serves in the
// background.
func Serve(ctx context.Context, addr string, reg *prometheus.Registry, logger *slog.Logger) (net.Addr, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (metrics): %w", addr, err)
	}
	srv := &http.Server{Handler: Handler(reg), ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener stopped", "error", err.Error())
		}
	}()
	logger.Info("metrics listening", "url", "http://"+l.Addr().String()+"/metrics")
	return l.Addr(), nil
}
