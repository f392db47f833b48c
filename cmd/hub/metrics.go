package main

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/platform/config"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/metrics"
	"github.com/samverkanshub/hub/internal/platform/ratelimit"
)

// serveMetrics serves Prometheus metrics on cfg.MetricsAddr, if set, until
// ctx ends (docs/metrics-and-limits.md).
func serveMetrics(ctx context.Context, cfg *config.Config, logger *slog.Logger, pool *pgxpool.Pool) error {
	if cfg.MetricsAddr == "" {
		return nil
	}
	_, err := metrics.Serve(ctx, cfg.MetricsAddr, metrics.NewRegistry(db.PoolCollector(pool)), logger)
	return err
}

// rateLimits are the configured rate limits (validated by cfg.Validate).
func rateLimits(cfg *config.Config) graph.RateLimits {
	trusted, _ := ratelimit.ParsePrefixes(cfg.TrustedProxies)
	return graph.RateLimits{
		Principal:      ratelimit.Rate{PerSecond: cfg.RateLimitPrincipal, Burst: cfg.RateLimitPrincipalBurst},
		Client:         ratelimit.Rate{PerSecond: cfg.RateLimitClient, Burst: cfg.RateLimitClientBurst},
		Address:        ratelimit.Rate{PerSecond: cfg.RateLimitAddress, Burst: cfg.RateLimitAddressBurst},
		TrustedProxies: trusted,
	}
}
