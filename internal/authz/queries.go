package authz

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
	qStorePolicy   = queries.Must("store_policy")
	qNewestPolicy  = queries.Must("newest_policy")
	qAwaitReplicas = queries.Must("await_replicas")
	qLeadsCaseOf   = queries.Must("leads_case_of")
	qFellowMembers = queries.Must("fellow_members")
)
