package db

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A statement not from a .sql file is named by its verb, never by more of
// its text.
func TestFirstKeyword_IsTheVerbAfterComments(t *testing.T) {
	t.Parallel()
	for sql, want := range map[string]string{
		"SELECT id FROM cases WHERE id = $1":        "SELECT",
		"  with x AS (SELECT 1) SELECT * FROM x":    "WITH",
		"-- a comment\n/* another */ INSERT INTO t": "INSERT",
		"COMMIT":            "COMMIT",
		"":                  "SQL",
		"-- only a comment": "SQL",
		"'19850312-9804'":   "SQL",
		"Robinnilssonrobinnilssonrobinnilsson SELECT 1": "SQL",
	} {
		require.Equal(t, want, firstKeyword(sql), "%q", sql)
	}
}
