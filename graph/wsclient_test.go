package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// wsClientDir holds the Node script that drives the npm graphql-ws client
// (package.json and package-lock.json pin it; node_modules is installed
// here by `npm ci` when missing).
const wsClientDir = "testdata/wsclient"

// requireNode fails the test when node or npm is missing (CI installs
// them: .ci/run), and installs the script's packages once.
func requireNode(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "%s is needed to test with the real graphql-ws client (apt-get install nodejs npm; .ci/run does)", tool)
	}
	if _, err := os.Stat(filepath.Join(wsClientDir, "node_modules", "graphql-ws")); err == nil {
		return
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = wsClientDir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "npm ci in %s: %s", wsClientDir, out)
}

type wsScenario struct {
	Name             string         `json:"name"`
	URL              string         `json:"url"`
	ConnectionParams map[string]any `json:"connectionParams"`
	Query            string         `json:"query"`
	WatchMs          int            `json:"watchMs"`
}

type wsClose struct {
	Code   int    `json:"code"`
	Reason string `json:"reason"`
	AtMs   int    `json:"atMs"`
}

type wsScenarioResult struct {
	Attempts     int               `json:"attempts"`
	AttemptsAtMs []int             `json:"attemptsAtMs"`
	Closes       []wsClose         `json:"closes"`
	Errors       []wsClose         `json:"errors"`
	Events       []json.RawMessage `json:"events"`
}

// A partner's app with the npm graphql-ws client, its retry settings left
// at their defaults: a refused connection reaches the app with the close
// code and the reason, and does not turn into a reconnect storm (before
// the hub closed refusals with 1000, the client reconnected at once:
// ~15,000 times in 20 s). 4400 and 4401 end the subscription with the
// close event at once, and the client does not try again; 4403 is what
// graphql-ws retries, with backoff (its first retry waits at least
// 1.3 s), and the app sees the close event at once. A good connection
// with lower-case header names receives its event.
func TestWebSocket_TheGraphqlWsClientIsToldWhyAndDoesNotReconnect(t *testing.T) {
	t.Parallel()
	requireNode(t)
	srv, b := setup(t)
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/graphql"
	const q = `subscription { consentEvents { kind consentId individualId } }`
	fk := srv.token(t, "ph.fk")
	owner := srv.token(t, "soc.karlstad")

	const watch = 2500 // ms after the end, counting attempts
	scenarios := []wsScenario{
		{Name: "no token", ConnectionParams: map[string]any{}},
		{Name: "a bad token", ConnectionParams: map[string]any{"Authorization": "Bearer not-a-token"}},
		{Name: "a purpose the roles do not act under", ConnectionParams: map[string]any{"authorization": "Bearer " + fk, "Hub-Purpose": "ARBETSLIVSINRIKTAD_REHABILITERING"}},
		{Name: "a token that is not a string", ConnectionParams: map[string]any{"Authorization": map[string]any{"token": fk}}},
		{Name: "an unknown purpose", ConnectionParams: map[string]any{"authorization": "Bearer " + fk, "HUB-PURPOSE": "SNOOPING"}},
		{Name: "good, lower-case header names", ConnectionParams: map[string]any{"authorization": "Bearer " + owner, "hub-purpose": rehab}},
	}
	for i := range scenarios {
		scenarios[i].URL, scenarios[i].Query, scenarios[i].WatchMs = url, q, watch
	}
	expect := map[string]struct {
		code   int
		reason string
	}{
		"no token":                             {4401, "authentication required"},
		"a bad token":                          {4401, "not a JWT"},
		"a purpose the roles do not act under": {4403, "do not act under"},
		"a token that is not a string":         {4400, "Authorization in the connection_init payload must be a string, not an object"},
		"an unknown purpose":                   {4400, "unknown purpose"},
	}

	arg, err := json.Marshal(scenarios)
	require.NoError(t, err)
	cmd := exec.Command("node", "client.mjs", string(arg))
	cmd.Dir = wsClientDir
	stderr := &syncBuffer{} // written by exec while the test reads it
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string)
	go func() {
		defer close(lines)
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			lines <- s.Text()
		}
	}()

	// An event committed before the subscription's feed listens is not
	// delivered: the good client's samtycke is recorded again until its
	// event arrives (at most five times).
	recordSamtycke := func() {
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{rehab},
				"grants":  []map[string]any{{"organizationId": relay.ID(relay.TypeOrganization, demo.ID("org/fk")), "classes": []string{"KOMMUN_PLANERING"}}},
				"givenBy": "PERSON", "validFrom": time.Now().AddDate(0, 0, -1).Format("2006-01-02"), "validUntil": time.Now().AddDate(1, 0, 0).Format("2006-01-02"),
				"evidence": "ORAL", "witnessedBy": "Sara Lindqvist", "requestedById": relay.ID(relay.TypeOrganization, demo.ID("org/fk"))}}), &struct{}{})
	}
	results := map[string]wsScenarioResult{}
	recorded, ready := 0, false
	retrigger := time.NewTicker(1500 * time.Millisecond)
	defer retrigger.Stop()
	timeout := time.After(90 * time.Second)
	for len(results) < len(scenarios) {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "the client script ended early: %s", stderr.String())
			var m struct {
				Name   string            `json:"name"`
				Ready  bool              `json:"ready"`
				Result *wsScenarioResult `json:"result"`
				Error  string            `json:"error"`
			}
			require.NoError(t, json.Unmarshal([]byte(line), &m), line)
			require.Empty(t, m.Error, stderr.String())
			switch {
			case m.Ready:
				ready = true
				recordSamtycke()
				recorded++
			case m.Result != nil:
				results[m.Name] = *m.Result
			}
		case <-retrigger.C:
			if _, done := results["good, lower-case header names"]; ready && !done && recorded < 5 {
				recordSamtycke()
				recorded++
			}
		case <-timeout:
			t.Fatalf("the client script did not finish; results so far %v; stderr %s", results, stderr.String())
		}
	}
	require.NoError(t, cmd.Wait(), stderr.String())
	for _, s := range scenarios {
		r := results[s.Name]
		t.Logf("%s: %d attempt(s) at %v ms, closes %+v, errors %+v, %d event(s)", s.Name, r.Attempts, r.AttemptsAtMs, r.Closes, r.Errors, len(r.Events))
	}

	for name, want := range expect {
		r := results[name]
		require.NotEmpty(t, r.Closes, "%s: closed", name)
		first := r.Closes[0]
		require.Equal(t, want.code, first.Code, "%s: %+v", name, r)
		require.Contains(t, first.Reason, want.reason, name)
		if want.code == 4403 {
			// graphql-ws retries 4403 with backoff: never at once.
			require.LessOrEqual(t, r.Attempts, 2, "%s: %+v", name, r)
			if r.Attempts == 2 {
				require.GreaterOrEqual(t, r.AttemptsAtMs[1]-first.AtMs, 1300, "%s: the retry waited for the backoff: %+v", name, r)
			}
			continue
		}
		require.Equal(t, 1, r.Attempts, "%s: not retried: %+v", name, r)
		require.Len(t, r.Errors, 1, "%s: the subscription's error callback has the close event", name)
		require.Equal(t, want.code, r.Errors[0].Code, name)
		require.Equal(t, first.Reason, r.Errors[0].Reason, name)
	}

	good := results["good, lower-case header names"]
	require.Empty(t, good.Errors, "%+v", good)
	require.Equal(t, 1, good.Attempts)
	require.NotEmpty(t, good.Events, "the subscription received an event")
	var ev struct {
		ConsentEvents struct{ Kind, IndividualID string }
	}
	require.NoError(t, json.Unmarshal(good.Events[0], &ev))
	require.Equal(t, "RECORDED", ev.ConsentEvents.Kind)
	require.Equal(t, demoIndividualID, ev.ConsentEvents.IndividualID)

	// The hub logged each refusal once, with its code and reason, and no
	// token.
	logs := b.logs.String()
	for name, want := range expect {
		n := 0
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, `"msg":"websocket connection refused"`) && strings.Contains(line, want.reason) {
				n++
				require.Contains(t, line, `"close_code":`+strconv.Itoa(want.code), name)
			}
		}
		// A 4403 is retried by the client: each attempt is refused and
		// logged, and there are at most two.
		require.True(t, n == 1 || (want.code == 4403 && n == 2), "%s: refusal logged once per attempt, got %d", name, n)
	}
	require.NotContains(t, logs, fk)
	require.NotContains(t, logs, owner)
}

