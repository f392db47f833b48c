package consent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Input is a samtycke as the municipality records it.
type Input struct {
	IndividualID       uuid.UUID
	Kind               Kind
	Purposes           []Purpose
	GivenBy            Giver
	RepresentativeName *string
	ValidFrom          time.Time
	ValidUntil         time.Time
	Evidence           Evidence
	FormReference      *string
	WitnessedBy        *string
	RequestedByOrgID   uuid.UUID
	Grants             []Grant
}

// Limits on a samtycke.
const (
	maxGrants    = 20
	maxTextLen   = 200
	maxReasonLen = 1000
)

// validate checks what can be checked without the database and names
// every problem.
func (in Input) validate() []string {
	var bad []string
	if !slices.Contains(Kinds, in.Kind) {
		bad = append(bad, fmt.Sprintf("unknown kind %q", in.Kind))
	}
	if len(in.Purposes) == 0 {
		bad = append(bad, "name at least one purpose")
	}
	for i, p := range in.Purposes {
		if !slices.Contains(Purposes, p) {
			bad = append(bad, fmt.Sprintf("unknown purpose %q", p))
		}
		if slices.Contains(in.Purposes[:i], p) {
			bad = append(bad, fmt.Sprintf("purpose %s is listed twice", p))
		}
	}
	switch in.GivenBy {
	case GivenByPerson:
		if in.RepresentativeName != nil {
			bad = append(bad, "representativeName is only for a samtycke given by a legal representative")
		}
	case GivenByLegalRepresentative:
		if blank(in.RepresentativeName) {
			bad = append(bad, "a samtycke given by a legal representative needs the representative's name")
		}
	default:
		bad = append(bad, fmt.Sprintf("givenBy must be PERSON or LEGAL_REPRESENTATIVE, got %q", in.GivenBy))
	}
	switch in.Evidence {
	case Written:
		if blank(in.FormReference) {
			bad = append(bad, "a written samtycke needs the form's reference (formReference)")
		}
	case Oral:
		if blank(in.WitnessedBy) {
			bad = append(bad, "an oral samtycke needs who witnessed it (witnessedBy)")
		}
	default:
		bad = append(bad, fmt.Sprintf("evidence must be WRITTEN or ORAL, got %q", in.Evidence))
	}
	for _, f := range []struct {
		name  string
		value *string
	}{{"representativeName", in.RepresentativeName}, {"formReference", in.FormReference}, {"witnessedBy", in.WitnessedBy}} {
		if f.value != nil && len([]rune(*f.value)) > maxTextLen {
			bad = append(bad, fmt.Sprintf("%s is longer than %d characters", f.name, maxTextLen))
		}
	}
	if in.ValidUntil.Before(in.ValidFrom) {
		bad = append(bad, "validUntil is before validFrom")
	}
	if in.ValidUntil.Sub(in.ValidFrom) > 5*366*24*time.Hour {
		bad = append(bad, "a samtycke is valid for at most five years; record a new one after that")
	}
	switch in.Kind {
	case Uppfoljning:
		if len(in.Grants) > 0 {
			bad = append(bad, "an UPPFOLJNING samtycke shares no information: give no grantees")
		}
		if len(in.Purposes) != 1 || in.Purposes[0] != PurposeUppfoljning {
			bad = append(bad, "an UPPFOLJNING samtycke has the one purpose UPPFOLJNING")
		}
	default:
		if len(in.Grants) == 0 {
			bad = append(bad, "name at least one grantee")
		}
		if slices.Contains(in.Purposes, PurposeUppfoljning) {
			bad = append(bad, "the purpose UPPFOLJNING belongs to an UPPFOLJNING samtycke")
		}
	}
	if len(in.Grants) > maxGrants {
		bad = append(bad, fmt.Sprintf("at most %d grantees", maxGrants))
	}
	for i, g := range in.Grants {
		if len(g.Classes) == 0 {
			bad = append(bad, fmt.Sprintf("grantee %d: name the information classes it may receive", i+1))
		}
		for j, c := range g.Classes {
			if !slices.Contains(Classes, c) {
				bad = append(bad, fmt.Sprintf("grantee %d: unknown information class %q", i+1, c))
			}
			if slices.Contains(g.Classes[:j], c) {
				bad = append(bad, fmt.Sprintf("grantee %d: class %s is listed twice", i+1, c))
			}
			if in.Kind == PDL && c.Source() != tenancy.Region {
				bad = append(bad, fmt.Sprintf("grantee %d: a PDL samtycke covers only VARD_* classes, not %s", i+1, c))
			}
		}
		for _, other := range in.Grants[:i] {
			if other.OrgID == g.OrgID && ptrEq(other.UnitID, g.UnitID) {
				bad = append(bad, fmt.Sprintf("grantee %d is listed twice", i+1))
			}
		}
	}
	return bad
}

