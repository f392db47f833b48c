package demo

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/identity"
)

// keycloakRealm is what the tests read of docs/keycloak/hub-realm.json,
// the realm docker-compose imports.
type keycloakRealm struct {
	ClientScopes []struct {
		Name            string `json:"name"`
		Protocol        string `json:"protocol"`
		ProtocolMappers []struct {
			Name   string            `json:"name"`
			Mapper string            `json:"protocolMapper"`
			Config map[string]string `json:"config"`
		} `json:"protocolMappers"`
	} `json:"clientScopes"`
	Clients []keycloakClient `json:"clients"`
	Users   []struct {
		Username   string              `json:"username"`
		Attributes map[string][]string `json:"attributes"`
	} `json:"users"`
}

type keycloakClient struct {
	ClientID                  string            `json:"clientId"`
	PublicClient              bool              `json:"publicClient"`
	StandardFlowEnabled       bool              `json:"standardFlowEnabled"`
	DirectAccessGrantsEnabled bool              `json:"directAccessGrantsEnabled"`
	RedirectURIs              []string          `json:"redirectUris"`
	WebOrigins                []string          `json:"webOrigins"`
	Attributes                map[string]string `json:"attributes"`
	DefaultClientScopes       []string          `json:"defaultClientScopes"`
	OptionalClientScopes      []string          `json:"optionalClientScopes"`
}

func readRealm(t *testing.T) keycloakRealm {
	t.Helper()
	raw, err := os.ReadFile("../../docs/keycloak/hub-realm.json")
	require.NoError(t, err)
	var realm keycloakRealm
	require.NoError(t, json.Unmarshal(raw, &realm))
	return realm
}

// The Keycloak realm used by docker-compose must hold the same demo users
// as the dev identity provider, with the same organisation, unit and roles.
func TestKeycloakRealm_MatchesTheDemoUsers(t *testing.T) {
	realm := readRealm(t)
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

// A realm file that lists its own client scopes gets none of Keycloak's
// built-in ones (profile, basic, …): every scope a client names must be
// defined in the file, or Keycloak drops it from the client and refuses a
// login that asks for it (invalid_scope). Together, a client's default
// scopes must put in its access tokens what the hub reads: sub (Keycloak
// 25+ maps it in the basic scope only), the audience hub-api, and the
// organisation, unit, roles and name claims of the default claim mapping.
// hub-spa must offer profile, which GraphiQL asks for when discovery lists
// it, and run the login GraphiQL runs (public, code + PKCE S256, its
// redirect URI, its origin allowed at the token endpoint).
func TestKeycloakRealm_ClientsGetTheScopesAndClaimsTheHubNeeds(t *testing.T) {
	realm := readRealm(t)
	// The claims each scope's mappers put in the access token.
	claimsOf := map[string][]string{}
	audiences := map[string][]string{}
	for _, s := range realm.ClientScopes {
		require.Equal(t, "openid-connect", s.Protocol, s.Name)
		for _, m := range s.ProtocolMappers {
			if m.Config["access.token.claim"] != "true" {
				continue
			}
			switch m.Mapper {
			case "oidc-sub-mapper":
				claimsOf[s.Name] = append(claimsOf[s.Name], "sub")
			case "oidc-full-name-mapper":
				claimsOf[s.Name] = append(claimsOf[s.Name], "name")
			case "oidc-audience-mapper":
				audiences[s.Name] = append(audiences[s.Name], m.Config["included.custom.audience"])
			case "oidc-usermodel-attribute-mapper", "oidc-usermodel-property-mapper", "oidc-usersessionmodel-note-mapper":
				require.NotEmpty(t, m.Config["claim.name"], "mapper %s of scope %s names no claim", m.Name, s.Name)
				claimsOf[s.Name] = append(claimsOf[s.Name], m.Config["claim.name"])
				if m.Config["claim.name"] == "hub_roles" {
					require.Equal(t, "true", m.Config["multivalued"], "hub_roles is a list")
				}
			default:
				t.Fatalf("scope %s: mapper %s (%s) is not one this test knows; teach it what claim it adds", s.Name, m.Name, m.Mapper)
			}
		}
	}
	defined := func(scope string) bool {
		_, claims := claimsOf[scope]
		_, aud := audiences[scope]
		return claims || aud
	}

	want := identity.DefaultIssuer(uuid.Nil, "", "")
	needed := []string{want.UserClaim, want.NameClaim, want.OrgClaim, want.UnitClaim, want.RolesClaim}
	for _, c := range realm.Clients {
		var claims, aud []string
		for _, scope := range append(append([]string{}, c.DefaultClientScopes...), c.OptionalClientScopes...) {
			require.True(t, defined(scope), "client %s names scope %q, which the realm does not define", c.ClientID, scope)
		}
		for _, scope := range c.DefaultClientScopes {
			claims = append(claims, claimsOf[scope]...)
			aud = append(aud, audiences[scope]...)
		}
		for _, claim := range needed {
			require.Contains(t, claims, claim, "client %s: no default scope puts %q in the access token", c.ClientID, claim)
		}
		require.Equal(t, []string{devidp.APIAudience}, aud, "client %s: access tokens are for the hub's API", c.ClientID)
		require.True(t, c.PublicClient, "%s is a public client (no secret in a browser or a script)", c.ClientID)
	}

	i := slices.IndexFunc(realm.Clients, func(c keycloakClient) bool { return c.ClientID == devidp.ClientSPA })
	require.GreaterOrEqual(t, i, 0)
	spa := realm.Clients[i]
	require.True(t, slices.Contains(spa.DefaultClientScopes, "profile") || slices.Contains(spa.OptionalClientScopes, "profile"),
		"GraphiQL asks for openid profile where discovery lists profile: hub-spa must have it")
	require.True(t, spa.StandardFlowEnabled)
	require.False(t, spa.DirectAccessGrantsEnabled, "the SPA never sees a password")
	require.Equal(t, "S256", spa.Attributes["pkce.code.challenge.method"])
	require.Contains(t, spa.RedirectURIs, "http://localhost:8080/*", "GraphiQL at http://localhost:8080/graphiql")
	require.Contains(t, spa.WebOrigins, "+", "GraphiQL's origin may call the token endpoint")
}
