// Package graph is the hub's GraphQL transport: the schema, its limits,
// error presentation, batching, and thin resolvers that decode arguments,
// call one use case of internal/app, and convert the result. It holds no
// rules, opens no transaction of its own and writes no audit record: the
// application layer does (graph/transactions.go only begins and finishes
// a request's unit of work).
package graph

//go:generate sh -c "cd .. && go tool gqlgen generate"

import (
	"context"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/auditreview"
	"github.com/samverkanshub/hub/internal/app/casework"
	appmeetings "github.com/samverkanshub/hub/internal/app/meetings"
	"github.com/samverkanshub/hub/internal/app/orgs"
	"github.com/samverkanshub/hub/internal/app/plans"
	"github.com/samverkanshub/hub/internal/app/routines"
	"github.com/samverkanshub/hub/internal/app/samtycke"
	apptasks "github.com/samverkanshub/hub/internal/app/tasks"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/tasks"
)

// Resolver is the root resolver: the application and its use cases.
type Resolver struct {
	Casework       *casework.Service
	Evidence       *casework.Evidence
	Samtycke       *samtycke.Service
	AuditReview    *auditreview.Service
	Directory      *vagin.Service
	Orgs           *orgs.Service
	RoutineService *routines.Service
	TaskWork       *apptasks.Service
	PlanWork       *plans.Service
	MeetingWork    *appmeetings.Service
	// ConsentEvents announces samtycke changes to subscriptions.
	ConsentEvents *consent.Listener
	// TaskEvents announces the steps of tasks' histories to
	// subscriptions, which Follower checks for each subscriber.
	TaskEvents *tasks.Listener
	Follower   *apptasks.Follower
}

// workKey carries the request's unit of work.
type workKey struct{}

func withWork(ctx context.Context, w *app.Work) context.Context {
	return context.WithValue(ctx, workKey{}, w)
}

// work is the request's unit of work. Every query and mutation has one
// (transactions); a resolver without one is a bug, and panics (recovered
// as INTERNAL) rather than run outside the lawful order.
func work(ctx context.Context) *app.Work {
	if w, ok := ctx.Value(workKey{}).(*app.Work); ok {
		return w
	}
	if e, ok := ctx.Value(eventWorkKey{}).(*eventWork); ok {
		return e.get() // a subscription event's (transactions.perEvent)
	}
	panic("graph: a resolver ran outside a unit of work")
}
