package cases

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/routine"
)

var cohortRoutine = routine.Definition{Screening: []routine.Criterion{
	{Key: "SGI_SAKNAS", Question: "Saknar SGI?"},
	{Key: "MISSBRUK", Question: "Missbruk?", Excludes: true},
}}

// The files in testdata are the same three households as Swedish Excel
// writes them: "CSV (semikolonavgränsad)" (Windows-1252, ";", CRLF) and
// "CSV UTF-8" (a byte order mark, ";", CRLF), with a family name holding
// ";" and one holding quotes.
func TestParseCohortFile_ReadsWhatSwedishExcelWrites(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	for _, name := range []string{"cohort-excel-semikolon-ansi.csv", "cohort-excel-utf8-bom.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		rows, err := ParseCohortFile(strings.NewReader(string(data)), cohortRoutine, today)
		require.NoError(t, err, name)
		require.Len(t, rows, 3)
		require.Equal(t, CohortRow{Line: 2, Personnummer: "197707077017", GivenName: "Åsa", FamilyName: "Öberg; Ärlig",
			Answers: map[string]bool{"SGI_SAKNAS": true, "MISSBRUK": false}}, rows[0], name)
		require.Equal(t, `"Gurra" Åkesson`, rows[1].FamilyName)
		require.Equal(t, "Märta", rows[2].GivenName)
	}
}

// A number a spreadsheet changed is named with its line and how to keep
// it whole, never repeated; a line is the file's line even after a cell
// with a line break; a file that is not CSV says where.
func TestParseCohortFile_NamesLineAndColumnOfWhatASpreadsheetBroke(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	file := "\ufeffpersonnummer;fornamn;efternamn;sgi_saknas;missbruk\r\n" +
		"7,70707E+09;\"Åsa\nMaria\";Öberg;ja;nej\r\n" +
		"770707701;Bo;Ek;ja;nej\r\n" +
		"770707-7033;Märta;Lindén;ja;kanske\r\n"
	_, err := ParseCohortFile(strings.NewReader(file), cohortRoutine, today)
	require.EqualError(t, err, "the cohort cannot be imported: "+
		"line 2, personnummer: the spreadsheet wrote the number in exponent form and lost its last digits; format the column as Text in the spreadsheet (or write the numbers with their dash, ÅÅÅÅMMDD-NNNN) and save again; "+
		"line 4, personnummer: nine digits: a spreadsheet drops the leading 0 of a number; format the column as Text in the spreadsheet (or write the numbers with their dash, ÅÅÅÅMMDD-NNNN) and save again; "+
		`line 5, missbruk: write ja or nej, not "kanske"`)
	require.NotContains(t, err.Error(), "770707")

	_, err = ParseCohortFile(strings.NewReader("personnummer;fornamn;efternamn;sgi_saknas;missbruk\r\n770707-7033;M\xe4rta;\"Lind\xe9n\" Ek;ja;nej\r\n"), cohortRoutine, today)
	require.EqualError(t, err, `the cohort cannot be imported: line 2, column 3 (efternamn): not valid CSV: a cell's closing " is missing or followed by more text; write a " inside a cell twice ("")`)
}
