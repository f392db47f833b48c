// Package pgcluster runs a private PostgreSQL cluster from the locally
// installed server binaries (initdb, pg_ctl). `hub dev` uses it for its
// embedded database under ./.data/ and the test harness for a throwaway
// cluster per test binary.
//
// PostgreSQL refuses to run as root. When this process is root, the cluster
// is initialised and run as the unprivileged "postgres" system user (which the
// Debian package creates) and its directories are handed to that user.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"
)

// InstallHint tells a person how to get the server binaries.
const InstallHint = "install the PostgreSQL server binaries (Debian/Ubuntu: apt-get install postgresql; " +
	"any version >= 15) or point HUB_DATABASE_URL at an existing server"

// ErrNoBinaries is returned when initdb/pg_ctl cannot be found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin: " + InstallHint)

// Options configure a cluster.
type Options struct {
	// DataDir holds the cluster's files (created if missing).
	DataDir string
	// SocketDir holds the Unix socket. Keep it short: socket paths are
	// limited to about 100 bytes.
	SocketDir string
	// Port is the TCP port on 127.0.0.1; 0 means Unix socket only. The port
	// number also names the socket file.
	Port int
	// Durable keeps fsync on. Test clusters turn it off for speed.
	Durable bool
	// SuperUser is the bootstrap superuser's name.
	SuperUser string
}

// Cluster is a local PostgreSQL cluster.
type Cluster struct {
	opts   Options
	binDir string
	cred   *syscall.Credential // non-nil when commands must run as another user
}

// FindBinaries returns the directory holding initdb and pg_ctl: PATH first,
// then the newest /usr/lib/postgresql/*/bin.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// New prepares a cluster; nothing runs until Init and Start.
func New(opts Options) (*Cluster, error) {
	if opts.SuperUser == "" {
		opts.SuperUser = "hub"
	}
	binDir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, binDir: binDir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and PostgreSQL refuses to run as root; no \"postgres\" system user to run it as (%s): %w", InstallHint, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	return c, nil
}

// DataDir returns the cluster's data directory.
func (c *Cluster) DataDir() string { return c.opts.DataDir }

// Initialised reports whether the data directory already holds a cluster.
func (c *Cluster) Initialised() bool {
	_, err := os.Stat(filepath.Join(c.opts.DataDir, "PG_VERSION"))
	return err == nil
}

// Init creates the cluster if the data directory does not hold one yet.
func (c *Cluster) Init(ctx context.Context) error {
	if c.Initialised() {
		return nil
	}
	for _, d := range []string{c.opts.DataDir, c.opts.SocketDir} {
		if err := c.makeDir(d); err != nil {
			return err
		}
	}
	// Locale C: byte-order collation that behaves the same on every machine;
	// Swedish ordering is asked for per query with an ICU collation.
	args := []string{"-D", c.opts.DataDir, "-U", c.opts.SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C"}
	if !c.opts.Durable {
		args = append(args, "--no-sync")
	}
	if out, err := c.run(ctx, "initdb", args...); err != nil {
		return fmt.Errorf("initdb %s: %w\n%s%s", c.opts.DataDir, err, out, c.permissionHint())
	}
	return nil
}

// Running reports whether the cluster's server is up.
func (c *Cluster) Running(ctx context.Context) bool {
	_, err := c.run(ctx, "pg_ctl", "-D", c.opts.DataDir, "status")
	return err == nil
}

// Start starts the server and waits until it accepts connections. It is a
// no-op when the server already runs.
func (c *Cluster) Start(ctx context.Context) error {
	if c.Running(ctx) {
		return nil
	}
	if err := c.makeDir(c.opts.SocketDir); err != nil {
		return err
	}
	listen := "''"
	if c.opts.Port != 0 {
		listen = "127.0.0.1"
	}
	port := c.opts.Port
	if port == 0 {
		port = 5432
	}
	o := fmt.Sprintf("-k %s -c listen_addresses=%s -p %d", c.opts.SocketDir, listen, port)
	if !c.opts.Durable {
		o += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	logFile := filepath.Join(c.opts.DataDir, "server.log")
	out, err := c.run(ctx, "pg_ctl", "-D", c.opts.DataDir, "-w", "-t", "60", "-l", logFile, "-o", o, "start")
	if err != nil {
		tail, _ := os.ReadFile(logFile)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("start PostgreSQL in %s: %w\n%s\n%s", c.opts.DataDir, err, out, tail)
	}
	return nil
}

// Stop stops the server. Fast mode rolls back open transactions and exits
// cleanly; immediate mode is for throwaway test clusters.
func (c *Cluster) Stop(ctx context.Context, immediate bool) error {
	mode := "fast"
	if immediate {
		mode = "immediate"
	}
	if out, err := c.run(ctx, "pg_ctl", "-D", c.opts.DataDir, "-w", "-m", mode, "stop"); err != nil {
		return fmt.Errorf("stop PostgreSQL: %w\n%s", err, out)
	}
	return nil
}

// DSN returns a connection string for database db as the superuser.
func (c *Cluster) DSN(db string) string {
	port := c.opts.Port
	if port == 0 {
		port = 5432
	}
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", c.opts.SocketDir, port, c.opts.SuperUser, db)
}

// makeDir creates d (mode 0700) and hands it to the server's user. Missing
// parents are created searchable (0755) so that user can reach d.
func (c *Cluster) makeDir(d string) error {
	if err := os.MkdirAll(filepath.Dir(d), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(d), err)
	}
	if err := os.Mkdir(d, 0o700); err != nil && !os.IsExist(err) {
		return fmt.Errorf("create %s: %w", d, err)
	}
	if c.cred != nil {
		if err := os.Chown(d, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return fmt.Errorf("hand %s to the postgres user: %w", d, err)
		}
	}
	return nil
}

func (c *Cluster) permissionHint() string {
	if c.cred == nil {
		return ""
	}
	return "\n(running as root, the cluster runs as the \"postgres\" user, which needs to reach " +
		c.opts.DataDir + ": every parent directory must be searchable by others (chmod o+x), " +
		"or choose another directory with --data-dir)"
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// Its own process group: a Ctrl-C in the terminal reaches the hub, which
	// then stops the server in order, instead of reaching postgres directly.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.cred}
	cmd.Dir = os.TempDir()
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	return out.String(), err
}
