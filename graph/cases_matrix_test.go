package graph_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// The sharing matrix: every demo login × every object of a case (the
// individual, the case core, an item of each information class, the lists
// and their counts, the loggutdrag) × every consent state, through the
// GraphQL API with real tokens. The expectation is computed by an oracle
// written from DESIGN §7, independently of the implementation: loosen any
// one rule (purpose, grantee, unit, class, period, revocation, roles,
// protected identity) and a cell differs.

type viewer struct {
	login, org, unit, purpose string
	readsPeople               bool // individual and case read (own or consented)
	readsItems                bool // case_item read
	accessLog                 string
}

var viewers = []viewer{
	{"soc.karlstad", "karlstad", "eb", rehab, true, true, "ALLOWED"},
	{"koord.karlstad", "karlstad", "samverkan", rehab, true, true, "FORBIDDEN"},
	{"logg.karlstad", "karlstad", "amf", "", false, false, "ALLOWED"},
	{"ph.fk", "fk", "karlstad", rehab, true, true, "NOT_FOUND"},
	{"af.karlstad", "af", "karlstad", rehab, true, true, "NOT_FOUND"},
	{"rehab.vc", "region-varmland", "vc-gripen", rehab, true, true, "NOT_FOUND"},
	{"admin.samspelet", "samspelet", "kansli", "UPPFOLJNING", false, false, "NOT_FOUND"},
	{"soc.eksjo", "eksjo", "eb", rehab, true, true, "NOT_FOUND"},
}

type grant struct {
	org, unit string // unit "" = the whole organisation
	classes   []string
}

// consentState is one column of the matrix.
type consentState struct {
	name      string
	kind      string // "" = OSL_SEKRETESSBRYTANDE
	protected bool
	purposes  []string
	grants    []grant
	from, to  time.Time
	revoke    bool // revoke after recording
	regrant   bool // then record the same again
	none      bool
}

// matrixItems are the items of every matrix case: one of each class by the
// party whose class it is, and one by another care provider.
var matrixItems = []struct{ class, writer string }{
	{"KOMMUN_EKONOMISKT_BISTAND", "karlstad"}, {"KOMMUN_PLANERING", "karlstad"},
	{"FK_BESLUT", "fk"}, {"FK_SAMORDNING", "fk"},
	{"AF_INSKRIVNINGSSTATUS", "af"}, {"AF_INSATSER", "af"},
	{"VARD_SJUKSKRIVNING", "region-varmland"}, {"VARD_MEDICINSKT_UNDERLAG", "region-varmland"}, {"VARD_REHABILITERING", "region-varmland"},
	{"VARD_MEDICINSKT_UNDERLAG", "region-jonkoping"},
}

func kindOf(s consentState) string {
	if s.kind == "" {
		return "OSL_SEKRETESSBRYTANDE"
	}
	return s.kind
}

func matrixStates(today time.Time) []consentState {
	standard := []grant{
		{"fk", "", []string{"KOMMUN_EKONOMISKT_BISTAND", "VARD_SJUKSKRIVNING"}},
		{"region-varmland", "vc-gripen", []string{"KOMMUN_PLANERING", "FK_SAMORDNING"}},
		{"karlstad", "", []string{"FK_BESLUT", "AF_INSATSER"}},
	}
	year := func(d int) time.Time { return today.AddDate(0, 0, d) }
	return []consentState{
		{name: "none", none: true},
		{name: "active", purposes: []string{rehab}, grants: standard, from: year(-30), to: year(300)},
		{name: "other purpose", purposes: []string{"SIP"}, grants: standard, from: year(-30), to: year(300)},
		{name: "other grantee", purposes: []string{rehab}, grants: []grant{
			{"af", "", []string{"KOMMUN_EKONOMISKT_BISTAND"}},
			{"region-varmland", "vc-herrhagen", []string{"KOMMUN_PLANERING", "FK_SAMORDNING"}},
		}, from: year(-30), to: year(300)},
		{name: "expired", purposes: []string{rehab}, grants: standard, from: year(-400), to: year(-1)},
		{name: "not yet valid", purposes: []string{rehab}, grants: standard, from: year(1), to: year(300)},
		{name: "revoked", purposes: []string{rehab}, grants: standard, from: year(-30), to: year(300), revoke: true},
		{name: "revoked then re-granted", purposes: []string{rehab}, grants: standard, from: year(-30), to: year(300), revoke: true, regrant: true},
		{name: "active, protected identity", protected: true, purposes: []string{rehab}, grants: standard, from: year(-30), to: year(300)},
		{name: "PDL between care providers", kind: "PDL_SAMMANHALLEN_JOURNALFORING", purposes: []string{rehab}, grants: []grant{
			{"region-varmland", "vc-gripen", []string{"VARD_MEDICINSKT_UNDERLAG"}},
		}, from: year(-30), to: year(300)},
		{name: "UPPFOLJNING only", kind: "UPPFOLJNING", purposes: []string{"UPPFOLJNING"}, from: year(-30), to: year(300)},
	}
}

