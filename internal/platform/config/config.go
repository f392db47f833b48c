// Package config holds the hub's one configuration struct, filled from
// command-line flags and HUB_* environment variables (a flag wins over the
// variable), validated before anything starts.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/samverkanshub/hub/internal/platform/ratelimit"
)

// Config is the hub's configuration.
type Config struct {
	DatabaseURL string // HUB_DATABASE_URL; required by serve and migrate

	HTTPAddr        string        // HUB_HTTP_ADDR
	RequestTimeout  time.Duration // HUB_REQUEST_TIMEOUT: whole GraphQL request
	ShutdownTimeout time.Duration // HUB_SHUTDOWN_TIMEOUT: draining in-flight requests
	BodyLimitBytes  int64         // HUB_BODY_LIMIT_BYTES

	DBMaxConns       int           // HUB_DB_MAX_CONNS
	DBMinIdleConns   int           // HUB_DB_MIN_IDLE_CONNS
	StatementTimeout time.Duration // HUB_STATEMENT_TIMEOUT: one SQL statement

	ResidentDirectory bool // HUB_RESIDENT_DIRECTORY: keep the directory in memory for waysIn (on by default)

	MaxDepth      int // HUB_MAX_DEPTH
	MaxComplexity int // HUB_MAX_COMPLEXITY
	// Per operation: searches, counts and personal-data lists; identity
	// numbers looked up; fields resolved; bytes of data answered.
	MaxCostlyFields   int // HUB_MAX_COSTLY_FIELDS
	MaxLookups        int // HUB_MAX_LOOKUPS
	MaxResponseFields int // HUB_MAX_RESPONSE_FIELDS
	MaxResponseBytes  int // HUB_MAX_RESPONSE_BYTES
	// WebSockets: connections per person (per replica), operations at once
	// per connection.
	WSMaxConnectionsPerUser int  // HUB_WS_MAX_CONNECTIONS_PER_USER
	WSMaxOperations         int  // HUB_WS_MAX_OPERATIONS
	Introspection           bool // HUB_INTROSPECTION: off in serve, on in dev
	GraphiQL                bool // HUB_GRAPHIQL: serve /graphiql (dev)
	// GraphiQLIssuer is where GraphiQL logs people in (client hub-spa).
	GraphiQLIssuer string // HUB_GRAPHIQL_ISSUER

	// An issuer's JWKS is fetched again for an unknown key id at most once
	// per JWKSRefetchInterval; a key id the JWKS lacked is refused without
	// another fetch for JWKSUnknownKeyIDTTL (docs/identity.md).
	JWKSRefetchInterval time.Duration // HUB_JWKS_REFETCH_INTERVAL
	JWKSUnknownKeyIDTTL time.Duration // HUB_JWKS_UNKNOWN_KID_TTL (0: not remembered)

	// Identity numbers are sealed with PIIKeys ("id:base64,…", the first
	// encrypts) and found through an HMAC keyed with PIIIndexKey.
	PIIKeys     string // HUB_PII_KEYS
	PIIIndexKey string // HUB_PII_INDEX_KEY
	// PIIAllowPublicKeys lets hub serve run with keys published in this
	// repository: for the compose demo deployment, never with real data.
	PIIAllowPublicKeys bool // HUB_PII_ALLOW_PUBLIC_KEYS

	// TimerInterval is how often the timer jobs scan (overdue tasks,
	// reminders; docs/timers.md); 0 turns the timers off on this replica.
	TimerInterval time.Duration // HUB_TIMER_INTERVAL

	LogFormat string // HUB_LOG_FORMAT: json or text
	LogLevel  string // HUB_LOG_LEVEL: debug, info, warn, error

	// Rate limits (docs/metrics-and-limits.md): requests per second and
	// burst per person, per client application (all its users), and per
	// address for requests without a valid token; 0 requests per second
	// turns a limit off. TrustedProxies (addresses and CIDR prefixes,
	// comma-separated) are the proxies whose X-Forwarded-For is believed.
	RateLimitPrincipal      float64 // HUB_RATE_LIMIT_PRINCIPAL
	RateLimitPrincipalBurst int     // HUB_RATE_LIMIT_PRINCIPAL_BURST
	RateLimitClient         float64 // HUB_RATE_LIMIT_CLIENT
	RateLimitClientBurst    int     // HUB_RATE_LIMIT_CLIENT_BURST
	RateLimitAddress        float64 // HUB_RATE_LIMIT_ADDRESS
	RateLimitAddressBurst   int     // HUB_RATE_LIMIT_ADDRESS_BURST
	TrustedProxies          string  // HUB_TRUSTED_PROXIES

	// MetricsAddr, when set, serves Prometheus metrics at /metrics on a
	// listener of its own (off in serve; hub dev: localhost:9464).
	MetricsAddr string // HUB_METRICS_ADDR

	// DebugAddr, when set, serves Go's profiler (net/http/pprof) on a
	// listener of its own: for profiling a benchmark, never public.
	DebugAddr string // HUB_DEBUG_ADDR

	// OTLPEndpoint, when set, exports traces over OTLP/HTTP to this
	// collector (docs/tracing.md); OpenTelemetry's own
	// OTEL_EXPORTER_OTLP_ENDPOINT turns them on as well.
	OTLPEndpoint string // HUB_OTLP_ENDPOINT

	// Dev only: the embedded cluster.
	DevDataDir string // HUB_DEV_DATA_DIR
	DevDBPort  int    // HUB_DEV_DB_PORT
}

