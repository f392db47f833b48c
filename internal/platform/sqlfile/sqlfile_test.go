package sqlfile_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

func files(m map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range m {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func parse(t *testing.T, text string) *sqlfile.Set {
	t.Helper()
	s, err := sqlfile.Parse(files(map[string]string{"queries.sql": text}), "queries.sql")
	require.NoError(t, err)
	return s
}

func parseErr(t *testing.T, text string) string {
	t.Helper()
	_, err := sqlfile.Parse(files(map[string]string{"queries.sql": text}), "queries.sql")
	require.Error(t, err)
	return err.Error()
}

func TestParse_StatementsFollowTheirNameLine(t *testing.T) {
	t.Parallel()
	s := parse(t, `-- The organisations' statements.
-- (A header: comments before the first name describe the file.)

-- name: organizations_by_id
-- Loads organisations by id ($1).
--
-- Missing ids are absent.
SELECT o.id, o.name
FROM organizations o
	-- a comment inside the SQL is part of it
WHERE o.id = ANY($1);

-- Comments after the SQL belong to the gap, not to the statement.

-- name: count_federations
SELECT count(*) FROM federations
`)
	require.Equal(t, []string{"count_federations", "organizations_by_id"}, s.Names())

	st, ok := s.Lookup("organizations_by_id")
	require.True(t, ok)
	require.Equal(t, "SELECT o.id, o.name\nFROM organizations o\n\t-- a comment inside the SQL is part of it\nWHERE o.id = ANY($1)", st.SQL,
		"the doc comment is not sent, the trailing semicolon is dropped")
	require.Equal(t, "Loads organisations by id ($1).\n\nMissing ids are absent.", st.Doc)
	require.Equal(t, "queries.sql", st.File)
	require.Equal(t, 4, st.Line)
	require.Empty(t, st.Holes)

	require.Equal(t, "SELECT count(*) FROM federations", s.Must("count_federations"))
	_, ok = s.Lookup("nothing")
	require.False(t, ok)
}

func TestParse_ReadsEveryFileOfThePatterns(t *testing.T) {
	t.Parallel()
	fsys := files(map[string]string{
		"read.sql":  "-- name: a\nSELECT 1\n",
		"write.sql": "-- name: b\nDELETE FROM t\n",
		"notes.txt": "not SQL",
	})
	s, err := sqlfile.Parse(fsys, "*.sql")
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, s.Names())

	_, err = sqlfile.Parse(fsys, "missing.sql")
	require.EqualError(t, err, `sqlfile: no file matches "missing.sql"`)
}

func TestParse_RefusesMalformedFilesNamingTheLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, text, want string }{
		{"SQL before the first name", "SELECT 1\n-- name: a\nSELECT 2",
			`sqlfile: queries.sql:1: SQL before the first "-- name:" line`},
		{"a name not in snake case", "-- name: OrganizationsByID\nSELECT 1",
			`sqlfile: queries.sql:1: statement name "OrganizationsByID" is not lower_snake_case (a-z, 0-9, _; a letter first)`},
		{"an empty name", "-- name:\nSELECT 1",
			`sqlfile: queries.sql:1: statement name "" is not lower_snake_case (a-z, 0-9, _; a letter first)`},
		{"two words", "-- name: a b\nSELECT 1",
			`sqlfile: queries.sql:1: statement name "a b" is not lower_snake_case (a-z, 0-9, _; a letter first)`},
		{"no SQL", "-- name: a\n-- only a comment\n\n-- name: b\nSELECT 1",
			`sqlfile: queries.sql:1: statement "a" has no SQL`},
		{"two statements under one name", "-- name: a\nSELECT 1;\nSELECT 2;",
			`sqlfile: queries.sql:2: statement "a" holds more than one statement (a line ends with ;): give each its own name`},
		{"a duplicate name", "-- name: a\nSELECT 1\n\n-- name: a\nSELECT 2",
			`sqlfile: queries.sql:4: statement "a" is named twice (first at queries.sql:1)`},
		{"a malformed hole", "-- name: a\nSELECT {{ Columns }} FROM t",
			`sqlfile: queries.sql:1: statement "a" has a malformed hole "{{ Columns }}": write {{name}} or {{fragment arg ...}} (lower_snake_case names, identifiers as arguments)`},
		{"an unclosed hole", "-- name: a\nSELECT {{columns FROM t",
			`sqlfile: queries.sql:1: statement "a" has a malformed hole "{{columns FROM t…": write {{name}} or {{fragment arg ...}} (lower_snake_case names, identifiers as arguments)`},
		{"an unknown fragment with arguments", "-- name: a\nSELECT 1 FROM t WHERE {{visible t}}",
			`sqlfile: queries.sql:1: statement "a" includes {{visible t}}, but no statement is named "visible"`},
		{"a fragment given the wrong number of arguments", "-- name: visible\n{{alias}}.public\n\n-- name: a\nSELECT 1 FROM t WHERE {{visible t u}}",
			`sqlfile: queries.sql:4: statement "a" includes {{visible t u}} with 2 arguments, but fragment "visible" has 1 holes (alias)`},
		{"a fragment including itself", "-- name: a\nSELECT {{b}}\n\n-- name: b\n1 + {{a}}",
			`sqlfile: queries.sql:1: statement "a" includes itself (a → b → a)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, parseErr(t, tc.text))
		})
	}
}

func TestParse_NamesADuplicateAcrossFiles(t *testing.T) {
	t.Parallel()
	_, err := sqlfile.Parse(files(map[string]string{
		"a.sql": "-- name: same\nSELECT 1\n",
		"b.sql": "\n\n-- name: same\nSELECT 2\n",
	}), "*.sql")
	require.EqualError(t, err, `sqlfile: b.sql:3: statement "same" is named twice (first at a.sql:1)`)
}

func TestMust_PanicsOnAnUnknownNameSayingWhichIsNear(t *testing.T) {
	t.Parallel()
	s := parse(t, "-- name: organizations_by_id\nSELECT 1\n")
	require.PanicsWithValue(t,
		`sqlfile: no statement named "organizatons_by_id" in queries.sql (did you mean "organizations_by_id"?)`,
		func() { s.Must("organizatons_by_id") })
	require.PanicsWithValue(t, `sqlfile: no statement named "units" in queries.sql`, func() { s.Must("units") })
}

func TestMust_PanicsOnAStatementWithHoles(t *testing.T) {
	t.Parallel()
	s := parse(t, "-- name: list\nSELECT 1 FROM t WHERE {{where}} LIMIT {{limit}}\n")
	require.PanicsWithValue(t,
		`sqlfile: statement "list" (queries.sql:1) has holes to fill (where, limit): look it up with Template`,
		func() { s.Must("list") })
}

func TestMustParse_PanicsWithTheParseError(t *testing.T) {
	t.Parallel()
	require.PanicsWithError(t, `sqlfile: queries.sql:1: SQL before the first "-- name:" line`, func() {
		sqlfile.MustParse(files(map[string]string{"queries.sql": "SELECT 1"}), "queries.sql")
	})
}

func TestFragments_AreIncludedWithTheirArguments(t *testing.T) {
	t.Parallel()
	s := parse(t, `-- name: columns
-- The columns of an organisation.
o.id, o.name

-- name: visible
-- The rule, over a row aliased alias.
({{alias}}.public OR {{alias}}.org_id = $1)

-- name: peers
peers AS (SELECT org_id FROM f WHERE {{visible f}})

-- name: list
WITH {{peers}}
SELECT {{columns}} FROM organizations o WHERE {{visible o}} AND {{ where }}
ORDER BY o.name LIMIT {{limit}}
`)
	st, _ := s.Lookup("list")
	require.Equal(t, `WITH peers AS (SELECT org_id FROM f WHERE (f.public OR f.org_id = $1))
SELECT o.id, o.name FROM organizations o WHERE (o.public OR o.org_id = $1) AND {{ where }}
ORDER BY o.name LIMIT {{limit}}`, st.SQL)
	require.Equal(t, []string{"where", "limit"}, st.Holes, "the holes left for Go, in order")
	require.Equal(t, []string{"alias"}, must(s.Lookup("visible")).Holes)
}

func TestFragments_IncludedWithoutArgumentsPassTheirHolesOn(t *testing.T) {
	t.Parallel()
	s := parse(t, `-- name: columns
i.id, {{allowing_consent}} AS consent_id

-- name: by_id
SELECT {{columns}} FROM individuals i WHERE i.id = ANY($1) AND {{visible}}
`)
	st, _ := s.Lookup("by_id")
	require.Equal(t, "SELECT i.id, {{allowing_consent}} AS consent_id FROM individuals i WHERE i.id = ANY($1) AND {{visible}}", st.SQL)
	require.Equal(t, []string{"allowing_consent", "visible"}, st.Holes)
	require.Equal(t, "SELECT i.id, NULL AS consent_id FROM individuals i WHERE i.id = ANY($1) AND true",
		s.Template("by_id", "visible", "allowing_consent").Render("true", "NULL"))
}

func must(st sqlfile.Statement, ok bool) sqlfile.Statement {
	if !ok {
		panic("no statement")
	}
	return st
}

func TestTemplate_RendersValuesInTheOrderOfItsHoles(t *testing.T) {
	t.Parallel()
	s := parse(t, "-- name: list\nSELECT 1 FROM t WHERE {{where}} AND {{where}} LIMIT {{limit}}\n")
	tpl := s.Template("list", "limit", "where")
	require.Equal(t, []string{"limit", "where"}, tpl.Holes())
	require.Equal(t, "SELECT 1 FROM t WHERE a = $1 AND a = $1 LIMIT $2", tpl.Render("$2", "a = $1"))

	require.PanicsWithValue(t, `sqlfile: statement "list" (queries.sql:1) has the holes (where, limit), not (where)`,
		func() { s.Template("list", "where") })
	require.PanicsWithValue(t, `sqlfile: statement "list" (queries.sql:1) has the holes (where, limit), not (where, limt)`,
		func() { s.Template("list", "where", "limt") })
	require.PanicsWithValue(t, `sqlfile: statement "list" has 2 holes (limit, where), rendered with 1 values`,
		func() { tpl.Render("x") })
}

func TestUnused_ListsStatementsNobodyLookedUpOrIncluded(t *testing.T) {
	t.Parallel()
	s := parse(t, "-- name: columns\na, b\n\n-- name: list\nSELECT {{columns}} FROM t\n\n-- name: left_behind\nSELECT 1\n\n-- name: count\nSELECT count(*) FROM t\n")
	require.Equal(t, []string{"count", "left_behind", "list"}, s.Unused(), "an included fragment is used")
	s.Must("list")
	s.Template("count")
	require.Equal(t, []string{"left_behind"}, s.Unused())
}

func TestNameOf_NamesStatementsAndRenderedTemplatesTheProgramLookedUp(t *testing.T) {
	t.Parallel()
	s := parse(t, `-- name: trace_test_cases_by_id
SELECT id FROM cases WHERE id = ANY($1)

-- name: trace_test_cases_filtered
SELECT id, title FROM cases c WHERE c.organization_id = $1 AND {{filter}}

-- name: trace_test_short
SELECT {{columns}} FROM cases
`)
	require.Equal(t, "", sqlfile.NameOf("SELECT id FROM cases WHERE id = ANY($1)"), "not looked up yet")
	byID := s.Must("trace_test_cases_by_id")
	filtered := s.Template("trace_test_cases_filtered", "filter")
	short := s.Template("trace_test_short", "columns")

	require.Equal(t, "trace_test_cases_by_id", sqlfile.NameOf(byID))
	require.Equal(t, "trace_test_cases_filtered", sqlfile.NameOf(filtered.Render("c.status = $2")))
	require.Equal(t, "", sqlfile.NameOf(short.Render("id")), "a beginning as short as \"SELECT \" names nothing")
	require.Equal(t, "", sqlfile.NameOf("SELECT 1"))
}
