package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/platform/config"
	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/pgcluster"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
)

// devCmd runs the whole hub locally: its own Postgres cluster under
// ./.data (unless HUB_DATABASE_URL names one), migrations, demo data, and
// the API with GraphiQL. A second run reuses the cluster and its data.
func devCmd(ctx context.Context, args []string) error {
	cfg := config.Defaults()
	cfg.HTTPAddr = "localhost:8080"
	cfg.MetricsAddr = "localhost:9464"
	cfg.LogFormat = "text"
	cfg.GraphiQL = true
	cfg.Introspection = true // GraphiQL's documentation explorer needs it
	fs := flag.NewFlagSet("hub dev", flag.ContinueOnError)
	cfg.Register(fs)
	cfg.RegisterDev(fs)
	idpAddr := fs.String("idp-addr", envOr("HUB_DEV_IDP_ADDR", strings.TrimPrefix(defaultDevIssuer, "http://")), "address of the dev identity provider; its issuer is http://ADDR ($HUB_DEV_IDP_ADDR)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := validate(&cfg, false); err != nil {
		return err
	}
	if cfg.PIIKeys == "" && cfg.PIIIndexKey == "" {
		// Public keys, for demo data only; hub serve refuses them.
		cfg.PIIKeys, cfg.PIIIndexKey = piicrypt.DevRing, piicrypt.DevIndexKey
	}
	keys, err := piiKeys(&cfg)
	if err != nil {
		return err
	}
	logger, err := newLogger(&cfg)
	if err != nil {
		return err
	}

	ownerURL := cfg.DatabaseURL
	if cfg.DatabaseURL == "" {
		// One hub dev per data directory: a second would reuse the first
		// one's cluster and stop it when it exits.
		lock, err := pgcluster.LockDir(cfg.DevDataDir)
		if err != nil {
			return fmt.Errorf("%w: another hub dev is using this data directory; stop it first, or give this one another --data-dir (and --db-port, --http-addr, --idp-addr)", err)
		}
		defer lock.Unlock()
		cluster, clusterURL, err := startDevCluster(ctx, logger, cfg.DevDataDir, cfg.DevDBPort)
		if err != nil {
			return err
		}
		defer func() {
			logger.Info("stopping the dev database")
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := cluster.Stop(stopCtx, false); err != nil {
				logger.Error("stopping the dev database failed", "error", err.Error())
			}
		}()
		ownerURL = clusterURL
		// The API connects as the application role, which row-level
		// security binds; migrations and the seed run as the owner.
		cfg.DatabaseURL = strings.Replace(clusterURL, "postgres://hub@", "postgres://hub_app@", 1)
	} else if appURL := os.Getenv("HUB_APP_DATABASE_URL"); appURL != "" {
		cfg.DatabaseURL = appURL
	} else if u, err := url.Parse(cfg.DatabaseURL); err == nil && u.Scheme != "" {
		u.User = url.User("hub_app")
		cfg.DatabaseURL = u.String()
	}
	logger.Info("starting hub dev", "config", cfg)

	if err := migrateUp(ctx, ownerURL); err != nil {
		return err
	}
	ownerCfg := cfg
	ownerCfg.DatabaseURL = ownerURL
	ownerPool, err := openPool(ctx, &ownerCfg)
	if err != nil {
		return err
	}
	defer ownerPool.Close()
	if err := seed.Demo(ctx, ownerPool, keys, operatorName()); err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	pool, err := openPool(ctx, &cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	idpListener, err := net.Listen("tcp", *idpAddr)
	if err != nil {
		return fmt.Errorf("dev identity provider: listen on %s: %w", *idpAddr, err)
	}
	issuer := "http://" + *idpAddr
	// On a national data set (the benchmarks'), also its Stockholm FK
	// handläggare (docs/national-offices.md).
	users := demo.Users()
	if loaded, err := demo.NationalLoaded(ctx, ownerPool); err != nil {
		return err
	} else if loaded {
		users = append(users, demo.NationalUsers()...)
	}
	idp, err := devidp.New(issuer, users)
	if err != nil {
		return err
	}
	if err := demo.TrustIssuer(ctx, ownerPool, issuer); err != nil {
		return fmt.Errorf("register the dev identity provider: %w", err)
	}
	cfg.GraphiQLIssuer = issuer
	idpServer := &http.Server{Handler: idp, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = idpServer.Serve(idpListener) }()
	defer idpServer.Close()

	logger.Info("demo data loaded", "graphiql", "http://"+cfg.HTTPAddr+"/graphiql", "issuer", issuer,
		"token", tokenHint(issuer))
	return serveAPI(ctx, &cfg, logger, pool)
}

// tokenHint is the command that prints a token from this dev identity
// provider: `hub token` asks http://localhost:8081 unless told otherwise.
func tokenHint(issuer string) string {
	if issuer == defaultDevIssuer {
		return "go run ./cmd/hub token soc.karlstad"
	}
	return "go run ./cmd/hub token --issuer " + issuer + " soc.karlstad"
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// startDevCluster initialises (first run) and starts the embedded cluster
// and makes sure database "hub" exists. It returns the connection URL.
func startDevCluster(ctx context.Context, logger *slog.Logger, dataDir string, port int) (*pgcluster.Cluster, string, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, "", err
	}
	cluster, err := pgcluster.New(pgcluster.Options{
		DataDir:   filepath.Join(abs, "pg"),
		SocketDir: filepath.Join(abs, "run"),
		Port:      port,
		Durable:   true,
	})
	if err != nil {
		return nil, "", err
	}
	if !cluster.Initialised() {
		logger.Info("creating the dev database cluster", "dir", cluster.DataDir())
		if err := cluster.Init(ctx); err != nil {
			return nil, "", err
		}
	}
	if cluster.Running(ctx) {
		// Holding the directory's lock, this is no other hub dev's
		// cluster: one that ended without stopping it (killed) left it.
		logger.Warn("the dev database was left running by an earlier hub dev; using it, and stopping it on exit", "dir", cluster.DataDir())
	}
	if err := cluster.Start(ctx); err != nil {
		return nil, "", err
	}
	logger.Info("dev database running", "dir", cluster.DataDir(), "port", port)
	url := fmt.Sprintf("postgres://hub@127.0.0.1:%d/hub?sslmode=disable", port)
	if err := ensureDatabase(ctx, fmt.Sprintf("postgres://hub@127.0.0.1:%d/postgres?sslmode=disable", port), "hub"); err != nil {
		_ = cluster.Stop(context.Background(), false)
		return nil, "", err
	}
	return cluster, url, nil
}

func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to the dev cluster: %w", err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func migrateUp(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect to database for migrations: %w", err)
	}
	defer conn.Close(context.Background())
	return migrate.Up(ctx, conn)
}

var errNoSubcommand = errors.New("missing subcommand")
