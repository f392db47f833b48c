package graph_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

type wsMessage struct {
	ID      string         `json:"id,omitempty"`
	Type    string         `json:"type"`
	Payload map[string]any `json:"payload,omitempty"`
}

// event returns the next consentEvents event on ws within wait; ok is
// false when none came.
func event(t *testing.T, ws *wsClient, wait time.Duration) (map[string]any, bool) {
	t.Helper()
	m, ok, _ := ws.read(wait)
	if !ok {
		return nil, false
	}
	require.Equal(t, "next", m.Type, string(m.Payload))
	var payload struct {
		Data struct{ ConsentEvents map[string]any }
	}
	require.NoError(t, json.Unmarshal(m.Payload, &payload))
	return payload.Data.ConsentEvents, true
}

// consentEvents delivers each event to those the rule lets know of it,
// checked when the event arrives: the municipality sees its samtycken
// recorded and revoked; a grantee learns that a person was shared with it;
// an organisation without a samtycke hears nothing.
func TestConsentEvents_DeliveredOnlyToThoseTheRuleAllows(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	q := `subscription { consentEvents { kind consentId individualId } }`
	owner, fk, af, eksjo := wsAs(t, srv, "soc.karlstad", rehab), wsAs(t, srv, "ph.fk", rehab), wsAs(t, srv, "af.karlstad", rehab), wsAs(t, srv, "soc.eksjo", rehab)
	for _, ws := range []*wsClient{owner, fk, af, eksjo} {
		ws.start("1", q)
	}
	time.Sleep(300 * time.Millisecond) // the subscriptions are registered

	// The revocation: the municipality hears it; FK does not (it may no
	// longer see the person), nor AF or Eksjö.
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "test") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})
	ev, ok := event(t, owner, 5*time.Second)
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
	ev, ok = event(t, owner, 5*time.Second)
	require.True(t, ok)
	require.Equal(t, "RECORDED", ev["kind"])
	require.Equal(t, rec.RecordConsent.ID, ev["consentId"])
	ev, ok = event(t, fk, 5*time.Second)
	require.True(t, ok, "FK hears that the person is shared with it")
	require.Equal(t, "RECORDED", ev["kind"])
	require.Nil(t, ev["consentId"], "a grantee never sees the samtycke itself")
	require.Equal(t, demoIndividualID, ev["individualId"])

	_, ok = event(t, af, 500*time.Millisecond)
	require.False(t, ok, "AF has no samtycke: it hears nothing")
	_, ok = event(t, eksjo, 100*time.Millisecond)
	require.False(t, ok, "Eksjö hears nothing")
	_, ok = event(t, fk, 100*time.Millisecond)
	require.False(t, ok, "FK heard nothing of the revocation")
}

func TestConsentEvents_ASubscriptionNeedsAPurpose(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	// Connections with a bad token or purpose are refused before any
	// operation runs (TestWebSocket_RefusedConnectionsCloseWithTheProtocolsCodes).
	// Without a purpose the connection opens, but the subscription is refused.
	ws := wsAs(t, srv, "ph.fk", "")
	ws.start("1", `subscription { consentEvents { kind } }`)
	m, ok, _ := ws.read(5 * time.Second)
	require.True(t, ok)
	require.Equal(t, "next", m.Type)
	var payload struct {
		Data   any
		Errors []gqlError
	}
	require.NoError(t, json.Unmarshal(m.Payload, &payload))
	require.Nil(t, payload.Data)
	require.Len(t, payload.Errors, 1)
	require.Contains(t, payload.Errors[0].Message, "Hub-Purpose")
	require.Equal(t, "BAD_USER_INPUT", payload.Errors[0].Extensions["code"])
}
