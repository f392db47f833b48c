package graph_test

import (
	"compress/gzip"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/samverkanshub/hub/graph"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/tracing"
)

// otlpReceiver is a collector's OTLP/HTTP trace receiver: it decodes what
// the exporter sends to /v1/traces (protobuf) and keeps the spans.
type otlpReceiver struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (rcv *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, "not an OTLP/HTTP protobuf trace export", http.StatusBadRequest)
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = gz
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(raw, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rcv.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			rcv.spans = append(rcv.spans, ss.Spans...)
		}
	}
	rcv.mu.Unlock()
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

// inTrace returns the received spans of the trace traceID (hex).
func (rcv *otlpReceiver) inTrace(traceID string) []*tracepb.Span {
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	var out []*tracepb.Span
	for _, s := range rcv.spans {
		if hex.EncodeToString(s.TraceId) == traceID {
			out = append(out, s)
		}
	}
	return out
}

// A request that carries a W3C traceparent is traced under the caller's
// trace, exported over OTLP/HTTP to a collector (here one in the test):
// HTTP server span → GraphQL operation → root fields → SQL statements,
// named by what ran, and no attribute holds the person's identity number
// or name, though the request asked by the number and read the name.
func TestTracing_RequestsAreTracedUnderTheCallersTraceWithoutPersonalData(t *testing.T) {
	t.Parallel()
	receiver := &otlpReceiver{}
	collector := httptest.NewServer(receiver)
	t.Cleanup(collector.Close)
	ctx := context.Background()
	tp, err := tracing.NewProvider(ctx, collector.URL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	srv, _ := setup(t, func(o *graph.Options) { o.TracerProvider = tp })

	const traceID, callerSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	r := do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"query($n: String!, $id: ID!) { individualByPersonnummer(personnummer: $n) { id } node(id: $id) { ... on Case { individual { givenName familyName personnummer } } } }",`+
		`"variables":{"n":"`+demo.DemoPersonnummer+`","id":"`+demoCaseID+`"}}`), map[string]string{
		"Content-Type": "application/json", "Accept": "application/json",
		"Authorization": "Bearer " + srv.token(t, "soc.karlstad"), "Hub-Purpose": rehab,
		"traceparent": "00-" + traceID + "-" + callerSpan + "-01",
	})
	var data struct {
		IndividualByPersonnummer struct{ ID string }
		Node                     struct {
			Individual struct{ GivenName, FamilyName, Personnummer string }
		}
	}
	mustData(t, r, &data)
	person := data.Node.Individual
	require.NotEmpty(t, person.GivenName, "the test reads the person's name")
	require.NotEmpty(t, person.FamilyName)
	require.Equal(t, demo.DemoPersonnummer, person.Personnummer)
	require.NoError(t, tp.ForceFlush(ctx))

	spans := receiver.inTrace(traceID)
	require.NotEmpty(t, spans, "the request's spans continue the caller's trace")
	byID := map[string]*tracepb.Span{}
	for _, s := range spans {
		byID[hex.EncodeToString(s.SpanId)] = s
	}
	find := func(name string) *tracepb.Span {
		t.Helper()
		for _, s := range spans {
			if s.Name == name {
				return s
			}
		}
		var names []string
		for _, s := range spans {
			names = append(names, s.Name)
		}
		t.Fatalf("no span %q in the trace; spans: %s", name, strings.Join(names, ", "))
		return nil
	}
	parentOf := func(s *tracepb.Span) string { return hex.EncodeToString(s.ParentSpanId) }

	httpSpan := find("POST /graphql")
	require.Equal(t, callerSpan, parentOf(httpSpan), "the HTTP span is the caller's span's child")
	require.Equal(t, tracepb.Span_SPAN_KIND_SERVER, httpSpan.Kind)
	require.Equal(t, int64(200), intAttr(httpSpan, "http.response.status_code"))
	op := find("query individualByPersonnummer,node")
	require.Equal(t, hex.EncodeToString(httpSpan.SpanId), parentOf(op), "the operation runs in the HTTP request")
	lookup, node := find("Query.individualByPersonnummer"), find("Query.node")
	for _, f := range []*tracepb.Span{lookup, node} {
		require.Equal(t, hex.EncodeToString(op.SpanId), parentOf(f), "root fields are the operation's children")
	}
	// Each root field's statements are its children, named as in the
	// .sql files; the request's BEGIN is a batch.
	var sqlUnder = map[string][]string{}
	for _, s := range spans {
		if stringAttr(s, "db.system.name") == "postgresql" {
			p := byID[parentOf(s)]
			require.NotNil(t, p, "statement %q has a parent in the trace", s.Name)
			sqlUnder[p.Name] = append(sqlUnder[p.Name], s.Name)
			require.Equal(t, tracepb.Span_SPAN_KIND_CLIENT, s.Kind)
		}
	}
	require.NotEmpty(t, sqlUnder["Query.individualByPersonnummer"], "the lookup's SQL is under its field: %v", sqlUnder)
	require.NotEmpty(t, sqlUnder["Query.node"], "the case's SQL is under its field: %v", sqlUnder)
	named := 0
	for _, s := range spans {
		if stringAttr(s, "hub.sql.statement") != "" {
			named++
			require.Equal(t, stringAttr(s, "hub.sql.statement"), s.Name)
		}
	}
	require.Positive(t, named, "statements from .sql files are named by their names")

	// Nothing personal anywhere: not in a name, not in an attribute, not
	// in an event.
	secrets := []string{person.GivenName, person.FamilyName, demo.DemoPersonnummer,
		strings.ReplaceAll(demo.DemoPersonnummer, "-", ""), demo.DemoPersonnummer[2:]}
	for _, s := range spans {
		texts := []string{s.Name, s.Status.GetMessage()}
		texts = append(texts, attrValues(s.Attributes)...)
		for _, ev := range s.Events {
			texts = append(texts, ev.Name)
			texts = append(texts, attrValues(ev.Attributes)...)
		}
		for _, text := range texts {
			for _, secret := range secrets {
				require.NotContains(t, text, secret, "span %q", s.Name)
			}
		}
	}
}

func attrValues(kvs []*commonpb.KeyValue) []string {
	var out []string
	for _, kv := range kvs {
		out = append(out, kv.Key, kv.Value.String())
	}
	return out
}

func stringAttr(s *tracepb.Span, key string) string {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return kv.Value.GetStringValue()
		}
	}
	return ""
}

func intAttr(s *tracepb.Span, key string) int64 {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return kv.Value.GetIntValue()
		}
	}
	return -1
}
