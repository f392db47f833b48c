package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/directory/csv"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

// header is the first format's (per-kind channel columns, no contact
// persons, no ids): such files still import.
const header = "function_name,unit,topics,lead_topics,target_groups,municipality_codes,national,visibility,expected_answer,fallback,staffed_by_roles,phone,phone_hours,funktionsbrevlada,secure_message,visiting_address,on_site,on_site_hours,description\n"

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "lista.csv")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestDirectoryImport_AllOrNothingWithALineNumberedReport(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, run(ctx, []string{"seed", "--database-url", d.URL, "demo"}))
	count := func() (n int) {
		require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM directory_entries WHERE archived_at IS NULL`).Scan(&n))
		return n
	}
	before := count()

	bad := writeFile(t, header+
		"Ekonomiskt bistånd Grums,Ekonomiskt bistånd,EKONOMISKT_BISTAND,,,1764,nej,PUBLIC,,,,0555-420 00,mån-fre 08:00-12:00,,,,,,\n"+
		"Okänd kommun,,EKONOMISKT_BISTAND,,,9999,nej,PUBLIC,,,,,,eb@grums.example,,,,,\n"+
		"Felaktigt nummer,,EKONOMISKT_BISTAND,,,1764,nej,PUBLIC,,,,ring Anna,,,,,,,\n"+
		"Okänt ämne,,FIKA,,,1764,nej,PUBLIC,,,,,,eb@grums.example,,,,,\n"+
		"Ekonomiskt bistånd Grums,,EKONOMISKT_BISTAND,,,1764,nej,PUBLIC,,,,,,eb2@grums.example,,,,,\n"+
		"Fel tider,,EKONOMISKT_BISTAND,,,1764,nej,PUBLIC,,,,0555-420 00,måndag 8-12,,,,,,\n")
	err := run(ctx, []string{"directory", "import", bad, "--database-url", d.URL, "--org", "212000-1827"})
	require.Error(t, err)
	for _, want := range []string{
		`line 4: channels[0]: "ring Anna" is not a phone number`,
		`line 5: unknown topic "FIKA"`,
		`line 6: duplicate function "Ekonomiskt bistånd Grums" (also on line 2)`,
		`line 7: days "måndag" are not like mån, tis, … or mån-fre`,
	} {
		require.ErrorContains(t, err, want)
	}
	require.Equal(t, before, count(), "nothing imported")

	// The unknown kommunkod is found against the database, after the file
	// itself is clean.
	unknown := writeFile(t, header+"Okänd kommun,,EKONOMISKT_BISTAND,,,9999,nej,PUBLIC,,,,,,eb@grums.example,,,,,\n")
	err = run(ctx, []string{"directory", "import", unknown, "--database-url", d.URL, "--org", "212000-1827"})
	require.ErrorContains(t, err, "line 2: unknown kommunkod: 9999")
	require.Equal(t, before, count())

	good := writeFile(t, header+
		"Ekonomiskt bistånd Grums,Ekonomiskt bistånd,EKONOMISKT_BISTAND,EKONOMISKT_BISTAND,nollplacerade,,nej,PUBLIC,samma dag,Socialförvaltningen Grums växel,SOCIALSEKRETERARE,0555-420 00,mån-fre 08:00-12:00,ekonomisktbistand@grums.example,,,,,Dagansvar läser brevlådan.\n"+
		"Socialförvaltningen Grums växel,,EKONOMISKT_BISTAND,,,1764,nej,PUBLIC,,,,0555-420 10,mån-fre 08:00-16:30,,,,,,\n")
	require.NoError(t, run(ctx, []string{"directory", "import", good, "--database-url", d.URL, "--org", "212000-1827"}))
	require.Equal(t, before+2, count())
	require.NoError(t, run(ctx, []string{"directory", "import", good, "--database-url", d.URL, "--org", "212000-1827"}))
	require.Equal(t, before+2, count(), "importing again replaces, by function name")

	// Export, and the export imports again unchanged.
	out := filepath.Join(t.TempDir(), "export.csv")
	f, err := os.Create(out)
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = f
	err = run(ctx, []string{"directory", "export", "--database-url", d.URL, "--org", "212000-1827"})
	os.Stdout = stdout
	require.NoError(t, err)
	require.NoError(t, f.Close())
	exported, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(exported), strings.Join(csv.Header, ",")+"\n"))
	require.Contains(t, string(exported), "phone: 0555-420 00 | hours: mån-fre 08:00-12:00")
	rows, err := csv.Parse(strings.NewReader(string(exported)), csvdialect.Input{})
	require.NoError(t, err)
	require.Len(t, rows, 2)
	require.NoError(t, run(ctx, []string{"directory", "import", out, "--database-url", d.URL, "--org", "212000-1827"}))
	require.Equal(t, before+2, count())

	require.ErrorContains(t, run(ctx, []string{"directory", "import", good, "--database-url", d.URL, "--org", "999999-9999"}), "no organisation")
	require.ErrorContains(t, run(ctx, []string{"directory", "import", writeFile(t, "name,phone\n"), "--database-url", d.URL, "--org", "212000-1827"}), `line 1: unknown column "name"`)
}

// The import runs through the directory's use case, as the organisation's
// ORG_ADMIN in the operator's name, and leaves an audit record like the
// API: the entries it saved, or why it failed.
func TestDirectoryImport_IsAudited(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, run(ctx, []string{"seed", "--database-url", d.URL, "demo"}))
	good := writeFile(t, header+
		"Socialförvaltningen Grums växel,,EKONOMISKT_BISTAND,,,1764,nej,PUBLIC,,,,0555-420 10,mån-fre 08:00-16:30,,,,,,\n")
	require.NoError(t, run(ctx, []string{"directory", "import", good, "--database-url", d.URL, "--org", "212000-1827", "--as", "anna.admin"}))
	bad := writeFile(t, header+"Okänt ämne,,FIKA,,,1764,nej,PUBLIC,,,,,,eb@grums.example,,,,,\n")
	require.Error(t, run(ctx, []string{"directory", "import", bad, "--database-url", d.URL, "--org", "212000-1827", "--as", "anna.admin"}))

	type record struct {
		UserID, OperationType, OperationName, Decision string
		Roles                                          []string
		ObjectIDs                                      []string
		Reason                                         *string
	}
	rows, err := d.Pool.Query(ctx, `SELECT r.user_id, r.operation_type, r.operation_name, r.decision, r.roles, r.object_ids, r.reason
		FROM audit_records r JOIN organizations o ON o.id = r.org_id WHERE o.org_number = '212000-1827'
		  AND r.operation_name NOT LIKE 'seedDemo: %' -- the seed's own record of Grums
		ORDER BY r.at, r.lane, r.seq`)
	require.NoError(t, err)
	var recs []record
	for rows.Next() {
		var r record
		require.NoError(t, rows.Scan(&r.UserID, &r.OperationType, &r.OperationName, &r.Decision, &r.Roles, &r.ObjectIDs, &r.Reason))
		recs = append(recs, r)
	}
	require.NoError(t, rows.Err())
	require.Len(t, recs, 2)
	require.Equal(t, "cli:anna.admin", recs[0].UserID)
	require.Equal(t, []string{"ORG_ADMIN"}, recs[0].Roles)
	require.Equal(t, "cli", recs[0].OperationType)
	require.Equal(t, "directory import lista.csv", recs[0].OperationName)
	require.Equal(t, "ALLOWED", recs[0].Decision)
	require.Len(t, recs[0].ObjectIDs, 1, "the entry it saved")
	require.Nil(t, recs[0].Reason)
	require.Equal(t, "cli", recs[1].OperationType)
	require.NotNil(t, recs[1].Reason)
	require.Contains(t, *recs[1].Reason, "rolled back")

	var reviewer string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT reviewed_by FROM directory_entries WHERE function_name = 'Socialförvaltningen Grums växel'`).Scan(&reviewer))
	require.Equal(t, "cli:anna.admin", reviewer, "saving counts as the operator's review")
	require.NoError(t, run(ctx, []string{"audit", "--database-url", d.URL, "verify"}))
}

