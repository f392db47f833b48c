package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/config"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/httpserver"
	"github.com/samverkanshub/hub/internal/platform/logging"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
	"github.com/samverkanshub/hub/internal/platform/tracing"
	"github.com/samverkanshub/hub/internal/tasks"
)

func serveCmd(ctx context.Context, args []string) error {
	cfg := config.Defaults()
	fs := flag.NewFlagSet("hub serve", flag.ContinueOnError)
	cfg.Register(fs)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := validate(&cfg, true); err != nil {
		return err
	}
	logger, err := newLogger(&cfg)
	if err != nil {
		return err
	}
	if cfg.PIIKeys == "" || cfg.PIIIndexKey == "" {
		return fmt.Errorf("identity numbers need keys: set HUB_PII_KEYS (id:base64key, 32 bytes; e.g. k1:%s) and HUB_PII_INDEX_KEY (e.g. %s)", piicrypt.NewKey(), piicrypt.NewKey())
	}
	if keys, err := piicrypt.ParseKeys(cfg.PIIKeys, cfg.PIIIndexKey); err != nil {
		return fmt.Errorf("HUB_PII_KEYS / HUB_PII_INDEX_KEY: %w", err)
	} else if keys.IsDev() && !cfg.PIIAllowPublicKeys {
		return fmt.Errorf("HUB_PII_KEYS / HUB_PII_INDEX_KEY hold keys published in the repository; hub serve needs keys of its own (a demo deployment may set HUB_PII_ALLOW_PUBLIC_KEYS=true)")
	}
	logger.Info("starting hub serve", "config", cfg)
	pool, err := openPool(ctx, &cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	return serveAPI(ctx, &cfg, logger, pool)
}

// piiKeys parses the configured keys (hub dev fills in development keys).
func piiKeys(cfg *config.Config) (*piicrypt.Keys, error) {
	keys, err := piicrypt.ParseKeys(cfg.PIIKeys, cfg.PIIIndexKey)
	if err != nil {
		return nil, fmt.Errorf("HUB_PII_KEYS / HUB_PII_INDEX_KEY: %w", err)
	}
	return keys, nil
}

// checkAppRole refuses to serve as a role that row-level security does not
// bind: a superuser, a role with BYPASSRLS, or the owner of the tables.
func checkAppRole(ctx context.Context, pool *pgxpool.Pool) error {
	var user string
	var super, bypass bool
	var owned int
	err := pool.QueryRow(ctx, `SELECT current_user, r.rolsuper, r.rolbypassrls,
		(SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user)
	FROM pg_roles r WHERE r.rolname = current_user`).Scan(&user, &super, &bypass, &owned)
	if err != nil {
		return fmt.Errorf("check the database role: %w", err)
	}
	if super || bypass || owned > 0 {
		return fmt.Errorf("refusing to serve as database role %q: it is a superuser, bypasses row-level security or owns the tables; "+
			"connect as the application role hub_app (migrations and seeding run as the owner)", user)
	}
	return nil
}

// validate reports every configuration problem at once, before anything
// starts.
func validate(cfg *config.Config, needDatabase bool) error {
	if err := config.EnvErrors(); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	if err := cfg.Validate(needDatabase); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	return nil
}

func newLogger(cfg *config.Config) (*slog.Logger, error) {
	level, err := cfg.SlogLevel()
	if err != nil {
		return nil, err
	}
	logger := logging.New(os.Stderr, cfg.LogFormat, level)
	slog.SetDefault(logger)
	return logger, nil
}

func openPool(ctx context.Context, cfg *config.Config) (*pgxpool.Pool, error) {
	return db.NewPool(ctx, db.PoolConfig{
		URL:          cfg.DatabaseURL,
		MaxConns:     int32(cfg.DBMaxConns),
		MinIdleConns: int32(cfg.DBMinIdleConns),
	})
}

// serveAPI serves the API until ctx is cancelled, then drains.
func serveAPI(ctx context.Context, cfg *config.Config, logger *slog.Logger, pool *pgxpool.Pool) error {
	if err := checkAppRole(ctx, pool); err != nil {
		return err
	}
	stopTracing, err := tracing.Setup(ctx, cfg.OTLPEndpoint)
	if err != nil {
		return err
	}
	defer func() {
		flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTracing(flushCtx); err != nil {
			logger.Warn("the last traces were not sent", "error", err.Error())
		}
	}()
	if tracing.Enabled(cfg.OTLPEndpoint) {
		logger.Info("traces on: exported over OTLP/HTTP", "endpoint", config.MaskURL(cfg.OTLPEndpoint))
	}
	keys, err := piiKeys(cfg)
	if err != nil {
		return err
	}
	authorizer, err := authz.New(authz.SamtyckeInForce)
	if err != nil {
		return err
	}
	if err := authorizer.Load(ctx, pool); err != nil {
		return err
	}
	authenticator := identity.NewAuthenticator(pool)
	authenticator.JWKSRefetchInterval = cfg.JWKSRefetchInterval
	authenticator.UnknownKeyIDTTL = cfg.JWKSUnknownKeyIDTTL
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go authorizer.Watch(watchCtx, cfg.DatabaseURL, logger)
	consentEvents := consent.NewListener()
	go consentEvents.Run(watchCtx, cfg.DatabaseURL, logger)
	taskEvents := tasks.NewListener()
	go taskEvents.Run(watchCtx, cfg.DatabaseURL, logger)

	// Every replica enqueues the jobs of the moments its requests create,
	// whether or not it runs the timers (startTimers).
	jobs, err := timers.NewInserter(pool)
	if err != nil {
		return fmt.Errorf("the job queue: %w", err)
	}
	application := &app.App{Pool: pool, Authz: authorizer, Keys: keys, StatementTimeout: cfg.StatementTimeout, Jobs: jobs}
	stopTimers, err := startTimers(ctx, cfg, logger, application)
	if err != nil {
		return err
	}
	defer stopTimers()
	memory := residentDirectory(ctx, cfg, logger, pool)

	opts := httpserver.Options{
		Logger: logger,
		Pool:   pool,
		GraphQL: graph.NewHandler(graph.Options{
			App:               application,
			Authenticator:     authenticator,
			ConsentEvents:     consentEvents,
			TaskEvents:        taskEvents,
			MaxDepth:          cfg.MaxDepth,
			MaxComplexity:     cfg.MaxComplexity,
			Introspection:     cfg.Introspection,
			ResidentDirectory: memory,

			MaxCostlyFields:            cfg.MaxCostlyFields,
			MaxLookups:                 cfg.MaxLookups,
			MaxResponseFields:          cfg.MaxResponseFields,
			MaxResponseBytes:           cfg.MaxResponseBytes,
			MaxConnectionsPerUser:      cfg.WSMaxConnectionsPerUser,
			MaxOperationsPerConnection: cfg.WSMaxOperations,
			RequestTimeout:             cfg.RequestTimeout,
			RateLimits:                 rateLimits(cfg),
		}),
		SchemaSDL:      graph.SchemaSDL(),
		BodyLimitBytes: cfg.BodyLimitBytes,
		RequestTimeout: cfg.RequestTimeout,
		// CORS for the origins organisations registered for their SPAs
		// (hub origins add; docs/cors-and-graphiql.md).
		AllowedOrigin: identity.NewOrigins(pool).AllowRequest,
	}
	if cfg.GraphiQL {
		if cfg.GraphiQLIssuer == "" {
			return fmt.Errorf("GraphiQL needs an identity provider to log in at: set HUB_GRAPHIQL_ISSUER or --graphiql-issuer")
		}
		opts.GraphiQL = graph.GraphiQL(cfg.GraphiQLIssuer, devidp.ClientSPA)
		if !cfg.Introspection {
			logger.Warn("GraphiQL is served but introspection is off: its documentation explorer and completion will be empty (set HUB_INTROSPECTION=true)")
		}
	}
	if err := serveMetrics(ctx, cfg, logger, pool, memory); err != nil {
		return err
	}
	if cfg.DebugAddr != "" {
		if err := serveProfiler(ctx, cfg.DebugAddr, logger); err != nil {
			return err
		}
	}
	e := httpserver.New(opts)
	l, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	logger.Info("API listening", "graphql", "http://"+l.Addr().String()+"/graphql")
	err = httpserver.Serve(ctx, e, l, cfg.ShutdownTimeout)
	logger.Info("API stopped")
	return err
}

// serveProfiler serves Go's profiler on addr until ctx is cancelled. It is
// off unless configured: profiles show the program's internals, so the
// address belongs on localhost.
func serveProfiler(ctx context.Context, addr string, logger *slog.Logger) error {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--debug-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		// Profiles and /debug/pprof/cmdline show the program's internals
		// and its flags (a database URL with its password).
		return fmt.Errorf("--debug-addr %q: the profiler listens on a loopback address only (e.g. 127.0.0.1:6060)", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s (debug): %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() { _ = srv.Serve(l) }()
	logger.Warn("profiler listening", "url", "http://"+l.Addr().String()+"/debug/pprof/")
	return nil
}
