package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

var samspeletFederation = relay.ID(relay.TypeFederation, demo.ID("federation/samspelet"))

// createCohort starts a cohort of Karlstad's in Samspelet and returns its id.
func createCohort(t *testing.T, srv *testServer, name string) string {
	t.Helper()
	var got struct{ CreateScreeningCohort struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: CreateScreeningCohortInput!) { createScreeningCohort(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"federationId": samspeletFederation, "name": name}}), &got)
	return got.CreateScreeningCohort.ID
}

// cohortFile is a cohort file of n households, numbers from serial 500 on:
// every third has SGI, every fifth missbruk, the others are in the target
// group.
func cohortFile(n int) string {
	var b strings.Builder
	b.WriteString("personnummer,fornamn,efternamn,SGI_SAKNAS,FORSORJNINGSSTOD,SJUKSKRIVEN_ELLER_OHALSA,MISSBRUK\n")
	for i := range n {
		number, _ := testNumber(500 + i)
		sgi, missbruk := "ja", "nej"
		if i%3 == 2 {
			sgi = "nej"
		}
		if i%5 == 4 {
			missbruk = "ja"
		}
		fmt.Fprintf(&b, "%s,Person,Nummer %d,%s,ja,ja,%s\n", number, i, sgi, missbruk)
	}
	return b.String()
}

const importMutation = `mutation($in: ImportScreeningCohortInput!) { importScreeningCohort(input: $in) {
	households registered opened eligible closed
	cohort { name screened eligible criteria { key yes keptOut } }
} }`

type importResult struct {
	ImportScreeningCohort struct {
		Households, Registered, Opened, Eligible, Closed int
		Cohort                                           struct {
			Name               string
			Screened, Eligible int
			Criteria           []struct {
				Key          string
				Yes, KeptOut int
			}
		}
	}
}

// A municipality screens many households at once: the people are
// registered, their cases opened and screened into the cohort, those
// outside the target group closed with their reason, and the cohort counts
// per criterion. Importing again finds the people and their open cases.
func TestCohort_ImportScreensManyHouseholdsAtOnce(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	cohort := createCohort(t, srv, "Förstudie 2026")
	var got importResult
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, importMutation, map[string]any{"in": map[string]any{"cohortId": cohort, "csv": cohortFile(15)}}), &got)
	r := got.ImportScreeningCohort
	// Lines 2, 5, 8, 11, 14 have SGI; 4, 9, 14 missbruk: 7 kept out.
	require.Equal(t, 15, r.Households)
	require.Equal(t, 15, r.Registered)
	require.Equal(t, 15, r.Opened)
	require.Equal(t, 8, r.Eligible)
	require.Equal(t, 7, r.Closed)
	require.Equal(t, 15, r.Cohort.Screened)
	require.Equal(t, 8, r.Cohort.Eligible)
	counts := map[string][2]int{}
	for _, c := range r.Cohort.Criteria {
		counts[c.Key] = [2]int{c.Yes, c.KeptOut}
	}
	require.Equal(t, map[string][2]int{"SGI_SAKNAS": {10, 5}, "FORSORJNINGSSTOD": {15, 0}, "SJUKSKRIVEN_ELLER_OHALSA": {15, 0}, "MISSBRUK": {3, 3}}, counts)

	var closedReasons []string
	rows, err := b.db.Pool.Query(context.Background(), `SELECT t.closure_reason FROM case_transitions t
		JOIN case_screenings s ON s.case_id = t.case_id WHERE s.cohort_id IS NOT NULL AND t.closure_reason IS NOT NULL ORDER BY 1`)
	require.NoError(t, err)
	for rows.Next() {
		var r string
		require.NoError(t, rows.Scan(&r))
		closedReasons = append(closedReasons, r)
	}
	require.Equal(t, []string{"EJ_MALGRUPP", "EJ_MALGRUPP", "EJ_MALGRUPP", "EJ_MALGRUPP", "MISSBRUK", "MISSBRUK", "MISSBRUK"}, closedReasons,
		"the missbruk criterion names its closure reason; the others close as outside the target group")

	// Again: nobody is registered twice; the eligible people's open cases
	// are screened again, the closed ones get new cases.
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, importMutation, map[string]any{"in": map[string]any{"cohortId": createCohort(t, srv, "Uppföljning"), "csv": cohortFile(15)}}), &got)
	require.Zero(t, got.ImportScreeningCohort.Registered)
	require.Equal(t, 7, got.ImportScreeningCohort.Opened)
}

