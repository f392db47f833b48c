package tenancy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestValidOrgNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"202100-5521": true,  // Försäkringskassan
		"202100-2114": true,  // Arbetsförmedlingen
		"212000-1835": true,  // Karlstads kommun
		"202100-5522": false, // wrong check digit
		"2021005521":  false, // no hyphen
		"20210-05521": false,
		"abcdef-ghij": false,
	} {
		require.Equal(t, want, ValidOrgNumber(s), s)
	}
}

func TestMembership_ActiveOnIsHalfOpen(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	end := d("2020-01-01")
	m := Membership{ValidFrom: d("2015-01-01"), ValidTo: &end}
	require.False(t, m.ActiveOn(d("2014-12-31")))
	require.True(t, m.ActiveOn(d("2015-01-01")))
	require.True(t, m.ActiveOn(d("2019-12-31")))
	require.False(t, m.ActiveOn(d("2020-01-01")), "valid_to is exclusive")
	open := Membership{ValidFrom: d("2015-01-01")}
	require.True(t, open.ActiveOn(d("2100-01-01")))
}

func TestValidateKommunkod(t *testing.T) {
	require.NoError(t, ValidateKommunkod("0686"))
	for _, bad := range []string{"686", "17800", "KSTD", "", "17 8"} {
		require.ErrorContains(t, ValidateKommunkod(bad), "four-digit SCB kommunkod")
	}
}
