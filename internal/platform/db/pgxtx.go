package db

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotTheSessionsOwner is returned by what PgxTx's pgx.Tx cannot do.
var ErrNotTheSessionsOwner = errors.New("the session's transaction is its owner's: a pgx.Tx of it only runs statements")

// PgxTx is the session's transaction as a pgx.Tx, for a library that
// writes in its caller's transaction through one (river's InsertTx): its
// statements are the session's, serialised with the others and under
// the same settings, and they begin the transaction if needed. Ending the
// transaction stays with the session's owner: Commit, Rollback and a
// nested Begin fail, as do COPY, batches and prepared statements, which
// the session does not offer; Conn is nil, and LargeObjects panics.
func (s *Session) PgxTx() pgx.Tx { return sessionTx{s} }

type sessionTx struct{ s *Session }

func (t sessionTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return t.s.Exec(ctx, sql, args...)
}

func (t sessionTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return t.s.Query(ctx, sql, args...)
}

func (t sessionTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return t.s.QueryRow(ctx, sql, args...)
}

func (sessionTx) Begin(context.Context) (pgx.Tx, error) { return nil, ErrNotTheSessionsOwner }
func (sessionTx) Commit(context.Context) error          { return ErrNotTheSessionsOwner }
func (sessionTx) Rollback(context.Context) error        { return ErrNotTheSessionsOwner }

func (sessionTx) CopyFrom(context.Context, pgx.Identifier, []string, pgx.CopyFromSource) (int64, error) {
	return 0, ErrNotTheSessionsOwner
}

func (sessionTx) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults {
	return errBatch{}
}

func (sessionTx) LargeObjects() pgx.LargeObjects {
	panic("db: a session's transaction offers no large objects")
}

func (sessionTx) Prepare(context.Context, string, string) (*pgconn.StatementDescription, error) {
	return nil, ErrNotTheSessionsOwner
}

func (sessionTx) Conn() *pgx.Conn { return nil }

// errBatch is the results of a batch the session did not send.
type errBatch struct{}

func (errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, ErrNotTheSessionsOwner }
func (errBatch) Query() (pgx.Rows, error)         { return nil, ErrNotTheSessionsOwner }
func (errBatch) QueryRow() pgx.Row                { return errRow{ErrNotTheSessionsOwner} }
func (errBatch) Close() error                     { return ErrNotTheSessionsOwner }
func (errBatch) Tx() pgx.Tx                       { return nil }
