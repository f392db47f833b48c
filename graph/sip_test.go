package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// Karlstad draws up a SAMSIP with insatser of three parties; each party a
// SIP samtycke names sees the plan, its own insatser and those whose class
// the samtycke shares with it; AF (not named) and another förbund's
// socialsekreterare see neither plan nor case.
func TestPlans_OwnerDrawsUpSAMSIPAndEachNamedPartySeesItsShare(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)

	// Before a SIP samtycke, FK does not see the case under SIP (the demo
	// samtycke is for samordnad rehabilitering), and Karlstad cannot draw
	// up a plan.
	_, ok := plansAs(t, srv, "ph.fk")
	require.False(t, ok, "no samtycke for SIP names FK yet")
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": samsipContent()}}),
		"FORBIDDEN", "no samtycke in force for the purpose SIP")

	planID := createSAMSIP(t, srv)

	owner, ok := plansAs(t, srv, "soc.karlstad")
	require.True(t, ok)
	require.Len(t, owner, 1)
	require.Equal(t, "SAMSIP", owner[0].Kind)
	require.Equal(t, 1, owner[0].CurrentVersion)
	require.Equal(t, []string{"KOMMUN_PLANERING", "FK_SAMORDNING", "VARD_REHABILITERING"}, insatsClasses(owner[0].Current), "the owner sees every insats")
	require.Equal(t, "Planen upprättades.", owner[0].Current.Reason)

	fk, ok := plansAs(t, srv, "ph.fk")
	require.True(t, ok)
	require.Len(t, fk, 1)
	require.Equal(t, planID, fk[0].ID)
	require.Equal(t, owner[0].Current.Goals, fk[0].Current.Goals, "the person's goals, in their words")
	require.Equal(t, []string{"KOMMUN_PLANERING", "FK_SAMORDNING"}, insatsClasses(fk[0].Current),
		"FK: its own insats and Karlstad's (KOMMUN_PLANERING shared), not the vårdcentral's")

	vc, ok := plansAs(t, srv, "rehab.vc")
	require.True(t, ok)
	require.Equal(t, []string{"KOMMUN_PLANERING", "FK_SAMORDNING", "VARD_REHABILITERING"}, insatsClasses(vc[0].Current))

	// Not named: NOT_FOUND, as if neither case nor plan existed.
	for _, login := range []string{"af.karlstad", "soc.eksjo"} {
		_, ok := plansAs(t, srv, login)
		require.False(t, ok, "%s does not see the case", login)
		requireError(t, postFor(t, srv, login, sipPurpose, revisePlanMutation, reviseVars(planID, 1, samsipContent())), "NOT_FOUND", "no such plan")
		requireError(t, postFor(t, srv, login, sipPurpose, agreementMutation,
			map[string]any{"in": map[string]any{"planId": planID, "version": 1, "how": "ORAL"}}), "NOT_FOUND", "no such plan")
		requireError(t, postFor(t, srv, login, sipPurpose, createPlanMutation,
			map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SIP", "content": samsipContent()}}), "NOT_FOUND", "no such case")
	}

	// Under another purpose the plans are not read at all.
	requireError(t, postFor(t, srv, "ph.fk", rehab, plansOfDemoCase, map[string]any{"id": demoCaseID}), "BAD_USER_INPUT", "purpose SIP")

	// One plan of each kind per case.
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": samsipContent()}}), "CONFLICT", "already has a SAMSIP")
}

const revisePlanMutation = `mutation($in: RevisePlanInput!) { revisePlan(input: $in) { id currentVersion } }`
const agreementMutation = `mutation($in: RecordPlanAgreementInput!) { recordPlanAgreement(input: $in) { id } }`

func reviseVars(planID string, expected int, content map[string]any) map[string]any {
	return map[string]any{"in": map[string]any{"planId": planID, "expectedVersion": expected, "content": content, "reason": "Uppföljning: FK:s insats har startat."}}
}

// FK revises the plan with the insatser it sees; the vårdcentral's, which
// FK cannot see, is kept; the first version stays readable as it was; a
// revision of a stale version is CONFLICT; the person's agreement is
// recorded per version.
func TestPlans_RevisionIsANewVersionAndKeepsWhatTheReviserCannotSee(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	planID := createSAMSIP(t, srv)

	content := samsipContent()
	all := content["insatser"].([]map[string]any)
	fkStarted := all[1]
	fkStarted["status"] = "PAGAR"
	content["insatser"] = []map[string]any{all[0], fkStarted} // what FK sees
	var rev struct{ RevisePlan planView }
	mustData(t, postFor(t, srv, "ph.fk", sipPurpose, revisePlanMutation, reviseVars(planID, 1, content)), &rev)
	require.Equal(t, 2, rev.RevisePlan.CurrentVersion)

	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, revisePlanMutation, reviseVars(planID, 1, samsipContent())),
		"CONFLICT", "the plan is at version 2, not 1")

	owner, _ := plansAs(t, srv, "soc.karlstad")
	require.Len(t, owner[0].Versions, 2)
	v2, v1 := owner[0].Versions[0], owner[0].Versions[1]
	require.Equal(t, 2, v2.Version)
	require.Equal(t, []string{"KOMMUN_PLANERING", "FK_SAMORDNING", "VARD_REHABILITERING"}, insatsClasses(v2), "the vårdcentral's insats is kept")
	require.Equal(t, "PAGAR", v2.Insatser[1].Status)
	require.Equal(t, "Uppföljning: FK:s insats har startat.", v2.Reason)
	require.Equal(t, 1, v1.Version)
	require.Equal(t, "PLANERAD", v1.Insatser[1].Status, "the earlier version is unchanged")
	require.Equal(t, "ph.fk", owner[0].Current.AuthorUserID)

	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, agreementMutation,
		map[string]any{"in": map[string]any{"planId": planID, "version": 2, "how": "WRITTEN", "note": "Underskriven plan i akten."}}), &struct{}{})
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, agreementMutation,
		map[string]any{"in": map[string]any{"planId": planID, "version": 2, "how": "ORAL"}}), "CONFLICT", "already recorded")
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, agreementMutation,
		map[string]any{"in": map[string]any{"planId": planID, "version": 3, "how": "ORAL"}}), "BAD_USER_INPUT", "version: the plan has versions 1 to 2")
	fk, _ := plansAs(t, srv, "ph.fk")
	require.NotNil(t, fk[0].Current.Agreement)
	require.Equal(t, "WRITTEN", fk[0].Current.Agreement.How)
	require.Nil(t, fk[0].Versions[1].Agreement)

	// FK may not write an insats of a class it cannot see.
	bad := samsipContent()
	requireError(t, postFor(t, srv, "ph.fk", sipPurpose, revisePlanMutation, reviseVars(planID, 2, bad)),
		"BAD_USER_INPUT", "insatser[2]: an insats of another party whose class (VARD_REHABILITERING)")
}

