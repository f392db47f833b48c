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

// sharing names the samtycken in force that share the person (no class:
// only a secrecy waiver, OSL, shares the person and the case core) or one
// class of their information (any kind that shares; PDL only VARD_*) with
// the transaction's principal under its declared purpose.
//
// The rule itself lives in the database, in the functions hub_shares_person
// and hub_shares_class (migration 021), which the row-security policies call
// too. They are inlined into the query, and each call is a per-row index
// lookup: Postgres can neither pull an EXISTS over one of them up into a
// join nor hash every grant in force for the organisation (176,000 for FK at
// national scale) before the first row of a page
// (docs/samtycke-benchmarks.md).
func sharing(individualCol, classCol string) string {
	if classCol == "" {
		return "hub_shares_person(" + individualCol + ")"
	}
	return "hub_shares_class(" + individualCol + ", " + classCol + "::information_class)"
}

// grantsFor selects a row for each samtycke that shares (see sharing).
func grantsFor(individualCol, classCol string) string {
	return "SELECT 1 FROM " + sharing(individualCol, classCol)
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
	return fmt.Sprintf("CASE WHEN %s = hub_current_org() THEN NULL ELSE (SELECT s.consent_id FROM %s s ORDER BY s.consent_id LIMIT 1) END",
		orgCol, sharing(individualCol, classCol))
}

// EveryClassShared renders whether a samtycke in force shares with the
// principal, under its declared purpose, the person in individualCol (the
// case core: only a secrecy waiver does) and every information class in
// the array classesCol: for something another organisation wrote that
// carries several classes at once (a task between agencies).
func EveryClassShared(individualCol, classesCol string) string {
	return fmt.Sprintf("(EXISTS (%s) AND NOT EXISTS (SELECT 1 FROM unnest(%s) AS cls(class) WHERE NOT EXISTS (%s)))",
		grantsFor(individualCol, ""), classesCol, grantsFor(individualCol, "cls.class"))
}

// ForeignClassesShared is EveryClassShared for the person's own
// organisation, which sees the person and its own classes anyway: every
// class in classesCol that is not its own must be shared.
func ForeignClassesShared(individualCol, classesCol string) string {
	return fmt.Sprintf("NOT EXISTS (SELECT 1 FROM unnest(%s) AS cls(class) WHERE NOT starts_with(cls.class::text, hub_own_class_prefix()) AND NOT EXISTS (%s))",
		classesCol, grantsFor(individualCol, "cls.class"))
}

// ClassesConsent renders the samtycke (the lowest id) that shares one of
// the classes in classesCol of the person with the principal, for the
// audit trail of a read EveryClassShared or ForeignClassesShared allowed.
func ClassesConsent(individualCol, classesCol string) string {
	return fmt.Sprintf("(SELECT s.consent_id FROM unnest(%s) AS cls(class), %s s ORDER BY s.consent_id LIMIT 1)",
		classesCol, sharing(individualCol, "cls.class"))
}
