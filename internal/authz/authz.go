// Package authz is the hub's one authorization entry point. Can answers
// whether a principal may perform an action on an object: casbin decides
// what a role may do with a kind of object in a relation (own
// organisation, fellow förbund member, other, or under a samtycke), and
// this package works out the relation. Resolvers ask here and nowhere else.
package authz

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/policy"
)

// Action is what a principal wants to do.
type Action string

// The actions.
const (
	Read   Action = "read"
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
	// Transition moves a case a step in its routine.
	Transition Action = "transition"
)

// Actions lists every action.
var Actions = []Action{Read, Create, Update, Delete, Transition}

// ObjectKind is a kind of object the policy speaks about.
type ObjectKind string

// The object kinds.
const (
	Organization         ObjectKind = "organization"
	Unit                 ObjectKind = "unit"
	Federation           ObjectKind = "federation"
	FederationMembership ObjectKind = "federation_membership"
	IdentityIssuer       ObjectKind = "identity_issuer"
	AuditRecord          ObjectKind = "audit_record"
	Case                 ObjectKind = "case"
	DirectoryEntry       ObjectKind = "directory_entry"
	DirectoryCoverage    ObjectKind = "directory_coverage"
	Individual           ObjectKind = "individual"
	Consent              ObjectKind = "consent"
	CaseItem             ObjectKind = "case_item"
	AccessLog            ObjectKind = "access_log"
	Routine              ObjectKind = "routine"
	// Task is a task between agencies. OWN: the principal's organisation
	// is a party to it (sent it, or has it in its queue); CONSENTED: a
	// samtycke shares the task's personal content with the principal.
	Task ObjectKind = "task"
	// SipPlan is a SIP or SAMSIP plan of a case (its versions, insatser
	// and the person's agreements). OWN: the principal's organisation owns
	// the case; CONSENTED: a samtycke in force for the purpose SIP shares
	// the person with the principal.
	SipPlan ObjectKind = "sip_plan"
	// Meeting is a meeting about a case (or a de-identified case review).
	// OWN: the principal's organisation called it or is invited to it;
	// CONSENTED: a samtycke shares the meeting's person with the principal.
	Meeting ObjectKind = "meeting"
)

// ObjectKinds lists every object kind.
var ObjectKinds = []ObjectKind{Organization, Unit, Federation, FederationMembership, IdentityIssuer, AuditRecord, Case, DirectoryEntry, DirectoryCoverage, Individual, Consent, CaseItem, AccessLog, Routine, Task, SipPlan, Meeting}

// Relation is how an object's owner stands to the principal's organisation.
type Relation string

// The relations.
const (
	Own          Relation = "OWN"
	InFederation Relation = "FEDERATION"
	Other        Relation = "OTHER"
	Consented    Relation = "CONSENTED"
	// Lead: the principal leads a case of the object's individual in their
	// own organisation, as its named handläggare or in its lead unit.
	Lead Relation = "LEAD"
)

// Relations lists every relation.
var Relations = []Relation{Own, InFederation, Other, Consented, Lead}

// purposeKind is the policy's object kind for purposes: a rule
// "p, ROLE, purpose, SIP, OWN, allow" lets the role declare SIP.
const purposeKind = "purpose"

// Object is what an action is performed on.
type Object struct {
	Kind       ObjectKind
	OwnerOrgID uuid.UUID
	ID         string // global id, for the audit trail
	// For personal data: the person it is about, and its information
	// class if it has one. A samtycke can only cover such an object.
	IndividualID *uuid.UUID
	Class        consent.Class
}

// ConsentHook decides whether a samtycke covers the principal for the
// object, inside the request's transaction q.
type ConsentHook func(ctx context.Context, q db.Querier, p *identity.Principal, obj Object) (bool, error)

// SamtyckeInForce is the consent hook of the running hub: the consent
// package's rule, evaluated in the database for the object's individual
// (and class) under the request's declared purpose.
func SamtyckeInForce(ctx context.Context, q db.Querier, _ *identity.Principal, obj Object) (bool, error) {
	if obj.IndividualID == nil {
		return false, nil
	}
	return consent.Covers(ctx, q, *obj.IndividualID, obj.Class)
}

