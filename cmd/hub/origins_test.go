package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// An administrator registers an SPA's origin for an organisation's client;
// the API (as the application role) then allows it, and no longer after
// its removal.
func TestOriginsCommand_AddListRemove(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, run(ctx, []string{"seed", "--database-url", d.URL, "demo"}))
	origins := identity.NewOrigins(d.AppPool)
	allowed := func(o string) bool {
		origins.Forget()
		ok, err := origins.Allowed(ctx, o)
		require.NoError(t, err)
		return ok
	}
	require.False(t, allowed("https://app.karlstad.se"))

	require.NoError(t, run(ctx, []string{"origins", "add", "--database-url", d.URL, "--org", "212000-1835", "--client", "kommunens-spa", "HTTPS://App.Karlstad.se:443/"}))
	require.True(t, allowed("https://app.karlstad.se"))
	regs, err := identity.ClientOrigins(ctx, d.AppPool)
	require.NoError(t, err)
	require.Len(t, regs, 1)
	require.Equal(t, "kommunens-spa", regs[0].ClientID)
	require.NoError(t, run(ctx, []string{"origins", "list", "--database-url", d.URL}))

	require.ErrorContains(t, run(ctx, []string{"origins", "add", "--database-url", d.URL, "--org", "212000-1835", "https://app.karlstad.se/spa"}), "no path")
	require.ErrorContains(t, run(ctx, []string{"origins", "add", "--database-url", d.URL, "--org", "999999-9999", "https://x.se"}), `no organisation with organisationsnummer "999999-9999"`)
	require.ErrorContains(t, run(ctx, []string{"origins", "remove", "--database-url", d.URL, "--org", "212000-1835", "https://app.karlstad.se"}), "not registered for client hub-spa")

	require.NoError(t, run(ctx, []string{"origins", "remove", "--database-url", d.URL, "--org", "212000-1835", "--client", "kommunens-spa", "https://app.karlstad.se"}))
	require.False(t, allowed("https://app.karlstad.se"))
}
