package individuals

import (
	"embed"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads, so that a misspelt name fails every test and
// binary at once. The rule of who may see a person is the consent
// package's: it is rendered into the statements' holes (visible,
// allowing_consent), per request for the viewer's scope.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qRegisterIndividual = queries.Must("register_individual")
	tIndividualsByID    = queries.Template("individuals_by_id", "allowing_consent", "visible")
	tIndividualByNumber = queries.Template("individual_by_number", "allowing_consent", "visible")
	tListIndividuals    = queries.Template("list_individuals", "allowing_consent", "visible", "after")
	tCountIndividuals   = queries.Template("count_individuals", "visible")
	qRekeyOrganizations = queries.Must("rekey_organizations")
	qRekeyBatch         = queries.Must("rekey_batch")
	qRekeyUpdate        = queries.Must("rekey_update")
)

// allowingConsent names the samtycke that lets the viewer see the person i
// (consent.AllowingConsent; the same for every request).
var allowingConsent = consent.AllowingConsent("i.org_id", "i.id", "")

// visible is the rule for the person i in the viewer's scope.
func visible(scope consent.Scope) string { return consent.Visible(scope, "i.org_id", "i.id") }

func byIDSQL(scope consent.Scope) string {
	return tIndividualsByID.Render(allowingConsent, visible(scope))
}

func byNumberSQL(scope consent.Scope) string {
	return tIndividualByNumber.Render(allowingConsent, visible(scope))
}

// listSQL renders List's statement; after says whether a cursor's
// condition on $2, $3 is added.
func listSQL(scope consent.Scope, after bool) string {
	cond := "true"
	if after {
		cond = "(i.registered_at, i.id) < ($2, $3)"
	}
	return tListIndividuals.Render(allowingConsent, visible(scope), cond)
}

func countSQL(scope consent.Scope) string {
	return page.BoundedCount(tCountIndividuals.Render(visible(scope)))
}