// Export --dialect excel-sv writes what Swedish Excel opens with a double
// click; import reads it back without being told, and a forced separator
// or encoding is taken as given.
func TestDirectoryExportImport_ExcelSvDialectThroughTheCommand(t *testing.T) {
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, run(ctx, []string{"seed", "--database-url", d.URL, "demo"}))
	exportTo := func(args ...string) []byte {
		out := filepath.Join(t.TempDir(), "export.csv")
		f, err := os.Create(out)
		require.NoError(t, err)
		stdout := os.Stdout
		os.Stdout = f
		err = run(ctx, append([]string{"directory", "export", "--database-url", d.URL, "--org", "202100-5521"}, args...))
		os.Stdout = stdout
		require.NoError(t, err)
		require.NoError(t, f.Close())
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		return b
	}
	ansi := exportTo("--dialect", "excel-sv", "--encoding", "windows-1252")
	require.True(t, strings.HasPrefix(string(ansi), strings.Join(csv.Header, ";")+"\r\n"), "%q", ansi[:40])
	require.Contains(t, string(ansi), "F\xf6rs\xe4kringskassan", "å, ä and ö are one byte each")
	withBOM := exportTo("--dialect", "excel-sv")
	require.True(t, strings.HasPrefix(string(withBOM), "\ufeff"+strings.Join(csv.Header, ";")+"\r\n"))

	file := writeFile(t, string(ansi))
	require.NoError(t, run(ctx, []string{"directory", "import", file, "--database-url", d.URL, "--org", "202100-5521"}))
	require.Equal(t, ansi, exportTo("--dialect", "excel-sv", "--encoding", "windows-1252"), "the import changed nothing")

	err := run(ctx, []string{"directory", "import", file, "--separator", "comma", "--database-url", d.URL, "--org", "202100-5521"})
	require.ErrorContains(t, err, "line 1: unknown column")
	err = run(ctx, []string{"directory", "import", file, "--encoding", "utf-8", "--database-url", d.URL, "--org", "202100-5521"})
	require.ErrorContains(t, err, "not UTF-8, but UTF-8 was asked for")
	err = run(ctx, []string{"directory", "export", "--dialect", "excel", "--database-url", d.URL})
	require.ErrorContains(t, err, `unknown dialect "excel": use standard or excel-sv`)
}
