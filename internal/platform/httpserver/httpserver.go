// Package httpserver is the hub's HTTP front: echo with the middleware every
// request passes (request id, access log, body limit, timeouts, panic
// recovery), the health endpoints, and graceful shutdown. The GraphQL
// endpoint itself is passed in, so this package knows nothing of GraphQL.
package httpserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/samverkanshub/hub/internal/platform/logging"
	"github.com/samverkanshub/hub/internal/platform/tracing"
)

// Options configure the server.
type Options struct {
	Logger         *slog.Logger
	Pool           *pgxpool.Pool // for /readyz
	GraphQL        http.Handler  // served at /graphql
	SchemaSDL      []byte        // served at /graphql/schema.graphql
	GraphiQL       http.Handler  // served at /graphiql and /graphiql/assets/ when non-nil
	BodyLimitBytes int64
	RequestTimeout time.Duration
	// AllowedOrigin says whether a browser page on origin may call
	// /graphql (CORS; see cors.go). Nil: no CORS headers, so only pages
	// served by the hub itself (GraphiQL) can read the API's answers.
	AllowedOrigin func(r *http.Request, origin string) bool
	// TracerProvider makes the requests' spans (nil: the global one, a
	// no-op unless tracing.Setup turned traces on).
	TracerProvider trace.TracerProvider
}

// New builds the echo instance with every route and middleware.
func New(o Options) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// Trust no X-Forwarded-For by default: the client address is the peer.
	e.IPExtractor = echo.ExtractIPDirect()
	e.HTTPErrorHandler = errorHandler(o.Logger)

	e.Use(requestID(o.Logger), traces(o.TracerProvider), accessLog, recoverPanics, bodyLimit(o.BodyLimitBytes))

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := o.Pool.Ping(ctx); err != nil {
			logging.FromContext(c.Request().Context()).Warn("readiness check failed", "error", err.Error())
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
	})
	gql := echo.WrapHandler(withCORS(o.AllowedOrigin, withTimeout(o.RequestTimeout, o.GraphQL)))
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodOptions, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead} {
		e.Add(m, "/graphql", gql) // the handler answers 405 for the wrong ones
	}
	sdl := echo.WrapHandler(withCORS(o.AllowedOrigin, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(o.SchemaSDL)
	})))
	e.GET("/graphql/schema.graphql", sdl)
	e.OPTIONS("/graphql/schema.graphql", sdl)
	if o.GraphiQL != nil {
		e.GET("/graphiql", echo.WrapHandler(o.GraphiQL))
		e.GET("/graphiql/assets/*", echo.WrapHandler(o.GraphiQL)) // its pinned scripts
	}
	return e
}

// Serve runs the server on l until ctx is cancelled, then stops accepting
// connections and waits up to drain for in-flight requests.
func Serve(ctx context.Context, e *echo.Echo, l net.Listener, drain time.Duration) error {
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("drain in-flight requests: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes a well-formed X-Request-ID from the caller (a gateway's)
// or makes one, echoes it, and puts a logger carrying it in the context.
func requestID(base *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := c.Request().Header.Get(echo.HeaderXRequestID)
			if !requestIDPattern.MatchString(id) {
				var b [12]byte
				_, _ = rand.Read(b[:])
				id = hex.EncodeToString(b[:])
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			ctx := logging.WithRequest(c.Request().Context(), base, id)
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

// traces makes a server span of every request but a WebSocket's (its span
// would last as long as the connection; its operations have spans of
// their own), continuing the caller's trace when a W3C traceparent header
// names one. It records the method, the route (never the path or query
// string as sent: a GET's query string carries the GraphQL variables) and
// the status.
func traces(tp trace.TracerProvider) echo.MiddlewareFunc {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	tracer := tp.Tracer("github.com/samverkanshub/hub/internal/platform/httpserver")
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
				return next(c)
			}
			ctx := tracing.Propagator.Extract(req.Context(), propagation.HeaderCarrier(req.Header))
			name, attrs := req.Method, []attribute.KeyValue{semconv.HTTPRequestMethodKey.String(req.Method)}
			if route := c.Path(); route != "" && route != "/*" {
				name += " " + route
				attrs = append(attrs, semconv.HTTPRoute(route))
			}
			ctx, span := tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
			defer span.End()
			if !span.IsRecording() {
				return next(c)
			}
			c.SetRequest(req.WithContext(ctx))
			err := next(c)
			if err != nil {
				c.Error(err) // as accessLog: the status is then known
			}
			status := c.Response().Status
			span.SetAttributes(semconv.HTTPResponseStatusCode(status))
			if status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(status))
			}
			return nil
		}
	}
}

// accessLog writes one line per request when it is over, with what the
// handlers recorded on the way (logging.Fields: for /graphql the
// operation's root fields, the organisation and the roles).
func accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		ctx, fields := logging.WithFields(c.Request().Context())
		c.SetRequest(c.Request().WithContext(ctx))
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		req, res := c.Request(), c.Response()
		attrs := append([]any{
			"method", req.Method, "path", req.URL.Path, "status", res.Status,
			"bytes", res.Size, "duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			"remote", c.RealIP()}, fields.Attrs()...)
		logging.FromContext(req.Context()).Info("http request", attrs...)
		return nil
	}
}

func recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logging.FromContext(c.Request().Context()).Error("panic in HTTP handler", "panic", fmt.Sprint(p))
				err = echo.NewHTTPError(http.StatusInternalServerError)
			}
		}()
		return next(c)
	}
}

// bodyLimit rejects bodies larger than limit: at once when Content-Length
// says so, otherwise when reading passes the limit.
func bodyLimit(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge,
					fmt.Sprintf("request body of %d bytes is larger than the limit of %d bytes", req.ContentLength, limit))
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			return next(c)
		}
	}
}

// withTimeout bounds a request's context; WebSocket connections live longer
// and are exempt.
func withTimeout(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			h.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// errorHandler answers non-GraphQL errors (404, 405, 413, 500) in the same
// JSON shape as GraphQL request errors, without internals.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, msg, code := http.StatusInternalServerError, "internal error", "INTERNAL"
		var he *echo.HTTPError
		if errors.As(err, &he) {
			status = he.Code
			if m, ok := he.Message.(string); ok && status < 500 {
				msg = m
			} else {
				msg = http.StatusText(status)
			}
			switch {
			case status == http.StatusNotFound:
				code = "NOT_FOUND"
			case status < 500:
				code = "BAD_USER_INPUT"
			}
		}
		if status >= 500 {
			logging.FromContext(c.Request().Context()).Error("http error", "error", err.Error())
		}
		body, _ := json.Marshal(map[string]any{"errors": []map[string]any{{
			"message": msg, "extensions": map[string]any{"code": code},
		}}})
		_ = c.Blob(status, "application/json; charset=utf-8", body)
	}
}