// DenyAllConsents is a consent hook under which no samtycke covers anyone
// (for tests of the policy alone).
func DenyAllConsents(context.Context, db.Querier, *identity.Principal, Object) (bool, error) {
	return false, nil
}

// Scope says what the principal's roles let them do with a kind of
// personal data: with their own organisation's, and with another's under
// a samtycke. The consent package renders it as SQL for lists and counts.
func (a *Authorizer) Scope(p *identity.Principal, act Action, kind ObjectKind) consent.Scope {
	if p == nil {
		return consent.Scope{}
	}
	return consent.Scope{Own: a.Allows(p.Roles, act, kind, Own), Consented: a.Allows(p.Roles, act, kind, Consented)}
}

// Authorizer enforces the active policy. It is safe for concurrent use; a
// reload swaps the whole decision table at once.
//
// casbin evaluates the policy when it is loaded, for every role × object
// kind × action × relation (all closed sets, ~1,100 combinations); requests
// then look decisions up in that table. A decision costs a map lookup
// instead of a walk through every rule, and there is no cache that could
// go stale: a new policy brings a new table.
type Authorizer struct {
	decisions atomic.Pointer[decisionTable]
	version   atomic.Int64
	consent   ConsentHook
}

type decisionKey struct {
	role identity.Role
	kind ObjectKind
	act  Action
	rel  Relation
}

// decisionTable is the policy evaluated for every combination: what each
// role may do, and which purposes it acts under.
type decisionTable struct {
	allowed  map[decisionKey]bool
	purposes map[identity.Role][]consent.Purpose // in consent.Purposes order
}

func tabulate(e *casbin.Enforcer) (*decisionTable, error) {
	t := &decisionTable{allowed: map[decisionKey]bool{}, purposes: map[identity.Role][]consent.Purpose{}}
	for _, r := range identity.Roles {
		for _, k := range ObjectKinds {
			for _, act := range Actions {
				for _, rel := range Relations {
					ok, err := e.Enforce(string(r), string(k), string(act), string(rel))
					if err != nil {
						return nil, fmt.Errorf("evaluate policy for %s %s %s %s: %w", r, act, k, rel, err)
					}
					if ok {
						t.allowed[decisionKey{r, k, act, rel}] = true
					}
				}
			}
		}
		for _, purpose := range consent.Purposes {
			ok, err := e.Enforce(string(r), purposeKind, string(purpose), string(Own))
			if err != nil {
				return nil, fmt.Errorf("evaluate policy for %s purpose %s: %w", r, purpose, err)
			}
			if ok {
				t.purposes[r] = append(t.purposes[r], purpose)
			}
		}
	}
	return t, nil
}

// New returns an authorizer with the embedded default policy. Load or a
// Watcher replace it with the newest stored one.
func New(hook ConsentHook) (*Authorizer, error) {
	if hook == nil {
		hook = DenyAllConsents
	}
	a := &Authorizer{consent: hook}
	if err := a.Use(0, policy.Default); err != nil {
		return nil, fmt.Errorf("default policy: %w", err)
	}
	return a, nil
}

// Use validates policyText and makes it the active policy.
func (a *Authorizer) Use(version int64, policyText string) error {
	e, err := newEnforcer(policyText)
	if err != nil {
		return err
	}
	t, err := tabulate(e)
	if err != nil {
		return err
	}
	a.decisions.Store(t)
	a.version.Store(version)
	return nil
}

// Snapshot is the authorizer with the policy active now, for one unit of
// work: a reload while the request runs does not change its decisions
// half-way.
func (a *Authorizer) Snapshot() *Authorizer {
	s := &Authorizer{consent: a.consent}
	s.decisions.Store(a.decisions.Load())
	s.version.Store(a.version.Load())
	return s
}

// Version is the stored version of the active policy (0: the default).
func (a *Authorizer) Version() int64 { return a.version.Load() }

