package graph

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tasks"
)

// toEvidenceReceived decodes recordEvidence's input.
func toEvidenceReceived(in model.RecordEvidenceInput) (uuid.UUID, evidence.Record, error) {
	caseID, err := parseKey(in.CaseID, relay.TypeCase, "case")
	if err != nil {
		return uuid.Nil, evidence.Record{}, err
	}
	holder, err := parseOptionalKey(in.HeldBy, relay.TypeOrganization, "organisation")
	if err != nil {
		return uuid.Nil, evidence.Record{}, err
	}
	on := in.ReceivedOn
	return caseID, evidence.Record{Kind: in.Kind, Status: evidence.Received, ReceivedOn: &on, HolderOrgID: holder}, nil
}

// evidenceRequests resolves the tasks that asked for items, as far as the
// reader may see them (null otherwise).
func (r *Resolver) evidenceRequests(ctx context.Context, objs []*model.EvidenceItem) ([]*model.Task, error) {
	day, err := today(ctx)
	if err != nil {
		return nil, err
	}
	return mapOptional(ctx, objs, func(it *model.EvidenceItem) *uuid.UUID { return it.TaskKey }, r.personal(ctx).tasks,
		func(t tasks.Task) *model.Task { return model.FromTask(t, day) })
}

// evidenceBody is a request's text, empty when none is given.
func evidenceBody(body *string) string {
	if body == nil {
		return ""
	}
	return *body
}

// reactualised resolves the earlier cases a batch of cases re-actualise:
// the links the reader may see, then the earlier cases through the cases
// relation (which applies the sharing rule and notes each read).
func (r *Resolver) reactualised(ctx context.Context, objs []*model.Case) ([]*model.Case, error) {
	links, err := r.personal(ctx).reactualisations.load(ctx, keysOf(objs, func(c *model.Case) uuid.UUID { return c.Key }))
	if err != nil {
		return nil, err
	}
	return mapOptional(ctx, objs, func(c *model.Case) *uuid.UUID {
		if x, ok := links[c.Key]; ok {
			return &x.EarlierCaseID
		}
		return nil
	}, r.personal(ctx).cases, model.FromCase)
}
