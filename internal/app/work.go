package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/logging"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Actor is who acts and why: a verified principal and the purpose the
// request declared ("" when it declared none). Build it with NewActor,
// which checks the purpose against the principal's roles.
type Actor struct {
	Principal *identity.Principal
	Purpose   consent.Purpose
}

// PurposeField names where a request declares its purpose, for messages
// (the HTTP header, or the WebSocket connection_init key).
const PurposeField = "Hub-Purpose"

// NewActor checks that the declared purpose (perhaps "") exists and is one
// the principal's roles act under.
func (a *App) NewActor(p *identity.Principal, declared string) (Actor, error) {
	if p == nil {
		return Actor{}, apperr.New(apperr.Unauthenticated, "authentication required")
	}
	declared = strings.TrimSpace(declared)
	if declared == "" {
		return Actor{Principal: p}, nil
	}
	purpose := consent.Purpose(declared)
	if !slices.Contains(consent.Purposes, purpose) {
		return Actor{}, apperr.Invalidf("%s: unknown purpose %q (one of %s)", PurposeField, truncate(declared, 40), joinPurposes(consent.Purposes))
	}
	allowed := a.Authz.Purposes(p.Roles)
	if !slices.Contains(allowed, purpose) {
		return Actor{}, apperr.Errorf(apperr.Forbidden, "%s: your roles do not act under %s (they act under: %s)", PurposeField, purpose, joinPurposes(allowed))
	}
	return Actor{Principal: p, Purpose: purpose}, nil
}

// CommandLineActor is the actor of a command-line tool acting for an
// organisation: the operator (their login on the machine running it) in
// the role the command needs. The tools connect as the database's owner,
// so nothing but this says who acted; their audit records name the
// operator as "cli:<login>".
func CommandLineActor(orgID uuid.UUID, kind tenancy.OrganizationKind, operator string, role identity.Role) Actor {
	return Actor{Principal: &identity.Principal{OrgID: orgID, OrgKind: kind, UserID: "cli:" + operator,
		DisplayName: operator, Roles: []identity.Role{role}, Issuer: "hub command line"}}
}

// OperatorActor is the hub's operator acting on an organisation's data in
// no role of it: maintenance run from the command line with the owner's
// database URL (re-sealing identity numbers with a new key, a seed's
// summary of what it loaded). The owner's credential is the authority
// here, so no policy is asked and the record names no role; its user is
// "cli:<login>", as for CommandLineActor.
func OperatorActor(orgID uuid.UUID, kind tenancy.OrganizationKind, operator string) Actor {
	return Actor{Principal: &identity.Principal{OrgID: orgID, OrgKind: kind, UserID: "cli:" + operator,
		DisplayName: operator, Roles: []identity.Role{}, Issuer: "hub command line"}}
}

// JobActor is the hub's timers acting for an organisation (escalating
// its overdue tasks, reminding its cases' lead units), under the purpose
// the work serves: a job of the hub in no role of the organisation. Like
// OperatorActor it asks no policy; row-level security binds it to the
// organisation's rows, and its audit records (operation type 'job') name
// the user "job:<name>".
func JobActor(orgID uuid.UUID, kind tenancy.OrganizationKind, job string, purpose consent.Purpose) Actor {
	return Actor{Principal: &identity.Principal{OrgID: orgID, OrgKind: kind, UserID: "job:" + job,
		DisplayName: "hub timer " + job, Roles: []identity.Role{}, Issuer: "hub timers"}, Purpose: purpose}
}

// Work is one request's unit of work. Its methods are safe for concurrent
// use (GraphQL resolves sibling fields in parallel).
type Work struct {
	app      *App
	authz    *authz.Authorizer // the policy as it was when the work began
	actor    Actor
	now      time.Time
	settings db.Settings
	session  *db.Session
	trail    *audit.Trail
}

// Begin starts a unit of work for actor. The transaction itself begins with
// the first statement. The request's clock is read here, once: Go and SQL
// (hub_now(), hub_today(), through the setting hub.now) use it alike.
func (a *App) Begin(actor Actor) *Work {
	now := time.Now().Truncate(time.Microsecond) // what a timestamptz holds
	values := SessionSettings(actor)
	values["hub.now"] = now.Format(time.RFC3339Nano)
	settings := db.Settings{Values: values, StatementTimeout: a.StatementTimeout}
	var policy *authz.Authorizer
	if a.Authz != nil {
		policy = a.Authz.Snapshot()
	}
	return &Work{app: a, authz: policy, actor: actor, now: now, settings: settings,
		session: db.NewSession(a.Pool, settings), trail: &audit.Trail{}}
}