func newEnforcer(policyText string) (*casbin.Enforcer, error) {
	if err := Validate(policyText); err != nil {
		return nil, err
	}
	m, err := model.NewModelFromString(policy.Model)
	if err != nil {
		return nil, fmt.Errorf("policy model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(policyText))
	if err != nil {
		return nil, fmt.Errorf("load policy: %w", err)
	}
	return e, nil
}

// Allows reports whether any of roles may act on kind in relation rel:
// the pure policy decision, without working out the relation.
func (a *Authorizer) Allows(roles []identity.Role, act Action, kind ObjectKind, rel Relation) bool {
	t := a.decisions.Load()
	for _, r := range roles {
		if t.allowed[decisionKey{r, kind, act, rel}] {
			return true
		}
	}
	return false
}

// Purposes lists the purposes a person with these roles may declare, in
// the order of consent.Purposes.
func (a *Authorizer) Purposes(roles []identity.Role) []consent.Purpose {
	t := a.decisions.Load()
	var out []consent.Purpose
	for _, p := range consent.Purposes {
		for _, r := range roles {
			if slices.Contains(t.purposes[r], p) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// Can decides whether p may perform act on obj. A false answer is the
// caller's to turn into NOT_FOUND (single objects) or FORBIDDEN (whole
// lists); the reason is for the audit trail.
func (a *Authorizer) Can(ctx context.Context, q db.Querier, p *identity.Principal, act Action, obj Object) (bool, error) {
	if p == nil {
		return false, nil
	}
	// Cheap first: which relations would allow it at all?
	var allowed []Relation
	for _, rel := range Relations {
		if a.Allows(p.Roles, act, obj.Kind, rel) {
			allowed = append(allowed, rel)
		}
	}
	switch {
	case len(allowed) == 0:
		return false, nil
	case obj.OwnerOrgID == p.OrgID && slices.Contains(allowed, Own):
		return true, nil
	case obj.OwnerOrgID == p.OrgID:
		if slices.Contains(allowed, Lead) && obj.IndividualID != nil {
			return leadsCaseOf(ctx, q, p, *obj.IndividualID)
		}
		return false, nil
	case slices.Contains(allowed, InFederation) && slices.Contains(allowed, Other):
		return true, nil // anyone outside the own organisation
	}
	if slices.Contains(allowed, Consented) {
		ok, err := a.consent(ctx, q, p, obj)
		if err != nil || ok {
			return ok, err
		}
	}
	if slices.Contains(allowed, InFederation) || slices.Contains(allowed, Other) {
		fellow, err := fellowMembers(ctx, q, p.OrgID, obj.OwnerOrgID)
		if err != nil {
			return false, err
		}
		if fellow {
			return slices.Contains(allowed, InFederation), nil
		}
		return slices.Contains(allowed, Other), nil
	}
	return false, nil
}

// Require is Can for callers that only continue when allowed: it returns
// FORBIDDEN otherwise.
func (a *Authorizer) Require(ctx context.Context, q db.Querier, p *identity.Principal, act Action, obj Object) error {
	ok, err := a.Can(ctx, q, p, act, obj)
	if err != nil {
		return err
	}
	if !ok {
		kind := strings.ReplaceAll(string(obj.Kind), "_", " ")
		if obj.OwnerOrgID == p.OrgID && !a.Allows(p.Roles, act, obj.Kind, Own) && a.Allows(p.Roles, act, obj.Kind, Lead) {
			return apperr.Errorf(apperr.Forbidden, "your roles allow %s on %s only to the lead of one of the person's cases, and you lead none", act, kind)
		}
		return apperr.Errorf(apperr.Forbidden, "your roles do not allow %s on %s", act, kind)
	}
	return nil
}

// leadsCaseOf reports whether p leads one of the individual's cases in
// their own organisation: as the named handläggare, or as a member of the
// lead unit.
func leadsCaseOf(ctx context.Context, q db.Querier, p *identity.Principal, individualID uuid.UUID) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, qLeadsCaseOf, individualID, p.UserID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("case lead relation: %w", err)
	}
	return ok, nil
}

// fellowMembers reports whether two organisations are members of a common
// federation today (the Swedish day of the transaction, hub_today()), or
// one is a förbund the other is a member of.
func fellowMembers(ctx context.Context, q db.Querier, a, b uuid.UUID) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, qFellowMembers, a, b).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("federation relation: %w", err)
	}
	return ok, nil
}

