package db_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// uuid.UUID values go to and from uuid and uuid[] columns directly, NULLs
// included, in the binary and the text protocol alike.
func TestUUID_EncodesAndScansDirectly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	a, b := uuid.New(), uuid.New()

	var one uuid.UUID
	var nullable *uuid.UUID
	var ids []uuid.UUID
	var text string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT $1::uuid, $2::uuid, $3::uuid[], ($4::uuid[])::text`,
		a, (*uuid.UUID)(nil), []uuid.UUID{a, b}, []*uuid.UUID{&b, nil}).Scan(&one, &nullable, &ids, &text))
	require.Equal(t, a, one)
	require.Nil(t, nullable)
	require.Equal(t, []uuid.UUID{a, b}, ids)
	require.Equal(t, "{"+b.String()+",NULL}", text)

	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT $1::uuid`, &b).Scan(&nullable))
	require.Equal(t, b, *nullable)
	var found bool
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT $1::uuid = ANY($2::uuid[])`, b, []uuid.UUID{a, b}).Scan(&found))
	require.True(t, found)

	err := d.Pool.QueryRow(ctx, `SELECT NULL::uuid`).Scan(&one)
	require.ErrorContains(t, err, "NULL")

	// The simple protocol sends and reads text.
	conn, err := d.Pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	require.NoError(t, conn.QueryRow(ctx, `SELECT $1::uuid, $2::uuid[]`, pgx.QueryExecModeSimpleProtocol, a, []uuid.UUID{b}).Scan(&one, &ids))
	require.Equal(t, a, one)
	require.Equal(t, []uuid.UUID{b}, ids)
}