func blank(s *string) bool { return s == nil || strings.TrimSpace(*s) == "" }

func ptrEq(a, b *uuid.UUID) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Record stores a samtycke for an individual of the principal's
// organisation. The caller has checked that the principal may.
func Record(ctx context.Context, q db.Querier, p *identity.Principal, in Input) (Consent, error) {
	bad := in.validate()
	grantees, err := granteeKinds(ctx, q, in.Grants, in.RequestedByOrgID)
	if err != nil {
		return Consent{}, err
	}
	if _, ok := grantees.orgs[in.RequestedByOrgID]; !ok {
		bad = append(bad, "requestedBy is not a known organisation")
	}
	for i, g := range in.Grants {
		kind, ok := grantees.orgs[g.OrgID]
		if !ok {
			bad = append(bad, fmt.Sprintf("grantee %d: no such organisation", i+1))
			continue
		}
		if g.UnitID != nil && grantees.unitOrg[*g.UnitID] != g.OrgID {
			bad = append(bad, fmt.Sprintf("grantee %d: the unit is not one of the organisation's", i+1))
		}
		if in.Kind == PDL && kind != tenancy.Region {
			bad = append(bad, fmt.Sprintf("grantee %d: a PDL samtycke names care providers (regions) only", i+1))
		}
		for _, c := range g.Classes {
			// Between agencies a grantee never receives its own kind of
			// information; PDL is exactly care providers sharing theirs.
			if c.Source() == kind && in.Kind != PDL {
				bad = append(bad, fmt.Sprintf("grantee %d: %s is the grantee's own kind of information", i+1, c))
			}
		}
	}
	if len(bad) > 0 {
		return Consent{}, apperr.Invalidf("the samtycke cannot be recorded: %s", strings.Join(bad, "; "))
	}

	c := Consent{
		ID: ids.New(ctx), OrgID: p.OrgID, IndividualID: in.IndividualID, Kind: in.Kind, Purposes: in.Purposes,
		GivenBy: in.GivenBy, RepresentativeName: trimmed(in.RepresentativeName), ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil,
		Evidence: in.Evidence, FormReference: trimmed(in.FormReference), WitnessedBy: trimmed(in.WitnessedBy),
		RequestedByOrgID: in.RequestedByOrgID, RegisteredBy: p.UserID, RegisteredByName: p.DisplayName, Grants: in.Grants,
	}
	if c.Evidence == Written {
		c.WitnessedBy = nil
	} else {
		c.FormReference = nil
	}
	err = q.QueryRow(ctx, qRecordConsent,
		c.ID, c.IndividualID, string(c.Kind), purposeNames(c.Purposes), string(c.GivenBy), c.RepresentativeName, c.ValidFrom, c.ValidUntil, string(c.Evidence),
		c.FormReference, c.WitnessedBy, c.RequestedByOrgID, c.RegisteredBy, c.RegisteredByName).Scan(&c.RegisteredAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Consent{}, apperr.NotFoundf("no such individual")
	}
	if err != nil {
		return Consent{}, fmt.Errorf("record consent: %w", err)
	}
	if len(c.Grants) > 0 {
		orgs := make([]uuid.UUID, len(c.Grants))
		units := make([]*uuid.UUID, len(c.Grants))
		classes := make([]string, len(c.Grants)) // one array literal per grant
		for i, g := range c.Grants {
			orgs[i], units[i] = g.OrgID, g.UnitID
			names := make([]string, len(g.Classes))
			for j, cl := range g.Classes {
				names[j] = string(cl)
			}
			classes[i] = "{" + strings.Join(names, ",") + "}"
		}
		_, err = q.Exec(ctx, qRecordConsentGrants, c.ID, orgs, units, classes)
		if err != nil {
			return Consent{}, fmt.Errorf("record consent grants: %w", err)
		}
	}
	if err := announce(ctx, q, Event{Kind: EventRecorded, ConsentID: c.ID, IndividualID: c.IndividualID, OrgID: p.OrgID, At: c.RegisteredAt}); err != nil {
		return Consent{}, fmt.Errorf("announce samtycke: %w", err)
	}
	return c, nil
}

