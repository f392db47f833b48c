package pgtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/pgcluster"
)

// Killable is a PostgreSQL cluster of one test's own, with one migrated
// database, for tests that crash the server (`pg_ctl stop -m immediate`)
// and start it again: the run's shared cluster must never be killed.
//
// It is durable (fsync and synchronous_commit on, unlike the shared
// cluster): with synchronous_commit off a commit is acknowledged before
// its WAL is written, and a crash may lose it, which is exactly what
// these tests look for. Its files live in /dev/shm when there is one, so
// fsync costs little; a crash of the server process loses nothing there.
type Killable struct {
	// DB is the database: Pool and URL as the owner, AppURL as hub_app.
	// Pool reconnects on its own after a restart. AppPool is nil.
	DB      *DB
	cluster *pgcluster.Cluster
}

// NewKillable starts a cluster for t (stopped and removed when t ends)
// and migrates a database "hub" in it. It takes a few seconds: the
// migrations run, no template is cloned.
func NewKillable(t testing.TB) *Killable {
	t.Helper()
	ctx := context.Background()
	parent := ""
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		parent = "/dev/shm"
	}
	dir, err := os.MkdirTemp(parent, "hubkill-")
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	_ = os.Chmod(dir, 0o755) // reachable by the postgres user when root
	c, err := pgcluster.New(pgcluster.Options{DataDir: filepath.Join(dir, "data"), SocketDir: filepath.Join(dir, "s"), Durable: true})
	if err == nil {
		err = c.Init(ctx)
	}
	if err == nil {
		err = c.Start(ctx)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c != nil && c.Running(stopCtx) {
			_ = c.Stop(stopCtx, true)
		}
		_ = os.RemoveAll(dir)
	})
	if err != nil {
		t.Fatalf("pgtest: killable cluster: %v", err)
	}
	admin, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		t.Fatalf("pgtest: killable cluster: %v", err)
	}
	_, err = admin.Exec(ctx, "CREATE DATABASE hub")
	_ = admin.Close(ctx)
	if err != nil {
		t.Fatalf("pgtest: killable cluster: %v", err)
	}
	k := &Killable{cluster: c, DB: &DB{URL: c.DSN("hub")}}
	k.DB.AppURL = WithUser(k.DB.URL, AppRole)
	conn, err := pgx.Connect(ctx, k.DB.URL)
	if err == nil {
		err = migrate.Up(ctx, conn)
		_ = conn.Close(ctx)
	}
	if err != nil {
		t.Fatalf("pgtest: killable cluster: migrate: %v", err)
	}
	if k.DB.Pool, err = db.NewPool(ctx, db.PoolConfig{URL: k.DB.URL, MaxConns: 4}); err != nil {
		t.Fatalf("pgtest: killable cluster: %v", err)
	}
	t.Cleanup(k.DB.Pool.Close)
	return k
}

// Kill stops the server the way a crash does (`pg_ctl stop -m
// immediate`): no checkpoint, open transactions cut off, recovery from
// the WAL at the next start.
func (k *Killable) Kill(t testing.TB) {
	t.Helper()
	if err := k.cluster.Stop(context.Background(), true); err != nil {
		t.Fatalf("pgtest: kill: %v", err)
	}
}

// Start starts the server again and waits until it accepts connections
// (crash recovery done).
func (k *Killable) Start(t testing.TB) {
	t.Helper()
	if err := k.cluster.Start(context.Background()); err != nil {
		t.Fatalf("pgtest: start again: %v", err)
	}
}
