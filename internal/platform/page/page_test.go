package page

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestCursor_RoundTripsAnySortKey(t *testing.T) {
	for _, sort := range []string{"", "Karlstads kommun", "Höglandets: samordningsförbund", "a:b:c"} {
		k := Key{Sort: sort, ID: uuid.New()}
		got, err := Decode(Encode(k))
		require.NoError(t, err)
		require.Equal(t, k, got)
	}
}

func TestNewRequest_RejectsBadInput(t *testing.T) {
	n := func(i int) *int { return &i }
	s := func(v string) *string { return &v }
	_, err := NewRequest(n(101), nil)
	require.ErrorContains(t, err, "first must be between 0 and 100, got 101")
	_, err = NewRequest(nil, s("bogus"))
	require.ErrorContains(t, err, "invalid cursor")
	r, err := NewRequest(nil, nil)
	require.NoError(t, err)
	require.Equal(t, DefaultSize, r.First)
}
