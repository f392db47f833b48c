package app_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// DatabaseUnavailable tells the database out of reach (which clients are
// told to retry shortly) from other failures, with the errors pgx really
// returns: a server that does not answer, a session the server ended
// under a statement, and, not unavailable, a statement timeout, a
// request's own deadline and an SQL error.
func TestDatabaseUnavailable_TellsAServerOutOfReachFromOtherFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := l.Addr().String()
	require.NoError(t, l.Close())
	_, noServer := pgx.Connect(ctx, "postgres://hub@"+closed+"/hub?connect_timeout=2")
	require.Error(t, noServer)

	d := pgtest.NewDatabase(t)
	victim, err := pgx.Connect(ctx, d.URL)
	require.NoError(t, err)
	defer victim.Close(ctx)
	var pid int
	require.NoError(t, victim.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid))
	_, err = d.Pool.Exec(ctx, "SELECT pg_terminate_backend($1)", pid)
	require.NoError(t, err)
	_, terminated := victim.Exec(ctx, "SELECT 1")
	require.Error(t, terminated)
	_, closedConn := victim.Exec(ctx, "SELECT 1")
	require.Error(t, closedConn)

	// failing runs sql on a connection of its own in ctx, and returns
	// its error.
	failing := func(ctx context.Context, sql string) error {
		conn, err := pgx.Connect(context.Background(), d.URL)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		_, err = conn.Exec(ctx, sql)
		require.Error(t, err)
		return err
	}
	timedOut := failing(ctx, "SET statement_timeout = '10ms'; SELECT pg_sleep(1)")
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	deadline := failing(short, "SELECT pg_sleep(1)")
	sqlErr := failing(ctx, "SELECT 1/0")

	for name, err := range map[string]error{"no server": noServer, "session terminated": terminated, "connection closed": closedConn} {
		require.True(t, app.DatabaseUnavailable(err), "%s: %v", name, err)
	}
	for name, err := range map[string]error{"statement timeout": timedOut, "deadline": deadline, "division by zero": sqlErr, "none": nil} {
		require.False(t, app.DatabaseUnavailable(err), "%s: %v", name, err)
	}
}
