package graph_test

import (
	"testing"
	"time"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// sipPurpose is the purpose plans are read and written under.
const sipPurpose = "SIP"

func orgID(key string) string  { return relay.ID(relay.TypeOrganization, demo.ID("org/"+key)) }
func unitID(key string) string { return relay.ID(relay.TypeUnit, demo.ID("unit/"+key)) }

// recordSIPSamtycke records, as Karlstad, a secrecy waiver for the demo
// person for the purpose SIP, naming Försäkringskassan (sharing
// KOMMUN_PLANERING) and the vårdcentral Gripen (KOMMUN_PLANERING and
// FK_SAMORDNING), not AF; it returns the samtycke's id.
func recordSIPSamtycke(t *testing.T, srv *testServer) string {
	t.Helper()
	return recordSamtyckeForSIP(t, srv, "OSL_SEKRETESSBRYTANDE", []map[string]any{
		{"organizationId": orgID("fk"), "classes": []string{"KOMMUN_PLANERING"}},
		{"organizationId": orgID("region-varmland"), "unitId": unitID("region-varmland/vc-gripen"), "classes": []string{"KOMMUN_PLANERING", "FK_SAMORDNING"}},
	})
}

// recordSamtyckeForSIP records, as Karlstad, a samtycke of kind for the
// demo person for the purpose SIP with grants; it returns its id.
func recordSamtyckeForSIP(t *testing.T, srv *testServer, kind string, grants []map[string]any) string {
	t.Helper()
	today := time.Now().In(stockholm(t))
	var rec struct{ RecordConsent struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"individualId": demoIndividualID, "kind": kind, "purposes": []string{sipPurpose},
			"grants":  grants,
			"givenBy": "PERSON", "validFrom": today.AddDate(0, 0, -1).Format(time.DateOnly), "validUntil": today.AddDate(1, 0, 0).Format(time.DateOnly),
			"evidence": "WRITTEN", "formReference": "SIP-samtycke Samspelet", "requestedById": orgID("karlstad")}}), &rec)
	return rec.RecordConsent.ID
}

func stockholm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// samsipContent is a SAMSIP's content with insatser of three parties:
// Karlstad (KOMMUN_PLANERING), FK Karlstad (FK_SAMORDNING) and the
// vårdcentral Gripen (VARD_REHABILITERING).
func samsipContent() map[string]any {
	return map[string]any{
		"goals":                               []string{"Jag vill orka gå upp på morgonen och ha en vardag.", "Jag vill börja jobba lite, kanske två timmar om dagen."},
		"whatMatters":                         "Att alla vet samma sak så att jag slipper berätta allt igen.",
		"overallResponsibilityOrganizationId": orgID("karlstad"),
		"nextFollowUp":                        time.Now().AddDate(0, 2, 0).Format(time.DateOnly),
		"participants":                        []string{"Kim Andersson (personen)", "Sara Lindqvist, Karlstads kommun", "Personlig handläggare, FK Karlstad", "Rehabkoordinator, vårdcentralen Gripen"},
		"insatser": []map[string]any{
			{"huvudmanOrganizationId": orgID("karlstad"), "what": "Försörjningsstöd och stöd att strukturera vardagen", "firstActivity": "Hembesök", "startOn": "2026-02-01"},
			{"huvudmanOrganizationId": orgID("fk"), "huvudmanUnitId": unitID("fk/karlstad"), "what": "Samordning av rehabilitering", "firstActivity": "Avstämningsmöte", "startOn": "2026-02-10"},
			{"huvudmanOrganizationId": orgID("region-varmland"), "huvudmanUnitId": unitID("region-varmland/vc-gripen"), "what": "Fysioterapi och samtalsstöd", "firstActivity": "Bedömning hos fysioterapeut", "startOn": "2026-02-15", "status": "PAGAR"},
		},
	}
}

const createPlanMutation = `mutation($in: CreatePlanInput!) { createPlan(input: $in) { id kind currentVersion current { version insatser { class } } } }`

type planView struct {
	ID             string
	Kind           string
	CurrentVersion int
	Current        versionView
	Versions       []versionView
}

type versionView struct {
	Version      int
	Goals        []string
	Reason       string
	AuthorUserID string
	Insatser     []struct {
		Class    string
		What     string
		Status   string
		Huvudman struct{ Organization struct{ Name string } }
	}
	Agreement *struct {
		How        string
		RecordedBy struct{ Name string }
	}
}

// createSAMSIP records the SIP samtycke and has Karlstad draw up the
// demo case's SAMSIP; it returns the plan's id.
func createSAMSIP(t *testing.T, srv *testServer) string {
	t.Helper()
	recordSIPSamtycke(t, srv)
	var out struct{ CreatePlan planView }
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": samsipContent()}}), &out)
	return out.CreatePlan.ID
}

const plansOfDemoCase = `query($id: ID!) { node(id: $id) { ... on Case { plans { id kind currentVersion
  current { version goals reason authorUserId insatser { class what status huvudman { organization { name } } } agreement { how recordedBy { name } } }
  versions { version reason insatser { class what status } agreement { how } } } } } }`

// plansAs reads the demo case's plans as login under the purpose SIP; ok
// is false when the case itself is not visible.
func plansAs(t *testing.T, srv *testServer, login string) (plans []planView, ok bool) {
	t.Helper()
	var out struct {
		Node *struct{ Plans []planView }
	}
	mustData(t, postFor(t, srv, login, sipPurpose, plansOfDemoCase, map[string]any{"id": demoCaseID}), &out)
	if out.Node == nil {
		return nil, false
	}
	return out.Node.Plans, true
}

func insatsClasses(v versionView) []string {
	out := []string{}
	for _, in := range v.Insatser {
		out = append(out, in.Class)
	}
	return out
}
