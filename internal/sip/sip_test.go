package sip

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/tenancy"
)

var (
	kommun  = uuid.MustParse("0a000000-0000-4000-8000-000000000001")
	fk      = uuid.MustParse("0a000000-0000-4000-8000-000000000002")
	region  = uuid.MustParse("0a000000-0000-4000-8000-000000000003")
	forbund = uuid.MustParse("0a000000-0000-4000-8000-000000000004")
	gripen  = uuid.MustParse("0b000000-0000-4000-8000-000000000001")
	kinds   = map[uuid.UUID]tenancy.OrganizationKind{kommun: tenancy.Kommun, fk: tenancy.FK, region: tenancy.Region, forbund: tenancy.Samordningsforbund}
	units   = map[uuid.UUID]uuid.UUID{gripen: region}
)

// today is the day the table's content is checked on.
var today = time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)

func valid() Content {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	return Content{Goals: []string{"Orka en vardag"}, WhatMatters: "Att slippa berätta allt igen", OverallOrgID: kommun,
		NextFollowUp: day, Participants: []string{"Kim"}, Reason: "Upprättad",
		Insatser: []NewInsats{
			{HuvudmanOrgID: kommun, What: "Stöd", FirstActivity: "Hembesök", StartOn: day, Status: Planerad},
			{HuvudmanOrgID: region, HuvudmanUnitID: &gripen, What: "Fysioterapi", FirstActivity: "Bedömning", StartOn: day, Status: Pagar},
		}}
}

// Each row is one rule of a plan's content: what is wrong, and the
// problem named, with its field.
func TestContent_ProblemsNameTheirField(t *testing.T) {
	t.Parallel()
	fkBeslut := consent.FKBeslut
	other := uuid.MustParse("0c000000-0000-4000-8000-000000000001")
	for _, tc := range []struct {
		name   string
		kind   Kind
		change func(*Content)
		want   string
	}{
		{"a valid SIP", SIP, func(*Content) {}, ""},
		{"no goal", SAMSIP, func(c *Content) { c.Goals = nil }, "goals: at least one goal, in the person's own words"},
		{"an empty goal", SAMSIP, func(c *Content) { c.Goals = []string{" "} }, "goals[0]: must not be empty"},
		{"nothing on what matters", SAMSIP, func(c *Content) { c.WhatMatters = "" }, "whatMatters: must not be empty"},
		{"no follow-up", SAMSIP, func(c *Content) { c.NextFollowUp = time.Time{} }, "nextFollowUp: required"},
		{"nobody took part", SAMSIP, func(c *Content) { c.Participants = nil }, "participants: at least one"},
		{"no reason", SAMSIP, func(c *Content) { c.Reason = "" }, "reason: must not be empty"},
		{"an unknown huvudman", SAMSIP, func(c *Content) { c.Insatser[0].HuvudmanOrgID = other }, "insatser[0].huvudmanOrganizationId: no such organisation"},
		{"a förbund as huvudman", SAMSIP, func(c *Content) { c.Insatser[0].HuvudmanOrgID = forbund }, "insatser[0].huvudmanOrganizationId: a SAMORDNINGSFORBUND is not a huvudman"},
		{"FK in a SIP", SIP, func(c *Content) { c.Insatser[0].HuvudmanOrgID = fk }, "insatser[0].huvudmanOrganizationId: a SIP is the municipality's and the region's"},
		{"FK in a SAMSIP", SAMSIP, func(c *Content) { c.Insatser[0].HuvudmanOrgID = fk }, ""},
		{"a unit of another organisation", SAMSIP, func(c *Content) { c.Insatser[1].HuvudmanOrgID = kommun }, "insatser[1].huvudmanUnitId: not a unit of that organisation"},
		{"another party's class", SAMSIP, func(c *Content) { c.Insatser[0].Class = &fkBeslut }, "insatser[0].class: FK_BESLUT is not one of the huvudman's own classes"},
		{"no start", SAMSIP, func(c *Content) { c.Insatser[1].StartOn = time.Time{} }, "insatser[1].startOn: required"},
		{"the overall responsibility unknown", SAMSIP, func(c *Content) { c.OverallOrgID = other }, "overallResponsibilityOrganizationId: no such organisation"},
		{"a follow-up today", SAMSIP, func(c *Content) { c.NextFollowUp = today }, ""},
		{"a follow-up yesterday", SAMSIP, func(c *Content) { c.NextFollowUp = today.AddDate(0, 0, -1) }, "nextFollowUp: from today to a year ahead (2026-02-20 to 2027-02-21)"},
		{"a follow-up 366 days ahead", SAMSIP, func(c *Content) { c.NextFollowUp = today.AddDate(0, 0, 366) }, ""},
		{"a follow-up 367 days ahead", SAMSIP, func(c *Content) { c.NextFollowUp = today.AddDate(0, 0, 367) }, "nextFollowUp: from today to a year ahead"},
		{"a start 3,653 days back", SAMSIP, func(c *Content) { c.Insatser[0].StartOn = today.AddDate(0, 0, -3653) }, ""},
		{"a start 3,654 days back", SAMSIP, func(c *Content) { c.Insatser[0].StartOn = today.AddDate(0, 0, -3654) }, "insatser[0].startOn: from ten years back to two years ahead (2016-02-20 to 2028-02-21)"},
		{"a start 731 days ahead", SAMSIP, func(c *Content) { c.Insatser[1].StartOn = today.AddDate(0, 0, 731) }, ""},
		{"a start 732 days ahead", SAMSIP, func(c *Content) { c.Insatser[1].StartOn = today.AddDate(0, 0, 732) }, "insatser[1].startOn: from ten years back to two years ahead"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.change(&c)
			bad := c.Problems(tc.kind, kinds, units, today)
			if tc.want == "" {
				require.Empty(t, bad)
				return
			}
			require.NotEmpty(t, bad)
			require.Contains(t, bad[0], tc.want)
		})
	}
}

