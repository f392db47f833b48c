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

// A day ends at the next midnight in Stockholm, summer or winter, and the
// day of that moment is the next day.
func TestDayEnds_AtStockholmsMidnight(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for day, want := range map[string]string{
		"2026-01-15": "2026-01-15T23:00:00Z", // CET
		"2026-07-15": "2026-07-15T22:00:00Z", // CEST
		"2026-03-28": "2026-03-28T23:00:00Z", // the night summer time begins
		"2026-10-24": "2026-10-24T22:00:00Z", // the night it ends
	} {
		end := DayEnds(d(day))
		require.Equal(t, want, end.UTC().Format(time.RFC3339), day)
		require.Equal(t, d(day), DayOf(end.Add(-time.Nanosecond)), day)
		require.Equal(t, d(day).AddDate(0, 0, 1), DayOf(end), day)
	}
}
