package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/samverkanshub/hub/internal/platform/pgcluster"
)

// A run directory holds the cluster of one test run, in /dev/shm when that
// has room, else in $TMPDIR (or /tmp when the socket path would be too long):
//
//	hubpg-<pid>-<start>/  named for the run's owner (pid and start time)
//	  users.lock   flock: shared by every test binary using the cluster,
//	               exclusive while the cluster is torn down
//	  init.lock    flock: exclusive while the cluster starts or the reaper is spawned
//	  reaper       "<pid> <start>" of the reaper process
//	  initdone     written once initdb and the configuration are complete
//	  data/        the cluster (owned by "postgres" when the tests run as root)
//	  s/           its Unix socket
//
// The owner is the `go test` process when that is the test binary's parent,
// so that every package of one `go test ./...` shares the cluster, or else
// the test binary itself (a binary run by hand, under -exec, or by a
// debugger). A detached reaper process (the test binary started again with
// reaperEnv set) waits for the owner to exit and for the last user to let go
// of users.lock, then stops the cluster and removes the directory: no user
// needs to know whether it is the last one, and a killed package or a killed
// `go test` still has its cluster stopped. Directories whose owner and reaper
// are both gone (a killed reaper, a reboot) are swept by the next run.
const (
	runDirPrefix = "hubpg-"
	reaperEnv    = "HUB_PGTEST_REAPER" // set in the reaper process: the run directory it watches
	lockWait     = 5 * time.Minute
	socketMax    = 107 // longest Unix socket path: sun_path's 108 bytes less the NUL
)

// proc identifies a process across pid reuse: its pid and its start time in
// clock ticks after boot (field 22 of /proc/<pid>/stat).
type proc struct {
	pid   int
	start uint64
}

// procInfo reads /proc/<pid>/stat.
func procInfo(pid int) (p proc, comm string, ppid int, zombie bool, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return proc{}, "", 0, false, err
	}
	// "pid (comm) state ppid … starttime …": comm may hold spaces and parentheses.
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return proc{}, "", 0, false, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[end+1:])) // f[0] is field 3 (state)
	if len(f) < 20 {
		return proc{}, "", 0, false, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	ppid, _ = strconv.Atoi(f[1])
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return proc{}, "", 0, false, fmt.Errorf("unreadable /proc/%d/stat: %w", pid, err)
	}
	return proc{pid: pid, start: start}, string(b[open+1 : end]), ppid, f[0] == "Z", nil
}

// alive reports whether p still runs (a zombie does not).
func (p proc) alive() bool {
	q, _, _, zombie, err := procInfo(p.pid)
	return err == nil && q.start == p.start && !zombie
}

func (p proc) String() string { return fmt.Sprintf("%d %d", p.pid, p.start) }

func parseProc(s string) (proc, bool) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		a, b, ok = strings.Cut(s, "-")
	}
	pid, err1 := strconv.Atoi(a)
	start, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || pid <= 0 {
		return proc{}, false
	}
	return proc{pid: pid, start: start}, true
}

// runOwner returns the process whose lifetime the cluster shares, and
// whether it is the `go test` command (shared by all packages) rather than
// this test binary. ok is false where /proc cannot tell (not Linux).
func runOwner() (owner proc, shared, ok bool) {
	self, _, ppid, _, err := procInfo(os.Getpid())
	if err != nil {
		return proc{}, false, false
	}
	if parent, comm, _, _, err := procInfo(ppid); err == nil && comm == "go" {
		return parent, true, true
	}
	return self, false, true
}

// shmBase holds run directories when it is a tmpfs with room: cloning a
// template there costs a tenth of what it costs on a disk (about 20 ms
// against 250 ms for the migrated template on the 2-core CI machine).
const shmBase = "/dev/shm"

// shmRoom is the free space shmBase needs: the cluster of a whole
// `make test` peaks at about 170 MB.
const shmRoom = 1 << 30

// runBases are the directories that may hold run directories.
func runBases() []string {
	tmp := os.TempDir()
	// tmp/hubpg-<pid>-<start>/s/.s.PGSQL.5432 must fit in sun_path.
	if len(tmp)+len("/"+runDirPrefix+"4194304-18446744073709551615/s/.s.PGSQL.5432") > socketMax {
		tmp = "/tmp"
	}
	if tmp == shmBase {
		return []string{tmp}
	}
	return []string{shmBase, tmp}
}

