package db

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkanshub/hub/internal/platform/metrics"
)

// Listen keeps a dedicated connection listening on a Postgres channel until
// ctx ends, and reconnects with backoff (100 ms doubling to 30 s) when the
// connection is lost. After every (re)connection it calls connected, so that
// the caller can catch up on what it may have missed; then notify for each
// notification. An error from either drops the connection and reconnects.
// name says in the log what is listening.
func Listen(ctx context.Context, connString, channel, name string, log *slog.Logger,
	connected func(context.Context, *pgx.Conn) error, notify func(context.Context, *pgx.Conn, *pgconn.Notification) error,
) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := listenOnce(ctx, connString, channel, func(c *pgx.Conn) error {
			backoff = 100 * time.Millisecond
			if connected == nil {
				return nil
			}
			return connected(ctx, c)
		}, notify)
		if ctx.Err() != nil {
			return
		}
		metrics.ListenReconnects.WithLabelValues(name).Inc()
		log.Warn(name+" lost its connection; reconnecting", "error", err.Error(), "in", backoff.String())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

func listenOnce(ctx context.Context, connString, channel string, connected func(*pgx.Conn) error,
	notify func(context.Context, *pgx.Conn, *pgconn.Notification) error,
) error {
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	if err := connected(conn); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if err := notify(ctx, conn, n); err != nil {
			return err
		}
	}
}
