package routine

import (
	"embed"

	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qRoutinesByID         = queries.Must("routines_by_id")
	qCurrentRoutine       = queries.Must("current_routine")
	qCurrentRoutines      = queries.Must("current_routines")
	qRoutinesOfFederation = queries.Must("routines_of_federation")
	qTemplates            = queries.Must("templates")
	qInsertVersion        = queries.Must("insert_version")
)
