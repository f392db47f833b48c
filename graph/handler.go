package graph

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"go.opentelemetry.io/otel/trace"

	"github.com/samverkanshub/hub/graph/generated"
	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/auditreview"
	"github.com/samverkanshub/hub/internal/app/casework"
	appmeetings "github.com/samverkanshub/hub/internal/app/meetings"
	"github.com/samverkanshub/hub/internal/app/orgs"
	"github.com/samverkanshub/hub/internal/app/plans"
	"github.com/samverkanshub/hub/internal/app/routines"
	"github.com/samverkanshub/hub/internal/app/samtycke"
	apptasks "github.com/samverkanshub/hub/internal/app/tasks"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory/resident"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/tasks"
)

// Options configure the GraphQL endpoint.
type Options struct {
	// App is the application layer the resolvers call (required).
	App *app.App
	// Authenticator verifies the bearer token of every request (required).
	Authenticator *identity.Authenticator
	// ConsentEvents feeds the consentEvents subscription (nil: the
	// subscription is refused).
	ConsentEvents *consent.Listener
	// TaskEvents feeds the taskEvents subscription (nil: the subscription
	// is refused).
	TaskEvents *tasks.Listener
	// MaxDepth bounds how deeply fields may nest (default 12).
	MaxDepth int
	// MaxComplexity bounds the priced size of an operation (default 20000;
	// see complexity()).
	MaxComplexity int
	// MaxCostlyFields bounds the searches, counts and personal-data root
	// fields of one operation (default DefaultMaxCostlyFields; see cost.go).
	MaxCostlyFields int
	// MaxLookups bounds the identity numbers one operation looks up
	// (default DefaultMaxLookups).
	MaxLookups int
	// MaxResponseFields bounds the fields one query or mutation resolves
	// (default DefaultMaxResponseFields; see budget.go).
	MaxResponseFields int
	// MaxResponseBytes bounds the data of one response (default
	// DefaultMaxResponseBytes).
	MaxResponseBytes int
	// BatchWait is how long dataloaders collect keys of nested lists
	// (default 500µs; see loaders.go).
	BatchWait time.Duration
	// Introspection allows __schema/__type queries (GraphiQL needs them).
	Introspection bool
	// ResidentDirectory is the replica's directory in memory, which
	// answers waysIn while it holds the directory's current version (nil:
	// every answer from SQL; see package resident).
	ResidentDirectory *resident.Directory
	// MaxConnectionsPerUser bounds the WebSocket connections one person
	// holds open on this replica (default DefaultMaxConnectionsPerUser).
	MaxConnectionsPerUser int
	// MaxOperationsPerConnection bounds the operations (subscriptions,
	// mostly) running at once on one WebSocket connection (default
	// DefaultMaxOperationsPerConnection).
	MaxOperationsPerConnection int
	// RequestTimeout bounds each query and mutation sent over a WebSocket
	// (HTTP requests are bounded by the HTTP server; default
	// DefaultRequestTimeout).
	RequestTimeout time.Duration
	// RateLimits bound the requests of a person, a client and an address
	// (zero: no limits; see ratelimit.go).
	RateLimits RateLimits
	// TracerProvider makes the operations' spans (nil: the global one, a
	// no-op unless tracing.Setup turned traces on; see tracing.go).
	TracerProvider trace.TracerProvider
}

// Defaults of Options.
const (
	DefaultMaxDepth      = 12
	DefaultMaxComplexity = 20000
	// DefaultRequestTimeout is the time limit of a query or mutation over
	// a WebSocket (as config's HUB_REQUEST_TIMEOUT).
	DefaultRequestTimeout = 30 * time.Second
	// parserTokenLimit bounds the size of a query document before parsing.
	parserTokenLimit = 10_000
)

// newExecutableSchema builds the executable schema with the hub's
// resolvers and complexity prices.
func newExecutableSchema(r *Resolver) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers:  r,
		Complexity: complexity(),
	})
}

