package tasks

import (
	"embed"
	"strconv"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads. Who may see which part of a task is the consent
// package's rule, rendered into {{visibility}} for the reader's scope.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	tTasksByID     = queries.Template("tasks_by_id", "visibility", "allowing_consent")
	tListTasks     = queries.Template("list_tasks", "visibility", "allowing_consent", "box", "filter", "limit")
	tCountTasks    = queries.Template("count_tasks", "visibility", "box", "filter")
	tEventsOfTasks = queries.Template("events_of_tasks", "note_visible")

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

// Who sees which part of a task t (docs/tasks.md, "Who sees what"). Each
// party sees the text it wrote itself; the rest is the sharing rule's,
// rendered for the reader's scope (Own: what its organisation wrote or
// owns; Consented: what a samtycke in force shares with it under the
// purpose it declares). A KONSULTATION has no personal content.
//
//   - The sender's text (subject, body; its notes of the history):
//     the sender's own; the recipient sees it while a samtycke shares the
//     person and every class of the task with it (sharedWithRecipient).
//   - The case and the person: the recipient under the same rule; the
//     sender when it owns the case, else while a samtycke shares the
//     person with it (hub_shares_person), as the case itself.
//   - Text the recipient (or any party other than the sender) wrote (a
//     rejection's reason, its notes of the history): the writer's own;
//     anyone else sees it while a samtycke shares the person and every
//     class the writer's organisation writes (hub_org_classes) with it,
//     which is what it would need to read that party's items of the case
//     (the case's owner: every such class that is not its own).

// own renders "the reader's organisation is col", when the scope has Own.
func own(s consent.Scope, col string) string {
	if !s.Own {
		return "false"
	}
	return col + " = hub_current_org()"
}

// sharedWithRecipient: a samtycke in force shares the person and every
// class of the task with the reader (the person's own municipality only
// needs the classes that are not its own).
func sharedWithRecipient(s consent.Scope) string {
	if !s.Consented {
		return "false"
	}
	return "CASE WHEN t.case_org_id = hub_current_org() THEN " + consent.ForeignClassesShared("t.individual_id", "t.classes") +
		" ELSE " + consent.EveryClassShared("t.individual_id", "t.classes") + " END"
}

// writerShared: a samtycke in force shares the person and every class the
// organisation in writerCol writes with the reader.
func writerShared(s consent.Scope, writerCol string) string {
	if !s.Consented {
		return "false"
	}
	classes := "hub_org_classes(" + writerCol + ")"
	return "CASE WHEN t.case_org_id = hub_current_org() THEN " + consent.ForeignClassesShared("t.individual_id", classes) +
		" ELSE " + consent.EveryClassShared("t.individual_id", classes) + " END"
}

// textVisible renders whether the reader may see text about the task's
// person that the organisation in writerCol wrote.
func textVisible(s consent.Scope, writerCol string) string {
	return "(t.case_id IS NULL OR " + own(s, writerCol) + " OR CASE WHEN " + writerCol + " = t.sender_org_id THEN " +
		sharedWithRecipient(s) + " ELSE " + writerShared(s, writerCol) + " END)"
}

// senderTextVisible is textVisible for the sender's subject and body.
func senderTextVisible(s consent.Scope) string {
	return "(t.case_id IS NULL OR " + own(s, "t.sender_org_id") + " OR " + sharedWithRecipient(s) + ")"
}

// caseVisible renders whether the reader may see the case and person.
func caseVisible(s consent.Scope) string {
	shares := "false"
	if s.Consented {
		shares = "EXISTS (SELECT 1 FROM hub_shares_person(t.individual_id))"
	}
	return "(t.case_id IS NULL OR CASE WHEN t.sender_org_id = hub_current_org() THEN " + own(s, "t.case_org_id") + " OR " + shares +
		" ELSE " + sharedWithRecipient(s) + " END)"
}

// visibility renders the columns of the lateral v every read of tasks
// joins: shown (the sender's text), case_shown, reason_shown (the
// recipient's rejection reason).
func visibility(s consent.Scope) string {
	return senderTextVisible(s) + " AS shown, " + caseVisible(s) + " AS case_shown, " +
		textVisible(s, "t.recipient_org_id") + " AS reason_shown"
}

// allowingConsent names the samtycke that allowed the reader to see what
// it sees of a task that is not its own, for the audit record and the
// loggutdrag (NULL: it read only its own text, or nothing): for the
// recipient, the one that shares the task's classes; for the sender, the
// one that shares the person (when it does not own the case), else the one
// that shares the recipient's classes (when it read the recipient's
// reason).
var allowingConsent = "CASE WHEN t.case_id IS NULL THEN NULL" +
	" WHEN t.sender_org_id <> hub_current_org() THEN CASE WHEN v.shown THEN " + consent.ClassesConsent("t.individual_id", "t.classes") + " END" +
	" ELSE coalesce(CASE WHEN v.case_shown AND t.case_org_id <> hub_current_org() THEN" +
	" (SELECT s.consent_id FROM hub_shares_person(t.individual_id) s ORDER BY s.consent_id LIMIT 1) END," +
	" CASE WHEN v.reason_shown AND t.reject_reason IS NOT NULL THEN " +
	consent.ClassesConsent("t.individual_id", "hub_org_classes(t.recipient_org_id)") + " END) END"

func byIDSQL(s consent.Scope) string { return tTasksByID.Render(visibility(s), allowingConsent) }

func eventsSQL(s consent.Scope) string {
	return tEventsOfTasks.Render(textVisible(s, "e.actor_org_id"))
}

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
	return tListTasks.Render(visibility(s), allowingConsent, boxSQL(b), filter, strconv.Itoa(limit))
}

func countSQL(s consent.Scope, b Box, filter string) string {
	return page.BoundedCount(tCountTasks.Render(visibility(s), boxSQL(b), filter))
}