// Validate checks a policy text line by line and names every bad line.
func Validate(policyText string) error {
	groups := map[string]bool{}
	var errs []error
	lines := strings.Split(policyText, "\n")
	type pline struct {
		n      int
		fields []string
	}
	var ps []pline
	purposeRules := 0
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := csv.NewReader(strings.NewReader(line))
		r.TrimLeadingSpace = true
		fields, err := r.Read()
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: not a CSV line: %v", n, err))
			continue
		}
		switch fields[0] {
		case "g":
			if len(fields) != 3 {
				errs = append(errs, fmt.Errorf("line %d: a role group line is \"g, ROLE, group\"", n))
				continue
			}
			if !identity.KnownRole(identity.Role(fields[1])) {
				errs = append(errs, fmt.Errorf("line %d: unknown role %q", n, fields[1]))
			}
			if identity.KnownRole(identity.Role(fields[2])) || strings.ToLower(fields[2]) != fields[2] {
				errs = append(errs, fmt.Errorf("line %d: group %q must be a lower-case name that is not a role", n, fields[2]))
			}
			groups[fields[2]] = true
		case "p":
			ps = append(ps, pline{n, fields})
		default:
			errs = append(errs, fmt.Errorf("line %d: a line starts with p or g, not %q", n, fields[0]))
		}
	}
	for _, l := range ps {
		f := l.fields
		if len(f) != 6 {
			errs = append(errs, fmt.Errorf("line %d: a rule is \"p, role-or-group, kind, action, relation, allow|deny\"", l.n))
			continue
		}
		if !identity.KnownRole(identity.Role(f[1])) && !groups[f[1]] {
			errs = append(errs, fmt.Errorf("line %d: %q is neither a role nor a group", l.n, f[1]))
		}
		switch {
		case f[2] == purposeKind:
			purposeRules++
			if !slices.Contains(consent.Purposes, consent.Purpose(f[3])) {
				errs = append(errs, fmt.Errorf("line %d: unknown purpose %q", l.n, f[3]))
			}
			if f[4] != string(Own) {
				errs = append(errs, fmt.Errorf("line %d: a purpose rule has the relation OWN, not %q", l.n, f[4]))
			}
		default:
			if !slices.Contains(ObjectKinds, ObjectKind(f[2])) {
				errs = append(errs, fmt.Errorf("line %d: unknown object kind %q", l.n, f[2]))
			}
			if !slices.Contains(Actions, Action(f[3])) {
				errs = append(errs, fmt.Errorf("line %d: unknown action %q", l.n, f[3]))
			}
			if !slices.Contains(Relations, Relation(f[4])) {
				errs = append(errs, fmt.Errorf("line %d: unknown relation %q", l.n, f[4]))
			}
		}
		if f[5] != "allow" && f[5] != "deny" {
			errs = append(errs, fmt.Errorf("line %d: effect must be allow or deny, got %q", l.n, f[5]))
		}
	}
	if len(ps) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("the policy has no rules"))
	} else if purposeRules == 0 && len(errs) == 0 {
		// A policy written before the purposes moved into it: loading it
		// would let nobody declare a purpose. Refusing it makes hub serve
		// fail at start, naming the problem, instead of refusing every
		// read of personal data later.
		errs = append(errs, errors.New("the policy names no purposes a role may declare: add \"p, ROLE, purpose, PURPOSE, OWN, allow\" rules (see policy/policy.csv and policy/README.md)"))
	}
	return apperrJoin(errs)
}

func apperrJoin(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return apperr.Invalidf("invalid policy:\n%s", strings.Join(msgs, "\n"))
}
