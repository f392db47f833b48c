package cases

import (
	"embed"
	"slices"
	"strconv"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads, so that a misspelt name fails every test and
// binary at once. The rule of who may see a case, a party or an item is
// the consent package's: it is rendered into the statements' holes, per
// request for the viewer's scope (visible) or once (allowing_consent and
// the facts' rules).

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	tCasesByID           = caseTemplate("cases_by_id", "visible")
	tCasesOfIndividuals  = caseTemplate("cases_of_individuals", "visible")
	tListCases           = caseTemplate("list_cases", "visible", "filter", "limit")
	tCountCases          = queries.Template("count_cases", "visible", "filter")
	tParticipantsOfCases = queries.Template("participants_of_cases", "visible")
	tItemsOfCases        = queries.Template("items_of_cases", "visible", "allowing_consent")
	tItemsByID           = queries.Template("items_by_id", "visible", "allowing_consent")

	tTransitionsOfCases = queries.Template("transitions_of_cases", "visible", "details_visible", "allowing_consent")
	tScreeningsOfCases  = queries.Template("screenings_of_cases", "visible", "allowing_consent")

	qOpenCase        = queries.Must("open_case")
	qAddParticipant  = queries.Must("add_participant")
	qRecordItem      = queries.Must("record_item")
	qSharedClasses   = queries.Must("shared_classes")
	qMoveCase        = queries.Must("move_case")
	qMoveToRoutine   = queries.Must("move_case_to_routine")
	qRecordScreening = queries.Must("record_screening")

	qCreateCohort          = queries.Must("create_cohort")
	qCohortsByID           = queries.Must("cohorts_by_id")
	qCohortsOfFederation   = queries.Must("cohorts_of_federation")
	qCohortCounts          = queries.Must("cohort_counts")
	qCohortCriterionCounts = queries.Must("cohort_criterion_counts")
	qOpenCaseInFederation  = queries.Must("open_case_in_federation")
)

// factColumns are the target group facts of a case, in the order of
// case_columns' holes {{<fact>_visible}}.
var factColumns = []string{"sgi", "on_forsorjningsstod", "health_obstacle", "care_contact", "af_status"}

// caseHoles are the holes case_columns leaves in a statement that reads
// cases, and caseValues their values, the same for every request: the
// samtycke that lets the viewer see a case, and the rule of each fact's
// class (FactClasses).
var caseHoles, caseValues = func() ([]string, []string) {
	holes := []string{"allowing_consent"}
	values := []string{consent.AllowingConsent("c.org_id", "c.individual_id", "")}
	for _, col := range factColumns {
		holes = append(holes, col+"_visible")
		values = append(values, consent.ClassShared("c.org_id", "c.individual_id", FactClasses[col]))
	}
	return holes, values
}()

// caseTemplate looks up a statement that reads cases, with its own holes
// (rendered first) and case_columns'.
func caseTemplate(name string, own ...string) sqlfile.Template {
	return queries.Template(name, slices.Concat(own, caseHoles)...)
}

// visibleCase is the rule for the case c in the viewer's scope.
func visibleCase(scope consent.Scope) string {
	return consent.Visible(scope, "c.org_id", "c.individual_id")
}

// itemAllowingConsent names the samtycke that lets the viewer see the item
// it (the same for every request).
var itemAllowingConsent = consent.AllowingConsent("it.org_id", "it.individual_id", "it.class")

// visibleItem is the rule for the item it in the viewer's scope.
func visibleItem(scope consent.Scope) string {
	return consent.ClassVisible(scope, "it.org_id", "it.individual_id", "it.class")
}

func byIDSQL(scope consent.Scope) string {
	return tCasesByID.Render(slices.Concat([]string{visibleCase(scope)}, caseValues)...)
}

func ofIndividualsSQL(scope consent.Scope) string {
	return tCasesOfIndividuals.Render(slices.Concat([]string{visibleCase(scope)}, caseValues)...)
}

// listSQL renders List's statement: filter holds the conditions of the
// filter and the cursor ("" or " AND …"), limit the rows to read.
func listSQL(scope consent.Scope, filter string, limit int) string {
	return tListCases.Render(slices.Concat([]string{visibleCase(scope), filter, strconv.Itoa(limit)}, caseValues)...)
}

func countSQL(scope consent.Scope, filter string) string {
	return page.BoundedCount(tCountCases.Render(visibleCase(scope), filter))
}

func participantsSQL(scope consent.Scope) string {
	return tParticipantsOfCases.Render(consent.ClassVisible(scope, "p.org_id", "p.individual_id", "'"+string(ParticipantsClass)+"'"))
}

func itemsSQL(scope consent.Scope) string {
	return tItemsOfCases.Render(visibleItem(scope), itemAllowingConsent)
}

func itemsByIDSQL(scope consent.Scope) string {
	return tItemsByID.Render(visibleItem(scope), itemAllowingConsent)
}
