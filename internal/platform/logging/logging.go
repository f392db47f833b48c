// Package logging sets up log/slog and carries the request's logger (with
// its request id) in the context, so every line of a request can be tied
// together.
package logging

import (
	"context"
	"io"
	"log/slog"
)

// New returns a JSON logger (production) or a text logger (dev).
func New(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

type loggerKey struct{}
type requestIDKey struct{}

// WithRequest returns a context carrying the request id and a logger that
// adds it to every line.
func WithRequest(ctx context.Context, base *slog.Logger, requestID string) context.Context {
	ctx = context.WithValue(ctx, requestIDKey{}, requestID)
	return context.WithValue(ctx, loggerKey{}, base.With("request_id", requestID))
}

// FromContext returns the request's logger, or slog.Default().
func FromContext(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// RequestID returns the request id, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
