package identity

import (
	"embed"

	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads, so that a misspelt name fails every test and
// binary at once.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qRegisterIssuer       = queries.Must("register_issuer")
	qIssuersByURL         = queries.Must("issuers_by_url")
	qOrganizationByNumber = queries.Must("organization_by_number")
	qOrganizationByID     = queries.Must("organization_by_id")
	qRegisterClientOrigin = queries.Must("register_client_origin")
	qRemoveClientOrigin   = queries.Must("remove_client_origin")
	qClientOrigins        = queries.Must("client_origins")
)
