// Package db holds what every domain package needs to talk to PostgreSQL:
// the connection pool, the query interface domain stores accept, and the
// per-request transaction (Session) that GraphQL resolvers share.
package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Querier is what domain stores take: a pool, a pgx.Tx or a Session.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// PoolConfig sizes and bounds the connection pool.
type PoolConfig struct {
	URL            string
	MaxConns       int32
	MinIdleConns   int32
	ConnectTimeout time.Duration
	// Tracer, if set, sees every statement (tests count statements with it).
	Tracer pgx.QueryTracer
}

// NewPool opens a pgx pool and checks that the server answers.
func NewPool(ctx context.Context, cfg PoolConfig) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		// The parse error may echo the URL, password included.
		return nil, errors.New("parse database URL: malformed connection string")
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if cfg.MinIdleConns > 0 {
		pc.MinIdleConns = cfg.MinIdleConns
	}
	if cfg.ConnectTimeout > 0 {
		pc.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	}
	// Statements of traced requests become spans (trace.go); with tracing
	// off that tracer only looks at the context.
	pc.ConnConfig.Tracer = spanTracer{}
	if cfg.Tracer != nil {
		pc.ConnConfig.Tracer = multitracer.New(spanTracer{}, cfg.Tracer)
	}
	pc.AfterConnect = func(_ context.Context, conn *pgx.Conn) error {
		registerUUID(conn.TypeMap())
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return pool, nil
}

// Collect runs a query and reads every row into a T by column name
// (pgx.RowToStructByName: fields tagged `db:"column"`).
func Collect[T any](ctx context.Context, q Querier, sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[T])
}
