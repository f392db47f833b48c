package cases

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/tenancy"
)

func ptr[T any](v T) *T { return &v }

// An input with every problem names each after its field, in the order of
// the fields, all at once: the same message every time.
func TestOpenInput_ProblemsInFieldOrder(t *testing.T) {
	t.Parallel()
	noUnit := Author{OrgID: uuid.New(), OrgKind: tenancy.Kommun, UserID: "soc.karlstad"}
	bad := OpenInput{LeadUserID: ptr("  "), LeadName: ptr(strings.Repeat("x", 201)), SGI: "MAYBE", AFStatus: "SOMETIMES"}
	want := []string{
		"unitId: name the owning unit: your token carries none",
		"leadUserId must be 1–200 characters",
		"leadName must be 1–200 characters",
		`sgi must be YES, NO or UNKNOWN, got "MAYBE"`,
		`afStatus must be INSKRIVEN, INTE_INSKRIVEN or UNKNOWN, got "SOMETIMES"`,
	}
	for range 3 {
		require.Equal(t, want, bad.problems(noUnit))
	}

	withUnit := noUnit
	withUnit.UnitID = ptr(uuid.New())
	good := OpenInput{LeadName: ptr(" Anna Lind "), SGI: SGINo, AFStatus: AFInskriven}
	require.Empty(t, good.problems(withUnit), "the owning unit defaults to the author's")
	good.UnitID = ptr(uuid.New())
	require.Empty(t, good.problems(noUnit), "or is named")
}

func TestNewItem_ProblemsInFieldOrder(t *testing.T) {
	t.Parallel()
	fk := Author{OrgID: uuid.New(), OrgKind: tenancy.FK, UserID: "ph.fk", Purpose: consent.SamordnadRehabilitering}
	for _, tc := range []struct {
		name string
		in   NewItem
		want []string
	}{
		{"an unknown class and no summary", NewItem{Class: "GOSSIP", Summary: " "},
			[]string{`class: unknown information class "GOSSIP"`, "summary must be 1–4000 characters"}},
		{"another organisation's class and a summary too long", NewItem{Class: consent.KommunPlanering, Summary: strings.Repeat("x", 4001)},
			[]string{"class: KOMMUN_PLANERING is not your organisation's information: record your own classes (" +
				consent.JoinClasses(consent.ClassesOf(tenancy.FK)) + ")", "summary must be 1–4000 characters"}},
		{"the author's own class", NewItem{Class: consent.FKBeslut, Summary: "Beslut om samordning"}, nil},
	} {
		require.Equal(t, tc.want, tc.in.problems(fk), tc.name)
	}
}
