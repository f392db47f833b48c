package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/graph/relay"
	"github.com/samverkanshub/hub/internal/demo"
)

type wsMessage struct {
	ID      string         `json:"id,omitempty"`
	Type    string         `json:"type"`
	Payload map[string]any `json:"payload,omitempty"`
}

// subscribe opens a graphql-transport-ws connection as login with purpose
// and starts query; it returns the connection once acknowledged, or the
// error message the server closed it with.
func subscribe(t *testing.T, srv *testServer, token, purpose, query string) (*websocket.Conn, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	t.Cleanup(func() { c.CloseNow() })
	init := map[string]any{}
	if token != "" {
		init["Authorization"] = "Bearer " + token
	}
	if purpose != "" {
		init["Hub-Purpose"] = purpose
	}
	require.NoError(t, wsjson.Write(ctx, c, wsMessage{Type: "connection_init", Payload: init}))
	var ack wsMessage
	if err := wsjson.Read(ctx, c, &ack); err != nil {
		return nil, websocket.CloseStatus(err).String() + " " + err.Error()
	}
	if ack.Type != "connection_ack" {
		return nil, ack.Type + " " + stringOf(ack.Payload)
	}
	require.NoError(t, wsjson.Write(ctx, c, wsMessage{ID: "1", Type: "subscribe", Payload: map[string]any{"query": query}}))
	return c, ""
}

func stringOf(m map[string]any) string {
	var b strings.Builder
	for k, v := range m {
		b.WriteString(k + "=" + strings.TrimSpace(strings.ReplaceAll(toString(v), "\n", " ")) + " ")
	}
	return b.String()
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	default:
		return ""
	}
}

// next reads the next data message within wait, skipping pings; ok is
// false when none came.
func next(t *testing.T, c *websocket.Conn, wait time.Duration) (map[string]any, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, c, &m); err != nil {
			return nil, false
		}
		switch m.Type {
		case "ping":
			_ = wsjson.Write(context.Background(), c, wsMessage{Type: "pong"})
		case "next":
			data, _ := m.Payload["data"].(map[string]any)
			return data["consentEvents"].(map[string]any), true
		default:
			t.Fatalf("unexpected message %s %v", m.Type, m.Payload)
		}
	}
}

// consentEvents delivers each event to those the rule lets know of it,
// checked when the event arrives: the municipality sees its samtycken
// recorded and revoked; a grantee learns that a person was shared with it;
// an organisation without a samtycke hears nothing.
func TestConsentEvents_DeliveredOnlyToThoseTheRuleAllows(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	q := `subscription { consentEvents { kind consentId individualId } }`
	owner, msg := subscribe(t, srv, srv.token(t, "soc.karlstad"), rehab, q)
	require.Empty(t, msg)
	fk, msg := subscribe(t, srv, srv.token(t, "ph.fk"), rehab, q)
	require.Empty(t, msg)
	af, msg := subscribe(t, srv, srv.token(t, "af.karlstad"), rehab, q)
	require.Empty(t, msg)
	eksjo, msg := subscribe(t, srv, srv.token(t, "soc.eksjo"), rehab, q)
	require.Empty(t, msg)
	time.Sleep(300 * time.Millisecond) // the subscriptions are registered

	// The revocation: the municipality hears it; FK does not (it may no
	// longer see the person), nor AF or Eksjö.
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "test") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})
	ev, ok := next(t, owner, 5*time.Second)
	require.True(t, ok, "the municipality hears of the revocation")
	require.Equal(t, "REVOKED", ev["kind"])
	require.Equal(t, demoConsentID, ev["consentId"])
	require.Equal(t, demoIndividualID, ev["individualId"])

	// A new samtycke for FK only: FK hears that the person is shared with
	// it (without the samtycke's id); AF and Eksjö hear nothing.
	var rec struct{ RecordConsent struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{rehab},
			"grants":  []map[string]any{{"organizationId": relay.ID(relay.TypeOrganization, demo.ID("org/fk")), "classes": []string{"KOMMUN_PLANERING"}}},
			"givenBy": "PERSON", "validFrom": time.Now().AddDate(0, 0, -1).Format("2006-01-02"), "validUntil": time.Now().AddDate(1, 0, 0).Format("2006-01-02"),
			"evidence": "ORAL", "witnessedBy": "Sara Lindqvist och Karin Berg", "requestedById": relay.ID(relay.TypeOrganization, demo.ID("org/fk"))}}), &rec)
	ev, ok = next(t, owner, 5*time.Second)
	require.True(t, ok)
	require.Equal(t, "RECORDED", ev["kind"])
	require.Equal(t, rec.RecordConsent.ID, ev["consentId"])
	ev, ok = next(t, fk, 5*time.Second)
	require.True(t, ok, "FK hears that the person is shared with it")
	require.Equal(t, "RECORDED", ev["kind"])
	require.Nil(t, ev["consentId"], "a grantee never sees the samtycke itself")
	require.Equal(t, demoIndividualID, ev["individualId"])

	_, ok = next(t, af, 500*time.Millisecond)
	require.False(t, ok, "AF has no samtycke: it hears nothing")
	_, ok = next(t, eksjo, 100*time.Millisecond)
	require.False(t, ok, "Eksjö hears nothing")
	_, ok = next(t, fk, 100*time.Millisecond)
	require.False(t, ok, "FK heard nothing of the revocation")
}

func TestConsentEvents_ConnectionNeedsAValidTokenAndPurpose(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	q := `subscription { consentEvents { kind } }`
	// Each is closed before connection_ack: no operation ever runs.
	_, msg := subscribe(t, srv, "", rehab, q)
	require.NotEmpty(t, msg, "no token")
	_, msg = subscribe(t, srv, "not-a-token", rehab, q)
	require.NotEmpty(t, msg, "a bad token")
	_, msg = subscribe(t, srv, srv.token(t, "ph.fk"), "ARBETSLIVSINRIKTAD_REHABILITERING", q)
	require.NotEmpty(t, msg, "a purpose FK does not act under")

	// Without a purpose the connection opens, but the subscription is refused.
	c, msg := subscribe(t, srv, srv.token(t, "ph.fk"), "", q)
	require.Empty(t, msg)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var m struct {
		Type    string
		Payload struct {
			Data   any
			Errors []gqlError
		}
	}
	require.NoError(t, wsjson.Read(ctx, c, &m))
	require.Equal(t, "next", m.Type)
	require.Nil(t, m.Payload.Data)
	require.Len(t, m.Payload.Errors, 1)
	require.Contains(t, m.Payload.Errors[0].Message, "Hub-Purpose")
	require.Equal(t, "BAD_USER_INPUT", m.Payload.Errors[0].Extensions["code"])
}