func TestDefaultClass_IsTheHuvudmansOwn(t *testing.T) {
	t.Parallel()
	for _, k := range []tenancy.OrganizationKind{tenancy.Kommun, tenancy.FK, tenancy.AF, tenancy.Region} {
		c, ok := DefaultClass(k)
		require.True(t, ok)
		require.True(t, OwnClass(k, c), "%s: %s", k, c)
	}
	_, ok := DefaultClass(tenancy.Samordningsforbund)
	require.False(t, ok)
}

// Content is checked and stored trimmed: white space around a text
// neither counts against its limit nor is stored.
func TestContent_TrimmedRemovesTheSpaceAroundEachText(t *testing.T) {
	t.Parallel()
	c := valid()
	c.Goals = []string{" Orka en vardag\n"}
	c.WhatMatters = "\t" + strings.Repeat("a", MaxWhatMatters) + " "
	c.Participants = []string{" Kim "}
	c.Reason = " Upprättad "
	c.Insatser[0].What = " Stöd "
	c.Insatser[1].FirstActivity = " Bedömning\n"
	tr := c.Trimmed()
	require.Empty(t, tr.Problems(SAMSIP, kinds, units, today))
	require.Equal(t, []string{"Orka en vardag"}, tr.Goals)
	require.Equal(t, strings.Repeat("a", MaxWhatMatters), tr.WhatMatters)
	require.Equal(t, []string{"Kim"}, tr.Participants)
	require.Equal(t, "Upprättad", tr.Reason)
	require.Equal(t, "Stöd", tr.Insatser[0].What)
	require.Equal(t, "Bedömning", tr.Insatser[1].FirstActivity)
	require.Equal(t, " Stöd ", c.Insatser[0].What, "the content trimmed is a copy")
}

// An insats is the reader's own when it names the reader's unit, or names
// the reader's organisation and no unit; not another unit's.
func TestNewInsats_OwnedByTheUnitItNamesOrTheWholeOrganisation(t *testing.T) {
	t.Parallel()
	psyk := uuid.MustParse("0b000000-0000-4000-8000-000000000002")
	whole := NewInsats{HuvudmanOrgID: region}
	atGripen := NewInsats{HuvudmanOrgID: region, HuvudmanUnitID: &gripen}
	require.True(t, whole.OwnedBy(region, &psyk))
	require.True(t, whole.OwnedBy(region, nil))
	require.True(t, atGripen.OwnedBy(region, &gripen))
	require.False(t, atGripen.OwnedBy(region, &psyk), "another unit of the region")
	require.False(t, atGripen.OwnedBy(region, nil), "the region without a unit")
	require.False(t, whole.OwnedBy(kommun, nil))
}
