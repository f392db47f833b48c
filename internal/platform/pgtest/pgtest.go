// Package pgtest gives tests a real PostgreSQL: one throwaway cluster per
// test binary (started by Main from the local server binaries), or the
// server named by HUB_DATABASE_URL, and a fresh, migrated database per test,
// cloned from a template in a few milliseconds and dropped afterwards.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/pgcluster"
)

var (
	serverURL    string // the server, database "postgres" (or the one in HUB_DATABASE_URL)
	templateName string // migrated template database
	admin        *pgxpool.Pool
	cloneMu      sync.Mutex // CREATE DATABASE … TEMPLATE wants the template to itself
)

// Main starts the cluster, prepares the template database, runs the tests
// and tears everything down.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	var cluster *pgcluster.Cluster
	if u := os.Getenv("HUB_DATABASE_URL"); u != "" {
		serverURL = u
	} else {
		dir, err := os.MkdirTemp("", "hubpg-")
		if err != nil {
			return fail("create temp dir: %v", err)
		}
		defer os.RemoveAll(dir)
		_ = os.Chmod(dir, 0o755) // the server may run as another user
		cluster, err = pgcluster.New(pgcluster.Options{DataDir: dir + "/data", SocketDir: dir + "/s"})
		if err != nil {
			return fail("%v", err)
		}
		if err := cluster.Init(ctx); err != nil {
			return fail("%v", err)
		}
		if err := cluster.Start(ctx); err != nil {
			return fail("%v", err)
		}
		defer func() { _ = cluster.Stop(context.Background(), true) }()
		serverURL = cluster.DSN("postgres")
	}
	var err error
	admin, err = pgxpool.New(ctx, serverURL)
	if err != nil {
		return fail("connect to test server: %v", err)
	}
	defer admin.Close()

	templateName = "hub_template_" + randomSuffix()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+templateName); err != nil {
		return fail("create template database: %v", err)
	}
	defer func() {
		_, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+templateName+" WITH (FORCE)")
	}()
	conn, err := pgx.Connect(ctx, WithDatabase(serverURL, templateName))
	if err != nil {
		return fail("connect to template: %v", err)
	}
	err = migrate.Up(ctx, conn)
	conn.Close(ctx)
	if err != nil {
		return fail("migrate template: %v", err)
	}
	return m.Run()
}

func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "pgtest: "+format+"\n", args...)
	return 1
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// WithDatabase returns connection string dsn pointed at database name.
func WithDatabase(dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			u.Path = "/" + name
			return u.String()
		}
	}
	return dsn + " dbname=" + name
}

// AppRole is the role the application connects as (migration 003): no
// superuser, no table owner, so row-level security applies to it.
const AppRole = "hub_app"

// WithUser returns connection string dsn for another role (without
// password: the test server trusts local connections).
func WithUser(dsn, user string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err == nil {
			u.User = url.User(user)
			return u.String()
		}
	}
	return dsn + " user=" + user
}

// DB is a test's own database.
type DB struct {
	// Pool connects as the owner (migrations, seeding, inspection).
	Pool *pgxpool.Pool
	URL  string
	// AppPool connects as AppRole, as the application does.
	AppPool *pgxpool.Pool
	AppURL  string
	// Statements counts the SQL statements run through AppPool.
	Statements *atomic.Int64
}

// NewDatabase creates a migrated database for t, dropped when t ends.
func NewDatabase(t testing.TB) *DB {
	t.Helper()
	return newDatabase(t, templateName)
}

// NewEmptyDatabase creates a database without any migration, for tests of
// the migrations themselves.
func NewEmptyDatabase(t testing.TB) *DB {
	t.Helper()
	return newDatabase(t, "template0")
}

func newDatabase(t testing.TB, template string) *DB {
	t.Helper()
	if admin == nil {
		t.Fatal("pgtest: call pgtest.Main from TestMain")
	}
	ctx := context.Background()
	name := "test_" + randomSuffix()
	cloneMu.Lock()
	_, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template)
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	d := &DB{URL: WithDatabase(serverURL, name), Statements: &atomic.Int64{}}
	d.AppURL = WithUser(d.URL, AppRole)
	d.Pool, err = db.NewPool(ctx, db.PoolConfig{URL: d.URL, MaxConns: 4})
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if template == templateName {
		d.AppPool, err = db.NewPool(ctx, db.PoolConfig{URL: d.AppURL, MaxConns: 8, Tracer: counter{d.Statements}})
		if err != nil {
			t.Fatalf("pgtest: connect as %s: %v", AppRole, err)
		}
	}
	t.Cleanup(func() {
		if d.AppPool != nil {
			d.AppPool.Close()
		}
		d.Pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return d
}

// counter is a pgx tracer that counts statements.
type counter struct{ n *atomic.Int64 }

func (c counter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if os.Getenv("PGTEST_TRACE") != "" {
		sql := strings.Join(strings.Fields(d.SQL), " ")
		fmt.Fprintln(os.Stderr, "SQL:", sql[:min(len(sql), 100)])
	}
	c.n.Add(1)
	return ctx
}

func (counter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
