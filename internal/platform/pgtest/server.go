package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/pgcluster"
)

// server is where this test binary's databases live: the run's shared
// cluster, a cluster of its own, or the server HUB_DATABASE_URL names.
type server struct {
	url    string // database "postgres" as a role that may create databases
	admin  *pgxpool.Pool
	prefix string  // template databases are named prefix + template name
	run    *runDir // nil for HUB_DATABASE_URL

	mu        sync.Mutex
	templates map[string]*built // by template name
}

// built is a template database once made (or the error that stopped it).
type built struct {
	once sync.Once
	db   string
	err  error
}

var (
	serverOnce sync.Once
	theServer  *server
	serverErr  error
)

// getServer starts or joins the test server on first use, so that a
// package (or a -run subset) that needs no database starts none.
func getServer() (*server, error) {
	serverOnce.Do(func() { theServer, serverErr = openServer(context.Background()) })
	return theServer, serverErr
}

func openServer(ctx context.Context) (*server, error) {
	s := &server{templates: map[string]*built{}}
	if u := os.Getenv("HUB_DATABASE_URL"); u != "" {
		// A server other runs (other checkouts) may use at the same time:
		// this binary's templates are its own and dropped at the end.
		s.url, s.prefix = u, "hub_tpl_"+randomSuffix()+"_"
	} else if owner, shared, ok := runOwner(); ok {
		r, dsn, err := attachRun(ctx, owner, shared)
		if err != nil {
			return nil, err
		}
		s.url, s.prefix, s.run = dsn, "hub_tpl_", r
	} else {
		// No /proc: a private cluster without reaper, removed at the end.
		dir, err := os.MkdirTemp("", runDirPrefix)
		if err != nil {
			return nil, fmt.Errorf("create temp dir: %w", err)
		}
		_ = os.Chmod(dir, 0o755)
		r := &runDir{path: dir}
		r.cluster, err = pgcluster.New(pgcluster.Options{DataDir: filepath.Join(dir, "data"), SocketDir: filepath.Join(dir, "s")})
		if err == nil {
			err = r.cluster.Init(ctx)
		}
		if err == nil {
			err = r.cluster.Start(ctx)
		}
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
		s.url, s.prefix, s.run = r.cluster.DSN("postgres"), "hub_tpl_", r
	}
	var err error
	s.admin, err = pgxpool.New(ctx, s.url)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("connect to test server: %w", err)
	}
	// Made before any test gets a database, even an empty one, so that
	// the role hub_app exists before tests run migrations of their own
	// (see templateLock).
	if _, err := s.template(ctx, migrated); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// close lets go of the server: templates of a HUB_DATABASE_URL server are
// dropped, a cluster this binary owns is stopped.
func (s *server) close() error {
	var errs []error
	if s.admin != nil {
		if s.run == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s.mu.Lock()
			for _, b := range s.templates {
				if b.db != "" {
					errs = append(errs, s.dropDatabase(ctx, b.db))
				}
			}
			s.mu.Unlock()
		}
		s.admin.Close()
	}
	switch {
	case s.run == nil:
	case s.run.users == nil: // no /proc: a private cluster without reaper
		stopCluster(s.run.file("data"), s.run.file("s"))
		errs = append(errs, os.RemoveAll(s.run.path))
	default:
		errs = append(errs, s.run.detach())
	}
	return errors.Join(errs...)
}

// migrated is the template every other is made from: the migrations applied
// to an empty database.
var migrated = &Template{Name: "migrated"}

var templateName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// template returns the database name of tpl, making it on first use: once
// per cluster, by whichever test binary of the run needs it first.
func (s *server) template(ctx context.Context, tpl *Template) (string, error) {
	if !templateName.MatchString(tpl.Name) || (tpl.Name == migrated.Name && tpl != migrated) {
		return "", fmt.Errorf("template name %q: want %s, and not %q", tpl.Name, templateName, migrated.Name)
	}
	s.mu.Lock()
	b, ok := s.templates[tpl.Name]
	if !ok {
		b = &built{}
		s.templates[tpl.Name] = b
	}
	s.mu.Unlock()
	b.once.Do(func() { b.db, b.err = s.makeTemplate(ctx, tpl) })
	return b.db, b.err
}

