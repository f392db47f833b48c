package sip

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
	"github.com/samverkanshub/hub/internal/tenancy"
)

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qPlansOfCases     = queries.Must("plans_of_cases")
	qPlansByID        = queries.Must("plans_by_id")
	qVersionsOfPlans  = queries.Must("versions_of_plans")
	qInsatserOfPlans  = queries.Must("insatser_of_plans")
	qInsertPlan       = queries.Must("insert_plan")
	qInsertVersion    = queries.Must("insert_version")
	qInsertInsats     = queries.Must("insert_insats")
	qCarryInsatser    = queries.Must("carry_insatser")
	qAdvance          = queries.Must("advance")
	qInsertAgreement  = queries.Must("insert_agreement")
	qOrgKinds         = queries.Must("org_kinds")
	qUnitOrgs         = queries.Must("unit_orgs")
	qNamedForSIP      = queries.Must("named_for_sip")
	qOwnerSIPSamtycke = queries.Must("owner_sip_samtycke")
	qPartiesShown     = queries.Must("parties_shown")
)

// planRow is a row of plans_of_cases and plans_by_id.
type planRow struct {
	ID             uuid.UUID  `db:"id"`
	CaseID         uuid.UUID  `db:"case_id"`
	OrgID          uuid.UUID  `db:"org_id"`
	IndividualID   uuid.UUID  `db:"individual_id"`
	Kind           string     `db:"kind"`
	CurrentVersion int        `db:"current_version"`
	CreatedAt      time.Time  `db:"created_at"`
	ConsentID      *uuid.UUID `db:"consent_id"`
}

func (r planRow) plan() Plan {
	return Plan{ID: r.ID, CaseID: r.CaseID, OrgID: r.OrgID, IndividualID: r.IndividualID, Kind: Kind(r.Kind),
		CurrentVersion: r.CurrentVersion, CreatedAt: r.CreatedAt, ConsentID: r.ConsentID}
}

// Scope is what the reader's roles let them read: plans of their own
// organisation's cases, and others' under a samtycke.
type Scope = consent.Scope

