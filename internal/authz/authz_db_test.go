package authz_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
	"github.com/samverkanshub/hub/internal/tenancy"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func principal(orgKey string, kind tenancy.OrganizationKind, roles ...identity.Role) *identity.Principal {
	return &identity.Principal{OrgID: demo.ID("org/" + orgKey), OrgKind: kind, UserID: "test", Roles: roles}
}

func TestCan_WorksOutTheRelationToTheOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, demo.LoadReference(ctx, d.Pool))

	a, err := authz.New(nil)
	require.NoError(t, err)
	// A policy where each relation gives a different answer.
	require.NoError(t, a.Use(1, `
p, SOCIALSEKRETERARE, unit, update, OWN, allow
p, SOCIALSEKRETERARE, unit, delete, FEDERATION, allow
p, SOCIALSEKRETERARE, unit, create, OTHER, allow
p, PERSONLIG_HANDLAGGARE, case, read, CONSENTED, allow
p, PERSONLIG_HANDLAGGARE, purpose, SAMORDNAD_REHABILITERING, OWN, allow`))
	soc := principal("karlstad", tenancy.Kommun, identity.Socialsekreterare)
	unitOf := func(orgKey string) authz.Object {
		return authz.Object{Kind: authz.Unit, OwnerOrgID: demo.ID("org/" + orgKey)}
	}
	tests := []struct {
		name string
		act  authz.Action
		obj  authz.Object
		want bool
	}{
		{"own organisation, OWN rule", authz.Update, unitOf("karlstad"), true},
		{"own organisation, FEDERATION rule does not apply", authz.Delete, unitOf("karlstad"), false},
		{"FK shares Samspelet with Karlstad", authz.Delete, unitOf("fk"), true},
		{"FK is not OTHER to Karlstad", authz.Create, unitOf("fk"), false},
		{"Eksjö shares no förbund with Karlstad", authz.Create, unitOf("eksjo"), true},
		{"Eksjö is not FEDERATION to Karlstad", authz.Delete, unitOf("eksjo"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := a.Can(ctx, d.AppPool, soc, tt.act, tt.obj)
			require.NoError(t, err)
			require.Equal(t, tt.want, ok)
		})
	}

	t.Run("across organisations only under a samtycke: without one the hook denies", func(t *testing.T) {
		ph := principal("fk", tenancy.FK, identity.PersonligHandlaggare)
		karlstadCase := authz.Object{Kind: authz.Case, OwnerOrgID: demo.ID("org/karlstad"), ID: "case-1"}
		ok, err := a.Can(ctx, d.AppPool, ph, authz.Read, karlstadCase)
		require.NoError(t, err)
		require.False(t, ok)

		covered, err := authz.New(func(_ context.Context, _ db.Querier, p *identity.Principal, obj authz.Object) (bool, error) {
			return p.OrgID == demo.ID("org/fk") && obj.ID == "case-1", nil
		})
		require.NoError(t, err)
		ok, err = covered.Can(ctx, d.AppPool, ph, authz.Read, karlstadCase)
		require.NoError(t, err)
		require.True(t, ok, "a consent hook that covers the person opens the case")
		err = covered.Require(ctx, d.AppPool, ph, authz.Update, karlstadCase)
		require.ErrorContains(t, err, "do not allow update on case")
	})
	t.Run("no principal, no access", func(t *testing.T) {
		ok, err := a.Can(ctx, d.AppPool, nil, authz.Read, unitOf("karlstad"))
		require.NoError(t, err)
		require.False(t, ok)
	})
}

