package graph_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// postFor sends a GraphQL POST as login, declaring purpose ("" declares none).
func postFor(t *testing.T, srv *testServer, login, purpose, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	return do(t, srv, http.MethodPost, "/graphql", body, map[string]string{
		"Content-Type": "application/json", "Accept": "application/json",
		"Authorization": "Bearer " + srv.token(t, login), "Hub-Purpose": purpose,
	})
}

const rehab = "SAMORDNAD_REHABILITERING"

var (
	demoCaseID       = relay.ID(relay.TypeCase, demo.DemoCase)
	demoIndividualID = relay.ID(relay.TypeIndividual, demo.DemoIndividual)
	demoConsentID    = relay.ID(relay.TypeConsent, demo.DemoConsent)
)

const caseQuery = `query($id: ID!) { node(id: $id) { ... on Case {
	id sgi state
	individual { handle givenName personnummer }
	lead { unit { name } name }
	sharedClasses
	items { class summary organization { name } }
} } }`

type caseView struct {
	Node *struct {
		ID         string
		Sgi        string
		Individual struct {
			Handle       string
			GivenName    *string
			Personnummer *string
		}
		SharedClasses []string
		Items         []struct {
			Class   string
			Summary string
		}
	}
}

func classesOf(v caseView) []string {
	var out []string
	for _, it := range v.Node.Items {
		out = append(out, it.Class)
	}
	return out
}

// The "done when": FK sees the consented classes only, AF sees
// nothing, a revocation hides the case from FK's very next request, and
// the loggutdrag shows FK's earlier read with the samtycke that allowed it.
func TestSamtycke_DoneWhen(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	vars := map[string]any{"id": demoCaseID}

	var fk caseView
	mustData(t, postFor(t, srv, "ph.fk", rehab, caseQuery, vars), &fk)
	require.NotNil(t, fk.Node, "FK sees the demo case under the samtycke")
	require.Equal(t, "NO", fk.Node.Sgi)
	require.Equal(t, "Kim", *fk.Node.Individual.GivenName)
	require.Equal(t, "19850312-9804", *fk.Node.Individual.Personnummer)
	require.ElementsMatch(t, []string{"KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING", "VARD_SJUKSKRIVNING"}, fk.Node.SharedClasses)
	require.ElementsMatch(t, []string{"KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING", "FK_SAMORDNING", "VARD_SJUKSKRIVNING"}, classesOf(fk),
		"FK sees the shared classes and its own item, nothing else")

	var vc caseView
	mustData(t, postFor(t, srv, "rehab.vc", rehab, caseQuery, vars), &vc)
	require.NotNil(t, vc.Node)
	require.ElementsMatch(t, []string{"KOMMUN_EKONOMISKT_BISTAND", "KOMMUN_PLANERING", "FK_SAMORDNING", "VARD_SJUKSKRIVNING"}, classesOf(vc))

	var af caseView
	mustData(t, postFor(t, srv, "af.karlstad", "ARBETSLIVSINRIKTAD_REHABILITERING", caseQuery, vars), &af)
	require.Nil(t, af.Node, "AF has no samtycke: the case does not exist for it")
	r := postFor(t, srv, "af.karlstad", rehab, `query($id: ID!) { accessLog(individualId: $id) { totalCount } }`, map[string]any{"id": demoIndividualID})
	requireError(t, r, "NOT_FOUND", "no such individual")

	// FK under a purpose the samtycke does not list sees nothing.
	var other caseView
	mustData(t, postFor(t, srv, "ph.fk", "ANSOKAN_ERSATTNING", caseQuery, vars), &other)
	require.Nil(t, other.Node)

	r = postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Personen återkallade samtycket muntligt") { status revokedBy } }`,
		map[string]any{"id": demoConsentID})
	var revoked struct {
		RevokeConsent struct{ Status, RevokedBy string }
	}
	mustData(t, r, &revoked)
	require.Equal(t, "REVOKED", revoked.RevokeConsent.Status)
	require.Equal(t, "soc.karlstad", revoked.RevokeConsent.RevokedBy)

	var after caseView
	mustData(t, postFor(t, srv, "ph.fk", rehab, caseQuery, vars), &after)
	require.Nil(t, after.Node, "the very next request after the revocation sees nothing")
	r = postFor(t, srv, "ph.fk", rehab, `mutation($id: ID!) { addCaseItem(caseId: $id, class: FK_BESLUT, summary: "Beslut") { id } }`, vars)
	requireError(t, r, "NOT_FOUND", "no such case")

	r = postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "igen") { status } }`, map[string]any{"id": demoConsentID})
	requireError(t, r, "CONFLICT", "already revoked")

	var log struct {
		AccessLog struct {
			Nodes []struct {
				UserID       string
				Purpose      *string
				ConsentID    *string
				ObjectID     string
				Action       string
				Operation    string
				Organization struct{ Name string }
			}
		}
	}
	mustData(t, postFor(t, srv, "logg.karlstad", "", `query($id: ID!) { accessLog(individualId: $id, first: 100) {
		nodes { userId purpose consentId objectId action operation organization { name } } } }`, map[string]any{"id": demoIndividualID}), &log)
	var fkCaseReads int
	for _, n := range log.AccessLog.Nodes {
		if n.UserID != "ph.fk" || bySeed(n.Operation) { // the seed wrote FK's item
			continue
		}
		require.Equal(t, "Försäkringskassan", n.Organization.Name)
		require.Equal(t, rehab, *n.Purpose)
		require.Equal(t, "READ", n.Action)
		if n.ConsentID != nil { // FK's own item needs no samtycke; everything else names it
			require.Equal(t, demoConsentID, *n.ConsentID)
		}
		if n.ObjectID == demoCaseID {
			fkCaseReads++
			require.NotNil(t, n.ConsentID, "FK's read of the case names the samtycke that allowed it")
		}
	}
	require.Equal(t, 1, fkCaseReads, "the loggutdrag shows FK's one read of the case")
}