// Defaults returns the production defaults.
func Defaults() Config {
	return Config{
		HTTPAddr:          ":8080",
		RequestTimeout:    30 * time.Second,
		ShutdownTimeout:   20 * time.Second,
		BodyLimitBytes:    1 << 20,
		DBMaxConns:        16,
		DBMinIdleConns:    2,
		StatementTimeout:  5 * time.Second,
		ResidentDirectory: true,
		MaxDepth:          12,
		MaxComplexity:     20000,
		// As graph.DefaultMaxCostlyFields, DefaultMaxLookups,
		// DefaultMaxResponseFields, DefaultMaxResponseBytes,
		// DefaultMaxConnectionsPerUser, DefaultMaxOperationsPerConnection.
		MaxCostlyFields:         10,
		MaxLookups:              5,
		MaxResponseFields:       200_000,
		MaxResponseBytes:        16 << 20,
		WSMaxConnectionsPerUser: 8,
		WSMaxOperations:         20,
		Introspection:           false,
		LogFormat:               "json",
		LogLevel:                "info",
		DevDataDir:              ".data",
		DevDBPort:               5439,
		TimerInterval:           5 * time.Minute,

		// Generous: a person's GraphiQL or SPA, a client's whole
		// organisation, a browser opening sockets behind a shared address.
		RateLimitPrincipal:      20,
		RateLimitPrincipalBurst: 60,
		RateLimitClient:         500,
		RateLimitClientBurst:    1000,
		RateLimitAddress:        20,
		RateLimitAddressBurst:   100,

		// As identity.DefaultJWKSRefetchInterval and DefaultUnknownKeyIDTTL.
		JWKSRefetchInterval: time.Minute,
		JWKSUnknownKeyIDTTL: time.Minute,
	}
}

