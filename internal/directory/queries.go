package directory

import (
	"embed"
	"strconv"

	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads, so that a misspelt name fails every test and
// binary at once.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qWaysIn                = queries.Must("ways_in")
	qEntriesByID           = queries.Must("entries_by_id")
	qChannelsByEntry       = queries.Must("channels_by_entry")
	qCoverage              = queries.Must("coverage")
	qLiveEntryExists       = queries.Must("live_entry_exists")
	qUnitMunicipalities    = queries.Must("unit_municipality_codes")
	qUnknownMunicipalities = queries.Must("unknown_municipality_codes")
	qUpsertEntry           = queries.Must("upsert_entry")
	qDeleteChannels        = queries.Must("delete_channels")
	qAddChannel            = queries.Must("add_channel")
	qArchiveEntry          = queries.Must("archive_entry")
	qEntryByID             = queries.Must("entry_by_id")
	qFallbackDependants    = queries.Template("fallback_dependants", "max_fallback_of").Render(strconv.Itoa(MaxFallbackOf))
	qClearWays             = queries.Must("clear_ways")
	qComputeWays           = queries.Must("compute_ways")
	qClearSearchTerms      = queries.Must("clear_search_terms")
	qIndexForSearch        = queries.Must("index_for_search")
)
