package tasks

import (
	"embed"
	"strconv"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads. Who may see a task's content is the consent
// package's rule, rendered into {{content_visible}} for the reader's scope.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	tTasksByID     = queries.Template("tasks_by_id", "content_visible", "allowing_consent")
	tListTasks     = queries.Template("list_tasks", "content_visible", "allowing_consent", "box", "filter", "limit")
	tCountTasks    = queries.Template("count_tasks", "content_visible", "box", "filter")
	tEventsOfTasks = queries.Template("events_of_tasks", "content_visible")

	qInbox        = queries.Must("inbox")
	qSent         = queries.Must("sent")
	qTaskSamtycke = queries.Must("task_samtycke")
	qInsertTask   = queries.Must("insert_task")
	qTaskCreated  = queries.Must("task_created")
	qChangeState  = queries.Must("change_state")
	qAssign       = queries.Must("assign")

	qOverdueSent        = queries.Must("overdue_sent")
	qEscalate           = queries.Must("escalate")
	qClaimReminder      = queries.Must("claim_reminder")
	qInsertReminder     = queries.Must("insert_reminder")
	qRemindersDue       = queries.Must("reminders_due")
	qTimerOrganizations = queries.Must("timer_organizations")
)

// contentVisible renders the rule for a task t's personal content in the
// reader's scope: a KONSULTATION has none; the sender sees what it wrote
// (Own); a recipient sees it while a samtycke in force shares the person
// and every class of the task with it under the purpose it declares
// (Consented) — the person's own municipality only needs the classes that
// are not its own shared.
func contentVisible(s consent.Scope) string {
	own := "false"
	if s.Own {
		own = "t.sender_org_id = hub_current_org()"
	}
	shared := "false"
	if s.Consented {
		shared = "CASE WHEN t.case_org_id = hub_current_org() THEN " + consent.ForeignClassesShared("t.individual_id", "t.classes") +
			" ELSE " + consent.EveryClassShared("t.individual_id", "t.classes") + " END"
	}
	return "(t.case_id IS NULL OR " + own + " OR " + shared + ")"
}

// allowingConsent names the samtycke that lets a recipient see a task's
// content (the same for every request).
var allowingConsent = consent.ClassesConsent("t.individual_id", "t.classes")

func byIDSQL(s consent.Scope) string { return tTasksByID.Render(contentVisible(s), allowingConsent) }

func eventsSQL(s consent.Scope) string { return tEventsOfTasks.Render(contentVisible(s)) }

// boxSQL is the condition of a box.
func boxSQL(b Box) string {
	if b == Sent {
		return qSent
	}
	return qInbox
}

// listSQL renders List's statement: filter holds the conditions of the
// filter and the cursor ("" or " AND …"), limit the rows to read.
func listSQL(s consent.Scope, b Box, filter string, limit int) string {
	return tListTasks.Render(contentVisible(s), allowingConsent, boxSQL(b), filter, strconv.Itoa(limit))
}

func countSQL(s consent.Scope, b Box, filter string) string {
	return page.BoundedCount(tCountTasks.Render(contentVisible(s), boxSQL(b), filter))
}
