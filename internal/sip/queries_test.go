package sip

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQueries_EveryStatementIsUsed(t *testing.T) {
	t.Parallel()
	require.Empty(t, queries.Unused(), "statements of queries.sql no Go code uses")
}
