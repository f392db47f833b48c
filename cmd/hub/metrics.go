package main

import (
	"context"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/directory/resident"
	"github.com/samverkanshub/hub/internal/platform/config"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/metrics"
	"github.com/samverkanshub/hub/internal/platform/ratelimit"
)

// serveMetrics serves Prometheus metrics on cfg.MetricsAddr, if set, until
// ctx ends (docs/metrics-and-limits.md).
func serveMetrics(ctx context.Context, cfg *config.Config, logger *slog.Logger, pool *pgxpool.Pool, memory *resident.Directory) error {
	if cfg.MetricsAddr == "" {
		return nil
	}
	extra := []prometheus.Collector{db.PoolCollector(pool)}
	if memory != nil {
		extra = append(extra, resident.Collector(memory))
	}
	_, err := metrics.Serve(ctx, cfg.MetricsAddr, metrics.NewRegistry(extra...), logger)
	return err
}

// residentDirectory is the replica's directory in memory, loading in the
// background from the start so that the first requests find it (nil when
// --resident-directory=false).
func residentDirectory(ctx context.Context, cfg *config.Config, logger *slog.Logger, pool *pgxpool.Pool) *resident.Directory {
	if !cfg.ResidentDirectory {
		return nil
	}
	memory := resident.New(pool, logger)
	go func() {
		if err := memory.Load(ctx); err != nil && ctx.Err() == nil {
			logger.Error("resident directory not loaded at start; the first request loads it", "error", err.Error())
		}
	}()
	return memory
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
