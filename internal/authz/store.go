package authz

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// NotifyChannel is the Postgres channel policy changes are announced on.
const NotifyChannel = "hub_policy"

// StorePolicy validates policyText, stores it as the newest version and
// announces it to every replica. It needs the owner's rights.
func StorePolicy(ctx context.Context, q db.Querier, policyText, loadedBy string) (int64, error) {
	if err := Validate(policyText); err != nil {
		return 0, err
	}
	var version int64
	err := q.QueryRow(ctx, qStorePolicy, policyText, loadedBy, NotifyChannel).Scan(&version)
	if err != nil {
		return 0, fmt.Errorf("store policy: %w", err)
	}
	return version, nil
}

// Load makes the newest stored policy active (the embedded default when
// none is stored). An invalid stored policy is refused and the active one
// kept.
func (a *Authorizer) Load(ctx context.Context, q db.Querier) error {
	var version int64
	var text string
	err := q.QueryRow(ctx, qNewestPolicy).Scan(&version, &text)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil // keep the default
	case err != nil:
		return fmt.Errorf("read stored policy: %w", err)
	case version == a.Version():
		return nil
	}
	if err := a.Use(version, text); err != nil {
		return fmt.Errorf("stored policy version %d: %w", version, err)
	}
	return nil
}

// Watch keeps a dedicated connection listening on NotifyChannel and reloads
// the policy on every notification, until ctx ends. After a lost connection
// it reconnects with backoff and reloads, since notifications may have been
// missed meanwhile.
func (a *Authorizer) Watch(ctx context.Context, connString string, log *slog.Logger) {
	reload := func(ctx context.Context, conn *pgx.Conn) error {
		if err := a.Load(ctx, conn); err != nil {
			if conn.IsClosed() {
				return err
			}
			// A stored policy this binary cannot use: keep the active one.
			log.Error("policy not reloaded", "error", err.Error())
		}
		return nil
	}
	// On every (re)connection, anything stored before LISTEN took effect
	// is picked up by the first reload.
	db.Listen(ctx, connString, NotifyChannel, "policy watcher", log, reload,
		func(ctx context.Context, conn *pgx.Conn, _ *pgconn.Notification) error { return reload(ctx, conn) })
}