func (s *server) makeTemplate(ctx context.Context, tpl *Template) (string, error) {
	base := "template0"
	if tpl != migrated {
		var err error
		if base, err = s.template(ctx, migrated); err != nil {
			return "", err
		}
	}
	name := s.prefix + tpl.Name
	unlock, err := s.lockTemplates(ctx)
	if err != nil {
		return "", err
	}
	defer unlock()
	var exists bool
	if err := s.admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look for template %s: %w", name, err)
	}
	if exists {
		return name, nil // another package of the run made it
	}
	// Made under another name and renamed when complete, so that the name
	// exists only for a whole template; a binary killed halfway leaves only
	// the scratch name, which the next one drops.
	scratch := name + "_making"
	if err := s.dropDatabase(ctx, scratch); err != nil {
		return "", err
	}
	if err := s.createDatabase(ctx, scratch, base); err != nil {
		return "", fmt.Errorf("create template %s: %w", name, err)
	}
	if err := fill(ctx, WithDatabase(s.url, scratch), tpl); err != nil {
		_ = s.dropDatabase(ctx, scratch)
		return "", fmt.Errorf("template %s: %w", name, err)
	}
	// A template nobody connects to: CREATE DATABASE … TEMPLATE refuses a
	// source with other sessions, and clones then need no lock.
	for _, sql := range []string{
		"ALTER DATABASE " + ident(scratch) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
		"ALTER DATABASE " + ident(scratch) + " RENAME TO " + ident(name),
	} {
		if _, err := s.admin.Exec(ctx, sql); err != nil {
			_ = s.dropDatabase(ctx, scratch)
			return "", fmt.Errorf("finish template %s: %w", name, err)
		}
	}
	return name, nil
}

// templateLock is the advisory lock held while a template is made: one
// test binary at a time per server makes templates, so each is made once
// per cluster, and so two migrations never create the cluster-wide role
// hub_app at the same time (a unique violation on pg_authid, which
// migration 003 does not catch). A session lock: it goes with its holder.
const templateLock = 0x6875627467706c // "hubtgpl"

func (s *server) lockTemplates(ctx context.Context) (unlock func(), err error) {
	conn, err := s.admin.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock templates: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLock); err != nil {
		conn.Release()
		return nil, fmt.Errorf("lock templates: %w", err)
	}
	return func() {
		if _, err := conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", templateLock); err != nil {
			_ = conn.Conn().Close(context.Background()) // closing frees it too
		}
		conn.Release()
	}, nil
}

// fill applies the migrations (migrated) or tpl's Seed to the database at url.
func fill(ctx context.Context, url string, tpl *Template) error {
	if tpl == migrated {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		return migrate.Up(ctx, conn)
	}
	if tpl.Seed == nil {
		return nil
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	return tpl.Seed(ctx, pool)
}

// createDatabase clones template into a new database name. Clones of one
// template may run at once (from every package of the run); the retry is
// for a moment when something still holds a session on the template.
func (s *server) createDatabase(ctx context.Context, name, template string) error {
	var err error
	for wait := 50 * time.Millisecond; ; wait *= 2 {
		_, err = s.admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(template))
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "55006" || wait > 2*time.Second { // object_in_use
			return err
		}
		time.Sleep(wait)
	}
}

// dropDatabase drops name if it exists, template or not.
func (s *server) dropDatabase(ctx context.Context, name string) error {
	var isTemplate bool
	err := s.admin.QueryRow(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&isTemplate)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err == nil && isTemplate {
		_, err = s.admin.Exec(ctx, "ALTER DATABASE "+ident(name)+" WITH IS_TEMPLATE false")
	}
	if err == nil {
		_, err = s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)")
	}
	if err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }
