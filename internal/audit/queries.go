package audit

import (
	"embed"

	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads, so that a misspelt name fails every test and
// binary at once.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qAppendRecord   = queries.Must("append_record")
	tListRecords    = queries.Template("list_records", "where", "limit")
	tCountRecords   = queries.Template("count_records", "where")
	qVerifyChains   = queries.Must("verify_chains")
	qAppendAccesses = queries.Must("append_accesses")
	tAccessLog      = queries.Template("access_log", "after")
	qCountAccessLog = page.BoundedCount(queries.Must("count_access_log"))
	qRecorded       = queries.Must("recorded")
	qLockObject     = queries.Must("lock_object")
)
