package pgcluster_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/pgcluster"
)

// The lock is held by one holder at a time (flock conflicts between two
// opens even in one process, as between two `hub dev`s), its error names
// the holder's pid, and it is free again once released.
func TestLockDir_OneHolderAtATimeNamedInTheError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() + "/data"
	first, err := pgcluster.LockDir(dir)
	require.NoError(t, err)

	_, err = pgcluster.LockDir(dir)
	require.Error(t, err)
	require.True(t, errors.Is(err, pgcluster.ErrLocked), err.Error())
	require.Contains(t, err.Error(), fmt.Sprintf("process %d holds", os.Getpid()))

	require.NoError(t, first.Unlock())
	second, err := pgcluster.LockDir(dir)
	require.NoError(t, err, "released, the lock can be taken again")
	require.NoError(t, second.Unlock())
}