// SessionSettings are the hub.* settings that row-level security reads: who
// is asking, for which organisation and unit, in which roles, and why.
func SessionSettings(actor Actor) map[string]string {
	p := actor.Principal
	if p == nil {
		return map[string]string{}
	}
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = string(r)
	}
	unit := ""
	if p.UnitID != nil {
		unit = p.UnitID.String()
	}
	return map[string]string{
		"hub.org_id":  p.OrgID.String(),
		"hub.unit_id": unit,
		"hub.user_id": p.UserID,
		"hub.roles":   strings.Join(roles, ","),
		"hub.purpose": string(actor.Purpose),
	}
}

// Actor is who the work is done for.
func (w *Work) Actor() Actor { return w.actor }

// Principal is the acting person.
func (w *Work) Principal() *identity.Principal { return w.actor.Principal }

// Tx is the unit of work's transaction, for the services of this layer;
// transports never use it (the architecture test holds graph to that).
func (w *Work) Tx() db.Querier { return w.session }

// Now is the request's one clock: the time its unit of work began, the
// time every row it writes carries (SQL's hub_now()).
func (w *Work) Now(context.Context) (time.Time, error) { return w.now, nil }

// Today is the Swedish calendar day of the request's clock, the day SQL's
// hub_today() gives in the same transaction.
func (w *Work) Today(context.Context) (time.Time, error) { return tenancy.DayOf(w.now), nil }

// RequirePurpose returns the declared purpose, or tells the caller to
// declare one: every use case on personal data states why.
func (w *Work) RequirePurpose() (consent.Purpose, error) { return w.actor.RequirePurpose() }

// RequirePurpose returns the declared purpose, or tells the actor to
// declare one.
func (a Actor) RequirePurpose() (consent.Purpose, error) {
	if a.Purpose != "" {
		return a.Purpose, nil
	}
	return "", apperr.Invalidf("declare the purpose of this request in the %s header (one of %s)", PurposeField, joinPurposes(consent.Purposes))
}

// Allow asks the one authorization entry point whether the actor may act
// on obj. A refusal is FORBIDDEN and is noted for the audit record; use
// cases that must hide an object's existence turn it into NOT_FOUND.
func (w *Work) Allow(ctx context.Context, act authz.Action, obj authz.Object) error {
	p := w.actor.Principal
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "authentication required")
	}
	if w.authz == nil {
		return fmt.Errorf("authorize %s on %s: this application has no policy", act, obj.Kind)
	}
	err := w.authz.Require(ctx, w.session, p, act, obj)
	if apperr.CodeOf(err) == apperr.Forbidden {
		w.trail.Deny(apperr.MessageOf(err), obj.ID)
	}
	return err
}

// Scope is what the actor may read of a kind of personal data.
func (w *Work) Scope(act authz.Action, kind authz.ObjectKind) consent.Scope {
	return w.authz.Scope(w.actor.Principal, act, kind)
}

// ReadScope is Scope for reading; an actor who may read none of it is
// refused (and the refusal noted).
func (w *Work) ReadScope(kind authz.ObjectKind) (consent.Scope, error) {
	if w.actor.Principal == nil {
		return consent.Scope{}, apperr.New(apperr.Unauthenticated, "authentication required")
	}
	s := w.Scope(authz.Read, kind)
	if !s.Own && !s.Consented {
		reason := fmt.Sprintf("your roles do not allow read on %s", kind)
		w.trail.Deny(reason)
		return s, apperr.New(apperr.Forbidden, reason)
	}
	return s, nil
}

// Touch notes protected data touched (global ids, or other identifiers
// such as a looked-up number's blind index): the operation is audited.
func (w *Work) Touch(ids ...string) { w.trail.Touch(ids...) }

// Deny notes a refused attempt on the given objects.
func (w *Work) Deny(reason string, ids ...string) { w.trail.Deny(reason, ids...) }

// Accessed notes personal data read or written, for the audit record and
// the person's loggutdrag.
func (w *Work) Accessed(list ...audit.Access) {
	for _, a := range list {
		w.trail.Access(a)
	}
}

// Operation is what the audit record says ran: its type (query, mutation,
// subscription, http, cli), its name (the root fields executed, or the
// command), and the name the client gave, if any.
type Operation struct {
	Type       string
	Name       string
	ClientName *string
}

