package consent

import "fmt"

// Scope is what a principal's roles allow them to read of one kind of
// object: what their own organisation owns, and what a samtycke shares
// with them. authz decides it (casbin, relations OWN and CONSENTED); this
// package turns it into SQL.
type Scope struct {
	Own       bool
	Consented bool
}

// Visible renders the rule for an object that belongs to an individual:
// true for a row the principal may see. orgCol is the owning organisation's
// column and individualCol the individual's, e.g. Visible(s, "c.org_id",
// "c.individual_id").
func Visible(s Scope, orgCol, individualCol string) string {
	return render(s, orgCol, individualCol, "")
}

// ClassVisible is Visible for an item of one information class (classCol
// holds it): the samtycke must also list the class.
func ClassVisible(s Scope, orgCol, individualCol, classCol string) string {
	return render(s, orgCol, individualCol, classCol)
}

func render(s Scope, orgCol, individualCol, classCol string) string {
	own := "false"
	if s.Own {
		own = fmt.Sprintf("%s = hub_current_org()", orgCol)
	}
	shared := "false"
	if s.Consented {
		shared = "EXISTS (" + grantsFor(individualCol, classCol) + ")"
	}
	return "(" + own + " OR " + shared + ")"
}

// grantsFor selects the grants in force that share the person (no class:
// only a secrecy waiver, OSL, shares the person and the case core) or one
// class of their information (any kind that shares; PDL only VARD_*).
//
// OFFSET 0 keeps the probe a per-row index lookup: without it the planner,
// which cannot estimate the view's current_setting() filters, may hash
// every grant in force for the organisation (176,000 for FK at national
// scale) before returning the first row of a page, or pull the EXISTS up
// into a join and sort every visible case (docs/samtycke-benchmarks.md).
func grantsFor(individualCol, classCol string) string {
	q := "SELECT 1 FROM consent_grants_in_force g WHERE g.individual_id = " + individualCol
	if classCol != "" {
		q += " AND " + classCol + "::information_class = ANY (g.classes)"
	} else {
		q += " AND g.shares_person"
	}
	return q + " OFFSET 0"
}

// ClassShared renders whether one class of a person's information is the
// principal's to see: owned by its organisation (orgCol), or shared by a
// samtycke in force. class is a constant Class.
func ClassShared(orgCol, individualCol string, class Class) string {
	return fmt.Sprintf("(%s = hub_current_org() OR EXISTS (%s))", orgCol, grantsFor(individualCol, "'"+string(class)+"'"))
}

// AllowingConsent renders an expression for the samtycke that lets the
// principal see a row of another organisation (NULL for the own
// organisation's rows), for the audit trail and the loggutdrag. Of several,
// the lowest id is named, so that the answer is stable.
func AllowingConsent(orgCol, individualCol, classCol string) string {
	q := "SELECT g.consent_id FROM consent_grants_in_force g WHERE g.individual_id = " + individualCol
	if classCol != "" {
		q += " AND " + classCol + "::information_class = ANY (g.classes)"
	} else {
		q += " AND g.shares_person"
	}
	return fmt.Sprintf("CASE WHEN %s = hub_current_org() THEN NULL ELSE (%s ORDER BY g.consent_id LIMIT 1) END", orgCol, q)
}