// Revoking the SIP samtycke hides the plan from the parties it named at
// once; the case owner keeps it, and can neither revise it nor record the
// person's agreement until a new samtycke for SIP is in force.
func TestPlans_RevocationHidesThePlanAtOnce(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	recordSIP := recordSIPSamtycke(t, srv)
	var out struct{ CreatePlan planView }
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": samsipContent()}}), &out)
	fk, ok := plansAs(t, srv, "ph.fk")
	require.True(t, ok)
	require.Len(t, fk, 1)

	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Personen återkallade samtycket till SIP") { id } }`,
		map[string]any{"id": recordSIP}), &struct{}{})

	_, ok = plansAs(t, srv, "ph.fk")
	require.False(t, ok, "FK sees neither case nor plan under SIP any more")
	requireError(t, postFor(t, srv, "ph.fk", sipPurpose, revisePlanMutation, reviseVars(out.CreatePlan.ID, 1, samsipContent())), "NOT_FOUND", "no such plan")
	owner, _ := plansAs(t, srv, "soc.karlstad")
	require.Len(t, owner, 1, "the case owner keeps its record")
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, revisePlanMutation, reviseVars(out.CreatePlan.ID, 1, samsipContent())),
		"FORBIDDEN", "no samtycke in force for the purpose SIP")
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, agreementMutation,
		map[string]any{"in": map[string]any{"planId": out.CreatePlan.ID, "version": 1, "how": "ORAL"}}),
		"FORBIDDEN", "no samtycke in force for the purpose SIP")
}

