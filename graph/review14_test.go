package graph_test

// Review of issue 14 (review14 branch): failing tests that prove findings.
// Each test asserts the behaviour the docs and the issue promise; they fail
// on main as merged.

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// F1. A meeting about a person called by a party that is not the case's
// owner (FK) stays visible to that party after the samtycke is revoked,
// and under any purpose: hub_meeting_visible lets the caller org
// (p_org = hub_current_org()) see it with no samtycke and no purpose check.
// The caller also keeps writing the person's attendance.
func TestReview14_MeetingCalledByFKStaysVisibleToFKAfterRevocation(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()

	in := avstamning("KOMMUN")
	in["role"] = "personlig handläggare"
	in["invited"] = []map[string]any{{"organizationKind": "KOMMUN", "role": "socialsekreterare", "topic": "EKONOMISKT_BISTAND"}}
	m := scheduleMeeting(t, srv, "ph.fk", in)
	require.Equal(t, "FK", m.Parties[0].OrganizationKind)

	nodeOf := func(login, purpose string) *meetingResult {
		var out struct{ Node *meetingResult }
		mustData(t, postFor(t, srv, login, purpose, `query($id: ID!) { node(id: $id) { ... on Meeting { `+meetingFields+` } } }`,
			map[string]any{"id": m.ID}), &out)
		return out.Node
	}
	caseOf := func(login, purpose string) *struct{ ID string } {
		var out struct{ Node *struct{ ID string } }
		mustData(t, postFor(t, srv, login, purpose, `query($id: ID!) { node(id: $id) { ... on Case { id } } }`,
			map[string]any{"id": demoCaseID}), &out)
		return out.Node
	}

	// Purpose binding: FK has no samtycke for SIP, so it does not see the
	// case under SIP, yet it sees the meeting about the person under SIP.
	require.Nil(t, caseOf("ph.fk", sipPurpose), "FK does not see the case under SIP")
	underSIP := nodeOf("ph.fk", sipPurpose)
	if underSIP != nil {
		t.Errorf("FK sees the meeting about the person under purpose SIP, for which no samtycke names it (subject %q)", underSIP.Subject)
	}

	// Revocation.
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "Återkallat") { id } }`,
		map[string]any{"id": demoConsentID}), &struct{}{})
	require.Nil(t, caseOf("ph.fk", rehab), "the case is gone for FK")

	after := nodeOf("ph.fk", rehab)
	if after != nil {
		t.Errorf("after revocation FK still sees the meeting about the person: caseId %v, subject %q", *after.CaseID, after.Subject)
	}
	if ids := meetingIDs(listMeetings(t, srv, "ph.fk", rehab)); strings.Contains(strings.Join(ids, ","), m.ID) {
		t.Errorf("after revocation FK still lists the meeting among its coming meetings")
	}
	r := postFor(t, srv, "ph.fk", rehab, `mutation($id: ID!) { recordAttendance(input: {meetingId: $id, person: ATERBUD}) { id personAttendance } }`,
		map[string]any{"id": m.ID})
	if len(r.Errors) == 0 {
		t.Errorf("after revocation FK still records the person's attendance")
	}
	var noConsent int
	_, id, err := relay.ParseID(m.ID)
	require.NoError(t, err)
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM personal_data_access
		WHERE user_id = 'ph.fk' AND object_id = $1 AND consent_id IS NULL AND owner_org_id <> $2`, m.ID, demo.ID("org/fk")).Scan(&noConsent))
	t.Logf("loggutdrag rows of FK's reads of meeting %s naming no samtycke: %d", id, noConsent)
}

