package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// The reaper is this test binary started again: Main must see to it.
func TestMain(m *testing.M) { Main(m) }

func self(t *testing.T) proc {
	t.Helper()
	p, comm, _, zombie, err := procInfo(os.Getpid())
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	require.False(t, zombie)
	require.NotEmpty(t, comm)
	return p
}

func TestProc_AliveOnlyWithItsOwnStartTime(t *testing.T) {
	me := self(t)
	require.True(t, me.alive())
	require.False(t, proc{pid: me.pid, start: me.start + 1}.alive(), "a reused pid is another process")

	p, ok := parseProc(strings.TrimPrefix(fmt.Sprintf("%s%d-%d", runDirPrefix, me.pid, me.start), runDirPrefix))
	require.True(t, ok)
	require.Equal(t, me, p)
	p, ok = parseProc(me.String() + "\n")
	require.True(t, ok)
	require.Equal(t, me, p)
	for _, bad := range []string{"", "12", "x-1", "1-x", "0-5", "3591491619"} {
		_, ok := parseProc(bad)
		require.False(t, ok, bad)
	}
}

func TestSweep_RemovesOnlyRunsNobodyOwnsUsesOrReaps(t *testing.T) {
	me := self(t)
	dead := proc{pid: me.pid, start: me.start + 1}
	base := t.TempDir()
	run := func(owner proc, tag string) string {
		d := filepath.Join(base, fmt.Sprintf("%s%d-%d", runDirPrefix, owner.pid, owner.start+uint64(len(tag))*1000))
		if owner == me {
			d = filepath.Join(base, fmt.Sprintf("%s%d-%d", runDirPrefix, owner.pid, owner.start))
		}
		require.NoError(t, os.MkdirAll(filepath.Join(d, "data"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(d, "users.lock"), nil, 0o644))
		return d
	}
	crashed := run(dead, "crashed") // owner and reaper gone, nobody attached: swept
	noLock := run(dead, "no-lock")  // killed before its lock file was made: swept
	require.NoError(t, os.Remove(filepath.Join(noLock, "users.lock")))
	living := run(me, "")           // its owner runs
	inUse := run(dead, "in use")    // an orphaned test binary still uses it
	reaping := run(dead, "reaping") // its reaper is on its way
	require.NoError(t, os.WriteFile(filepath.Join(reaping, "reaper"), []byte(me.String()), 0o644))
	other := filepath.Join(base, runDirPrefix+"3591491619") // not a run directory
	require.NoError(t, os.MkdirAll(other, 0o755))

	held, err := tryLock(filepath.Join(inUse, "users.lock"), syscall.LOCK_SH)
	require.NoError(t, err)
	defer held.Close()

	sweep([]string{base}, "")
	for d, kept := range map[string]bool{crashed: false, noLock: false, living: true, inUse: true, reaping: true, other: true} {
		_, err := os.Stat(d)
		require.Equal(t, kept, err == nil, "%s kept", filepath.Base(d))
	}
}

// Two packages of one run share a cluster; it outlives `go test` while one
// of them still uses it, and is gone soon after the last lets go. A
// directory an initialiser was killed in is made again.
func TestRun_OneClusterPerRunStoppedByTheReaperAfterTheLastUser(t *testing.T) {
	self(t)
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skip("no sleep command")
	}
	goTest := exec.Command("sleep", "600") // stands in for `go test`
	require.NoError(t, goTest.Start())
	defer func() { _ = goTest.Process.Kill(); _ = goTest.Wait() }()
	owner, _, _, _, err := procInfo(goTest.Process.Pid)
	require.NoError(t, err)

	path, exists := runPath(owner)
	require.False(t, exists)
	// What an initialiser killed in initdb leaves: a data dir without initdone.
	require.NoError(t, os.MkdirAll(filepath.Join(path, "data"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(path, "data", "PG_VERSION"), []byte("15\n"), 0o644))
	t.Cleanup(func() { _ = teardown(path) }) // if the test fails halfway

	ctx := context.Background()
	first, dsn, err := attachRun(ctx, owner, true)
	if err != nil && strings.Contains(err.Error(), "not found") {
		t.Skip(err)
	}
	require.NoError(t, err)
	second, dsn2, err := attachRun(ctx, owner, true)
	require.NoError(t, err)
	require.Equal(t, dsn, dsn2)
	require.Equal(t, first.path, second.path)
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	var connections string
	require.NoError(t, conn.QueryRow(ctx, "SHOW max_connections").Scan(&connections))
	require.Equal(t, "1000", connections)
	require.NoError(t, conn.Close(ctx))
	postmaster := postmasterPID(t, path)

	require.NoError(t, first.detach())
	require.NoError(t, goTest.Process.Kill())
	_ = goTest.Wait()
	time.Sleep(time.Second) // the reaper polls every 200 ms
	require.DirExists(t, path, "torn down under a user")
	require.True(t, processExists(postmaster))

	require.NoError(t, second.detach())
	require.Eventually(t, func() bool {
		_, err := os.Stat(path)
		return os.IsNotExist(err) && !processExists(postmaster)
	}, 30*time.Second, 100*time.Millisecond, "cluster stopped and directory removed")
}

func postmasterPID(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	require.NoError(t, err)
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(first)
	require.NoError(t, err)
	return pid
}

func processExists(pid int) bool {
	_, _, _, zombie, err := procInfo(pid)
	return err == nil && !zombie
}

func TestRunBases_SocketPathFitsEvenUnderALongTempDir(t *testing.T) {
	long := "/tmp/" + strings.Repeat("x", 80)
	t.Setenv("TMPDIR", long)
	require.Equal(t, []string{shmBase, "/tmp"}, runBases())
	t.Setenv("TMPDIR", "/var/tmp")
	require.Equal(t, []string{shmBase, "/var/tmp"}, runBases())
	for _, b := range []string{shmBase, "/tmp"} {
		sock := filepath.Join(b, fmt.Sprintf("%s%d-%d", runDirPrefix, 4194304, uint64(1<<64-1)), "s", ".s.PGSQL.5432")
		require.LessOrEqual(t, len(sock), socketMax, sock)
	}
}
