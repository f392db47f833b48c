package sqlgolden

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestRender_WritesEachCaseWithItsArguments(t *testing.T) {
	t.Parallel()
	id := uuid.MustParse("0a000000-0000-4000-8000-000000000001")
	code := "1780"
	var none *string
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	got := Render("TestX/sub",
		Case{Name: "no arguments", SQL: "  SELECT 1\n"},
		Case{Name: "arguments", SQL: "SELECT $1, $2, $3, $4, $5, $6", Args: []any{id, &code, none, at, 21, []byte{0xca, 0xfe}}})
	require.Equal(t, `-- What the code renders, written by TestX/sub (go test -run '^TestX$' -update).

-- case: no arguments
SELECT 1;

-- case: arguments
-- $1 = 0a000000-0000-4000-8000-000000000001
-- $2 = "1780"
-- $3 = NULL
-- $4 = 2025-03-01T09:00:00Z
-- $5 = 21
-- $6 = '\xcafe'::bytea
SELECT $1, $2, $3, $4, $5, $6;
`, got)
}

func TestCheckParams_RequiresEveryArgumentAndNoOther(t *testing.T) {
	t.Parallel()
	require.Empty(t, checkParams("SELECT $1 WHERE a = $2 OR b = $1", 2))
	require.Equal(t, "refers to $3 but passes 2 arguments", checkParams("SELECT $1, $2, $3", 2))
	require.Equal(t, "passes $2 but never refers to it", checkParams("SELECT $1, $3", 3))
}
