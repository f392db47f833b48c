// Package pgtest gives tests a real PostgreSQL and a fresh database per
// test, cloned from a template database in a few milliseconds and dropped
// afterwards.
//
// The server is one throwaway cluster shared by every test package of a
// `go test` run (see rundir.go: the first package to need it starts it,
// the others join, and a reaper stops it when `go test` exits), or the
// server HUB_DATABASE_URL names. Templates are made once per cluster: the
// migrated schema, and any Template a package declares on top of it.
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
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// Main runs the tests and then lets go of the test server. (In the reaper
// process it started, it does the reaper's work instead.)
func Main(m *testing.M) {
	if dir := os.Getenv(reaperEnv); dir != "" {
		os.Exit(reap(dir))
	}
	mainCalled = true
	code := m.Run()
	if theServer != nil {
		// A cleanup that fails leaves litter, not a wrong result: the next
		// run sweeps a cluster left behind.
		if err := theServer.close(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: clean up:", err)
		}
	}
	os.Exit(code)
}

// mainCalled guards against a test binary whose TestMain does not call
// Main: started again as the reaper, it would run its tests instead.
var mainCalled bool

// Template is a database that test databases are cloned from: the migrated
// schema plus what Seed writes into it. It is made once per test cluster,
// by whichever test binary of the run needs it first, and Name identifies
// it across the packages of the run: every package that declares a
// template of that Name must seed the same data.
type Template struct {
	// Name: lower-case letters, digits and underscores, at most 31.
	Name string
	// Seed fills the template, connected as the owner.
	Seed func(ctx context.Context, pool *pgxpool.Pool) error
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
	return newDatabase(t, migrated)
}

// NewDatabaseFrom creates a database for t cloned from tpl, dropped when t
// ends.
func NewDatabaseFrom(t testing.TB, tpl *Template) *DB {
	t.Helper()
	return newDatabase(t, tpl)
}

// NewEmptyDatabase creates a database without any migration, for tests of
// the migrations themselves.
func NewEmptyDatabase(t testing.TB) *DB {
	t.Helper()
	return newDatabase(t, nil)
}

func newDatabase(t testing.TB, tpl *Template) *DB {
	t.Helper()
	if !mainCalled {
		t.Fatal("pgtest: call pgtest.Main from TestMain")
	}
	s, err := getServer()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	ctx := context.Background()
	template := "template0"
	if tpl != nil {
		if template, err = s.template(ctx, tpl); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	name := "test_" + randomSuffix()
	if err := s.createDatabase(ctx, name, template); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	d := &DB{URL: WithDatabase(s.url, name), Statements: &atomic.Int64{}}
	d.AppURL = WithUser(d.URL, AppRole)
	t.Cleanup(func() {
		if d.AppPool != nil {
			d.AppPool.Close()
		}
		if d.Pool != nil {
			d.Pool.Close()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	d.Pool, err = db.NewPool(ctx, db.PoolConfig{URL: d.URL, MaxConns: 4})
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if tpl != nil {
		d.AppPool, err = db.NewPool(ctx, db.PoolConfig{URL: d.AppURL, MaxConns: 8, Tracer: counter{d.Statements}})
		if err != nil {
			t.Fatalf("pgtest: connect as %s: %v", AppRole, err)
		}
	}
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