func purposeNames(ps []Purpose) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}

func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}

type granteeInfo struct {
	orgs    map[uuid.UUID]tenancy.OrganizationKind
	unitOrg map[uuid.UUID]uuid.UUID
}

func granteeKinds(ctx context.Context, q db.Querier, grants []Grant, extra uuid.UUID) (granteeInfo, error) {
	info := granteeInfo{orgs: map[uuid.UUID]tenancy.OrganizationKind{}, unitOrg: map[uuid.UUID]uuid.UUID{}}
	orgIDs := []uuid.UUID{extra}
	var unitIDs []uuid.UUID
	for _, g := range grants {
		orgIDs = append(orgIDs, g.OrgID)
		if g.UnitID != nil {
			unitIDs = append(unitIDs, *g.UnitID)
		}
	}
	rows, err := q.Query(ctx, qGranteeKinds, orgIDs, unitIDs)
	if err != nil {
		return info, fmt.Errorf("look up grantees: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var org uuid.UUID
		var kind string
		var unit *uuid.UUID
		if err := rows.Scan(&org, &kind, &unit); err != nil {
			return info, err
		}
		if unit != nil {
			info.unitOrg[*unit] = org
		} else {
			info.orgs[org] = tenancy.OrganizationKind(kind)
		}
	}
	return info, rows.Err()
}

// Revoke ends a samtycke now, recording who and why. The grants go out of
// force in the same transaction, so the next statement after the commit,
// on any replica, no longer sees what it shared. Nothing is deleted.
func Revoke(ctx context.Context, q db.Querier, p *identity.Principal, id uuid.UUID, reason string) (Consent, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Consent{}, apperr.Invalidf("give the reason for the revocation")
	}
	if len([]rune(reason)) > maxReasonLen {
		return Consent{}, apperr.Invalidf("the reason is longer than %d characters", maxReasonLen)
	}
	var found, revoked bool
	// No FOR UPDATE: a concurrent revocation makes the UPDATE below wait
	// for it and then find revoked_at set (CONFLICT).
	err := q.QueryRow(ctx, qRevokeConsent, id, p.UserID, reason).Scan(&found, &revoked, new(int64))
	if err != nil {
		return Consent{}, fmt.Errorf("revoke consent: %w", err)
	}
	if !found {
		return Consent{}, apperr.NotFoundf("no such samtycke")
	}
	if !revoked {
		return Consent{}, apperr.Errorf(apperr.Conflict, "the samtycke was already revoked")
	}
	cs, err := ByID(ctx, q, []uuid.UUID{id})
	if err != nil {
		return Consent{}, err
	}
	c := cs[id]
	// For subscribers (consentEvents); the rule itself never reads a
	// cache, so nothing waits for this to arrive.
	if err := announce(ctx, q, Event{Kind: EventRevoked, ConsentID: id, IndividualID: c.IndividualID, OrgID: c.OrgID, At: *c.RevokedAt}); err != nil {
		return Consent{}, fmt.Errorf("announce revocation: %w", err)
	}
	return c, nil
}

// ByID loads samtycken of the principal's own organisation with their
// grants (row security hides every other organisation's).
func ByID(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]Consent, error) {
	cs, err := db.Collect[Consent](ctx, q, qConsentsByID, ids)
	if err != nil {
		return nil, fmt.Errorf("load consents: %w", err)
	}
	return withGrants(ctx, q, cs)
}