// Every read and write of a plan is in the audit trail and the person's
// loggutdrag, naming the samtycke that allowed another party's read.
func TestPlans_ReadsAndWritesAreInTheLoggutdrag(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	planID := createSAMSIP(t, srv)
	_, ok := plansAs(t, srv, "ph.fk")
	require.True(t, ok)

	rows := func(user, action string) int {
		var n int
		require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM personal_data_access
			WHERE user_id = $1 AND object_id = $2 AND individual_id = $3 AND action = $4`, user, planID, demo.DemoIndividual, action).Scan(&n))
		return n
	}
	require.Positive(t, rows("soc.karlstad", "WRITE"), "the plan drawn up")
	require.Positive(t, rows("ph.fk", "READ"), "FK's read")
	var named int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM personal_data_access
		WHERE user_id = 'ph.fk' AND object_id = $1 AND consent_id IS NOT NULL`, planID).Scan(&named))
	require.Positive(t, named, "FK's read names the samtycke that allowed it")
}

// Validation names every problem with its field.
func TestPlans_ValidationNamesEveryProblem(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	recordSIPSamtycke(t, srv)
	content := samsipContent()
	content["goals"] = []string{}
	content["whatMatters"] = " "
	content["participants"] = []string{}
	ins := content["insatser"].([]map[string]any)
	ins[0]["what"] = ""
	ins[0]["class"] = "FK_BESLUT"
	r := postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SIP", "content": content}})
	require.Len(t, r.Errors, 1)
	require.Equal(t, "BAD_USER_INPUT", r.code(0))
	for _, want := range []string{"goals: at least one goal", "whatMatters: must not be empty", "participants: at least one",
		"insatser[0].what: must not be empty", "insatser[0].class: FK_BESLUT is not one of the huvudman's own classes",
		"insatser[1].huvudmanOrganizationId: a SIP is the municipality's and the region's (FK takes part in a SAMSIP)"} {
		require.Contains(t, r.Errors[0].Message, want)
	}

	// A party no samtycke for SIP names cannot be put in the plan.
	content = samsipContent()
	content["insatser"] = append(content["insatser"].([]map[string]any), map[string]any{
		"huvudmanOrganizationId": orgID("af"), "what": "Arbetsförberedande insats", "firstActivity": "Inskrivning", "startOn": "2026-03-01"})
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": content}}),
		"BAD_USER_INPUT", "insatser[3].huvudmanOrganizationId: no samtycke in force for the purpose SIP names the organisation")
}