// Register binds every setting to a flag on fs whose default comes from the
// HUB_* variable, or else from c. Parse fs afterwards; then call Validate.
func (c *Config) Register(fs *flag.FlagSet) {
	str := func(p *string, name, env, usage string) {
		fs.StringVar(p, name, envString(env, *p), usage+" ($"+env+")")
	}
	dur := func(p *time.Duration, name, env, usage string) {
		fs.DurationVar(p, name, envDuration(env, *p), usage+" ($"+env+")")
	}
	num := func(p *int, name, env, usage string) {
		fs.IntVar(p, name, envInt(env, *p), usage+" ($"+env+")")
	}
	rate := func(p *float64, name, env, usage string) {
		fs.Float64Var(p, name, envFloat(env, *p), usage+" ($"+env+")")
	}
	str(&c.DatabaseURL, "database-url", "HUB_DATABASE_URL", "PostgreSQL connection URL")
	str(&c.HTTPAddr, "http-addr", "HUB_HTTP_ADDR", "address the API listens on")
	dur(&c.RequestTimeout, "request-timeout", "HUB_REQUEST_TIMEOUT", "time limit of one GraphQL request")
	dur(&c.ShutdownTimeout, "shutdown-timeout", "HUB_SHUTDOWN_TIMEOUT", "time given to in-flight requests on shutdown")
	fs.Int64Var(&c.BodyLimitBytes, "body-limit", envInt64("HUB_BODY_LIMIT_BYTES", c.BodyLimitBytes), "largest request body in bytes ($HUB_BODY_LIMIT_BYTES)")
	num(&c.DBMaxConns, "db-max-conns", "HUB_DB_MAX_CONNS", "size of the database connection pool")
	num(&c.DBMinIdleConns, "db-min-idle-conns", "HUB_DB_MIN_IDLE_CONNS", "idle connections kept open")
	dur(&c.StatementTimeout, "statement-timeout", "HUB_STATEMENT_TIMEOUT", "time limit of one SQL statement")
	fs.BoolVar(&c.ResidentDirectory, "resident-directory", envBool("HUB_RESIDENT_DIRECTORY", c.ResidentDirectory), "answer waysIn from the directory kept in memory, checked against the directory's version on every request ($HUB_RESIDENT_DIRECTORY; false: every answer from SQL)")
	num(&c.MaxDepth, "max-depth", "HUB_MAX_DEPTH", "deepest nesting of fields a query may have")
	num(&c.MaxComplexity, "max-complexity", "HUB_MAX_COMPLEXITY", "highest priced complexity a query may have")
	num(&c.MaxCostlyFields, "max-costly-fields", "HUB_MAX_COSTLY_FIELDS", "most searches, counts (totalCount) and personal-data lists one operation may hold")
	num(&c.MaxLookups, "max-lookups", "HUB_MAX_LOOKUPS", "most identity numbers one operation may look up (individualByPersonnummer)")
	num(&c.MaxResponseFields, "max-response-fields", "HUB_MAX_RESPONSE_FIELDS", "most fields one query or mutation may resolve")
	num(&c.MaxResponseBytes, "max-response-bytes", "HUB_MAX_RESPONSE_BYTES", "largest data of one response, in bytes")
	num(&c.WSMaxConnectionsPerUser, "ws-max-connections-per-user", "HUB_WS_MAX_CONNECTIONS_PER_USER", "most WebSocket connections one person may hold open on this replica")
	num(&c.WSMaxOperations, "ws-max-operations", "HUB_WS_MAX_OPERATIONS", "most operations (subscriptions) running at once on one WebSocket connection")
	fs.BoolVar(&c.Introspection, "introspection", envBool("HUB_INTROSPECTION", c.Introspection), "allow GraphQL introspection ($HUB_INTROSPECTION)")
	fs.BoolVar(&c.GraphiQL, "graphiql", envBool("HUB_GRAPHIQL", c.GraphiQL), "serve GraphiQL at /graphiql ($HUB_GRAPHIQL)")
	str(&c.GraphiQLIssuer, "graphiql-issuer", "HUB_GRAPHIQL_ISSUER", "OIDC issuer GraphiQL logs in at, with client hub-spa")
	dur(&c.JWKSRefetchInterval, "jwks-refetch-interval", "HUB_JWKS_REFETCH_INTERVAL", "shortest time between two fetches of an issuer's JWKS for tokens with unknown key ids (1s to 1h)")
	dur(&c.JWKSUnknownKeyIDTTL, "jwks-unknown-kid-ttl", "HUB_JWKS_UNKNOWN_KID_TTL", "how long a key id that an issuer's JWKS lacked is refused without fetching again (0: not remembered; at most 24h)")
	str(&c.PIIKeys, "pii-keys", "HUB_PII_KEYS", "key ring sealing identity numbers: id:base64key[,id:base64key…], the first encrypts")
	str(&c.PIIIndexKey, "pii-index-key", "HUB_PII_INDEX_KEY", "base64 key of the identity numbers' blind index")
	fs.BoolVar(&c.PIIAllowPublicKeys, "pii-allow-public-keys", envBool("HUB_PII_ALLOW_PUBLIC_KEYS", c.PIIAllowPublicKeys), "accept the development or demo keys published in the repository (demo deployments only) ($HUB_PII_ALLOW_PUBLIC_KEYS)")
	dur(&c.TimerInterval, "timer-interval", "HUB_TIMER_INTERVAL", "how often the timer jobs scan for overdue tasks and reminders due (0: no timers on this replica; docs/timers.md)")
	str(&c.LogFormat, "log-format", "HUB_LOG_FORMAT", "log format: json or text")
	str(&c.LogLevel, "log-level", "HUB_LOG_LEVEL", "log level: debug, info, warn or error")
	rate(&c.RateLimitPrincipal, "rate-limit-principal", "HUB_RATE_LIMIT_PRINCIPAL", "requests per second one person may send, on this replica (0: no limit)")
	num(&c.RateLimitPrincipalBurst, "rate-limit-principal-burst", "HUB_RATE_LIMIT_PRINCIPAL_BURST", "requests one person may send at once above the rate")
	rate(&c.RateLimitClient, "rate-limit-client", "HUB_RATE_LIMIT_CLIENT", "requests per second one client application (token azp) may send, all its users together, on this replica (0: no limit)")
	num(&c.RateLimitClientBurst, "rate-limit-client-burst", "HUB_RATE_LIMIT_CLIENT_BURST", "requests one client application may send at once above the rate")
	rate(&c.RateLimitAddress, "rate-limit-address", "HUB_RATE_LIMIT_ADDRESS", "requests per second without a valid token from one address, on this replica (0: no limit)")
	num(&c.RateLimitAddressBurst, "rate-limit-address-burst", "HUB_RATE_LIMIT_ADDRESS_BURST", "requests without a valid token one address may send at once above the rate")
	str(&c.TrustedProxies, "trusted-proxies", "HUB_TRUSTED_PROXIES", "proxies (addresses or CIDR prefixes, comma-separated) whose X-Forwarded-For names the client's address for the address limit; from others it is ignored")
	str(&c.MetricsAddr, "metrics-addr", "HUB_METRICS_ADDR", "address serving Prometheus metrics at /metrics (off when empty; keep it off the public network)")
	str(&c.DebugAddr, "debug-addr", "HUB_DEBUG_ADDR", "address serving the Go profiler at /debug/pprof/ (off when empty; keep it on localhost)")
	str(&c.OTLPEndpoint, "otlp-endpoint", "HUB_OTLP_ENDPOINT", "OpenTelemetry collector's OTLP/HTTP URL to send traces to, e.g. http://localhost:4318 (off when empty, unless OTEL_EXPORTER_OTLP_ENDPOINT is set; docs/tracing.md)")
}

