package demo

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// The Keycloak realm used by docker-compose must hold the same demo users
// as the dev identity provider, with the same organisation, unit and roles.
func TestKeycloakRealm_MatchesTheDemoUsers(t *testing.T) {
	raw, err := os.ReadFile("../../docs/keycloak/hub-realm.json")
	require.NoError(t, err)
	var realm struct {
		Clients []struct {
			ClientID string `json:"clientId"`
		} `json:"clients"`
		Users []struct {
			Username   string              `json:"username"`
			Attributes map[string][]string `json:"attributes"`
		} `json:"users"`
	}
	require.NoError(t, json.Unmarshal(raw, &realm))
	var clients []string
	for _, c := range realm.Clients {
		clients = append(clients, c.ClientID)
	}
	require.ElementsMatch(t, []string{"hub-spa", "hub-cli"}, clients)

	inRealm := map[string]map[string][]string{}
	for _, u := range realm.Users {
		inRealm[u.Username] = u.Attributes
	}
	require.Len(t, inRealm, len(Users()))
	for _, u := range Users() {
		a, ok := inRealm[u.Login]
		require.True(t, ok, "realm lacks %s", u.Login)
		require.Equal(t, []string{u.OrgNumber}, a["hub_org"], u.Login)
		require.Equal(t, []string{u.UnitID}, a["hub_unit"], u.Login)
		require.Equal(t, u.Roles, a["hub_roles"], u.Login)
	}
}
