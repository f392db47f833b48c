package csv_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/directory/csv"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
)

// The files in testdata are byte for byte what the spreadsheets write for
// the same phone list of two functions (åäö and an en dash in the
// cells, a list cell and a description with ";", a channels cell with a
// line break, a description with quotes):
//   - excel-semikolon-ansi.csv: Excel's "CSV (semikolonavgränsad)":
//     Windows-1252, ";", CRLF between records, LF (Alt+Enter) inside a cell;
//   - excel-utf8-bom.csv: Excel's "CSV UTF-8" with Swedish regional
//     settings: a byte order mark, ";", CRLF;
//   - sheets-comma.csv: LibreOffice and Google Sheets: UTF-8, ",", LF.
func TestImport_ReadsThePhoneListAsEachSpreadsheetWritesIt(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	grums := demo.ID("org/grums")
	var first string
	for _, name := range []string{"excel-semikolon-ansi.csv", "excel-utf8-bom.csv", "sheets-comma.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		res, err := importFile(t, b.db.Pool, grums, string(data))
		require.NoError(t, err, name)

		entries := read(t, b.db.Pool, grums)
		var eb *entryWithChannels
		for _, e := range entries {
			if e.FunctionName == "Ekonomiskt bistånd Grums" {
				eb = &e
			}
		}
		require.NotNil(t, eb, "%s: the function's name with å arrives as written", name)
		require.Equal(t, []string{"Åsa Öberg (mån–ons)", "Örjan Ärlig"}, eb.ContactPersons, name)
		require.Equal(t, `Vi svarar samma dag; ring före 12. "Akut" går till växeln.`, eb.Description, name)
		require.Len(t, eb.Channels, 2, name)
		require.Equal(t, "0555-420 00", eb.Channels[0].Value)
		require.Equal(t, "ekonomiskt.bistand@grums.example", eb.Channels[1].Value)

		out := export(t, b.db.Pool, grums)
		if first == "" {
			require.Equal(t, 2, res.Added, name)
			first = out
			continue
		}
		require.Equal(t, csv.ImportResult{Unchanged: 2}, counts(res), "%s says what the first file said", name)
		require.Equal(t, first, out, name)
	}
}

func TestImport_BadExcelFileNamesLineAndColumnAndImportsNothing(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	grums := demo.ID("org/grums")
	before := export(t, b.db.Pool, grums)
	data, err := os.ReadFile(filepath.Join("testdata", "excel-bare-quote-ansi.csv"))
	require.NoError(t, err)
	_, err = importFile(t, b.db.Pool, grums, string(data))
	// Line 5 of the file (the second record spans lines 2–3), the ninth
	// cell.
	requireLines(t, err, 1, `line 5, column 9 (description): not valid CSV: a " inside a cell that does not start with "`)
	require.Equal(t, before, export(t, b.db.Pool, grums), "nothing imported")

	// A problem in a cell is named by the line the record starts on.
	file := strings.ReplaceAll(string(data), "s\xe4ger \"hej\"", "ok")
	file = strings.Replace(file, "Socialf\xf6rvaltningen Grums v\xe4xel;;EKONOMISKT_BISTAND;1764", "Socialf\xf6rvaltningen Grums v\xe4xel;;EKONOMISKT_BISTAND;17640", 1)
	_, err = importFile(t, b.db.Pool, grums, file)
	requireLines(t, err, 1, `line 4: kommunkod "17640" is not four digits`)
	require.Equal(t, before, export(t, b.db.Pool, grums), "nothing imported")
}

// Export in the excel-sv dialect, UTF-8 with a byte order mark and
// Windows-1252, imports back unchanged, and exports again to the same
// bytes: every demo organisation's list, with the line breaks, ";" and
// "|" setup puts into cells.
func TestExportImport_ExcelSvRoundTripChangesNothing(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	ansi, err := csvdialect.ParseDialect("excel-sv", "windows-1252")
	require.NoError(t, err)
	for _, d := range []csvdialect.Dialect{csvdialect.ExcelSv, ansi} {
		for _, org := range b.orgs {
			before := read(t, b.db.Pool, org)
			file := exportIn(t, b, org, d)
			header := strings.Join(csv.Header, ";") + "\r\n"
			if d.BOM {
				header = "\ufeff" + header
			}
			require.True(t, strings.HasPrefix(file, header), "the excel-sv header: %q", file[:min(len(file), 80)])

			res, err := importFile(t, b.db.Pool, org, file)
			require.NoError(t, err)
			require.Equal(t, csv.ImportResult{Unchanged: len(before)}, counts(res), "org %s, %s %s", org, d.Name, d.Encoding)
			require.Equal(t, file, exportIn(t, b, org, d), "export → import → export gives the same bytes")
			require.Equal(t, before, read(t, b.db.Pool, org))
		}
	}
	// The Windows-1252 file is what Excel reads: å is one byte.
	file := exportIn(t, b, demo.ID("org/fk"), ansi)
	require.Contains(t, file, "F\xf6rs\xe4kringskassan")
	require.False(t, slices.Contains([]byte(file), 0xc3), "no UTF-8 sequences")
}

func TestExport_Windows1252RefusesWhatItCannotHoldAndNamesWhere(t *testing.T) {
	t.Parallel()
	ctx, b := setup(t)
	fk := demo.ID("org/fk")
	edit(t, b.db.Pool, fk, demo.ID("entry/fk-samspelet"), func(in *directory.EntryInput) {
		in.Description = "Samverkan med Ελληνική κοινότητα"
	})
	ansi, err := csvdialect.ParseDialect("excel-sv", "windows-1252")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = csv.Export(ctx, b.db.Pool, &fk, &buf, ansi)
	require.ErrorContains(t, err, "column 14 (description): 'Ε' (U+0395) cannot be written in Windows-1252; export in UTF-8 (--encoding utf-8)")
}

func exportIn(t *testing.T, b *testBundle, org uuid.UUID, d csvdialect.Dialect) string {
	t.Helper()
	var buf bytes.Buffer
	_, err := csv.Export(context.Background(), b.db.Pool, &org, &buf, d)
	require.NoError(t, err)
	return buf.String()
}

// Excel opens a lone kommunkod as a number and saves Aneby's 0604 as 604:
// the import puts the 0 back.
func TestImport_PutsBackTheLeadingZeroASpreadsheetDroppedFromAKommunkod(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	aneby := demo.ID("org/aneby")
	file := "function_name;topics;municipality_codes;visibility;channels\r\n" +
		"Ekonomiskt bist\xe5nd Aneby;EKONOMISKT_BISTAND;604;PUBLIC;phone: 0380-461 00\r\n"
	_, err := importFile(t, b.db.Pool, aneby, file)
	require.NoError(t, err)
	var codes []string
	for _, e := range read(t, b.db.Pool, aneby) {
		if e.FunctionName == "Ekonomiskt bistånd Aneby" {
			codes = e.MunicipalityCodes
		}
	}
	require.Equal(t, []string{"0604"}, codes)
}
