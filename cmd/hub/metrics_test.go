package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// scrape reads /metrics at addr with Prometheus' own text-format parser.
func scrape(t *testing.T, addr string) metricFamilies {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Type"), "text/plain")
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(res.Body)
	require.NoError(t, err)
	return families
}

type metricFamilies map[string]*dto.MetricFamily

// value is the counter's, gauge's or histogram's count of the series of
// family name with exactly labels (0 when absent).
func (m metricFamilies) value(name string, labels map[string]string) float64 {
	f := m[name]
	if f == nil {
		return 0
	}
	for _, s := range f.Metric {
		if len(s.Label) != len(labels) {
			continue
		}
		match := true
		for _, l := range s.Label {
			if labels[l.GetName()] != l.GetValue() {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case s.Counter != nil:
			return s.Counter.GetValue()
		case s.Gauge != nil:
			return s.Gauge.GetValue()
		case s.Histogram != nil:
			return float64(s.Histogram.GetSampleCount())
		}
	}
	return 0
}

// `hub serve --metrics-addr`: requests of every kind move the counters
// they should, read from /metrics by Prometheus' parser. The metrics are
// the process's, so the test compares before and after, and is not
// parallel: no other test of the package runs while it counts.
func TestServeMetrics_TheCountersMoveWithTheRequestsServed(t *testing.T) {
	ctx := context.Background()
	cluster := newReplicaCluster(t)
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	base := cluster.replica("--metrics-addr", metricsAddr, "--db-max-conns", "7",
		"--rate-limit-principal", "0.001", "--rate-limit-principal-burst", "5")
	token, err := passwordGrant(ctx, cluster.issuer, "ph.fk", "demo")
	require.NoError(t, err)
	send := func(auth, query string) (int, string) {
		body, err := json.Marshal(map[string]any{"query": query})
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(string(body)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		req.Header.Set("Hub-Purpose", "SAMORDNAD_REHABILITERING")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(raw)
	}

	before := scrape(t, metricsAddr)
	require.Equal(t, 7.0, before.value("hub_db_pool_max_conns", nil), "the pool's collector reads the pool: --db-max-conns")
	require.Contains(t, before, "hub_build_info")
	bi := before["hub_build_info"].Metric[0]
	labels := map[string]string{}
	for _, l := range bi.Label {
		labels[l.GetName()] = l.GetValue()
	}
	require.Contains(t, labels["goversion"], "go1.")
	require.Contains(t, labels, "revision")
	require.Contains(t, before, "go_goroutines", "Go's runtime metrics")

	// A WebSocket connection (charged at connection_init), two audited
	// reads of a case, one request refused by validation, one without a
	// token, one more query: the person's burst of 5 is spent, and the
	// next request is refused.
	wsURL := "ws" + strings.TrimPrefix(base, "http") + "/graphql"
	dial := func() *websocket.Conn {
		c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		require.NoError(t, err)
		t.Cleanup(func() { c.CloseNow() })
		return c
	}
	readCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var m map[string]any
	open := dial()
	require.NoError(t, wsjson.Write(ctx, open, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}))
	require.NoError(t, wsjson.Read(readCtx, open, &m))
	require.Equal(t, "connection_ack", m["type"])
	require.Equal(t, 1.0, scrape(t, metricsAddr).value("hub_websocket_connections_open", nil))

	caseQuery := fmt.Sprintf(`{ node(id: %q) { id } }`, relay.ID(relay.TypeCase, demo.DemoCase))
	for range 2 {
		status, body := send(token, caseQuery)
		require.Equal(t, http.StatusOK, status, body)
		require.NotContains(t, body, `"errors"`)
	}
	status, body := send(token, `{ noSuchField }`)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "noSuchField")
	status, _ = send("", caseQuery)
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = send(token, `query ClientChosenName { me { userId } }`)
	require.Equal(t, http.StatusOK, status)
	status, body = send(token, `{ me { userId } }`)
	require.Equal(t, http.StatusTooManyRequests, status, body)

	after := scrape(t, metricsAddr)
	delta := func(name string, labels map[string]string) float64 {
		return after.value(name, labels) - before.value(name, labels)
	}
	require.Equal(t, 2.0, delta("hub_graphql_operations_total", map[string]string{"type": "query", "operation": "node", "code": "OK"}))
	require.Equal(t, 2.0, delta("hub_graphql_operation_duration_seconds", map[string]string{"type": "query", "operation": "node"}), "a latency per query")
	require.Equal(t, 1.0, delta("hub_graphql_operations_total", map[string]string{"type": "query", "operation": "me", "code": "OK"}))
	require.Equal(t, 1.0, delta("hub_graphql_operations_total", map[string]string{"type": "none", "operation": "none", "code": "BAD_USER_INPUT"}),
		"a request refused by validation has no operation")
	require.Equal(t, 1.0, delta("hub_graphql_http_responses_total", map[string]string{"code": "401"}))
	require.Equal(t, 1.0, delta("hub_graphql_http_responses_total", map[string]string{"code": "429"}))
	require.Equal(t, 4.0, delta("hub_graphql_http_responses_total", map[string]string{"code": "200"}))
	require.Equal(t, 1.0, delta("hub_rate_limit_rejections_total", map[string]string{"limit": "principal"}))
	require.GreaterOrEqual(t, delta("hub_audit_append_seconds", nil), 2.0, "each audited read appended a record")
	require.Greater(t, delta("hub_db_pool_acquires_total", nil), 0.0)
	for _, f := range after {
		for _, s := range f.Metric {
			for _, l := range s.Label {
				require.NotContains(t, l.GetValue(), "ph.fk", "no user in a label (%s)", f.GetName())
				require.NotContains(t, l.GetValue(), "ClientChosenName", "no name a client chose in a label (%s)", f.GetName())
			}
		}
	}

	// A refused WebSocket: 4401.
	refused := dial()
	require.NoError(t, wsjson.Write(ctx, refused, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer not-a-token"}}))
	require.Equal(t, websocket.StatusCode(4401), websocket.CloseStatus(wsjson.Read(readCtx, refused, &m)))
	require.NoError(t, open.Close(websocket.StatusNormalClosure, ""))
	deadline := time.Now().Add(10 * time.Second)
	for {
		closed := scrape(t, metricsAddr)
		if closed.value("hub_websocket_closes_total", map[string]string{"code": "4401"})-before.value("hub_websocket_closes_total", map[string]string{"code": "4401"}) == 1 &&
			closed.value("hub_websocket_connections_open", nil) == 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the refusal is counted and no connection is open")
		time.Sleep(50 * time.Millisecond)
	}

	// LISTEN: the listeners' connections are cut; each reconnects.
	var cut int
	deadline = time.Now().Add(20 * time.Second)
	require.NoError(t, cluster.d.Pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %' AND query NOT LIKE '%river%'`).Scan(&cut))
	require.Positive(t, cut, "listening connections to cut")
	for {
		now := scrape(t, metricsAddr)
		moved := 0.0
		for _, listener := range []string{"samtycke listener", "task listener", "policy watcher"} {
			l := map[string]string{"listener": listener}
			moved += now.value("hub_listen_reconnects_total", l) - after.value("hub_listen_reconnects_total", l)
		}
		if moved >= 1 {
			break
		}
		require.True(t, time.Now().Before(deadline), "no LISTEN reconnect counted")
		time.Sleep(100 * time.Millisecond)
	}
}