// NewHandler returns the /graphql endpoint: GraphQL over HTTP (GET and POST,
// application/graphql-response+json and application/json) with the hub's
// limits, error presentation and per-request transaction.
func NewHandler(o Options) http.Handler {
	if o.Authenticator == nil || o.App == nil || o.App.Authz == nil || o.App.Keys == nil {
		panic("graph.NewHandler: an Authenticator and an App with an Authorizer and PII keys are required")
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.BatchWait == 0 {
		o.BatchWait = defaultBatchWait
	}
	if o.MaxComplexity == 0 {
		o.MaxComplexity = DefaultMaxComplexity
	}
	if o.MaxCostlyFields == 0 {
		o.MaxCostlyFields = DefaultMaxCostlyFields
	}
	if o.MaxLookups == 0 {
		o.MaxLookups = DefaultMaxLookups
	}
	if o.MaxResponseFields == 0 {
		o.MaxResponseFields = DefaultMaxResponseFields
	}
	if o.MaxResponseBytes == 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.MaxConnectionsPerUser == 0 {
		o.MaxConnectionsPerUser = DefaultMaxConnectionsPerUser
	}
	if o.MaxOperationsPerConnection == 0 {
		o.MaxOperationsPerConnection = DefaultMaxOperationsPerConnection
	}
	application := o.App
	people := casework.New(application)
	directory := vagin.New(application, o.ResidentDirectory)
	taskWork := apptasks.New(directory)
	resolver := &Resolver{
		Casework:       people,
		Evidence:       casework.NewEvidence(people, taskWork),
		Samtycke:       samtycke.New(application, people),
		AuditReview:    auditreview.New(application),
		Directory:      directory,
		TaskWork:       taskWork,
		PlanWork:       plans.New(),
		MeetingWork:    appmeetings.New(taskWork),
		Follower:       apptasks.NewFollower(application, taskWork),
		TaskEvents:     o.TaskEvents,
		Orgs:           orgs.New(),
		RoutineService: routines.New(),
		ConsentEvents:  o.ConsentEvents,
	}
	refused := application.NewRefusals()
	sockets := newWSRegistry(o.MaxConnectionsPerUser, o.MaxOperationsPerConnection, o.RequestTimeout)
	limits := newRateLimiter(o.RateLimits)
	srv := handler.New(newExecutableSchema(resolver))
	srv.AddTransport(transport.Websocket{
		Implementation:        wsImplementation{},
		InitFunc:              limits.limitedInit(authenticateWebSocket(o.Authenticator, application, refused)),
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: 15 * time.Second, // the older graphql-ws protocol
		// graphql-transport-ws: a peer that does not answer a ping within
		// two intervals is gone, and its connection (and the person's slot)
		// is freed.
		PingPongInterval: 20 * time.Second,
		PayloadReadLimit: &wsReadLimit,
	})
	srv.AddTransport(transport.Options{AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions}})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(parserTokenLimit)
	srv.Use(newOperationSpans(o.TracerProvider)) // first: its span holds the others' work
	srv.Use(operationMetrics{})                  // next: it sees every other extension's refusals
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	if o.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.SetDisableSuggestion(true)
	}
	srv.Use(&textInput{})
	srv.Use(depthLimit{Max: o.MaxDepth})
	srv.Use(&operationCost{maxComplexity: o.MaxComplexity, maxCostlyFields: o.MaxCostlyFields,
		maxLookups: o.MaxLookups, introspection: o.Introspection})
	srv.Use(operationRateLimit{limits})
	srv.Use(operationLog{})
	srv.Use(connectionOperations{})
	srv.Use(transactions{app: application, refusals: refused})
	srv.Use(executionBudget{maxFields: int64(o.MaxResponseFields), maxBytes: o.MaxResponseBytes})
	srv.Use(batching{wait: o.BatchWait, resolver: resolver})
	srv.Use(resolverErrors{})
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)
	return countResponses(conformHTTP(limits.byAddress(identity.Middleware(o.Authenticator, refused.AtTheDoor,
		limits.byPrincipal(logPrincipal(sockets.guard(srv)))))))
}

// SchemaSDL renders the public schema as SDL, for /graphql/schema.graphql.
func SchemaSDL() []byte {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithComments()).FormatSchema(newExecutableSchema(&Resolver{}).Schema())
	return buf.Bytes()
}

// conformHTTP adjusts gqlgen's answers where they differ from the
// GraphQL-over-HTTP specification:
//   - methods other than GET, POST and OPTIONS get 405 with Allow;
//   - a request without a query (and without a persisted-query hash) is
//     malformed: 400;
//   - request errors (parse, validation, limits) for Accept:
//     application/json are 200, not gqlgen's 422, and carry no "data" entry
//     since execution never started;
//   - a mutation sent with GET is 405 with Allow: POST;
//   - a POST without Content-Type, or with one gqlgen does not read, is
//     415 with a message naming the accepted one (gqlgen says "transport
//     not supported").
func conformHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeRequestError(w, http.StatusMethodNotAllowed, "method "+r.Method+" is not allowed on /graphql: use GET or POST")
			return
		}
		if isWebSocket(r) || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if msg := contentTypeProblem(r); msg != "" {
			w.Header().Set("Accept-Post", "application/json")
			writeRequestError(w, http.StatusUnsupportedMediaType, msg)
			return
		}
		if status, msg := checkParams(r); status != 0 {
			writeRequestError(w, status, msg)
			return
		}
		rec := &recorder{header: w.Header(), status: http.StatusOK}
		next.ServeHTTP(rec, r)

		status, body := rec.status, rec.body.Bytes()
		switch {
		case r.Method == http.MethodGet && status == http.StatusNotAcceptable &&
			bytes.Contains(body, []byte("GET requests only allow query operations")):
			w.Header().Set("Allow", "POST")
			writeRequestError(w, http.StatusMethodNotAllowed, "mutations must be sent with POST")
			return
		case status == http.StatusUnprocessableEntity || status == http.StatusBadRequest:
			body = dropNullData(body)
			if status == http.StatusUnprocessableEntity {
				status = http.StatusOK // application/json: request errors are 200
			}
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// recorder buffers gqlgen's response so that status and body can be
// adjusted; GraphQL responses are written whole anyway.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