// A party the samtycke for SIP names may draw up the plan too: the
// vårdcentral draws up the statutory SIP (municipality and region).
func TestPlans_ANamedPartyDrawsUpTheSIP(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	recordSIPSamtycke(t, srv)
	content := samsipContent()
	ins := content["insatser"].([]map[string]any)
	content["insatser"] = []map[string]any{ins[0], ins[2]} // Karlstad's and the vårdcentral's
	var out struct{ CreatePlan planView }
	mustData(t, postFor(t, srv, "rehab.vc", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SIP", "content": content}}), &out)
	require.Equal(t, "SIP", out.CreatePlan.Kind)

	owner, _ := plansAs(t, srv, "soc.karlstad")
	require.Len(t, owner, 1)
	require.Equal(t, "rehab.vc", owner[0].Current.AuthorUserID)
	require.Equal(t, []string{"KOMMUN_PLANERING", "VARD_REHABILITERING"}, insatsClasses(owner[0].Current))
	fk, _ := plansAs(t, srv, "ph.fk")
	require.Equal(t, []string{"KOMMUN_PLANERING"}, insatsClasses(fk[0].Current), "FK, named too, sees the shared class only")
}

// Two revisions of the same version at once: one is written, the other is
// CONFLICT; no version is lost or written twice.
func TestPlans_ConcurrentRevisionsOfOneVersionConflict(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	planID := createSAMSIP(t, srv)
	codes := make(chan string, 2)
	for _, login := range []string{"soc.karlstad", "koord.karlstad"} {
		go func() {
			r := postFor(t, srv, login, sipPurpose, revisePlanMutation, reviseVars(planID, 1, samsipContent()))
			if len(r.Errors) == 0 {
				codes <- "OK"
				return
			}
			codes <- r.code(0)
		}()
	}
	got := []string{<-codes, <-codes}
	require.ElementsMatch(t, []string{"OK", "CONFLICT"}, got)
	owner, _ := plansAs(t, srv, "soc.karlstad")
	require.Equal(t, 2, owner[0].CurrentVersion)
	require.Len(t, owner[0].Versions, 2)
}

// A party that does not own the case cannot learn from revisePlan whom the
// samtycke names: a party the version it revises does not show it is
// refused the same way whether the samtycke names it (the vårdcentral
// Gripen) or not (AF), and only the case owner brings a new party into the
// plan.
func TestPlans_RevisePlanErrorsDoNotTellANonOwnerWhomTheSamtyckeNames(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	planID := createSAMSIP(t, srv)
	probe := func(login, org, unit string) gqlResponse {
		content := samsipContent()
		content["insatser"] = content["insatser"].([]map[string]any)[:2] // what FK sees
		content["overallResponsibilityOrganizationId"] = org
		if unit != "" {
			content["overallResponsibilityUnitId"] = unit
		}
		return postFor(t, srv, login, sipPurpose, revisePlanMutation, reviseVars(planID, 1, content))
	}
	gripen := probe("ph.fk", orgID("region-varmland"), unitID("region-varmland/vc-gripen"))
	af := probe("ph.fk", orgID("af"), "")
	for name, r := range map[string]gqlResponse{"Gripen": gripen, "AF": af} {
		requireError(t, r, "BAD_USER_INPUT", "overallResponsibilityOrganizationId: only the case owner names a party the plan does not name yet")
		require.NotContains(t, r.Errors[0].Message, "samtycke", "probe %s", name)
	}
	require.Equal(t, strings.ReplaceAll(gripen.Errors[0].Message, demo.ID("org/region-varmland").String(), "X"),
		strings.ReplaceAll(af.Errors[0].Message, demo.ID("org/af").String(), "X"), "the two refusals read the same")

	// The owner names the vårdcentral; FK may then keep it.
	mustData(t, probe("soc.karlstad", orgID("region-varmland"), unitID("region-varmland/vc-gripen")), &struct{}{})
	content := samsipContent()
	content["insatser"] = content["insatser"].([]map[string]any)[:2]
	content["overallResponsibilityOrganizationId"] = orgID("region-varmland")
	content["overallResponsibilityUnitId"] = unitID("region-varmland/vc-gripen")
	mustData(t, postFor(t, srv, "ph.fk", sipPurpose, revisePlanMutation, reviseVars(planID, 2, content)), &struct{}{})
}

// Values are checked and stored trimmed: a value at its limit with
// padding around it is saved without the padding; one over the limit is
// BAD_USER_INPUT, never a broken CHECK (INTERNAL).
func TestPlans_PaddedValuesAreCheckedAndStoredTrimmed(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	recordSIPSamtycke(t, srv)
	content := samsipContent()
	content["whatMatters"] = " " + strings.Repeat("a", 4001)
	r := postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": content}})
	requireError(t, r, "BAD_USER_INPUT", "whatMatters: at most 4000 characters")

	content["whatMatters"] = " " + strings.Repeat("a", 4000) + "\n"
	content["goals"] = []string{"  Orka en vardag "}
	content["participants"] = []string{" Kim Andersson (personen) "}
	ins := content["insatser"].([]map[string]any)
	ins[0]["what"] = " " + strings.Repeat("w", 2000) + " "
	ins[0]["firstActivity"] = "\tHembesök "
	var out struct{ CreatePlan struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": content}}), &out)

	var read struct {
		Node *struct {
			Plans []struct {
				Current struct {
					Goals        []string
					WhatMatters  string
					Participants []string
					Reason       string
					Insatser     []struct{ What, FirstActivity string }
				}
			}
		}
	}
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, `query($id: ID!) { node(id: $id) { ... on Case { plans {
		current { goals whatMatters participants reason insatser { what firstActivity } } } } } }`, map[string]any{"id": demoCaseID}), &read)
	cur := read.Node.Plans[0].Current
	require.Equal(t, strings.Repeat("a", 4000), cur.WhatMatters)
	require.Equal(t, []string{"Orka en vardag"}, cur.Goals)
	require.Equal(t, []string{"Kim Andersson (personen)"}, cur.Participants)
	require.Equal(t, strings.Repeat("w", 2000), cur.Insatser[0].What)
	require.Equal(t, "Hembesök", cur.Insatser[0].FirstActivity)

	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, revisePlanMutation, map[string]any{"in": map[string]any{
		"planId": out.CreatePlan.ID, "expectedVersion": 1, "content": samsipContent(), "reason": " " + strings.Repeat("r", 1000) + " "}}), &struct{}{})
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, `query($id: ID!) { node(id: $id) { ... on Case { plans {
		current { goals whatMatters participants reason insatser { what firstActivity } } } } } }`, map[string]any{"id": demoCaseID}), &read)
	require.Equal(t, strings.Repeat("r", 1000), read.Node.Plans[0].Current.Reason)
}