// ForIndividuals lists the samtycken of the own organisation's
// individuals, newest first, revoked and expired ones included.
func ForIndividuals(ctx context.Context, q db.Querier, individualIDs []uuid.UUID) (map[uuid.UUID][]Consent, error) {
	cs, err := db.Collect[Consent](ctx, q, qConsentsForIndividuals, individualIDs)
	if err != nil {
		return nil, fmt.Errorf("load consents: %w", err)
	}
	byID, err := withGrants(ctx, q, cs)
	if err != nil {
		return nil, err
	}
	out := map[uuid.UUID][]Consent{}
	for _, c := range cs {
		out[c.IndividualID] = append(out[c.IndividualID], byID[c.ID])
	}
	return out, nil
}

func withGrants(ctx context.Context, q db.Querier, cs []Consent) (map[uuid.UUID]Consent, error) {
	out := make(map[uuid.UUID]Consent, len(cs))
	ids := make([]uuid.UUID, len(cs))
	for i, c := range cs {
		out[c.ID] = c
		ids[i] = c.ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, qConsentGrants, ids)
	if err != nil {
		return nil, fmt.Errorf("load consent grants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var g Grant
		var classes []string
		if err := rows.Scan(&id, &g.OrgID, &g.UnitID, &classes); err != nil {
			return nil, err
		}
		for _, c := range classes {
			g.Classes = append(g.Classes, Class(c))
		}
		c := out[id]
		c.Grants = append(c.Grants, g)
		out[id] = c
	}
	return out, rows.Err()
}

// Covers reports whether a samtycke in force shares the individual (and,
// if class is not empty, that class) with the transaction's principal under
// its declared purpose: the rule for one object.
func Covers(ctx context.Context, q db.Querier, individualID uuid.UUID, class Class) (bool, error) {
	var ok bool
	args := []any{individualID}
	if class != "" {
		args = append(args, string(class))
	}
	if err := q.QueryRow(ctx, coversSQL(class), args...).Scan(&ok); err != nil {
		return false, fmt.Errorf("check samtycke: %w", err)
	}
	return ok, nil
}

// coversSQL renders the statement of Covers: the rule (grantsFor) for the
// individual $1 and, if class is not empty, the class $2
// (testdata/covers.sql shows it).
func coversSQL(class Class) string {
	if class == "" {
		return "SELECT EXISTS (" + grantsFor("$1::uuid", "") + ")"
	}
	return "SELECT EXISTS (" + grantsFor("$1::uuid", "$2::text") + ")"
}

// SharesPersonWith reports whether the samtycke consentID, for the
// individual, is in force for the transaction's principal under the rule:
// it names the principal's organisation (or unit), lists the declared
// purpose, is valid today, and shares the person (a secrecy waiver).
func SharesPersonWith(ctx context.Context, q db.Querier, consentID, individualID uuid.UUID) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, qSharesPersonWith, consentID, individualID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("check samtycke: %w", err)
	}
	return ok, nil
}

// Grantee is an organisation, or one of its units, that a samtycke names.
type Grantee struct {
	OrgID  uuid.UUID  `db:"grantee_org_id"`
	UnitID *uuid.UUID `db:"grantee_unit_id"`
}

// Names reports whether the grantee covers a party: the same organisation,
// and the whole of it or the party's unit.
func (g Grantee) Names(orgID uuid.UUID, unitID *uuid.UUID) bool {
	return g.OrgID == orgID && (g.UnitID == nil || (unitID != nil && *g.UnitID == *unitID))
}

// GranteesInForce lists whom the samtycken in force today for one of the
// own organisation's people name for a purpose: the owner asking whom it
// may bring together (a SIP invites only parties a samtycke names).
func GranteesInForce(ctx context.Context, q db.Querier, individualID uuid.UUID, purpose Purpose) ([]Grantee, error) {
	gs, err := db.Collect[Grantee](ctx, q, qGranteesInForce, individualID, string(purpose))
	if err != nil {
		return nil, fmt.Errorf("list grantees in force: %w", err)
	}
	return gs, nil
}
