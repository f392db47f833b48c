package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/platform/config"
)

// startTimers starts the river client of the timer jobs on this replica
// (every replica runs one; docs/timers.md), unless --timer-interval is 0.
// The returned function stops it: running jobs get the shutdown timeout
// to finish, then are cancelled (river retries them later).
func startTimers(ctx context.Context, cfg *config.Config, logger *slog.Logger, a *app.App) (func(), error) {
	if cfg.TimerInterval == 0 {
		logger.Warn("timers are off on this replica (--timer-interval 0): it works no timer job (its requests still enqueue theirs) and runs no scan")
		return func() {}, nil
	}
	log := logger.With("component", "timers")
	client, err := timers.NewClient(a.Pool, timers.New(a, vagin.New(a, nil), log), timers.Config{Interval: cfg.TimerInterval, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("timers: %w", err)
	}
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("start the timers: %w", err)
	}
	logger.Info("timers started", "interval", cfg.TimerInterval)
	return func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := client.Stop(stopCtx); err != nil {
			logger.Warn("timers did not stop in time; cancelling their jobs", "error", err.Error())
			cancelCtx, cancel2 := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
			defer cancel2()
			_ = client.StopAndCancel(cancelCtx)
		}
		logger.Info("timers stopped")
	}, nil
}