// OfCases lists, per case, the plans of the cases the reader sees.
func OfCases(ctx context.Context, q db.Querier, s Scope, caseIDs []uuid.UUID) (map[uuid.UUID][]Plan, error) {
	rows, err := q.Query(ctx, qPlansOfCases, caseIDs, s.Own, s.Consented)
	if err != nil {
		return nil, fmt.Errorf("plans of cases: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[planRow])
	if err != nil {
		return nil, fmt.Errorf("plans of cases: %w", err)
	}
	out := map[uuid.UUID][]Plan{}
	for _, r := range list {
		out[r.CaseID] = append(out[r.CaseID], r.plan())
	}
	return out, nil
}

// ByID loads the plans among ids the reader sees.
func ByID(ctx context.Context, q db.Querier, s Scope, ids []uuid.UUID) (map[uuid.UUID]Plan, error) {
	rows, err := q.Query(ctx, qPlansByID, ids, s.Own, s.Consented)
	if err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[planRow])
	if err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	out := make(map[uuid.UUID]Plan, len(list))
	for _, r := range list {
		out[r.ID] = r.plan()
	}
	return out, nil
}

type versionRow struct {
	PlanID         uuid.UUID          `db:"plan_id"`
	Version        int                `db:"version"`
	Goals          []string           `db:"goals"`
	WhatMatters    string             `db:"what_matters"`
	OverallOrgID   uuid.UUID          `db:"overall_org_id"`
	OverallUnitID  *uuid.UUID         `db:"overall_unit_id"`
	NextFollowUp   time.Time          `db:"next_follow_up"`
	Participants   []string           `db:"participants"`
	Reason         string             `db:"reason"`
	AuthorOrgID    uuid.UUID          `db:"author_org_id"`
	AuthorUnitID   *uuid.UUID         `db:"author_unit_id"`
	AuthorUserID   string             `db:"author_user_id"`
	AuthoredAt     time.Time          `db:"authored_at"`
	AgreementHow   *string            `db:"agreement_how"`
	AgreementNote  *string            `db:"agreement_note"`
	AgreementOrgID *uuid.UUID         `db:"agreement_org_id"`
	AgreementBy    *string            `db:"agreement_by"`
	AgreementAt    pgtype.Timestamptz `db:"agreement_at"`
}

type insatsRow struct {
	PlanID         uuid.UUID  `db:"plan_id"`
	Version        int        `db:"version"`
	Position       int        `db:"position"`
	HuvudmanOrgID  uuid.UUID  `db:"huvudman_org_id"`
	HuvudmanUnitID *uuid.UUID `db:"huvudman_unit_id"`
	Class          string     `db:"class"`
	What           string     `db:"what"`
	FirstActivity  string     `db:"first_activity"`
	StartOn        time.Time  `db:"start_on"`
	Status         string     `db:"status"`
}

// Versions lists, per plan, every version of the plans planIDs (which the
// caller has read under the rule), newest first, each with the insatser
// the reader sees (s.Consented: those a samtycke shows them besides the
// case owner's view).
func Versions(ctx context.Context, q db.Querier, s Scope, planIDs []uuid.UUID) (map[uuid.UUID][]Version, error) {
	rows, err := q.Query(ctx, qVersionsOfPlans, planIDs)
	if err != nil {
		return nil, fmt.Errorf("plan versions: %w", err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowToStructByName[versionRow])
	if err != nil {
		return nil, fmt.Errorf("plan versions: %w", err)
	}
	rows, err = q.Query(ctx, qInsatserOfPlans, planIDs, s.Consented)
	if err != nil {
		return nil, fmt.Errorf("plan insatser: %w", err)
	}
	is, err := pgx.CollectRows(rows, pgx.RowToStructByName[insatsRow])
	if err != nil {
		return nil, fmt.Errorf("plan insatser: %w", err)
	}
	type key struct {
		plan    uuid.UUID
		version int
	}
	insatser := map[key][]Insats{}
	for _, r := range is {
		k := key{r.PlanID, r.Version}
		insatser[k] = append(insatser[k], Insats{Position: r.Position, HuvudmanOrgID: r.HuvudmanOrgID,
			HuvudmanUnitID: r.HuvudmanUnitID, Class: consent.Class(r.Class), What: r.What,
			FirstActivity: r.FirstActivity, StartOn: r.StartOn, Status: Status(r.Status)})
	}
	out := map[uuid.UUID][]Version{}
	for _, r := range vs {
		v := Version{PlanID: r.PlanID, Version: r.Version, Goals: r.Goals, WhatMatters: r.WhatMatters,
			OverallOrgID: r.OverallOrgID, OverallUnitID: r.OverallUnitID, NextFollowUp: r.NextFollowUp,
			Participants: r.Participants, Reason: r.Reason, AuthorOrgID: r.AuthorOrgID, AuthorUnitID: r.AuthorUnitID,
			AuthorUserID: r.AuthorUserID, AuthoredAt: r.AuthoredAt, Insatser: insatser[key{r.PlanID, r.Version}]}
		if r.AgreementHow != nil && r.AgreementOrgID != nil && r.AgreementBy != nil && r.AgreementAt.Valid {
			v.Agreement = &Agreement{How: *r.AgreementHow, Note: r.AgreementNote, RecordedByOrgID: *r.AgreementOrgID,
				RecordedBy: *r.AgreementBy, RecordedAt: r.AgreementAt.Time}
		}
		out[r.PlanID] = append(out[r.PlanID], v)
	}
	return out, nil
}

// Subject is what a plan is about: its case, the case's owner and person.
type Subject struct {
	CaseID, OrgID, IndividualID uuid.UUID
}

// Create writes a new plan of the subject's case at version 1. A case has
// at most one plan of each kind: a second is CONFLICT.
func Create(ctx context.Context, q db.Querier, id uuid.UUID, s Subject, kind Kind, authorUnit *uuid.UUID, c Content) error {
	tag, err := q.Exec(ctx, qInsertPlan, id, s.CaseID, s.OrgID, s.IndividualID, string(kind))
	if err != nil {
		return fmt.Errorf("create plan: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return apperr.Errorf(apperr.Conflict, "kind: the case already has a %s plan; revise it instead", kind)
	}
	return writeVersion(ctx, q, id, s, 1, authorUnit, c)
}

// Revise writes version expected+1 of the plan with content c and makes it
// current, if expected is still its current version (CONFLICT otherwise).
// The insatser of c are those the author sees; those of the revised
// version the author cannot see are kept as they were.
func Revise(ctx context.Context, q db.Querier, p Plan, expected int, authorUnit *uuid.UUID, c Content) (int, error) {
	next := expected + 1
	tag, err := q.Exec(ctx, qAdvance, p.ID, expected, next)
	if err != nil {
		return 0, fmt.Errorf("revise plan: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return 0, apperr.Errorf(apperr.Conflict, "expectedVersion: the plan is at version %d, not %d; read it again and revise that", p.CurrentVersion, expected)
	}
	s := Subject{CaseID: p.CaseID, OrgID: p.OrgID, IndividualID: p.IndividualID}
	if err := writeVersion(ctx, q, p.ID, s, next, authorUnit, c); err != nil {
		return 0, err
	}
	if _, err := q.Exec(ctx, qCarryInsatser, p.ID, expected, next, len(c.Insatser)+1); err != nil {
		return 0, fmt.Errorf("keep the insatser the author does not see: %w", err)
	}
	return next, nil
}

func writeVersion(ctx context.Context, q db.Querier, planID uuid.UUID, s Subject, version int, authorUnit *uuid.UUID, c Content) error {
	if _, err := q.Exec(ctx, qInsertVersion, planID, version, s.OrgID, s.IndividualID, c.Goals, c.WhatMatters,
		c.OverallOrgID, c.OverallUnitID, c.NextFollowUp, c.Participants, c.Reason, authorUnit); err != nil {
		return fmt.Errorf("write plan version: %w", err)
	}
	for i, in := range c.Insatser {
		if in.Class == nil {
			return fmt.Errorf("write insats %d: no class", i)
		}
		if _, err := q.Exec(ctx, qInsertInsats, planID, version, i+1, s.OrgID, s.IndividualID, in.HuvudmanOrgID,
			in.HuvudmanUnitID, string(*in.Class), in.What, in.FirstActivity, in.StartOn, string(in.Status)); err != nil {
			return fmt.Errorf("write insats %d: %w", i, err)
		}
	}
	return nil
}

// RecordAgreement records the person's agreement to a version of the plan
// (how: WRITTEN or ORAL). A version's agreement is recorded once: again is
// CONFLICT.
func RecordAgreement(ctx context.Context, q db.Querier, p Plan, version int, how string, note *string) error {
	tag, err := q.Exec(ctx, qInsertAgreement, p.ID, version, p.OrgID, p.IndividualID, how, note)
	if err != nil {
		return fmt.Errorf("record agreement: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return apperr.Errorf(apperr.Conflict, "version: the person's agreement to version %d is already recorded", version)
	}
	return nil
}

// OrgKinds gives the kinds of the organisations among ids (absent: no
// such organisation).
func OrgKinds(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]tenancy.OrganizationKind, error) {
	rows, err := q.Query(ctx, qOrgKinds, ids)
	if err != nil {
		return nil, fmt.Errorf("organisation kinds: %w", err)
	}
	out := map[uuid.UUID]tenancy.OrganizationKind{}
	var id uuid.UUID
	var kind string
	_, err = pgx.ForEachRow(rows, []any{&id, &kind}, func() error {
		out[id] = tenancy.OrganizationKind(kind)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("organisation kinds: %w", err)
	}
	return out, nil
}

// UnitOrgs gives the organisation of each unit among ids.
func UnitOrgs(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]uuid.UUID, error) {
	rows, err := q.Query(ctx, qUnitOrgs, ids)
	if err != nil {
		return nil, fmt.Errorf("units: %w", err)
	}
	out := map[uuid.UUID]uuid.UUID{}
	var id, org uuid.UUID
	_, err = pgx.ForEachRow(rows, []any{&id, &org}, func() error {
		out[id] = org
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("units: %w", err)
	}
	return out, nil
}

// NamedForSIP is a samtycke in force for the person that names the party
// for the purpose SIP (nil if none). A caller that does not own the case
// asks only about its own organisation, or about a party the current
// version of the plan it revises shows it (PartiesShown; plan nil when it
// draws up a new one): the database refuses anything else.
func NamedForSIP(ctx context.Context, q db.Querier, individualID uuid.UUID, p Party, plan *uuid.UUID) (*uuid.UUID, error) {
	var unit *uuid.UUID
	if p.UnitID != uuid.Nil {
		unit = &p.UnitID
	}
	var id *uuid.UUID
	if err := q.QueryRow(ctx, qNamedForSIP, individualID, p.OrgID, unit, plan).Scan(&id); err != nil {
		return nil, fmt.Errorf("samtycke for SIP: %w", err)
	}
	return id, nil
}

// PartiesShown are the parties a version of a plan (which the caller has
// read under the rule) shows the reader: its overall responsibility and
// the huvudmän of the insatser the reader sees.
func PartiesShown(ctx context.Context, q db.Querier, s Scope, planID uuid.UUID, version int) (map[Party]bool, error) {
	rows, err := q.Query(ctx, qPartiesShown, planID, version, s.Consented)
	if err != nil {
		return nil, fmt.Errorf("parties of the plan: %w", err)
	}
	out := map[Party]bool{}
	var org uuid.UUID
	var unit *uuid.UUID
	_, err = pgx.ForEachRow(rows, []any{&org, &unit}, func() error {
		p := Party{OrgID: org}
		if unit != nil {
			p.UnitID = *unit
		}
		out[p] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("parties of the plan: %w", err)
	}
	return out, nil
}

// OwnerSIPSamtycke is a samtycke of the caller's organisation for the
// person, in force for the purpose SIP, that is a secrecy waiver (OSL):
// nil if none.
func OwnerSIPSamtycke(ctx context.Context, q db.Querier, individualID uuid.UUID) (*uuid.UUID, error) {
	var id uuid.UUID
	err := q.QueryRow(ctx, qOwnerSIPSamtycke, individualID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("samtycke for SIP: %w", err)
	}
	return &id, nil
}