// inForce says whether the state's samtycke shares the person with v under
// v's purpose (only a secrecy waiver, OSL, does), and which classes it
// shares with v (OSL any, PDL health care classes, UPPFOLJNING none).
func (s consentState) inForce(v viewer, today time.Time) (bool, []string) {
	if s.none || (s.revoke && !s.regrant) || today.Before(s.from) || today.After(s.to) || !slices.Contains(s.purposes, v.purpose) || s.kind == "UPPFOLJNING" {
		return false, nil
	}
	var classes []string
	matched := false
	for _, g := range s.grants {
		if g.org == v.org && (g.unit == "" || g.unit == v.unit) {
			matched = true
			classes = append(classes, g.classes...)
		}
	}
	return matched && s.kind == "", classes
}

func (s consentState) seesPerson(v viewer, today time.Time) bool {
	if !v.readsPeople {
		return false
	}
	if v.org == "karlstad" {
		return true
	}
	ok, _ := s.inForce(v, today)
	return ok
}

func (s consentState) seesName(v viewer, today time.Time) bool {
	return s.seesPerson(v, today) && (!s.protected || (v.org == "karlstad" && v.unit == "eb"))
}

func (s consentState) seesItem(v viewer, class, writer string, today time.Time) bool {
	if !v.readsItems {
		return false
	}
	if writer == v.org {
		return true
	}
	_, classes := s.inForce(v, today)
	return slices.Contains(classes, class)
}

// seesFact: a case's target group facts and parties are the municipality's
// information of one class.
func (s consentState) seesFact(v viewer, class string, today time.Time) bool {
	if v.org == "karlstad" {
		return v.readsPeople
	}
	_, classes := s.inForce(v, today)
	return slices.Contains(classes, class)
}

type matrixCase struct {
	state      consentState
	individual string
	caseID     string
	items      map[string]string // class@writer → global id
}

func TestSamtycke_Matrix(t *testing.T) {
	t.Parallel()
	t.Run("through the application role (rule and row-level security)", func(t *testing.T) {
		t.Parallel()
		runMatrix(t, false)
	})
	t.Run("as the owner (the application's rule alone, no row-level security)", func(t *testing.T) {
		t.Parallel()
		runMatrix(t, true)
	})
}