// RegisterDev binds the settings only `hub dev` has.
func (c *Config) RegisterDev(fs *flag.FlagSet) {
	fs.StringVar(&c.DevDataDir, "data-dir", envString("HUB_DEV_DATA_DIR", c.DevDataDir), "directory of the embedded dev database cluster ($HUB_DEV_DATA_DIR)")
	fs.IntVar(&c.DevDBPort, "db-port", envInt("HUB_DEV_DB_PORT", c.DevDBPort), "TCP port of the embedded dev database on 127.0.0.1 ($HUB_DEV_DB_PORT)")
}

// Validate checks every setting and names each problem.
func (c *Config) Validate(needDatabase bool) error {
	var errs []error
	if needDatabase && c.DatabaseURL == "" {
		errs = append(errs, errors.New("no database: set HUB_DATABASE_URL or --database-url (e.g. postgres://hub@localhost:5432/hub)"))
	}
	if c.HTTPAddr == "" {
		errs = append(errs, errors.New("--http-addr must not be empty"))
	}
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{{"request-timeout", c.RequestTimeout}, {"shutdown-timeout", c.ShutdownTimeout}, {"statement-timeout", c.StatementTimeout}} {
		if d.value <= 0 {
			errs = append(errs, fmt.Errorf("--%s must be positive, got %s", d.flag, d.value))
		}
	}
	if c.BodyLimitBytes < 1024 {
		errs = append(errs, fmt.Errorf("--body-limit must be at least 1024 bytes, got %d", c.BodyLimitBytes))
	}
	if c.DBMaxConns < 1 || c.DBMinIdleConns < 0 || c.DBMinIdleConns > c.DBMaxConns {
		errs = append(errs, fmt.Errorf("pool size: need 1 <= --db-max-conns and 0 <= --db-min-idle-conns <= --db-max-conns, got %d and %d", c.DBMaxConns, c.DBMinIdleConns))
	}
	if c.JWKSRefetchInterval < time.Second || c.JWKSRefetchInterval > time.Hour {
		errs = append(errs, fmt.Errorf("--jwks-refetch-interval must be between 1s and 1h, got %s", c.JWKSRefetchInterval))
	}
	if c.JWKSUnknownKeyIDTTL < 0 || c.JWKSUnknownKeyIDTTL > 24*time.Hour {
		errs = append(errs, fmt.Errorf("--jwks-unknown-kid-ttl must be between 0 and 24h, got %s", c.JWKSUnknownKeyIDTTL))
	}
	if c.MaxDepth < 2 || c.MaxComplexity < 10 {
		errs = append(errs, fmt.Errorf("--max-depth must be >= 2 and --max-complexity >= 10, got %d and %d", c.MaxDepth, c.MaxComplexity))
	}
	for _, l := range []struct {
		flag       string
		value, min int
	}{
		{"max-costly-fields", c.MaxCostlyFields, 1},
		{"max-lookups", c.MaxLookups, 1},
		{"max-response-fields", c.MaxResponseFields, 1000},
		{"max-response-bytes", c.MaxResponseBytes, 64 << 10},
		{"ws-max-connections-per-user", c.WSMaxConnectionsPerUser, 1},
		{"ws-max-operations", c.WSMaxOperations, 1},
	} {
		if l.value < l.min {
			errs = append(errs, fmt.Errorf("--%s must be at least %d, got %d", l.flag, l.min, l.value))
		}
	}
	for _, r := range []struct {
		flag  string
		rate  float64
		burst int
	}{
		{"rate-limit-principal", c.RateLimitPrincipal, c.RateLimitPrincipalBurst},
		{"rate-limit-client", c.RateLimitClient, c.RateLimitClientBurst},
		{"rate-limit-address", c.RateLimitAddress, c.RateLimitAddressBurst},
	} {
		if !(r.rate >= 0 && r.rate <= 1e6) { // NaN too
			errs = append(errs, fmt.Errorf("--%s must be 0 (off) or a positive rate of at most 1000000 per second, got %g", r.flag, r.rate))
		}
		if r.rate > 0 && (r.burst < 1 || r.burst > 1_000_000) {
			errs = append(errs, fmt.Errorf("--%s-burst must be between 1 and 1000000 when the limit is on, got %d", r.flag, r.burst))
		}
	}
	if _, err := ratelimit.ParsePrefixes(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("--trusted-proxies: %w", err))
	}
	if c.TimerInterval != 0 && (c.TimerInterval < time.Second || c.TimerInterval > 24*time.Hour) {
		errs = append(errs, fmt.Errorf("--timer-interval must be 0 (off) or between 1s and 24h, got %s", c.TimerInterval))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("--log-format must be json or text, got %q", c.LogFormat))
	}
	if _, err := c.SlogLevel(); err != nil {
		errs = append(errs, err)
	}
	if c.OTLPEndpoint != "" {
		if u, err := url.Parse(c.OTLPEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--otlp-endpoint must be the URL of a collector's OTLP/HTTP receiver, e.g. http://localhost:4318, got %q", c.OTLPEndpoint))
		}
	}
	return errors.Join(errs...)
}

