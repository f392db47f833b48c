package app

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/identity"
)

// The limiter writes refusalsPerWindow records per person and window, and
// the first record of a later window reports how many were held back.
func TestRefusals_LimitPerPersonAndWindow(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	a := (&App{}).NewRefusals()
	a.now = func() time.Time { return now }
	p := &identity.Principal{Issuer: "https://idp", OrgID: uuid.New(), UserID: "ph.fk"}
	other := &identity.Principal{Issuer: "https://idp", OrgID: p.OrgID, UserID: "ph.fk2"}

	for i := range refusalsPerWindow {
		write, unwritten, firstHeld := a.admit(p)
		require.True(t, write, "refusal %d", i)
		require.Zero(t, unwritten)
		require.False(t, firstHeld)
	}
	write, _, firstHeld := a.admit(p)
	require.False(t, write)
	require.True(t, firstHeld, "the first refusal held back is reported (to the log)")
	for range 4 {
		write, _, firstHeld = a.admit(p)
		require.False(t, write)
		require.False(t, firstHeld)
	}
	write, _, _ = a.admit(other)
	require.True(t, write, "another person has a limit of their own")

	now = now.Add(refusalWindow)
	write, unwritten, _ := a.admit(p)
	require.True(t, write)
	require.Equal(t, 5, unwritten, "the next window's first record says how many were held back")
	write, unwritten, _ = a.admit(p)
	require.True(t, write)
	require.Zero(t, unwritten)
}
