package db

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Settings are the per-transaction values every statement of a request runs
// under: hub.* settings that row-level security policies read, and the
// statement timeout.
type Settings struct {
	// Values maps a setting name (e.g. "hub.org_id") to its value.
	Values map[string]string
	// StatementTimeout bounds each statement; 0 keeps the server default.
	StatementTimeout time.Duration
	// ReadOnly opens a READ ONLY transaction.
	ReadOnly bool
}

// Session is one request's transaction. It begins lazily on the first
// statement, so requests that never touch the database never hold a
// connection, and it is safe for concurrent use: gqlgen resolves sibling
// fields in parallel goroutines while a pgx connection runs one statement at
// a time, so statements are serialised with a mutex that is held until a
// result set has been read or closed.
type Session struct {
	pool     *pgxpool.Pool
	settings Settings

	// sem serialises statements on tx: a one-slot semaphore rather than a
	// mutex so that waiting for it respects the request's context.
	sem    chan struct{}
	conn   *pgxpool.Conn // inside the transaction, from begin to Commit or Rollback
	now    time.Time
	closed bool
}

// NewSession prepares a session; no connection is taken yet.
func NewSession(pool *pgxpool.Pool, s Settings) *Session {
	return &Session{pool: pool, settings: s, sem: make(chan struct{}, 1)}
}

// lock takes the session for one statement.
func (s *Session) lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for the request's database session: %w", ctx.Err())
	}
}

func (s *Session) unlock() { <-s.sem }

// ErrSessionClosed is returned for statements after Commit or Rollback.
var ErrSessionClosed = errors.New("database session already finished")

// begin opens the transaction; the caller holds the lock.
//
// BEGIN and the settings go to the server together, in one round trip
// (a pipeline of two statements): a request that reads one thing then
// costs three round trips (begin, its query, commit) instead of four.
func (s *Session) begin(ctx context.Context) error {
	if s.closed {
		return ErrSessionClosed
	}
	if s.conn != nil {
		return nil
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	beginSQL := "BEGIN"
	if s.settings.ReadOnly {
		beginSQL = "BEGIN READ ONLY"
	}
	// SET LOCAL takes no bind parameters; set_config(name, value, true) is
	// its parameterised equivalent, scoped to this transaction. All
	// settings and the transaction's timestamp come in one statement.
	names := slices.Sorted(maps.Keys(s.settings.Values))
	var sql strings.Builder
	args := make([]any, 0, len(names)+1)
	sql.WriteString("SELECT now()")
	for _, name := range names {
		args = append(args, s.settings.Values[name])
		fmt.Fprintf(&sql, ", set_config(%s, $%d, true)", quoteLiteral(name), len(args))
	}
	if s.settings.StatementTimeout > 0 {
		args = append(args, fmt.Sprintf("%dms", s.settings.StatementTimeout.Milliseconds()))
		fmt.Fprintf(&sql, ", set_config('statement_timeout', $%d, true)", len(args))
	}
	// A request's statements run on generic plans, planned once per
	// connection. With Postgres's default (auto) a statement whose
	// parameters are ids (= ANY($1), the request loaders') is planned
	// anew on every execution: its generic plan, costed for an array of
	// unknown length, never looks cheaper than a custom plan for one id.
	// Under row security, with the sharing rule's functions inlined, that
	// planning cost ten times the execution (a case with its plans,
	// meetings and checklist: some 7 ms of planning for 0.6 ms of
	// execution; docs/casefile-benchmarks.md).
	args = append(args, "force_generic_plan")
	fmt.Fprintf(&sql, ", set_config('plan_cache_mode', $%d, true)", len(args))
	targets := make([]any, len(args)+1) // the timestamp, then set_config's echoes
	targets[0] = &s.now
	for i := 1; i < len(targets); i++ {
		targets[i] = new(any)
	}
	batch := &pgx.Batch{}
	batch.Queue(beginSQL)
	batch.Queue(sql.String(), args...).QueryRow(func(row pgx.Row) error { return row.Scan(targets...) })
	if err := conn.SendBatch(ctx, batch).Close(); err != nil {
		conn.Release() // destroys a connection left inside a transaction
		return fmt.Errorf("begin transaction with its settings: %w", err)
	}
	s.conn = conn
	return nil
}

// quoteLiteral quotes a setting name as an SQL string literal. Names come
// from the program, never from a request, but are quoted all the same.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Now returns the transaction's timestamp, the database's now() (the
// application layer's units of work keep their own clock, hub.now). It
// begins the transaction if needed.
func (s *Session) Now(ctx context.Context) (time.Time, error) {
	if err := s.lock(ctx); err != nil {
		return time.Time{}, err
	}
	defer s.unlock()
	if err := s.begin(ctx); err != nil {
		return time.Time{}, err
	}
	return s.now, nil
}

// Exec runs a statement that returns no rows.
func (s *Session) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := s.lock(ctx); err != nil {
		return pgconn.CommandTag{}, err
	}
	defer s.unlock()
	if err := s.begin(ctx); err != nil {
		return pgconn.CommandTag{}, err
	}
	return s.conn.Exec(ctx, sql, args...)
}

// Query runs a statement that returns rows. The session stays locked until
// the rows are read to the end or closed; always close them (pgx.CollectRows
// does).
func (s *Session) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	handedOver := false
	defer func() { // also on panic
		if !handedOver {
			s.unlock()
		}
	}()
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	handedOver = true
	return &lockedRows{Rows: rows, unlock: s.unlock}, nil
}

// QueryRow runs a statement that returns at most one row. The session stays
// locked until Scan is called.
func (s *Session) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := s.Query(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return &lockedRow{rows: rows}
}

// Commit commits the transaction, if one was begun. The session cannot be
// used afterwards.
func (s *Session) Commit(ctx context.Context) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	if s.closed {
		return ErrSessionClosed // rolled back, or committed before: nothing is committed now
	}
	s.closed = true
	if s.conn == nil {
		return nil
	}
	conn := s.conn
	s.conn = nil
	defer conn.Release() // destroys the connection if it is still in a transaction
	tag, err := conn.Exec(ctx, "COMMIT")
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	// A transaction that failed answers COMMIT by rolling back.
	if tag.String() == "ROLLBACK" {
		return fmt.Errorf("commit: %w", pgx.ErrTxCommitRollback)
	}
	return nil
}

// Rollback undoes the transaction, if one was begun. It is safe to call
// after Commit (it then does nothing).
func (s *Session) Rollback(ctx context.Context) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.conn == nil {
		return nil
	}
	conn := s.conn
	s.conn = nil
	defer conn.Release() // destroys the connection if the rollback failed
	if _, err := conn.Exec(ctx, "ROLLBACK"); err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	return nil
}

type lockedRows struct {
	pgx.Rows
	once   sync.Once
	unlock func()
}

func (r *lockedRows) release() { r.once.Do(r.unlock) }

func (r *lockedRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.release()
	return false
}

func (r *lockedRows) Close() {
	r.Rows.Close()
	r.release()
}

// lockedRow mirrors pgx's own Row: Scan reads the first row, then closes.
type lockedRow struct{ rows pgx.Rows }

func (r *lockedRow) Scan(dest ...any) error {
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