// F2. hub_sip_samtycke (migration 034) answers, to any party that sees the
// person under SIP, whether a samtycke names ANY organisation or unit,
// whatever it shares: FK learns that the vårdcentral Gripen is named for
// the person, although row security hides that grant from FK. The same
// oracle is reachable through createPlan/revisePlan's BAD_USER_INPUT.
func TestReview14_SIPSamtyckeTellsAPartyWhomElseTheSamtyckeNames(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	recordSIPSamtycke(t, srv)

	fk := session{org: demo.ID("org/fk"), user: "ph.fk"}
	region, gripen := demo.ID("org/region-varmland"), demo.ID("unit/region-varmland/vc-gripen")
	ctx := context.Background()
	tx, err := b.db.AppPool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', '', true),
		set_config('hub.user_id', $2, true), set_config('hub.purpose', 'SIP', true)`, fk.org.String(), fk.user)
	require.NoError(t, err)

	var visibleGrants int
	require.NoError(t, tx.QueryRow(ctx, `SELECT count(*) FROM consent_grants WHERE grantee_org_id = $1`, region).Scan(&visibleGrants))
	require.Zero(t, visibleGrants, "row security hides the region's grants from FK")

	var named *uuid.UUID
	require.NoError(t, tx.QueryRow(ctx, `SELECT hub_sip_samtycke($1, $2, $3)`, demo.DemoIndividual, region, gripen).Scan(&named))
	if named != nil {
		t.Errorf("FK learns through hub_sip_samtycke that a samtycke names the vårdcentral Gripen for the person (samtycke %s)", named)
	}
}

// F3. Row-level security, the second line, does not hold the "versions are
// immutable, nothing is updated but the pointer to the current version"
// promise of migration 034 / docs/sip.md: a party the SIP samtycke names
// (FK) can, as hub_app, add an insats to an earlier version the person has
// already agreed to, write a version that skips numbers, and point the plan
// at any version number (back to an old one, or to one that does not
// exist, after which Plan.current is NOT_FOUND for everyone).
func TestReview14_PlanRowSecurityLetsAPartyRewriteHistory(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	planGID := createSAMSIP(t, srv)
	mustData(t, postFor(t, srv, "soc.karlstad", sipPurpose, agreementMutation,
		map[string]any{"in": map[string]any{"planId": planGID, "version": 1, "how": "WRITTEN"}}), &struct{}{})
	_, plan, err := relay.ParseID(planGID)
	require.NoError(t, err)
	karlstad, fk := demo.ID("org/karlstad"), demo.ID("org/fk")

	asFK := func(sql string, args ...any) error {
		ctx := context.Background()
		tx, err := b.db.AppPool.Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx)
		_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('hub.unit_id', $2, true),
			set_config('hub.user_id', 'ph.fk', true), set_config('hub.purpose', 'SIP', true)`, fk.String(), demo.ID("unit/fk/karlstad").String())
		require.NoError(t, err)
		_, err = tx.Exec(ctx, sql, args...)
		return err
	}

	if err := asFK(`INSERT INTO sip_plan_insatser (plan_id, version, position, org_id, individual_id, huvudman_org_id,
			huvudman_unit_id, class, what, first_activity, start_on, status)
		VALUES ($1, 1, 99, $2, $3, $4, NULL, 'FK_SAMORDNING', 'Tillagd i efterhand', 'Ingen', '2026-03-01', 'PLANERAD')`,
		plan, karlstad, demo.DemoIndividual, fk); err == nil {
		t.Errorf("FK added an insats to version 1, which the person has agreed to")
	}
	if err := asFK(`UPDATE sip_plans SET current_version = 42 WHERE id = $1`, plan); err == nil {
		t.Errorf("FK pointed the plan at a version that does not exist")
	}
	if err := asFK(`INSERT INTO sip_plan_versions (plan_id, version, org_id, individual_id, goals, what_matters, overall_org_id,
			next_follow_up, participants, reason, author_org_id, author_user_id, authored_at)
		VALUES ($1, 7, $2, $3, '{mål}', 'x', $2, '2026-06-01', '{FK}', 'x', $4, 'ph.fk', hub_now())`,
		plan, karlstad, demo.DemoIndividual, fk); err == nil {
		t.Errorf("FK wrote version 7 of a plan at version 1")
	}
}

