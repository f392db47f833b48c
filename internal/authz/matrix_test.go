package authz_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/identity"
)

// The access rules of the default policy, as a table a reader can check
// against the domain. Each line: object kind, action, relation, and the
// roles allowed; every combination not listed is denied. The test walks
// every role × action × object kind × relation.
//
// Relations: OWN = own organisation; FEDERATION = a fellow member of a
// samordningsförbund; OTHER = shares no förbund; CONSENTED = a samtycke
// covers the person (decided by the consent evaluator); LEAD = the
// principal leads a case of the person in their own organisation.
var expected = []struct {
	kind  authz.ObjectKind
	act   authz.Action
	rel   authz.Relation
	roles string // space-separated; "*" = every role
}{
	// The catalogue of who is who is open to everyone.
	{authz.Organization, authz.Read, authz.Own, "*"},
	{authz.Organization, authz.Read, authz.InFederation, "*"},
	{authz.Organization, authz.Read, authz.Other, "*"},
	{authz.Organization, authz.Update, authz.Own, "ORG_ADMIN"},
	{authz.Unit, authz.Read, authz.Own, "*"},
	{authz.Unit, authz.Read, authz.InFederation, "*"},
	{authz.Unit, authz.Read, authz.Other, "*"},
	{authz.Unit, authz.Create, authz.Own, "ORG_ADMIN"},
	{authz.Unit, authz.Update, authz.Own, "ORG_ADMIN"},
	{authz.Unit, authz.Delete, authz.Own, "ORG_ADMIN"},
	{authz.Federation, authz.Read, authz.Own, "*"},
	{authz.Federation, authz.Read, authz.InFederation, "*"},
	{authz.Federation, authz.Read, authz.Other, "*"},
	{authz.Federation, authz.Update, authz.Own, "FORBUNDSADMINISTRATOR"},
	{authz.FederationMembership, authz.Read, authz.Own, "*"},
	{authz.FederationMembership, authz.Read, authz.InFederation, "*"},
	{authz.FederationMembership, authz.Read, authz.Other, "*"},
	{authz.FederationMembership, authz.Create, authz.Own, "FORBUNDSADMINISTRATOR"},
	{authz.FederationMembership, authz.Update, authz.Own, "FORBUNDSADMINISTRATOR"},
	{authz.FederationMembership, authz.Delete, authz.Own, "FORBUNDSADMINISTRATOR"},
	// Trusted identity providers: the organisation's administrator only.
	{authz.IdentityIssuer, authz.Read, authz.Own, "ORG_ADMIN"},
	{authz.IdentityIssuer, authz.Create, authz.Own, "ORG_ADMIN"},
	{authz.IdentityIssuer, authz.Update, authz.Own, "ORG_ADMIN"},
	{authz.IdentityIssuer, authz.Delete, authz.Own, "ORG_ADMIN"},
	// The audit trail: read by the own loggranskare, changed by nobody.
	{authz.AuditRecord, authz.Read, authz.Own, "LOGGRANSKARE"},
	// Cases are the kommun's; partners see them only under a samtycke.
	{authz.Case, authz.Read, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR"},
	{authz.Case, authz.Create, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE"},
	{authz.Case, authz.Update, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE"},
	{authz.Case, authz.Read, authz.Consented, "PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR SAMVERKANSKOORDINATOR"},
	// The municipality moves its cases through the routine (whose steps
	// narrow it to the roles each names).
	{authz.Case, authz.Transition, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR"},
	// Routines are no one's secret; a förbund's administrator keeps its own.
	{authz.Routine, authz.Read, authz.Own, "*"},
	{authz.Routine, authz.Read, authz.InFederation, "*"},
	{authz.Routine, authz.Read, authz.Other, "*"},
	{authz.Routine, authz.Create, authz.Own, "FORBUNDSADMINISTRATOR"},
	// Individuals follow the cases.
	{authz.Individual, authz.Read, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR"},
	{authz.Individual, authz.Create, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE"},
	{authz.Individual, authz.Update, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE"},
	{authz.Individual, authz.Read, authz.Consented, "PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR SAMVERKANSKOORDINATOR"},
	// Tasks between agencies: every party's case workers and coordinators
	// send them and work those their organisation is a party to; a
	// samtycke shares a task's personal content (CONSENTED).
	{authz.Task, authz.Read, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.Task, authz.Read, authz.Consented, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.Task, authz.Create, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.Task, authz.Update, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	// SIP and SAMSIP plans: the case owner's case workers and coordinators
	// draw them up and revise them; every party's, under a samtycke for
	// the purpose SIP that names them (CONSENTED).
	{authz.SipPlan, authz.Read, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR"},
	{authz.SipPlan, authz.Read, authz.Consented, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.SipPlan, authz.Create, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR"},
	{authz.SipPlan, authz.Create, authz.Consented, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.SipPlan, authz.Update, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR"},
	{authz.SipPlan, authz.Update, authz.Consented, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	// Meetings about a case: the same staff call them, record who came,
	// cancel them, and read those their organisation called or is invited
	// to; a samtycke shares a meeting's person (CONSENTED).
	{authz.Meeting, authz.Read, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.Meeting, authz.Read, authz.Consented, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.Meeting, authz.Create, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.Meeting, authz.Update, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	// Samtycken: the municipality's case workers record and revoke them.
	{authz.Consent, authz.Read, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR"},
	{authz.Consent, authz.Create, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE"},
	{authz.Consent, authz.Update, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE"},
	// Case items: own ones, and shared ones under a samtycke.
	{authz.CaseItem, authz.Read, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.CaseItem, authz.Read, authz.Consented, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	{authz.CaseItem, authz.Create, authz.Own, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE"},
	{authz.CaseItem, authz.Create, authz.Consented, "PERSONLIG_HANDLAGGARE TEAMKOORDINATOR AF_HANDLAGGARE REHABKOORDINATOR"},
	// The loggutdrag: the kommun's loggranskare, and the lead of one of the
	// person's cases (LEAD: the named handläggare, or in the lead unit).
	{authz.AccessLog, authz.Read, authz.Own, "LOGGRANSKARE"},
	{authz.AccessLog, authz.Read, authz.Lead, "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE"},
	// The directory: everyone reads what each entry's visibility allows;
	// the organisation administrator keeps the own entries.
	{authz.DirectoryEntry, authz.Read, authz.Own, "*"},
	{authz.DirectoryEntry, authz.Read, authz.InFederation, "*"},
	{authz.DirectoryEntry, authz.Read, authz.Other, "*"},
	{authz.DirectoryEntry, authz.Create, authz.Own, "ORG_ADMIN"},
	{authz.DirectoryEntry, authz.Update, authz.Own, "ORG_ADMIN"},
	{authz.DirectoryEntry, authz.Delete, authz.Own, "ORG_ADMIN"},
	// The coverage report of a förbund (owned by the förbund): its
	// coordinators and administrators, and the members' coordinators.
	{authz.DirectoryCoverage, authz.Read, authz.Own, "SAMVERKANSKOORDINATOR FORBUNDSADMINISTRATOR"},
	{authz.DirectoryCoverage, authz.Read, authz.InFederation, "SAMVERKANSKOORDINATOR"},
}

// knownRoles and knownKinds are what this table was written for: a role
// or object kind added to the code without a thought for this table fails
// the test.
var (
	knownRoles = "SOCIALSEKRETERARE FORSTE_SOCIALSEKRETERARE SAMVERKANSKOORDINATOR PERSONLIG_HANDLAGGARE TEAMKOORDINATOR " +
		"AF_HANDLAGGARE REHABKOORDINATOR FORBUNDSADMINISTRATOR ORG_ADMIN LOGGRANSKARE"
	knownKinds = "organization unit federation federation_membership identity_issuer audit_record case directory_entry directory_coverage individual consent case_item access_log routine task sip_plan meeting"
)

func TestPolicyMatrix(t *testing.T) {
	var roles []string
	for _, r := range identity.Roles {
		roles = append(roles, string(r))
	}
	require.Equal(t, strings.Fields(knownRoles), roles, "a role was added or removed: extend the expectation table")
	var kinds []string
	for _, k := range authz.ObjectKinds {
		kinds = append(kinds, string(k))
	}
	require.Equal(t, strings.Fields(knownKinds), kinds, "an object kind was added or removed: extend the expectation table")

	allowed := map[string]bool{}
	for _, e := range expected {
		who := strings.Fields(e.roles)
		if e.roles == "*" {
			who = roles
		}
		for _, r := range who {
			require.Contains(t, roles, r, "expectation names an unknown role")
			allowed[fmt.Sprint(r, e.kind, e.act, e.rel)] = true
		}
	}

	a, err := authz.New(nil)
	require.NoError(t, err)
	checked := 0
	for _, r := range identity.Roles {
		for _, k := range authz.ObjectKinds {
			for _, act := range authz.Actions {
				for _, rel := range authz.Relations {
					want := allowed[fmt.Sprint(r, k, act, rel)]
					got := a.Allows([]identity.Role{r}, act, k, rel)
					require.Equal(t, want, got, "%s %s %s in relation %s", r, act, k, rel)
					checked++
				}
			}
		}
	}
	require.Equal(t, len(identity.Roles)*len(authz.ObjectKinds)*len(authz.Actions)*len(authz.Relations), checked)
}

// The purposes each role may declare (Hub-Purpose), in the order of
// consent.Purposes; roles not listed declare none.
var expectedPurposes = map[identity.Role]string{
	identity.Socialsekreterare:       "SAMORDNAD_REHABILITERING SIP GEMENSAM_KARTLAGGNING ANSOKAN_ERSATTNING ARBETSLIVSINRIKTAD_REHABILITERING UPPFOLJNING",
	identity.ForsteSocialsekreterare: "SAMORDNAD_REHABILITERING SIP GEMENSAM_KARTLAGGNING ANSOKAN_ERSATTNING ARBETSLIVSINRIKTAD_REHABILITERING UPPFOLJNING",
	identity.Samverkanskoordinator:   "SAMORDNAD_REHABILITERING SIP GEMENSAM_KARTLAGGNING ANSOKAN_ERSATTNING ARBETSLIVSINRIKTAD_REHABILITERING UPPFOLJNING",
	identity.PersonligHandlaggare:    "SAMORDNAD_REHABILITERING SIP GEMENSAM_KARTLAGGNING ANSOKAN_ERSATTNING",
	identity.Teamkoordinator:         "SAMORDNAD_REHABILITERING GEMENSAM_KARTLAGGNING",
	identity.AFHandlaggare:           "SAMORDNAD_REHABILITERING SIP GEMENSAM_KARTLAGGNING ARBETSLIVSINRIKTAD_REHABILITERING",
	identity.Rehabkoordinator:        "SAMORDNAD_REHABILITERING SIP",
	identity.Forbundsadministrator:   "UPPFOLJNING",
}

func TestPolicyPurposes(t *testing.T) {
	a, err := authz.New(nil)
	require.NoError(t, err)
	for _, r := range identity.Roles {
		got := []string{}
		for _, p := range a.Purposes([]identity.Role{r}) {
			got = append(got, string(p))
		}
		require.Equal(t, strings.Fields(expectedPurposes[r]), got, "purposes of %s", r)
	}
	var two []string
	for _, p := range a.Purposes([]identity.Role{identity.Rehabkoordinator, identity.Forbundsadministrator}) {
		two = append(two, string(p))
	}
	require.Equal(t, []string{"SAMORDNAD_REHABILITERING", "SIP", "UPPFOLJNING"}, two, "several roles act under what any of them does")
}

func TestValidate_NamesEveryBadLine(t *testing.T) {
	err := authz.Validate(strings.Join([]string{
		"# a comment",
		"g, SOCIALSEKRETERARE, anyone",
		"g, KUNG, anyone",
		"p, anyone, case, read, OWN, allow",
		"p, nobody, case, read, OWN, allow",
		"p, anyone, spaceship, read, OWN, allow",
		"p, anyone, case, fly, OWN, allow",
		"p, anyone, case, read, NEIGHBOUR, allow",
		"p, anyone, case, read, OWN, maybe",
		"q, something",
		"p, anyone, purpose, SNOOPING, OWN, allow",
		"p, anyone, purpose, SIP, CONSENTED, allow",
	}, "\n"))
	require.Error(t, err)
	for _, want := range []string{
		`line 3: unknown role "KUNG"`,
		`line 5: "nobody" is neither a role nor a group`,
		`line 6: unknown object kind "spaceship"`,
		`line 7: unknown action "fly"`,
		`line 8: unknown relation "NEIGHBOUR"`,
		`line 9: effect must be allow or deny`,
		`line 10: a line starts with p or g`,
		`line 11: unknown purpose "SNOOPING"`,
		`line 12: a purpose rule has the relation OWN, not "CONSENTED"`,
	} {
		require.ErrorContains(t, err, want)
	}
	require.ErrorContains(t, authz.Validate("# only comments\n"), "no rules")
}

func TestDenyRuleOverridesAllow(t *testing.T) {
	a, err := authz.New(nil)
	require.NoError(t, err)
	require.NoError(t, a.Use(1, "g, ORG_ADMIN, anyone\np, anyone, unit, read, OWN, allow\np, ORG_ADMIN, unit, read, OWN, deny\np, anyone, purpose, SIP, OWN, allow\n"))
	require.False(t, a.Allows([]identity.Role{identity.OrgAdmin}, authz.Read, authz.Unit, authz.Own))
	require.True(t, slices.Contains(identity.Roles, identity.OrgAdmin))
}