func runMatrix(t *testing.T, asOwner bool) {
	srv, b := setupWith(t, asOwner)
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Stockholm")
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	date := func(d time.Time) string { return d.Format("2006-01-02") }
	org := func(key string) string { return relay.ID(relay.TypeOrganization, demo.ID("org/"+key)) }
	unit := func(o, u string) string { return relay.ID(relay.TypeUnit, demo.ID("unit/"+o+"/"+u)) }

	var cases []matrixCase
	for i, st := range matrixStates(today) {
		nine := fmt.Sprintf("9001019%02d", i) // 1990-01-01, serials 9xx: test numbers
		number := fmt.Sprintf("19%s%d", nine, personnummer.CheckDigit(nine))
		var reg struct{ RegisterIndividual struct{ ID string } }
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RegisterIndividualInput!) { registerIndividual(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"personnummer": number, "givenName": "Matris", "familyName": st.name, "protectedIdentity": st.protected}}), &reg)
		var opened struct{ OpenCase struct{ ID string } }
		mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: OpenCaseInput!) { openCase(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"individualId": reg.RegisterIndividual.ID, "federationId": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")),
				"leadUserId": "soc.karlstad", "sgi": "NO", "onForsorjningsstod": true, "healthObstacle": true, "careContact": false, "afStatus": "UNKNOWN"}}), &opened)
		mc := matrixCase{state: st, individual: reg.RegisterIndividual.ID, caseID: opened.OpenCase.ID, items: map[string]string{}}
		_, caseKey, err := relay.ParseID(mc.caseID)
		require.NoError(t, err)
		// Each party's item and a party of the case, written directly (the
		// parties' own mutations are tested elsewhere).
		for _, it := range matrixItems {
			id := uuid.New()
			_, err := b.db.Pool.Exec(ctx, `INSERT INTO case_items (id, case_id, individual_id, case_org_id, org_id, class, purpose, summary, recorded_at, recorded_by)
				SELECT $1, c.id, c.individual_id, c.org_id, $2, $3, 'SAMORDNAD_REHABILITERING', 'matrix', now(), 'test' FROM cases c WHERE c.id = $4`,
				id, demo.ID("org/"+it.writer), it.class, caseKey)
			require.NoError(t, err)
			mc.items[it.class+"@"+it.writer] = relay.ID(relay.TypeCaseItem, id)
		}
		_, err = b.db.Pool.Exec(ctx, `INSERT INTO case_participants (case_id, org_id, individual_id, participant_org_id, added_at, added_by)
			SELECT c.id, c.org_id, c.individual_id, $2, now(), 'test' FROM cases c WHERE c.id = $1`, caseKey, demo.ID("org/fk"))
		require.NoError(t, err)
		record := func() string {
			grants := []map[string]any{}
			for _, g := range st.grants {
				in := map[string]any{"organizationId": org(g.org), "classes": g.classes}
				if g.unit != "" {
					in["unitId"] = unit(g.org, g.unit)
				}
				grants = append(grants, in)
			}
			var rec struct{ RecordConsent struct{ ID string } }
			mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: RecordConsentInput!) { recordConsent(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"individualId": mc.individual, "kind": kindOf(st), "purposes": st.purposes,
					"grants": grants, "givenBy": "PERSON", "validFrom": date(st.from), "validUntil": date(st.to),
					"evidence": "WRITTEN", "formReference": "Blankett " + st.name, "requestedById": org("fk")}}), &rec)
			return rec.RecordConsent.ID
		}
		if !st.none {
			id := record()
			if st.revoke {
				mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($id: ID!) { revokeConsent(id: $id, reason: "matris") { id } }`,
					map[string]any{"id": id}), &struct{}{})
			}
			if st.regrant {
				record()
			}
		}
		cases = append(cases, mc)
	}

	for _, v := range viewers {
		t.Run(v.login, func(t *testing.T) {
			// Every object through `nodes`, one case at a time.
			type nodeView struct {
				ID            string
				GivenName     *string
				Personnummer  *string
				SharedClasses []string
				Items         []struct{ ID string }
				Individual    *struct {
					ID        string
					GivenName *string
				}
				Sgi                *string
				OnForsorjningsstod *bool
				HealthObstacle     *bool
				CareContact        *bool
				AfStatus           *string
				Participants       []struct{ Organization struct{ Name string } }
			}
			for _, mc := range cases {
				st := mc.state
				cell := fmt.Sprintf("%s / %s", v.login, st.name)
				ids := []string{mc.individual, mc.caseID}
				for _, id := range mc.items {
					ids = append(ids, id)
				}
				r := postFor(t, srv, v.login, v.purpose, `query($ids: [ID!]!) { nodes(ids: $ids) {
					... on Individual { id givenName personnummer }
					... on Case { id sharedClasses items { id } individual { id givenName }
						sgi onForsorjningsstod healthObstacle careContact afStatus participants { organization { name } } }
					... on CaseItem { id class } } }`, map[string]any{"ids": ids})
				if v.purpose == "" {
					requireError(t, r, "BAD_USER_INPUT", "Hub-Purpose")
					continue
				}
				var got struct{ Nodes []*nodeView }
				mustData(t, r, &got)
				byID := map[string]int{}
				for i, n := range got.Nodes {
					if n != nil {
						byID[n.ID] = i
					}
				}
				person := st.seesPerson(v, today)
				i, seen := byID[mc.individual]
				require.Equal(t, person, seen, "%s: individual", cell)
				_, caseSeen := byID[mc.caseID]
				require.Equal(t, person, caseSeen, "%s: case", cell)
				if seen {
					n := got.Nodes[i]
					require.Equal(t, st.seesName(v, today), n.GivenName != nil, "%s: name shown", cell)
					require.Equal(t, st.seesName(v, today), n.Personnummer != nil, "%s: number shown", cell)
				}
				var wantItems, gotItems []string
				for key, id := range mc.items {
					class, writer, _ := strings.Cut(key, "@")
					want := st.seesItem(v, class, writer, today)
					_, itemSeen := byID[id]
					require.Equal(t, want, itemSeen, "%s: item %s", cell, key)
					if want {
						wantItems = append(wantItems, id)
					}
				}
				if caseSeen {
					c := got.Nodes[byID[mc.caseID]]
					for _, it := range c.Items {
						gotItems = append(gotItems, it.ID)
					}
					sort.Strings(wantItems)
					sort.Strings(gotItems)
					require.Equal(t, wantItems, gotItems, "%s: the case's items", cell)
					_, shared := st.inForce(v, today)
					require.ElementsMatch(t, shared, c.SharedClasses, "%s: shared classes", cell)
					eb, plan := st.seesFact(v, "KOMMUN_EKONOMISKT_BISTAND", today), st.seesFact(v, "KOMMUN_PLANERING", today)
					require.Equal(t, eb, c.Sgi != nil, "%s: sgi", cell)
					require.Equal(t, eb, c.OnForsorjningsstod != nil, "%s: onForsorjningsstod", cell)
					require.Equal(t, plan, c.HealthObstacle != nil, "%s: healthObstacle", cell)
					require.Equal(t, plan, c.CareContact != nil, "%s: careContact", cell)
					require.Equal(t, plan, c.AfStatus != nil, "%s: afStatus", cell)
					require.Equal(t, plan, len(c.Participants) == 1, "%s: participants", cell)
				}
			}

			// Lists and their counts hold exactly the visible ones.
			r := postFor(t, srv, v.login, v.purpose, `{ cases(first: 100) { totalCount nodes { id } } individuals(first: 100) { totalCount nodes { id } } }`, nil)
			if v.purpose == "" {
				require.NotEmpty(t, r.Errors)
				require.Equal(t, "BAD_USER_INPUT", r.code(0))
			} else if !v.readsPeople {
				require.NotEmpty(t, r.Errors)
				require.Equal(t, "FORBIDDEN", r.code(0))
			} else {
				var lists struct {
					Cases, Individuals struct {
						TotalCount int
						Nodes      []struct{ ID string }
					}
				}
				mustData(t, r, &lists)
				require.Len(t, lists.Cases.Nodes, lists.Cases.TotalCount, "the count is the list's")
				require.Len(t, lists.Individuals.Nodes, lists.Individuals.TotalCount, "the count is the list's")
				listed := map[string]bool{}
				for _, n := range append(lists.Cases.Nodes, lists.Individuals.Nodes...) {
					listed[n.ID] = true
				}
				for _, mc := range cases {
					want := mc.state.seesPerson(v, today)
					require.Equal(t, want, listed[mc.caseID], "%s / %s: cases list", v.login, mc.state.name)
					require.Equal(t, want, listed[mc.individual], "%s / %s: individuals list", v.login, mc.state.name)
				}
			}

			// The loggutdrag: the person's municipality's loggranskare and the case lead.
			for _, mc := range cases {
				r := postFor(t, srv, v.login, v.purpose, `query($id: ID!) { accessLog(individualId: $id) { totalCount } }`, map[string]any{"id": mc.individual})
				if v.accessLog == "ALLOWED" {
					var log struct{ AccessLog struct{ TotalCount int } }
					mustData(t, r, &log)
					require.Positive(t, log.AccessLog.TotalCount, "%s / %s: accessLog", v.login, mc.state.name)
				} else {
					requireError(t, r, v.accessLog, "")
				}
			}
		})
	}
}
