package tasks

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlgolden"
)

func TestQueries_EveryStatementIsUsed(t *testing.T) {
	t.Parallel()
	require.Empty(t, queries.Unused(), "statements of queries.sql no Go code uses")
}

// The scopes a reader may read tasks in (authz decides which).
var goldenScopes = []struct {
	name  string
	scope consent.Scope
}{
	{"own organisation's and under samtycken", consent.Scope{Own: true, Consented: true}},
	{"own organisation's only", consent.Scope{Own: true}},
}

var (
	goldenIDs   = []uuid.UUID{uuid.MustParse("7a000000-0000-4000-8000-000000000001")}
	goldenCase  = uuid.MustParse("ca000000-0000-4000-8000-000000000001")
	goldenAfter = &page.Key{Sort: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC).Format(time.RFC3339Nano),
		ID: uuid.MustParse("7a000000-0000-4000-8000-000000000002")}
)

// What ByID, Joint and Events send, with the content's rule for each scope.
func TestGolden_TasksByIDAndHistory(t *testing.T) {
	t.Parallel()
	var byID, joint, events []sqlgolden.Case
	for _, s := range goldenScopes {
		byID = append(byID, sqlgolden.Case{Name: s.name, SQL: byIDSQL(s.scope), Args: []any{goldenIDs}})
		joint = append(joint, sqlgolden.Case{Name: s.name, SQL: jointSQL(s.scope), Args: []any{goldenIDs}})
		events = append(events, sqlgolden.Case{Name: s.name, SQL: eventsSQL(s.scope), Args: []any{goldenIDs}})
	}
	sqlgolden.Check(t, "testdata/tasks_by_id.sql", byID...)
	sqlgolden.Check(t, "testdata/joint_tasks.sql", joint...)
	sqlgolden.Check(t, "testdata/events_of_tasks.sql", events...)
}

// What List and Count send for each box, filter, cursor and page size.
func TestGolden_ListTasks(t *testing.T) {
	t.Parallel()
	state, kind, due := Mottagen, SignalSjukskrivning, time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	var list, count []sqlgolden.Case
	s := goldenScopes[0]
	for _, tc := range []struct {
		name string
		f    Filter
		p    page.Request
	}{
		{"the inbox, the first page of 20", Filter{Box: Inbox}, page.Request{First: 20}},
		{"the inbox, a page of 50 after a cursor", Filter{Box: Inbox}, page.Request{First: 50, After: goldenAfter}},
		{"sent, of a state, kind and case, due before a day", Filter{Box: Sent, State: &state, Kind: &kind, DueBefore: &due, CaseID: &goldenCase}, page.Request{First: 5}},
		{"the inbox due before a day, most overdue first, after a cursor", Filter{Box: Inbox, DueBefore: &due},
			page.Request{First: 50, After: &page.Key{Sort: "2026-03-18", ID: goldenAfter.ID}}},
	} {
		sql, args, err := listTasksSQL(s.scope, tc.f, tc.p)
		require.NoError(t, err)
		list = append(list, sqlgolden.Case{Name: tc.name, SQL: sql, Args: args})
		where, cargs := tc.f.where(s.scope, nil)
		count = append(count, sqlgolden.Case{Name: tc.name, SQL: countSQL(tc.f, where), Args: cargs})
	}
	sqlgolden.Check(t, "testdata/list_tasks.sql", list...)
	sqlgolden.Check(t, "testdata/count_tasks.sql", count...)
}
