package graph

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/logging"
)

// transactions runs every query and mutation in one database transaction
// (db.Session), begun lazily by the first statement. A mutation with any
// error is rolled back whole, so a failed request leaves nothing
// half-written; the response then carries no data. Subscriptions manage
// their own short transactions per event.
type transactions struct {
	pool             *pgxpool.Pool
	statementTimeout time.Duration
	refusals         *refusals
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = transactions{}

func (transactions) ExtensionName() string                   { return "Transactions" }
func (transactions) Validate(graphql.ExecutableSchema) error { return nil }

func (t transactions) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	isMutation := oc.Operation.Operation == ast.Mutation
	p := identity.FromContext(ctx)
	// Over a WebSocket the purpose was declared, and checked, once for the
	// connection (connection_init); over HTTP each request declares it.
	purpose := purposeOf(ctx)
	if purpose == "" {
		var err error
		if purpose, err = declaredPurpose(oc.Headers.Get(PurposeHeader), p); err != nil {
			t.refusals.record(ctx, p, string(oc.Operation.Operation), operationName(oc), apperr.MessageOf(err))
			return graphql.OneShot(errorResponse(err))
		}
	}
	values := sessionSettings(p)
	if purpose != "" {
		values["hub.purpose"] = string(purpose)
		ctx = withPurpose(ctx, purpose)
	}
	settings := db.Settings{
		Values:           values,
		StatementTimeout: t.statementTimeout,
	}
	session := db.NewSession(t.pool, settings)
	ctx, trail := audit.WithTrail(db.WithSession(ctx, session))
	responses := next(ctx)

	var once sync.Once
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		once.Do(func() { resp = t.finish(ctx, session, settings, trail, resp, isMutation) })
		return resp
	}
}

// finishTimeout bounds writing the audit record and committing.
const finishTimeout = 10 * time.Second

// sessionSettings are the hub.* settings row-level security reads: who is
// asking, for which organisation and unit, in which roles.
func sessionSettings(p *identity.Principal) map[string]string {
	if p == nil {
		return nil
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
	}
}

// finish commits or rolls back after the operation has been executed. The
// operation's audit record is written in the same transaction, just before
// the commit: if it cannot be written, nothing is committed. A mutation
// that failed is rolled back and its record written on its own.
func (t transactions) finish(ctx context.Context, s *db.Session, settings db.Settings, trail *audit.Trail, resp *graphql.Response, isMutation bool) *graphql.Response {
	// The client may have gone; the transaction must still end properly,
	// but never wait forever (a result set left open would hold the
	// session's lock).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	log := logging.FromContext(ctx)
	if resp == nil || (isMutation && len(resp.Errors) > 0) {
		if err := s.Rollback(ctx); err != nil {
			log.Error("rollback failed", "error", err.Error())
		}
		if err := t.auditAlone(ctx, settings, trail, "the operation failed and was rolled back"); err != nil {
			log.Error("audit record of a failed operation could not be written", "error", err.Error())
		}
		if resp != nil {
			resp.Data = []byte("null")
		}
		return resp
	}
	if err := writeAudit(ctx, s, trail, ""); err != nil {
		log.Error("audit record could not be written; rolling back", "error", err.Error())
		_ = s.Rollback(ctx)
		return internalResponse()
	}
	if err := s.Commit(ctx); err != nil {
		log.Error("commit failed", "error", err.Error())
		return internalResponse()
	}
	return resp
}

func internalResponse() *graphql.Response {
	return &graphql.Response{
		Data: []byte("null"),
		Errors: gqlerror.List{{
			Message:    "internal error",
			Extensions: map[string]any{"code": string(apperr.Internal)},
		}},
	}
}

// auditAlone writes the operation's record in a transaction of its own.
// The work was rolled back, so the record keeps what was attempted (its
// objects and reason) but writes no loggutdrag rows: they would name
// changes that never happened, or people who were never registered.
func (t transactions) auditAlone(ctx context.Context, settings db.Settings, trail *audit.Trail, reason string) error {
	s := db.NewSession(t.pool, settings)
	trail.ForgetAccesses()
	if err := writeAudit(ctx, s, trail, reason); err != nil {
		_ = s.Rollback(ctx)
		return err
	}
	return s.Commit(ctx)
}

// writeAudit appends the operation's record if it touched protected data.
func writeAudit(ctx context.Context, s *db.Session, trail *audit.Trail, failure string) error {
	oc := graphql.GetOperationContext(ctx)
	return writeAuditAs(ctx, s, trail, failure, string(oc.Operation.Operation), operationName(oc), clientOperationName(oc))
}

// writeAuditAs is writeAudit for work done outside an operation's own
// execution (a subscription's event), named by the caller.
func writeAuditAs(ctx context.Context, s *db.Session, trail *audit.Trail, failure, opType, opName string, clientName *string) error {
	touched, ids, decision, reason := trail.Summary()
	p := identity.FromContext(ctx)
	if !touched || p == nil {
		return nil
	}
	if reason == nil && failure != "" {
		reason = &failure
	}
	now, err := s.Now(ctx)
	if err != nil {
		return err
	}
	rec := recordFor(ctx, p, now, opType, opName, ids, decision, reason)
	rec.ClientOperationName = clientName
	accesses := trail.Accesses()
	if purpose := purposeOf(ctx); purpose != "" {
		s := string(purpose)
		rec.Purpose = &s
	}
	rec.ConsentID = soleConsent(accesses)
	pos, err := audit.Append(ctx, s, rec)
	if err != nil {
		return err
	}
	rec.OrgID = p.OrgID
	return audit.AppendAccesses(ctx, s, rec, pos, accesses)
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

func recordFor(ctx context.Context, p *identity.Principal, at time.Time, opType, opName string, ids []string, d audit.Decision, reason *string) audit.Record {
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
		Roles: roles, ClientID: client, OperationType: opType, OperationName: opName,
		ObjectIDs: ids, Decision: d, Reason: reason,
	}
}
