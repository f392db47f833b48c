package consent

import (
	"embed"

	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's static SQL is in queries.sql; each statement is looked up
// here, when the package loads, so that a misspelt name fails every test
// and binary at once. The sharing rule is rendered in Go (rule.go).

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qRecordConsent          = queries.Must("record_consent")
	qRecordConsentGrants    = queries.Must("record_consent_grants")
	qGranteeKinds           = queries.Must("grantee_kinds")
	qRevokeConsent          = queries.Must("revoke_consent")
	qConsentsByID           = queries.Must("consents_by_id")
	qConsentsForIndividuals = queries.Must("consents_for_individuals")
	qConsentGrants          = queries.Must("consent_grants")
	qSharesPersonWith       = queries.Must("shares_person_with")
	qAnnounce               = queries.Must("announce")
	qGranteesInForce        = queries.Must("grantees_in_force")
)