// SlogLevel parses LogLevel.
func (c *Config) SlogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return 0, fmt.Errorf("--log-level must be debug, info, warn or error, got %q", c.LogLevel)
	}
	return l, nil
}

// LogValue prints the configuration with the database password masked.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("database_url", MaskURL(c.DatabaseURL)),
		slog.String("http_addr", c.HTTPAddr),
		slog.Duration("request_timeout", c.RequestTimeout),
		slog.Duration("statement_timeout", c.StatementTimeout),
		slog.Int64("body_limit_bytes", c.BodyLimitBytes),
		slog.Int("db_max_conns", c.DBMaxConns),
		slog.Int("db_min_idle_conns", c.DBMinIdleConns),
		slog.Int("max_depth", c.MaxDepth),
		slog.Int("max_complexity", c.MaxComplexity),
		slog.Int("max_costly_fields", c.MaxCostlyFields),
		slog.Int("max_lookups", c.MaxLookups),
		slog.Int("max_response_fields", c.MaxResponseFields),
		slog.Int("max_response_bytes", c.MaxResponseBytes),
		slog.Int("ws_max_connections_per_user", c.WSMaxConnectionsPerUser),
		slog.Int("ws_max_operations", c.WSMaxOperations),
		slog.Bool("introspection", c.Introspection),
		slog.Bool("resident_directory", c.ResidentDirectory),
		slog.Bool("graphiql", c.GraphiQL),
		slog.Duration("jwks_refetch_interval", c.JWKSRefetchInterval),
		slog.Duration("jwks_unknown_kid_ttl", c.JWKSUnknownKeyIDTTL),
		slog.Duration("timer_interval", c.TimerInterval),
		slog.String("rate_limit_principal", fmt.Sprintf("%g/s burst %d", c.RateLimitPrincipal, c.RateLimitPrincipalBurst)),
		slog.String("rate_limit_client", fmt.Sprintf("%g/s burst %d", c.RateLimitClient, c.RateLimitClientBurst)),
		slog.String("rate_limit_address", fmt.Sprintf("%g/s burst %d", c.RateLimitAddress, c.RateLimitAddressBurst)),
		slog.String("trusted_proxies", c.TrustedProxies),
		slog.String("metrics_addr", c.MetricsAddr),
		slog.Bool("pii_keys_set", c.PIIKeys != "" && c.PIIIndexKey != ""),
		slog.String("otlp_endpoint", MaskURL(c.OTLPEndpoint)),
	)
}

