package tasks

import (
	"embed"
	"strconv"
	"strings"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	tTasksByID     = queries.Template("tasks_by_id", "scope")
	tJointTasks    = queries.Template("joint_tasks", "scope")
	tBoxRows       = queries.Template("box_rows", "part", "filter", "order", "limit")
	tListTasks     = queries.Template("list_tasks", "scope", "rows", "order", "limit")
	tCountTasks    = queries.Template("count_tasks", "rows")
	tEventsOfTasks = queries.Template("events_of_tasks", "scope")
	tOfCase        = queries.Template("of_case", "n", "scope")

	qOrgQueue     = queries.Must("org_queue")
	qUnitQueue    = queries.Must("unit_queue")
	qSent         = queries.Must("sent")
	qNewestFirst  = queries.Must("newest_first")
	qMostOverdue  = queries.Must("most_overdue_first")
	qTaskSamtycke = queries.Must("task_samtycke")
	qInsertTask   = queries.Must("insert_task")
	qTaskCreated  = queries.Must("task_created")
	qChangeState  = queries.Must("change_state")
	qAssign       = queries.Must("assign")

	qOverdueSent        = queries.Must("overdue_sent")
	qOverdueTask        = queries.Must("overdue_task")
	qEscalate           = queries.Must("escalate")
	qClaimReminder      = queries.Must("claim_reminder")
	qInsertReminder     = queries.Must("insert_reminder")
	qRemindersDue       = queries.Must("reminders_due")
	qWaitEndedDue       = queries.Must("wait_ended_due")
	qTimerOrganizations = queries.Must("timer_organizations")
)

// Who sees which part of a task (docs/tasks.md, "Who sees what") is the
// database's: hub_task_content and hub_task_event_note (migration 030)
// state the sharing rule once and mask what it does not show the reader,
// and hub_app may not read the content columns itself. The reader's scope
// (authz: its own organisation's, what samtycken share with it) is passed
// to them as two constants, which can only narrow what the rule shows.

// scopeArgs renders the scope as the functions' arguments p_own and
// p_consented.
func scopeArgs(s consent.Scope) string {
	return strconv.FormatBool(s.Own) + ", " + strconv.FormatBool(s.Consented)
}

func byIDSQL(s consent.Scope) string { return tTasksByID.Render(scopeArgs(s)) }

func jointSQL(s consent.Scope) string { return tJointTasks.Render(scopeArgs(s)) }

func eventsSQL(s consent.Scope) string { return tEventsOfTasks.Render(scopeArgs(s)) }

// ofCaseSQL is the filter of the tasks about the case in the parameter n.
func ofCaseSQL(s consent.Scope, n int) string { return tOfCase.Render(strconv.Itoa(n), scopeArgs(s)) }

// boxParts are the conditions of a box's parts: the inbox is two queues,
// the organisation's and the unit's, each read in its index's order and
// merged (a condition naming both could not be read in order).
func boxParts(b Box) []string {
	if b == Sent {
		return []string{qSent}
	}
	return []string{qOrgQueue, qUnitQueue}
}

// listOrder is the order of the filter's list: newest first, or, filtered
// by due day, most overdue first.
func listOrder(f Filter) string {
	if f.DueBefore != nil {
		return qMostOverdue
	}
	return qNewestFirst
}

// boxRows renders the parts of the box as box_rows, each narrowed by
// filter, in order, reading at most limit rows, joined by UNION ALL.
func boxRows(b Box, filter, order string, limit int) string {
	parts := boxParts(b)
	rows := make([]string, len(parts))
	for i, part := range parts {
		rows[i] = tBoxRows.Render(part, filter, order, strconv.Itoa(limit))
	}
	return strings.Join(rows, "\n\tUNION ALL ")
}

// listSQL renders List's statement: where holds the conditions of the
// filter and the cursor ("" or " AND …"), limit the rows to read.
func listSQL(s consent.Scope, f Filter, where string, limit int) string {
	order := listOrder(f)
	return tListTasks.Render(scopeArgs(s), boxRows(f.Box, where, order, limit), order, strconv.Itoa(limit))
}

func countSQL(f Filter, where string) string {
	return page.BoundedCount(tCountTasks.Render(boxRows(f.Box, where, listOrder(f), page.MaxCount)))
}
