package routine

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// shipped reads a shipped routine's definition from the migration that
// states it (between $key$ quotes), so that the unit tests run the
// routines as the database holds them.
func shipped(t *testing.T, key string) Definition {
	t.Helper()
	sql, err := os.ReadFile("../../migrations/022_routines.sql")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?s)\$` + key + `\$(.*?)\$` + key + `\$`).FindSubmatch(sql)
	require.NotNil(t, m, "no $%s$ definition in the migration", key)
	var d Definition
	dec := json.NewDecoder(bytes.NewReader(m[1]))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&d))
	return d
}