// A file with problems names each, with its line and column, and nothing
// is written.
func TestCohort_ABadFileNamesEveryProblemAndWritesNothing(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	cohort := createCohort(t, srv, "Förstudie")
	count := func() int {
		var n int
		require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM individuals) + (SELECT count(*) FROM cases)`).Scan(&n))
		return n
	}
	before := count()
	good, _ := testNumber(600)
	file := "personnummer,fornamn,efternamn,sgi_saknas,forsorjningsstod,sjukskriven_eller_ohalsa,missbruk\n" +
		good + ",Anna,Ek,ja,ja,ja,nej\n" +
		"19850312-9805,Bo,Ek,ja,ja,ja,nej\n" +
		good + ",,Ek,kanske,ja,ja,nej\n"
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, importMutation, map[string]any{"in": map[string]any{"cohortId": cohort, "csv": file}}), "BAD_USER_INPUT",
		"the cohort cannot be imported: line 3, personnummer: the number's check digit is wrong; line 4, personnummer: the same person as on line 2; "+
			"line 4, fornamn: give 1 to 100 characters; line 4, sgi_saknas: write ja or nej, not \"kanske\"")
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, importMutation, map[string]any{"in": map[string]any{"cohortId": cohort,
		"csv": "personnummer,fornamn,efternamn,sgi\n"}}), "BAD_USER_INPUT",
		`header: column "sgi" is neither a person's column nor a criterion of the routine`)
	require.Equal(t, before, count(), "nothing half-written")
}

// A cohort is its municipality's alone.
func TestCohort_OtherOrganisationsFindNothing(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	cohort := createCohort(t, srv, "Förstudie")
	in := map[string]any{"in": map[string]any{"cohortId": cohort, "csv": cohortFile(2)}}
	requireError(t, postFor(t, srv, "soc.eksjo", rehab, importMutation, in), "NOT_FOUND", "no such cohort")
	requireError(t, postFor(t, srv, "ph.fk", rehab, importMutation, in), "FORBIDDEN", "do not allow create on case")
	requireError(t, postFor(t, srv, "af.karlstad", rehab, importMutation, in), "FORBIDDEN", "do not allow create on case")
	for _, login := range []string{"soc.eksjo", "ph.fk"} {
		var node struct{ Node *struct{ ID string } }
		mustData(t, postFor(t, srv, login, rehab, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": cohort}), &node)
		require.Nil(t, node.Node, login)
	}
	var own struct{ Node *struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": cohort}), &own)
	require.NotNil(t, own.Node)
	// screenCase into a cohort of another förbund, or of nobody's, is refused.
	requireError(t, postFor(t, srv, "soc.karlstad", rehab, `mutation($in: ScreenCaseInput!) { screenCase(input: $in) { case { id } } }`,
		map[string]any{"in": map[string]any{"caseId": demoCaseID, "answers": eligibleAnswers(), "cohortId": relay.ID(relay.TypeScreeningCohort, demo.ID("nothing"))}}),
		"BAD_USER_INPUT", "cohortId: no such cohort")
}

// The file may come as Swedish Excel saves it ("CSV UTF-8": a byte order
// mark, ";" between cells, CRLF): the same households as with commas.
func TestCohort_ImportTakesTheFileAsSwedishExcelSavesIt(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	excel := "\ufeff" + strings.ReplaceAll(strings.ReplaceAll(cohortFile(6), ",", ";"), "\n", "\r\n")
	excel = strings.Replace(excel, "Nummer 1;", "\"Öberg; Ärlig\";", 1)
	var got importResult
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, importMutation, map[string]any{"in": map[string]any{"cohortId": createCohort(t, srv, "Excel"), "csv": excel}}), &got)
	require.Equal(t, 6, got.ImportScreeningCohort.Households)
	require.Equal(t, 6, got.ImportScreeningCohort.Registered)
}
