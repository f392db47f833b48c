package authz

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

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
		// Say which version is in force now, for AwaitReplicas: set once
		// the decisions are in use, so every request that begins after
		// it decides with them.
		_, err := conn.Exec(ctx, "SELECT set_config('application_name', $1, false)", watcherName+strconv.FormatInt(a.Version(), 10))
		return err
	}
	// On every (re)connection, anything stored before LISTEN took effect
	// is picked up by the first reload.
	db.Listen(ctx, connString, NotifyChannel, "policy watcher", log, reload,
		func(ctx context.Context, conn *pgx.Conn, _ *pgconn.Notification) error { return reload(ctx, conn) })
}

// watcherName, followed by the version in force, is the application_name
// of each replica's policy watcher connection: pg_stat_activity then
// lists the live replicas and the policy each decides with, and a
// replica that dies leaves it with its session.
const watcherName = "hub policy watcher: version "

// AwaitReplicas waits, up to wait, until every replica connected to the
// database of q (each one's policy watcher session) has the policy
// version (or a newer one) in force, and returns how many replicas there
// are and how many have not. A replica has it in force from the moment
// it says so: every request that begins after AwaitReplicas returned
// with behind = 0 is decided under it. q must see other sessions'
// application_name (any role does).
func AwaitReplicas(ctx context.Context, q db.Querier, version int64, wait time.Duration) (replicas, behind int, err error) {
	deadline := time.Now().Add(wait)
	for {
		err := q.QueryRow(ctx, qAwaitReplicas, watcherName, version).Scan(&replicas, &behind)
		if err != nil {
			return 0, 0, fmt.Errorf("count the replicas with policy version %d: %w", version, err)
		}
		if behind == 0 || time.Now().After(deadline) {
			return replicas, behind, nil
		}
		select {
		case <-ctx.Done():
			return replicas, behind, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
