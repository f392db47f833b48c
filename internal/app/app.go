// Package app is the hub's application layer: the lawful order of every use
// case on protected data lives here, once. A use case runs in a unit of
// work (Work) that belongs to one request: the actor (principal, declared
// purpose), one database transaction with the actor's settings (which
// row-level security reads), one clock (read when the work begins; SQL's
// hub_now() in its transaction), and one audit trail. A service method of a capability (internal/app/casework,
// samtycke, auditreview, vagin, orgs) takes the Work and does, in its
// transaction: the purpose check, authorization through internal/authz,
// the domain call, and the notes for the audit record and the loggutdrag.
// Finish writes the audit record and commits, or rolls back; nothing is
// committed without its audit record.
//
// Transports (graph/, cmd/hub) build Actors, begin and finish Work, and
// call services; they never touch the transaction or the trail themselves.
package app

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
)

// App holds what every use case needs, built once in the composition root.
type App struct {
	Pool *pgxpool.Pool
	// Authz is the policy; nil for an App that runs only the operator's
	// use cases, which ask none (internal/app/keys).
	Authz *authz.Authorizer
	Keys  *piicrypt.Keys
	// StatementTimeout bounds each SQL statement of a unit of work (0:
	// the server's default).
	StatementTimeout time.Duration
	// Jobs is the job queue (river) the units of work enqueue their timers
	// in (Work.Enqueue); an insert-only client will do. nil enqueues
	// nothing: the command-line tools, whose work the timers' periodic
	// scans find (docs/timers.md).
	Jobs *river.Client[pgx.Tx]
}

// finishTimeout bounds writing the audit record and committing, which must
// happen even when the client has gone.
const finishTimeout = 10 * time.Second

// detached is ctx without its cancellation, bounded by finishTimeout: for
// ending a transaction properly after the request ended.
func detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
}

// StatementTimedOut reports whether err is a statement of the work stopped
// by its StatementTimeout (SQLSTATE 57014, query_canceled, for the
// statement timeout rather than a cancelled context), which a client is
// told in words it can act on.
func StatementTimedOut(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "57014" && strings.Contains(pgErr.Message, "statement timeout")
}

// DatabaseUnavailable reports whether err is the database out of reach:
// no connection could be made (the server down, restarting or still
// recovering), or the one in use was lost under the statement (the
// server crashed or was shut down). A client is told so in words it can
// act on (try again shortly); the operator sees /readyz answer 503.
func DatabaseUnavailable(err error) bool {
	if err == nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08, connection_exception; 57P01–57P03: admin_shutdown,
		// crash_shutdown, cannot_connect_now (starting up, recovering).
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connectErr *pgconn.ConnectError
	var netErr *net.OpError
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
