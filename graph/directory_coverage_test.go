package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const coverageQuery = `query($f: ID!) { directoryCoverage(federationId: $f) {
	federation { name } gaps cells { topic municipalityCode entries status } } }`

type coverageResult struct {
	DirectoryCoverage struct {
		Federation struct {
			Name string `json:"name"`
		} `json:"federation"`
		Gaps  int `json:"gaps"`
		Cells []struct {
			Topic            string `json:"topic"`
			MunicipalityCode string `json:"municipalityCode"`
			Entries          int    `json:"entries"`
			Status           string `json:"status"`
		} `json:"cells"`
	} `json:"directoryCoverage"`
}

func (r coverageResult) status(topic, code string) string {
	for _, c := range r.DirectoryCoverage.Cells {
		if c.Topic == topic && c.MunicipalityCode == code {
			return c.Status
		}
	}
	return "missing"
}

func TestDirectoryCoverage_ShowsTheFederationsGaps(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	for _, login := range []string{"admin.samspelet", "koord.karlstad"} {
		t.Run(login, func(t *testing.T) {
			var got coverageResult
			mustData(t, postAs(t, srv, login, coverageQuery, map[string]any{"f": samspeletID}), &got)
			require.Equal(t, "Samordningsförbundet Samspelet", got.DirectoryCoverage.Federation.Name)
			require.Len(t, got.DirectoryCoverage.Cells, 13*4, "13 topics × 4 member municipalities")
			require.Equal(t, "COVERED", got.status("SAMORDNAD_REHABILITERING", "1780"), "FK's function with its national fallback")
			require.Equal(t, "NO_FALLBACK", got.status("EKONOMISKT_BISTAND", "1780"), "Karlstad's mailbox has no fallback")
			require.Equal(t, "NONE", got.status("EKONOMISKT_BISTAND", "1764"), "Grums has no entry")
			require.Equal(t, "NO_FALLBACK", got.status("SAMTYCKE_BLANKETT", "1781"), "AF's national address")
			require.Positive(t, got.DirectoryCoverage.Gaps)
		})
	}
	t.Run("a coordinator of another förbund may not", func(t *testing.T) {
		requireError(t, postAs(t, srv, "soc.karlstad", coverageQuery, map[string]any{"f": samspeletID}), "FORBIDDEN", "directory coverage")
	})
	t.Run("the Höglandet report is not Karlstad's to read", func(t *testing.T) {
		requireError(t, postAs(t, srv, "koord.karlstad", coverageQuery, map[string]any{"f": hoglandetID}), "FORBIDDEN", "directory coverage")
	})
}