// runPath returns the run directory of owner: where another package of the
// run made it already, or else on shmBase if it has room, or the temp dir.
func runPath(owner proc) (path string, exists bool) {
	name := fmt.Sprintf("%s%d-%d", runDirPrefix, owner.pid, owner.start)
	bases := runBases()
	for _, b := range bases {
		if _, err := os.Stat(filepath.Join(b, name)); err == nil {
			return filepath.Join(b, name), true
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(shmBase, &st); err == nil && uint64(st.Bavail)*uint64(st.Bsize) >= shmRoom && writable(shmBase) {
		return filepath.Join(shmBase, name), false
	}
	return filepath.Join(bases[len(bases)-1], name), false
}

func writable(dir string) bool { return syscall.Access(dir, 2 /* W_OK */) == nil }

// runDir is this test binary's hold on a run directory.
type runDir struct {
	path    string
	owner   proc
	shared  bool     // owner is `go test`, other packages use the cluster too
	users   *os.File // holds users.lock shared
	cluster *pgcluster.Cluster
}

func (r *runDir) file(name string) string { return filepath.Join(r.path, name) }

// attachRun joins (or starts) the cluster of the run owned by owner and
// returns the connection string of its database "postgres".
func attachRun(ctx context.Context, owner proc, shared bool) (*runDir, string, error) {
	path, exists := runPath(owner)
	r := &runDir{path: path, owner: owner, shared: shared}
	if !exists {
		sweep(runBases(), path) // the first package of a run cleans up after crashed runs
	}
	for {
		if err := os.MkdirAll(r.path, 0o755); err != nil {
			return nil, "", fmt.Errorf("create run directory: %w", err)
		}
		_ = os.Chmod(r.path, 0o755) // the server may run as another user
		f, err := lockFile(r.file("users.lock"), syscall.LOCK_SH)
		if errors.Is(err, errLockGone) {
			continue // torn down while we waited: start afresh
		}
		if err != nil {
			return nil, "", err
		}
		r.users = f
		break
	}
	dsn, err := r.start(ctx)
	if err != nil {
		r.users.Close()
		return nil, "", err
	}
	return r, dsn, nil
}

// start makes sure the cluster runs and a reaper watches it.
func (r *runDir) start(ctx context.Context) (string, error) {
	l, err := lockFile(r.file("init.lock"), syscall.LOCK_EX)
	if err != nil {
		return "", err
	}
	defer l.Close()
	// First, so that a binary killed at any later point (in initdb, say)
	// leaves nothing behind.
	if err := r.ensureReaper(); err != nil {
		return "", err
	}
	r.cluster, err = pgcluster.New(pgcluster.Options{DataDir: r.file("data"), SocketDir: r.file("s")})
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(r.file("initdone")); err != nil {
		// Nothing, or what an initialiser killed halfway left behind.
		stopCluster(r.file("data"), r.file("s"))
		if err := os.RemoveAll(r.file("data")); err != nil {
			return "", fmt.Errorf("remove a half-made cluster: %w", err)
		}
		if err := r.cluster.Init(ctx); err != nil {
			return "", err
		}
		// Every package of the run and its parallel tests share the server.
		if err := appendFile(r.file("data/postgresql.conf"), "\n# pgtest: one cluster serves every test package of a run\nmax_connections = 1000\nmax_wal_size = 256MB\n"); err != nil {
			return "", err
		}
		if err := os.WriteFile(r.file("initdone"), nil, 0o644); err != nil {
			return "", err
		}
	}
	if err := r.cluster.Start(ctx); err != nil {
		return "", err
	}
	return r.cluster.DSN("postgres"), nil
}

// ensureReaper starts a reaper unless one watches the directory already.
func (r *runDir) ensureReaper() error {
	if b, err := os.ReadFile(r.file("reaper")); err == nil {
		if p, ok := parseProc(string(b)); ok && p.alive() {
			return nil
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("start the cluster's reaper: %w", err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), reaperEnv+"="+r.path)
	cmd.Dir = "/"
	// Its own session: a Ctrl-C that stops `go test` must not stop the reaper.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the cluster's reaper: %w", err)
	}
	p, _, _, _, err := procInfo(cmd.Process.Pid)
	_ = cmd.Process.Release()
	if err != nil {
		return fmt.Errorf("start the cluster's reaper: %w", err)
	}
	return os.WriteFile(r.file("reaper"), []byte(p.String()+"\n"), 0o644)
}

// detach lets go of the cluster. A binary that owns its run tears the
// cluster down at once rather than leave it to the reaper.
func (r *runDir) detach() error {
	if r.shared {
		return r.users.Close()
	}
	defer r.users.Close()
	if err := syscall.Flock(int(r.users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return nil // someone else holds it; the reaper will see to it
	}
	return teardown(r.path)
}

// reap is the reaper process: it waits for the run's owner to exit and the
// last user to let go, then stops the cluster and removes the directory.
func reap(dir string) int {
	owner, ok := parseProc(strings.TrimPrefix(filepath.Base(dir), runDirPrefix))
	if !ok {
		fmt.Fprintf(os.Stderr, "pgtest reaper: %s is no run directory\n", dir)
		return 2
	}
	for owner.alive() {
		time.Sleep(200 * time.Millisecond)
	}
	// Test binaries orphaned by a killed `go test` may still use the
	// cluster: wait for them, however long.
	var f *os.File
	for {
		var err error
		f, err = tryLock(filepath.Join(dir, "users.lock"), syscall.LOCK_EX)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return 0 // gone already (torn down by its owner, or swept)
		}
		time.Sleep(200 * time.Millisecond)
	}
	defer f.Close()
	if err := teardown(dir); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest reaper:", err)
		return 1
	}
	return 0
}

// sweep tears down the run directories under base whose owner and reaper
// have both died and which nobody uses (a crash, a killed reaper, a reboot).
func sweep(bases []string, except string) {
	var dirs []string
	for _, b := range bases {
		d, _ := filepath.Glob(filepath.Join(b, runDirPrefix+"*-*"))
		dirs = append(dirs, d...)
	}
	for _, d := range dirs {
		owner, ok := parseProc(strings.TrimPrefix(filepath.Base(d), runDirPrefix))
		if !ok || d == except || owner.alive() || !ownedByUs(d) {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(d, "reaper")); err == nil {
			if p, ok := parseProc(string(b)); ok && p.alive() {
				continue // it is on its way
			}
		}
		f, err := tryLock(filepath.Join(d, "users.lock"), syscall.LOCK_EX)
		if err != nil {
			continue // in use, or gone
		}
		_ = teardown(d)
		f.Close()
	}
}

func ownedByUs(path string) bool {
	st, err := os.Stat(path)
	if err != nil {
		return false
	}
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Geteuid()
}

// teardown stops a run directory's cluster and removes the directory. The
// caller holds users.lock exclusively.
func teardown(dir string) error {
	stopCluster(filepath.Join(dir, "data"), filepath.Join(dir, "s"))
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	return nil
}

// stopCluster stops the server in dataDir if one runs there; failing that,
// it signals the postmaster named in postmaster.pid (immediate shutdown).
func stopCluster(dataDir, socketDir string) {
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	if _, err := os.Stat(pidFile); err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c, err := pgcluster.New(pgcluster.Options{DataDir: dataDir, SocketDir: socketDir}); err == nil && c.Stop(ctx, true) == nil {
		return
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return
	}
	// Only a postgres whose working directory is this data dir.
	want, _ := filepath.EvalSymlinks(dataDir)
	if cwd, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/cwd"); err == nil && cwd == want {
		_ = syscall.Kill(pid, syscall.SIGQUIT)
	}
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// errLockGone says the lock file was removed while we waited for it.
var errLockGone = errors.New("lock file removed")

// lockFile opens (creating) path and flocks it, waiting at most lockWait.
func lockFile(path string, how int) (*os.File, error) {
	deadline := time.Now().Add(lockWait)
	for {
		f, err := tryLock(path, how)
		if err == nil || !errors.Is(err, syscall.EWOULDBLOCK) {
			return f, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("wait for %s: still locked after %s (remove the directory if no test runs)", path, lockWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tryLock is lockFile without waiting: it fails with EWOULDBLOCK when the
// lock is held, and with errLockGone when path was removed or replaced
// (a teardown) between opening and locking it.
func tryLock(path string, how int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errLockGone
		}
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	held, err1 := f.Stat()
	now, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		f.Close()
		return nil, errLockGone
	}
	return f, nil
}
