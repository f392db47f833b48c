package routine

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// samverkanV2 reads the default routine's version 2 from the migration
// that states it (036, between $samverkan2$ quotes).
func samverkanV2(t *testing.T) Definition {
	t.Helper()
	sql, err := os.ReadFile("../../migrations/036_evidence_outcomes.sql")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?s)\$samverkan2\$(.*?)\$samverkan2\$`).FindSubmatch(sql)
	require.NotNil(t, m)
	var d Definition
	dec := json.NewDecoder(bytes.NewReader(m[1]))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&d))
	return d
}

func TestEvidenceComplete_HoldsTheApplicationRouteUntilTheChecklistIsDone(t *testing.T) {
	t.Parallel()
	d := samverkanV2(t)
	require.Empty(t, d.Validate())
	step, ok := d.Step(GemensamPlanering, VagVald)
	require.True(t, ok)
	open := Facts{EvidenceOpen: []string{"LAKARUTLATANDE (requested)", "AF_REHABILITERING (missing)"}}
	for _, tc := range []struct {
		name   string
		move   Move
		facts  Facts
		failed []string
	}{
		{"the application route waits for every open item", Move{Routes: []Route{RouteFKSamordning, RouteAnsokanErsattning}}, open,
			[]string{"EVIDENCE_COMPLETE: the route ANSOKAN_ERSATTNING needs the evidence complete; received or waived neither: LAKARUTLATANDE (requested), AF_REHABILITERING (missing)"}},
		{"the application route with the checklist done", Move{Routes: []Route{RouteAnsokanErsattning}}, Facts{}, nil},
		{"other routes do not wait", Move{Routes: []Route{RouteFKSamordning}}, open, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.failed, step.Check(tc.move, tc.facts, func(Party) string { return "" }))
		})
	}
}

func TestClosure_NamesAnUnknownBenefit(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	m := Move{To: Avslutad, Closure: &Closure{Reason: ClosureErsattning, Outcome: OutcomeRattErsattning, Benefit: &Benefit{Kind: "PENSION", From: today}}}
	require.Equal(t, []string{`closure.benefit.kind: unknown benefit "PENSION"`}, m.Validate(today))
	m.Closure.Benefit.Kind = BenefitSjukersattning
	require.Empty(t, m.Validate(today))
}
