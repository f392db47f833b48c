package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/samverkanshub/hub/graph/model"
	"github.com/samverkanshub/hub/internal/app"
	apptasks "github.com/samverkanshub/hub/internal/app/tasks"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/logging"
	"github.com/samverkanshub/hub/internal/tasks"
)

// taskEvents streams the steps of the subscriber's tasks (its unit's
// inbox, or what its organisation sent), the live inbox. Every step
// written to a task's history is announced by the database (migration
// 025) to each replica's listener; each step is then re-read, in a fresh
// unit of work under the subscriber's identity and purpose, with the
// task use cases' own read (apptasks.Follower), at the time it arrives:
// a task the subscriber is no party to is not delivered, and content a
// revoked samtycke no longer shares is hidden. A delivered step is
// audited like a read. The subscriptions of one WebSocket connection
// share one feed, so a step is checked and audited once per connection
// however many subscriptions ask for it.
func (r *Resolver) taskEvents(ctx context.Context, box *tasks.Box) (<-chan *model.TaskChange, error) {
	actor, _ := connectionActor(ctx)
	if r.Follower == nil || r.TaskEvents == nil {
		return nil, apperr.New(apperr.Internal, "task events are not available on this server")
	}
	if err := r.Follower.MayFollow(actor); err != nil {
		return nil, err
	}
	b := tasks.Inbox
	if box != nil {
		b = *box
	}
	var feed *taskFeed
	if c := wsConnFrom(ctx); c != nil {
		feed = c.taskFeed(r, actor)
	} else {
		// Not over a WebSocket (no other transport serves subscriptions
		// today): a feed of its own, ending with the subscription.
		feed = newTaskFeed(r, ctx, actor)
	}
	return feed.subscribe(ctx, b), nil
}

// taskFeed checks announced task steps for one connection's principal
// and purpose and hands each allowed step to the connection's
// subscriptions of the box the task is in.
type taskFeed struct {
	r     *Resolver
	ctx   context.Context // the connection's lifetime
	actor app.Actor

	mu     sync.Mutex
	next   int
	subs   map[int]*taskSubscriber
	closed bool
}

type taskSubscriber struct {
	box tasks.Box
	out chan *model.TaskChange
}

// taskFeed returns the connection's task feed, starting one if there is
// none or the last one was cut off (it fell behind).
func (c *wsConn) taskFeed(r *Resolver, actor app.Actor) *taskFeed {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tasks == nil || c.tasks.isClosed() {
		c.tasks = newTaskFeed(r, c.ctx, actor)
	}
	return c.tasks
}

func newTaskFeed(r *Resolver, ctx context.Context, actor app.Actor) *taskFeed {
	f := &taskFeed{r: r, ctx: ctx, actor: actor, subs: map[int]*taskSubscriber{}}
	notices, unsubscribe := r.TaskEvents.Subscribe()
	go f.run(notices, unsubscribe)
	return f
}

func (f *taskFeed) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// subscribe adds a subscription, removed when ctx (the operation's) ends.
func (f *taskFeed) subscribe(ctx context.Context, box tasks.Box) <-chan *model.TaskChange {
	sub := &taskSubscriber{box: box, out: make(chan *model.TaskChange, feedBuffer)}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		close(sub.out)
		return sub.out
	}
	id := f.next
	f.next++
	f.subs[id] = sub
	f.mu.Unlock()
	go func() {
		<-ctx.Done()
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[id]; ok {
			delete(f.subs, id)
			close(sub.out)
		}
	}()
	return sub.out
}

func (f *taskFeed) run(notices <-chan tasks.Notice, unsubscribe func()) {
	defer f.closeAll()
	defer unsubscribe()
	for {
		var n tasks.Notice
		var open bool
		select {
		case <-f.ctx.Done():
			return
		case n, open = <-notices:
			if !open {
				return // fell behind: the clients resubscribe and refetch
			}
		}
		boxes := f.boxes()
		if len(boxes) == 0 || !n.MayConcern(f.actor.Principal.OrgID) {
			continue // nobody here asks for it: neither checked nor audited
		}
		followed, err := f.r.Follower.Check(f.ctx, f.actor, n, boxes)
		if err != nil {
			logging.FromContext(f.ctx).Error("task event not delivered", "error", err.Error())
			continue
		}
		if followed != nil {
			f.deliver(*followed)
		}
	}
}

// boxes are the boxes the connection's subscriptions ask for.
func (f *taskFeed) boxes() []tasks.Box {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []tasks.Box
	for _, s := range f.subs {
		if !slices.Contains(out, s.box) {
			out = append(out, s.box)
		}
	}
	return out
}

func (f *taskFeed) deliver(e apptasks.Followed) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, s := range f.subs {
		if !slices.Contains(e.Boxes, s.box) {
			continue
		}
		select {
		case s.out <- taskChangeOf(e, s.box):
		default:
			delete(f.subs, id)
			close(s.out)
		}
	}
}

func (f *taskFeed) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for id, s := range f.subs {
		delete(f.subs, id)
		close(s.out)
	}
}

// taskChangeOf converts a step the subscriber may know of (a value of its
// own for each subscription: they are resolved concurrently).
func taskChangeOf(e apptasks.Followed, box tasks.Box) *model.TaskChange {
	return &model.TaskChange{Kind: e.Step.Kind, At: e.Step.At, Box: box,
		Task: model.FromTask(e.Task, e.Today), Step: model.FromTaskEvent(e.Step)}
}
