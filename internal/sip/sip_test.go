package sip

import (
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := valid()
			tc.change(&c)
			bad := c.Problems(tc.kind, kinds, units)
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
