package identity

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// An origin is stored as a browser sends it in the Origin header, so that
// the comparison at request time is a plain lookup.
func TestNormalizeOrigin_StoresWhatABrowserSends(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, problem string }{
		{in: "http://localhost:5173", want: "http://localhost:5173"},
		{in: "HTTPS://App.Karlstad.SE", want: "https://app.karlstad.se"},
		{in: "https://app.karlstad.se/", want: "https://app.karlstad.se"},
		{in: "https://app.karlstad.se:443", want: "https://app.karlstad.se"},
		{in: "http://app.karlstad.se:80", want: "http://app.karlstad.se"},
		{in: "https://app.karlstad.se:8443", want: "https://app.karlstad.se:8443"},
		{in: "http://[::1]:3000", want: "http://[::1]:3000"},
		{in: "https://app.karlstad.se/spa", problem: "no path"},
		{in: "https://app.karlstad.se?x=1", problem: "no path, query"},
		{in: "https://user@app.karlstad.se", problem: "no path, query or user"},
		{in: "app.karlstad.se", problem: "give scheme://host"},
		{in: "ftp://app.karlstad.se", problem: "give scheme://host"},
		{in: "*", problem: "give scheme://host"},
	} {
		got, err := NormalizeOrigin(tc.in)
		if tc.problem != "" {
			require.ErrorContains(t, err, tc.problem, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}