// What the graphql-ws client would never send, but another client may:
// each is closed with 4400 and a reason, none is left hanging (gqlgen
// sent no close at all for a payload that is not an object) or closed
// with 1002 and "decoding error".
func TestWebSocket_MalformedConnectionInitIsClosedWith4400AndAReason(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	tok := srv.token(t, "ph.fk")
	for _, tc := range []struct {
		name, frame, reason string
	}{
		{"a payload that is not an object", `{"type":"connection_init","payload":"Bearer ` + tok + `"}`, "the connection_init payload must be a JSON object"},
		{"not JSON", `connection_init`, "not a graphql-transport-ws message"},
		{"subscribe before connection_init", `{"id":"1","type":"subscribe","payload":{"query":"{ federations { totalCount } }"}}`, "send connection_init once, first"},
		{"a header named twice", `{"type":"connection_init","payload":{"Authorization":"Bearer ` + tok + `","authorization":"Bearer ` + tok + `"}}`, "names Authorization 2 times (Authorization, authorization): send it once"},
		{"a purpose that is not a string", `{"type":"connection_init","payload":{"Authorization":"Bearer ` + tok + `","hub-purpose":["SIP"]}}`, "Hub-Purpose in the connection_init payload must be a string, not an array"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		require.NoError(t, err, tc.name)
		require.NoError(t, c.Write(ctx, websocket.MessageText, []byte(tc.frame)), tc.name)
		var ce websocket.CloseError
		for {
			if _, _, err = c.Read(ctx); err != nil {
				break
			}
		}
		require.ErrorAs(t, err, &ce, "%s: closed with a code, not left open", tc.name)
		require.Equal(t, websocket.StatusCode(4400), ce.Code, tc.name)
		require.Contains(t, ce.Reason, tc.reason, tc.name)
		c.CloseNow()
		cancel()
	}
	require.NotContains(t, b.logs.String(), tok)
}
