package csv

import (
	"embed"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads, so that a misspelt name fails every test and
// binary at once.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qLiveEntries      = queries.Template("live_entries", "entry_columns").Render(directory.EntryColumns)
	qLiveChannels     = queries.Must("live_channels")
	qUnits            = queries.Must("units")
	qPlaceholderEntry = queries.Must("placeholder_entry")
)
