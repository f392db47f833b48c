package migrate_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func tables(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT tablename FROM pg_tables
		WHERE schemaname = 'public' AND tablename <> 'schema_version' ORDER BY tablename`)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return names
}

func TestMigrations_UpDownUpLeavesTheSameSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := connect(t, pgtest.NewEmptyDatabase(t).URL)

	require.NoError(t, migrate.Up(ctx, conn))
	st, err := migrate.GetStatus(ctx, conn)
	require.NoError(t, err)
	require.Equal(t, st.Latest, st.Current)
	require.Positive(t, st.Latest)
	up := tables(t, conn)
	require.Contains(t, up, "organizations")
	require.Contains(t, up, "federation_memberships")

	require.NoError(t, migrate.To(ctx, conn, 0))
	require.Empty(t, tables(t, conn), "down to 0 removes every table")

	require.NoError(t, migrate.Up(ctx, conn))
	require.Equal(t, up, tables(t, conn))
}

func TestMigrations_EachStepDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := connect(t, pgtest.NewEmptyDatabase(t).URL)
	require.NoError(t, migrate.Up(ctx, conn))
	st, err := migrate.GetStatus(ctx, conn)
	require.NoError(t, err)
	for v := st.Latest; v > 0; v-- {
		require.NoError(t, migrate.Down(ctx, conn, 1), "down from %d", v)
		require.NoError(t, migrate.Up(ctx, conn), "up again to %d", st.Latest)
		require.NoError(t, migrate.To(ctx, conn, v-1))
	}
	require.Empty(t, tables(t, conn))
}

// Two replicas starting at once must not both apply the migrations: the
// advisory lock makes the second wait, then find nothing to do.
func TestMigrations_ConcurrentRunsDoNotRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewEmptyDatabase(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		conn := connect(t, db.URL)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = migrate.Up(ctx, conn)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	st, err := migrate.GetStatus(ctx, connect(t, db.URL))
	require.NoError(t, err)
	require.Equal(t, st.Latest, st.Current)
}
