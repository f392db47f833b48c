package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/require"
)

// asHubEnv, set in the environment of this test binary, makes it run as
// `hub` with its arguments (TestMain calls main): a replica that is a
// process of its own, which a test can SIGKILL, without building the
// binary first.
const asHubEnv = "HUB_TEST_AS_HUB"

// serveProcess is a `hub serve` replica in a process of its own.
type serveProcess struct {
	url  string
	cmd  *exec.Cmd
	done chan error
	log  string // its standard error, for a failing test to show
}

// process starts a `hub serve` replica (with the flags extra) as a
// process of its own, ended when the test ends, and returns it once it is
// ready.
func (c *replicaCluster) process(extra ...string) *serveProcess {
	t := c.t
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	p := &serveProcess{done: make(chan error, 1), log: filepath.Join(t.TempDir(), "hub.log")}
	logFile, err := os.Create(p.log)
	require.NoError(t, err)
	p.cmd = exec.Command(os.Args[0], c.serveArgs(addr, extra...)...)
	p.cmd.Env = append(os.Environ(), asHubEnv+"=1")
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait(); logFile.Close() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			b, _ := os.ReadFile(p.log)
			t.Logf("hub serve at %s said:\n%s", addr, b)
		}
	})
	p.url = waitReady(t, "http://"+addr, p.done)
	return p
}

// kill ends the process with SIGKILL, as a crash or the OOM killer
// does: no deferred code, no graceful shutdown, sockets cut.
func (p *serveProcess) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Kill())
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("a SIGKILLed hub serve did not end")
	}
	p.done <- errors.New("killed") // for the cleanup's wait
}

// gqlResult is a GraphQL response over HTTP, as a client sees it.
type gqlResult struct {
	Status int
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

// code is the first error's extensions.code ("" without errors).
func (r gqlResult) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// ok reports data without errors.
func (r gqlResult) ok() bool {
	return r.Status == http.StatusOK && len(r.Errors) == 0 && len(r.Data) > 0 && string(r.Data) != "null"
}

// gqlCall posts a GraphQL request to base as the holder of token under
// purpose (none when ""). Unlike the tests' require-based helpers it
// returns what came back, errors included, so that it can run in
// goroutines and be asked for failures; err is a transport failure (or
// an answer that is not GraphQL).
func gqlCall(ctx context.Context, client *http.Client, base, token, purpose, query string, vars map[string]any) (gqlResult, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return gqlResult{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return gqlResult{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if purpose != "" {
		req.Header.Set("Hub-Purpose", purpose)
	}
	res, err := client.Do(req)
	if err != nil {
		return gqlResult{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return gqlResult{}, err
	}
	out := gqlResult{Status: res.StatusCode}
	if err := json.Unmarshal(raw, &out); err != nil {
		return out, fmt.Errorf("status %d, not a GraphQL answer: %.200s", res.StatusCode, raw)
	}
	return out, nil
}

// roundRobin is one address in front of replicas, as a load balancer
// is: each request (and each WebSocket, whose upgrade ReverseProxy
// passes through) goes to the next replica in turn.
func roundRobin(t *testing.T, replicas []string) string {
	t.Helper()
	targets := make([]*url.URL, len(replicas))
	for i, r := range replicas {
		u, err := url.Parse(r)
		require.NoError(t, err)
		targets[i] = u
	}
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(targets[(next.Add(1)-1)%uint64(len(targets))])
	}}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// tokenFor gets a dev-IdP token for a demo login (password "demo").
func (c *replicaCluster) tokenFor(login string) string {
	c.t.Helper()
	tok, err := passwordGrant(context.Background(), c.issuer, login, "demo")
	require.NoError(c.t, err)
	return tok
}

// wsMessage is a graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// subscribe opens a graphql-transport-ws connection to base as the holder
// of token, under SAMORDNAD_REHABILITERING, and subscribes to query; it
// returns once the server has had time to register the subscription.
func subscribe(t *testing.T, base, token, query string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	t.Cleanup(func() { ws.CloseNow() })
	init, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + token, "Hub-Purpose": "SAMORDNAD_REHABILITERING"})
	require.NoError(t, wsjson.Write(ctx, ws, wsMessage{Type: "connection_init", Payload: init}))
	var ack wsMessage
	require.NoError(t, wsjson.Read(ctx, ws, &ack))
	require.Equal(t, "connection_ack", ack.Type)
	sub, _ := json.Marshal(map[string]any{"query": query})
	require.NoError(t, wsjson.Write(ctx, ws, wsMessage{ID: "1", Type: "subscribe", Payload: sub}))
	time.Sleep(300 * time.Millisecond) // the subscription is registered
	return ws
}

// nextEvent reads the subscription's next "next" message within wait
// (answering pings) and returns its payload.
func nextEvent(t *testing.T, ws *websocket.Conn, wait time.Duration) json.RawMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var m wsMessage
	for m.Type != "next" {
		require.NoError(t, wsjson.Read(ctx, ws, &m), "an event within %s", wait)
		if m.Type == "ping" {
			_ = wsjson.Write(ctx, ws, wsMessage{Type: "pong"})
		}
	}
	return m.Payload
}
