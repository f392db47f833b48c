package goclient_test

import (
	"os"
	"testing"

	"github.com/Khan/genqlient/generate"
	"github.com/stretchr/testify/require"
)

// generated.go is what genqlient makes today of operations.graphql and the
// committed SDL snapshot: when the snapshot changes so that an operation
// no longer validates, or its types change, this test says so (and `go
// generate ./examples/goclient` shows the change a partner's client sees).
// The operations run against a real server in graph/goclient_test.go.
func TestGeneratedClient_IsWhatGenqlientMakesOfTheSnapshot(t *testing.T) {
	t.Parallel()
	config, err := generate.ReadAndValidateConfig("genqlient.yaml")
	require.NoError(t, err)
	files, err := generate.Generate(config)
	require.NoError(t, err, "the operations against graph/schema.snapshot.graphql")
	require.NotEmpty(t, files)
	for path, want := range files {
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%s is stale: run go generate ./examples/goclient", path)
	}
}
