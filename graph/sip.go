package graph

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/sip"
)

// planDrawnUp is the reason of a plan's first version when none is given.
const planDrawnUp = "Planen upprättades."

// toPlanContent decodes a version's content; an id that names nothing is
// a problem of its field, and every such problem is named at once.
func toPlanContent(in *model.PlanContentInput, reason string) (sip.Content, error) {
	if in == nil {
		return sip.Content{}, apperr.Invalidf("content: required")
	}
	var bad []string
	key := func(field, gid, typ string) uuid.UUID {
		t, id, err := relay.ParseID(gid)
		if err != nil || t != typ {
			bad = append(bad, fmt.Sprintf("%s: no such %s", field, strings.ToLower(typ)))
			return uuid.Nil
		}
		return id
	}
	optional := func(field string, gid *string, typ string) *uuid.UUID {
		if gid == nil {
			return nil
		}
		id := key(field, *gid, typ)
		return &id
	}
	out := sip.Content{Goals: in.Goals, WhatMatters: in.WhatMatters, NextFollowUp: in.NextFollowUp,
		Participants: in.Participants, Reason: reason,
		OverallOrgID:  key("content.overallResponsibilityOrganizationId", in.OverallResponsibilityOrganizationID, relay.TypeOrganization),
		OverallUnitID: optional("content.overallResponsibilityUnitId", in.OverallResponsibilityUnitID, relay.TypeUnit)}
	for i, ins := range in.Insatser {
		f := fmt.Sprintf("content.insatser[%d].", i)
		n := sip.NewInsats{HuvudmanOrgID: key(f+"huvudmanOrganizationId", ins.HuvudmanOrganizationID, relay.TypeOrganization),
			HuvudmanUnitID: optional(f+"huvudmanUnitId", ins.HuvudmanUnitID, relay.TypeUnit), Class: ins.Class,
			What: ins.What, FirstActivity: ins.FirstActivity, StartOn: ins.StartOn, Status: sip.Planerad}
		if ins.Status != nil {
			n.Status = *ins.Status
		}
		out.Insatser = append(out.Insatser, n)
	}
	if len(bad) > 0 {
		return sip.Content{}, apperr.Invalidf("the plan cannot be saved: %s", strings.Join(bad, "; "))
	}
	return out, nil
}
