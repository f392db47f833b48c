package db

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// spanTracer makes an OpenTelemetry span of every statement and batch run
// on behalf of a traced request (docs/tracing.md). A statement is named by
// its name in the package's .sql file (sqlfile.NameOf) or else by its
// first keyword; its text, its arguments and the server's error message
// are never recorded, as they may hold identity numbers and names: only
// the SQLSTATE of an error is.
//
// It makes spans only under a recording span, with that span's provider:
// with tracing off, or for work outside a request (listeners, timers), it
// costs a lookup in the context and nothing else.
type spanTracer struct{}

const tracerName = "github.com/samverkanshub/hub/internal/platform/db"

// startSpan starts a statement's span under ctx's span if that records.
func startSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) context.Context {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return ctx
	}
	ctx, _ = parent.TracerProvider().Tracer(tracerName).Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(append(attrs, semconv.DBSystemNamePostgreSQL)...))
	return ctx
}

func (spanTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx // before naming the statement: the common case costs nothing more
	}
	verb := firstKeyword(d.SQL)
	if name := sqlfile.NameOf(d.SQL); name != "" {
		return startSpan(ctx, name, semconv.DBOperationName(verb), attribute.String("hub.sql.statement", name))
	}
	return startSpan(ctx, verb, semconv.DBOperationName(verb))
}

func (spanTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	endSpan(ctx, d.Err)
}

func (spanTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	return startSpan(ctx, "batch", semconv.DBOperationName("BATCH"), semconv.DBOperationBatchSize(d.Batch.Len()))
}

func (spanTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (spanTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchEndData) {
	endSpan(ctx, d.Err)
}

func (spanTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	return startSpan(ctx, "COPY", semconv.DBOperationName("COPY"), semconv.DBCollectionName(d.TableName.Sanitize()))
}

func (spanTracer) TraceCopyFromEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromEndData) {
	endSpan(ctx, d.Err)
}

// endSpan ends the statement's span (if the start made one), marking an
// error by its SQLSTATE alone: a server's message may quote a value
// ("invalid input syntax for type uuid: …", a unique key's detail).
func endSpan(ctx context.Context, err error) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	if err != nil {
		desc := "error"
		var pgErr *pgconn.PgError
		switch {
		case errors.As(err, &pgErr):
			span.SetAttributes(semconv.DBResponseStatusCode(pgErr.Code))
			desc = "SQLSTATE " + pgErr.Code
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			desc = "cancelled"
		}
		span.SetStatus(codes.Error, desc)
	}
	span.End()
}

// firstKeyword is the statement's first word, upper case (SELECT, WITH,
// INSERT, …), after leading comments; "SQL" when there is none.
func firstKeyword(sql string) string {
	s := sql
	for {
		s = strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(s, "--"):
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				s = s[i+1:]
				continue
			}
			return "SQL"
		case strings.HasPrefix(s, "/*"):
			if i := strings.Index(s, "*/"); i >= 0 {
				s = s[i+2:]
				continue
			}
			return "SQL"
		}
		break
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if end < 0 {
		end = len(s)
	}
	if end == 0 || end > 16 {
		return "SQL"
	}
	return strings.ToUpper(s[:end])
}