// MaskURL hides the password of a postgres:// URL or key=value DSN.
func MaskURL(s string) string {
	if s == "" {
		return ""
	}
	if u, err := url.Parse(s); err == nil && u.Scheme != "" {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return u.String()
	}
	fields := strings.Fields(s)
	for i, f := range fields {
		if strings.HasPrefix(f, "password=") {
			fields[i] = "password=xxxxx"
		}
	}
	return strings.Join(fields, " ")
}

func envString(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// The parsers below fall back to the default on a malformed variable and
// remember the problem, so Validate-time output can name it.
var envErrors []error

// EnvErrors returns the malformed HUB_* variables seen while registering.
func EnvErrors() error { return errors.Join(envErrors...) }

func envInt(name string, def int) int {
	return int(envInt64(name, int64(def)))
}

func envInt64(name string, def int64) int64 {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		envErrors = append(envErrors, fmt.Errorf("$%s=%q is not an integer", name, v))
		return def
	}
	return n
}

func envDuration(name string, def time.Duration) time.Duration {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		envErrors = append(envErrors, fmt.Errorf("$%s=%q is not a duration (e.g. 5s)", name, v))
		return def
	}
	return d
}

func envFloat(name string, def float64) float64 {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		envErrors = append(envErrors, fmt.Errorf("$%s=%q is not a number", name, v))
		return def
	}
	return f
}

func envBool(name string, def bool) bool {
	v, ok := os.LookupEnv(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		envErrors = append(envErrors, fmt.Errorf("$%s=%q is not true or false", name, v))
		return def
	}
	return b
}