// Only a secrecy waiver (OSL) for SIP lets the case owner draw up a plan,
// as the samtycke the parties read it under must be: a PDL samtycke (care
// providers' journal sharing) listing SIP does not.
func TestPlans_OnlyASecrecyWaiverForSIPLetsTheOwnerDrawUpAPlan(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	recordSamtyckeForSIP(t, srv, "PDL_SAMMANHALLEN_JOURNALFORING", []map[string]any{
		{"organizationId": orgID("region-varmland"), "unitId": unitID("region-varmland/vc-gripen"), "classes": []string{"VARD_REHABILITERING"}},
	})
	content := samsipContent()
	ins := content["insatser"].([]map[string]any)
	content["insatser"] = []map[string]any{ins[0], ins[2]}
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SIP", "content": content}}),
		"FORBIDDEN", "no samtycke in force for the purpose SIP")
}

// The next follow-up is from today to a year ahead, an insats starts at
// most ten years back and two years ahead: a date outside is
// BAD_USER_INPUT, naming the field.
func TestPlans_FollowUpAndStartDatesAreBounded(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	recordSIPSamtycke(t, srv)
	today := time.Now().In(stockholm(t))
	for _, tc := range []struct {
		field string
		set   func(map[string]any)
		want  string
	}{
		{"a follow-up yesterday", func(c map[string]any) { c["nextFollowUp"] = today.AddDate(0, 0, -1).Format(time.DateOnly) }, "nextFollowUp: from today to a year ahead"},
		{"a follow-up in 13 months", func(c map[string]any) { c["nextFollowUp"] = today.AddDate(0, 13, 0).Format(time.DateOnly) }, "nextFollowUp: from today to a year ahead"},
		{"a start 11 years back", func(c map[string]any) {
			c["insatser"].([]map[string]any)[1]["startOn"] = today.AddDate(-11, 0, 0).Format(time.DateOnly)
		}, "insatser[1].startOn: from ten years back to two years ahead"},
		{"a start in three years", func(c map[string]any) {
			c["insatser"].([]map[string]any)[2]["startOn"] = today.AddDate(3, 0, 0).Format(time.DateOnly)
		}, "insatser[2].startOn: from ten years back to two years ahead"},
	} {
		content := samsipContent()
		tc.set(content)
		requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
			map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": content}}), "BAD_USER_INPUT", tc.want)
	}
	content := samsipContent()
	content["nextFollowUp"] = today.Format(time.DateOnly)
	content["insatser"].([]map[string]any)[0]["startOn"] = today.AddDate(-9, 0, 0).Format(time.DateOnly)
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": content}}), &struct{}{})
}

// A plan holds at most 100 versions: revising the hundredth is CONFLICT,
// and the database holds no more either.
func TestPlans_APlanHoldsAtMostAHundredVersions(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	planID := createSAMSIP(t, srv)
	_, plan, err := relay.ParseID(planID)
	require.NoError(t, err)
	// As the tables' owner: versions 2 to 100, copies of version 1.
	_, err = b.db.Pool.Exec(context.Background(), fmt.Sprintf(`DO $$ BEGIN
		FOR n IN 2..100 LOOP
			UPDATE sip_plans SET current_version = n WHERE id = '%[1]s';
			INSERT INTO sip_plan_versions SELECT plan_id, n, org_id, individual_id, goals, what_matters, overall_org_id,
				overall_unit_id, next_follow_up, participants, reason, author_org_id, author_unit_id, author_user_id, authored_at
			FROM sip_plan_versions WHERE plan_id = '%[1]s' AND version = 1;
		END LOOP; END $$`, plan))
	require.NoError(t, err)
	requireError(t, postFor(t, srv, "soc.karlstad", sipPurpose, revisePlanMutation, reviseVars(planID, 100, samsipContent())),
		"CONFLICT", "a plan holds at most 100 versions")
	_, err = b.db.Pool.Exec(context.Background(), fmt.Sprintf(`UPDATE sip_plans SET current_version = 101 WHERE id = '%s'`, plan))
	require.Error(t, err, "the database holds no version 101")
}
