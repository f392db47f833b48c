package graph_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The generated code is what `go generate` makes of the schema today, and
// the resolver files hold only resolvers: gqlgen moves any other code in
// them into a comment on its next run, so a helper written there breaks
// the build of whoever regenerates next. The test runs gqlgen on a copy of
// the module and compares.
func TestGeneratedCode_IsWhatGoGenerateMakes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs gqlgen on a copy of the module")
	}
	t.Parallel()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	copyDir := t.TempDir()
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case ".git", ".data", "docs", "bench", "node_modules":
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(copyDir, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(copyDir, rel), b, 0o644)
	}))
	cmd := exec.Command("go", "tool", "gqlgen", "generate")
	cmd.Dir = copyDir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "gqlgen generate: %s", out)

	generated, err := filepath.Glob(filepath.Join(root, "graph", "generated", "*.go"))
	require.NoError(t, err)
	resolvers, err := filepath.Glob(filepath.Join(root, "graph", "*.resolvers.go"))
	require.NoError(t, err)
	files := append(append(generated, resolvers...), filepath.Join(root, "graph", "model", "models_gen.go"))
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		want, err := os.ReadFile(f)
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(copyDir, rel))
		require.NoError(t, err, "%s: gqlgen no longer writes it", rel)
		if !bytes.Equal(want, got) {
			hint := "run go generate ./... and commit the result"
			if strings.HasSuffix(rel, ".resolvers.go") && bytes.Contains(got, []byte("!!! WARNING !!!")) {
				hint = "a resolver file holds code that is not a resolver: move it to a file of its own"
			}
			t.Errorf("%s differs from what go generate makes: %s", rel, hint)
		}
	}
}
