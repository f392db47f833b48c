package config

import (
	"flag"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidate_NamesEveryProblem(t *testing.T) {
	c := Defaults()
	c.DBMaxConns = 0
	c.LogFormat = "xml"
	c.JWKSRefetchInterval = 0
	c.MaxLookups = 0
	c.OTLPEndpoint = "collector:4318"
	err := c.Validate(true)
	require.ErrorContains(t, err, "no database: set HUB_DATABASE_URL")
	require.ErrorContains(t, err, "--db-max-conns")
	require.ErrorContains(t, err, `--log-format must be json or text, got "xml"`)
	require.ErrorContains(t, err, "--jwks-refetch-interval must be between 1s and 1h, got 0s")
	require.ErrorContains(t, err, "--max-lookups must be at least 1, got 0")
	require.ErrorContains(t, err, `--otlp-endpoint must be the URL of a collector's OTLP/HTTP receiver, e.g. http://localhost:4318, got "collector:4318"`)
	c = Defaults()
	require.NoError(t, c.Validate(false))
}

func TestRegister_FlagWinsOverEnvironment(t *testing.T) {
	t.Setenv("HUB_HTTP_ADDR", ":9000")
	t.Setenv("HUB_DB_MAX_CONNS", "7")
	c := Defaults()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c.Register(fs)
	require.NoError(t, fs.Parse([]string{"--http-addr", ":9100"}))
	require.Equal(t, ":9100", c.HTTPAddr)
	require.Equal(t, 7, c.DBMaxConns)
}

func TestMaskURL_HidesPasswords(t *testing.T) {
	require.Equal(t, "postgres://hub:xxxxx@db:5432/hub", MaskURL("postgres://hub:s3cret@db:5432/hub"))
	require.Equal(t, "host=db user=hub password=xxxxx", MaskURL("host=db user=hub password=s3cret"))
	require.Equal(t, "postgres://hub@db/hub", MaskURL("postgres://hub@db/hub"))
}

// Several problems come out together, in the order of the fields, the same
// every time.
func TestValidate_ProblemsInFieldOrder(t *testing.T) {
	c := Defaults()
	c.RequestTimeout, c.ShutdownTimeout, c.StatementTimeout = 0, 0, 0
	first := c.Validate(false).Error()
	require.Less(t, strings.Index(first, "--request-timeout"), strings.Index(first, "--shutdown-timeout"))
	require.Less(t, strings.Index(first, "--shutdown-timeout"), strings.Index(first, "--statement-timeout"))
	for range 20 {
		require.Equal(t, first, c.Validate(false).Error())
	}
}

func TestValidate_RateLimitsAndTrustedProxies(t *testing.T) {
	t.Setenv("HUB_RATE_LIMIT_CLIENT", "0")
	c := Defaults()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c.Register(fs)
	require.NoError(t, fs.Parse([]string{"--rate-limit-principal", "2.5", "--rate-limit-principal-burst", "0",
		"--rate-limit-address", "-1", "--trusted-proxies", "10.0.0.0/8,lb.internal"}))
	require.Equal(t, 2.5, c.RateLimitPrincipal)
	require.Zero(t, c.RateLimitClient, "0 turns the client limit off")
	err := c.Validate(false)
	require.ErrorContains(t, err, "--rate-limit-principal-burst must be between 1 and 1000000 when the limit is on, got 0")
	require.ErrorContains(t, err, "--rate-limit-address must be 0 (off) or a positive rate")
	require.ErrorContains(t, err, `--trusted-proxies: "lb.internal" is neither an address nor a CIDR prefix`)
	require.NotContains(t, err.Error(), "--rate-limit-client")
}
