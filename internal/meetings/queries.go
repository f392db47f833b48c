package meetings

import (
	"embed"

	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

// The package's SQL is in queries.sql; each statement is looked up here,
// when the package loads. Every statement is static: the rule
// (hub_meeting_visible) is the database's, and a page's cursor and size
// are parameters.

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qMeetingsByID        = queries.Must("meetings_by_id")
	qMeetingsOfCases     = queries.Must("meetings_of_cases")
	qComing              = queries.Must("coming")
	qCountComing         = queries.Must("count_coming")
	qPartiesOf           = queries.Must("parties_of")
	qInsertMeeting       = queries.Must("insert_meeting")
	qInsertParty         = queries.Must("insert_party")
	qSetPersonAttendance = queries.Must("set_person_attendance")
	qSetPartyAttendance  = queries.Must("set_party_attendance")
	qTouchMeeting        = queries.Must("touch_meeting")
	qCancelMeeting       = queries.Must("cancel_meeting")
	qRemindersDue        = queries.Must("reminders_due")
	qOwnReminder         = queries.Must("own_reminder")
	qClaimReminder       = queries.Must("claim_reminder")
	qMinutesOf           = queries.Must("minutes_of")
	qInsertMinutes       = queries.Must("insert_minutes")
)