// ErrNotAudited is Finish's error when the audit record could not be
// written: the work was rolled back, and what it read must not be served.
var ErrNotAudited = errors.New("audit record could not be written")

// Finish ends the unit of work. Unless failed, the audit record (if the
// work touched protected data) is written in the transaction and the
// transaction committed; if the record cannot be written, nothing is
// committed. When failed (a mutation with an error, a request that never
// completed), the transaction is rolled back and the record written on its
// own with reason, without loggutdrag rows: they would name changes that
// never happened.
func (w *Work) Finish(ctx context.Context, op Operation, failed bool, reason string) error {
	ctx, cancel := detached(ctx)
	defer cancel()
	if failed {
		rollbackErr := w.session.Rollback(ctx)
		w.trail.ForgetAccesses()
		alone := db.NewSession(w.app.Pool, w.settings)
		if err := w.writeAudit(ctx, alone, op, reason); err != nil {
			_ = alone.Rollback(ctx)
			return errors.Join(rollbackErr, fmt.Errorf("audit record of a failed operation: %w", err))
		}
		return errors.Join(rollbackErr, alone.Commit(ctx))
	}
	if err := w.writeAudit(ctx, w.session, op, ""); err != nil {
		_ = w.session.Rollback(ctx)
		return fmt.Errorf("%w; rolled back: %w", ErrNotAudited, err)
	}
	return w.session.Commit(ctx)
}

// RecordOperation writes, in a transaction of its own, the audit record
// of an operation that wrote protected data outside the use cases: a bulk
// load by the operator (`hub seed`), which says in op what it wrote and
// names the objects. Nothing else is committed with it.
func (a *App) RecordOperation(ctx context.Context, actor Actor, op Operation, objectIDs ...string) error {
	w := a.Begin(actor)
	w.Touch(objectIDs...)
	return w.Finish(ctx, op, false, "")
}

// Abandon rolls the work back without an audit record: for work that
// touched nothing protected (Finish is always right too).
func (w *Work) Abandon(ctx context.Context) {
	ctx, cancel := detached(ctx)
	defer cancel()
	if err := w.session.Rollback(ctx); err != nil {
		logging.FromContext(ctx).Error("rollback failed", "error", err.Error())
	}
}

// writeAudit appends the operation's record to s if the work touched
// protected data, with its loggutdrag rows.
func (w *Work) writeAudit(ctx context.Context, s *db.Session, op Operation, failure string) error {
	touched, ids, decision, reason := w.trail.Summary()
	p := w.actor.Principal
	if !touched || p == nil {
		return nil
	}
	if reason == nil && failure != "" {
		reason = &failure
	}
	rec := Record(ctx, p, w.now, op, ids, decision, reason)
	accesses := w.trail.Accesses()
	if w.actor.Purpose != "" {
		purpose := string(w.actor.Purpose)
		rec.Purpose = &purpose
	}
	rec.ConsentID = soleConsent(accesses)
	pos, err := audit.Append(ctx, s, rec)
	if err != nil {
		return err
	}
	rec.OrgID = p.OrgID
	return audit.AppendAccesses(ctx, s, rec, pos, accesses)
}

// Record is the audit record of an operation by p at the given time.
func Record(ctx context.Context, p *identity.Principal, at time.Time, op Operation, ids []string, d audit.Decision, reason *string) audit.Record {
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = string(r)
	}
	var client *string
	if p.ClientID != "" {
		client = &p.ClientID
	}
	return audit.Record{
		OrgID: p.OrgID, At: at, RequestID: logging.RequestID(ctx), UserID: p.UserID, UnitID: p.UnitID,
		Roles: roles, ClientID: client, OperationType: op.Type, OperationName: op.Name,
		ClientOperationName: op.ClientName, ObjectIDs: ids, Decision: d, Reason: reason,
	}
}

// soleConsent is the samtycke the audit record names: the one that
// allowed every read across organisations in the operation, if there was
// exactly one. With several, each loggutdrag row names its own.
func soleConsent(accesses []audit.Access) *uuid.UUID {
	var sole *uuid.UUID
	for _, a := range accesses {
		if a.ConsentID == nil {
			continue
		}
		if sole != nil && *sole != *a.ConsentID {
			return nil
		}
		sole = a.ConsentID
	}
	return sole
}

func joinPurposes(ps []consent.Purpose) string {
	if len(ps) == 0 {
		return "none"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