// A policy stored by one replica reaches every replica through
// LISTEN/NOTIFY. (It takes ~10 ms; the bound below is generous because CI
// machines are shared, and the time is logged, not asserted.)
func TestWatch_EveryReplicaReloadsAStoredPolicy(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := pgtest.NewDatabase(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	replicas := make([]*authz.Authorizer, 3)
	for i := range replicas {
		a, err := authz.New(nil)
		require.NoError(t, err)
		replicas[i] = a
		go a.Watch(ctx, d.AppURL, log)
	}
	loggranskare := []identity.Role{identity.Loggranskare}
	for _, a := range replicas {
		require.True(t, a.Allows(loggranskare, authz.Read, authz.AuditRecord, authz.Own))
	}
	time.Sleep(200 * time.Millisecond) // let the watchers LISTEN

	// The new policy no longer lets the loggranskare read the trail.
	version, err := authz.StorePolicy(ctx, d.Pool, "g, ORG_ADMIN, anyone\np, anyone, organization, read, OWN, allow\np, ORG_ADMIN, purpose, SIP, OWN, allow\n", "test")
	require.NoError(t, err)
	stored := time.Now()
	for i, a := range replicas {
		require.Eventually(t, func() bool { return a.Version() == version }, 15*time.Second, 10*time.Millisecond, "replica %d", i)
		require.False(t, a.Allows(loggranskare, authz.Read, authz.AuditRecord, authz.Own))
	}
	t.Logf("all replicas reloaded within %s", time.Since(stored))

	_, err = authz.StorePolicy(ctx, d.Pool, "p, anyone, spaceship, read, OWN, allow", "test")
	require.ErrorContains(t, err, `unknown object kind "spaceship"`, "an invalid policy is never stored")
	var n int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM authz_policies`).Scan(&n))
	require.Equal(t, 1, n)

	// The application role cannot store policies.
	_, err = authz.StorePolicy(ctx, d.AppPool, "g, ORG_ADMIN, anyone\np, anyone, unit, read, OWN, allow\np, ORG_ADMIN, purpose, SIP, OWN, allow\n", "app")
	require.ErrorContains(t, err, "permission denied")
}

// AwaitReplicas returns once every replica's watcher has the stored
// version in force, so that the next request anywhere decides under it;
// a replica that has not (here a session named as a watcher still at the
// default policy, as one whose load failed stays) is counted as behind
// once the wait is over, and a stopped replica is no longer counted.
func TestAwaitReplicas_ReturnsOnceEveryReplicaHasThePolicyInForce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	replicas := make([]*authz.Authorizer, 2)
	stops := make([]context.CancelFunc, 2)
	for i := range replicas {
		a, err := authz.New(nil)
		require.NoError(t, err)
		replicas[i] = a
		watchCtx, stop := context.WithCancel(ctx)
		stops[i] = stop
		defer stop()
		go a.Watch(watchCtx, d.AppURL, log)
	}
	var n, behind int
	var err error
	require.Eventually(t, func() bool {
		n, behind, err = authz.AwaitReplicas(ctx, d.Pool, 0, 0)
		return err == nil && n == 2 && behind == 0
	}, 15*time.Second, 20*time.Millisecond, "both watchers connected")

	version, err := authz.StorePolicy(ctx, d.Pool, "g, ORG_ADMIN, anyone\np, anyone, organization, read, OWN, allow\np, ORG_ADMIN, purpose, SIP, OWN, allow\n", "test")
	require.NoError(t, err)
	n, behind, err = authz.AwaitReplicas(ctx, d.Pool, version, 15*time.Second)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Zero(t, behind)
	for i, a := range replicas {
		require.Equal(t, version, a.Version(), "replica %d decides under the new policy when AwaitReplicas returns", i)
	}

	stuck, err := pgx.Connect(ctx, d.AppURL+" application_name='hub policy watcher: version 0'")
	require.NoError(t, err)
	defer stuck.Close(ctx)
	n, behind, err = authz.AwaitReplicas(ctx, d.Pool, version, 100*time.Millisecond)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, 1, behind)

	stops[0]()
	require.Eventually(t, func() bool {
		n, _, err = authz.AwaitReplicas(ctx, d.Pool, version, 0)
		return err == nil && n == 2
	}, 10*time.Second, 20*time.Millisecond, "a stopped replica is no longer counted")
}