// F4. The meetings' insert policy checks neither the caller's user, the
// time, nor that the meeting's purpose is the purpose declared: hub_app
// can write a meeting in another user's name, back-dated, under a purpose
// the request never declared (compare the tasks' policies of migration 029).
func TestReview14_MeetingInsertPolicyTakesAnyUserTimeAndPurpose(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	karlstad := session{org: demo.ID("org/karlstad"), user: "soc.karlstad"}
	_, err := asSession(t, b, karlstad, `INSERT INTO meetings (id, kind, purpose, case_id, individual_id, case_org_id, org_id, user_id,
			party_org_ids, subject, agenda, starts_at, ends_at, place, person_attendance, created_at, updated_at)
		VALUES (gen_random_uuid(), 'SIP_MOTE', 'SIP', $1, $2, $3, $3, 'someone.else', ARRAY[$3::uuid, $4::uuid],
			'x', '', now() + interval '1 day', now() + interval '25 hours', 'Rum 1', 'KALLAD', '2020-01-01', '2020-01-01')`,
		demo.DemoCase, demo.DemoIndividual, karlstad.org, demo.ID("org/af"))
	if err == nil {
		t.Errorf("hub_app wrote a meeting as another user, back-dated, under purpose SIP while declaring %s, naming AF without a kallelse", rehab)
	}
}

// F5. Length checks trim, the stored value does not: a value at the limit
// with a leading space passes the application's check and breaks the
// column's CHECK, which surfaces as INTERNAL instead of BAD_USER_INPUT
// (plans: whatMatters, insatser[].what, reason, ...; meetings: place).
func TestReview14_PaddedValuesAtTheLimitAreInternalErrors(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	recordSIPSamtycke(t, srv)
	content := samsipContent()
	content["whatMatters"] = " " + strings.Repeat("a", 4000)
	r := postFor(t, srv, "soc.karlstad", sipPurpose, createPlanMutation,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "kind": "SAMSIP", "content": content}})
	require.NotEmpty(t, r.Errors)
	if c := r.code(0); c != "BAD_USER_INPUT" {
		t.Errorf("createPlan with a padded whatMatters of 4,000 characters: %s (%s), want BAD_USER_INPUT", c, r.Errors[0].Message)
	}

	in := avstamning("FK")
	in["place"] = " " + strings.Repeat("r", 200)
	r = postFor(t, srv, "soc.karlstad", rehab, scheduleMeetingMutation, map[string]any{"in": in})
	require.NotEmpty(t, r.Errors)
	if c := r.code(0); c != "BAD_USER_INPUT" {
		t.Errorf("scheduleMeeting with a padded place of 200 characters: %s (%s), want BAD_USER_INPUT", c, r.Errors[0].Message)
	}
}

// F2 through GraphQL: FK probes, with a revision that is bound to fail
// (an insats of a class no samtycke shares with FK), whether the
// samtycke names an organisation or unit; the error says so, nothing is
// written, and no loggutdrag row records the probe.
func TestReview14_RevisePlanErrorsTellFKWhomTheSamtyckeNames(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	planID := createSAMSIP(t, srv)
	probe := func(org, unit string) string {
		content := samsipContent()
		content["overallResponsibilityOrganizationId"] = org
		if unit != "" {
			content["overallResponsibilityUnitId"] = unit
		}
		r := postFor(t, srv, "ph.fk", sipPurpose, revisePlanMutation, reviseVars(planID, 1, content))
		require.NotEmpty(t, r.Errors)
		return r.Errors[0].Message
	}
	gripen := probe(orgID("region-varmland"), unitID("region-varmland/vc-gripen"))
	af := probe(orgID("af"), "")
	t.Logf("probe Gripen: %s", gripen)
	t.Logf("probe AF:     %s", af)
	if strings.Contains(af, "overallResponsibilityOrganizationId: no samtycke") != strings.Contains(gripen, "overallResponsibilityOrganizationId: no samtycke") {
		t.Errorf("FK tells from revisePlan's error whether the samtycke names the vårdcentral Gripen or AF")
	}
}
