package demo

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qPresent      = queries.Must("present")
	qParticipants = queries.Must("participants")
	qScreened     = queries.Must("screened")
	qAttended     = queries.Must("attended")
	qAgreed       = queries.Must("agreed")
	qReceived     = queries.Must("received")
	qMeetingStart = queries.Must("meeting_starts")
	qUnitExists   = queries.Must("unit_exists")
)

// Present says which of ids are already written: people, cases,
// samtycken, case items, steps of a case's history, routines, tasks, steps
// of a task's history, meetings, plans, repayments.
func Present(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	return idSet(ctx, q, qPresent, ids)
}

// Screened says which of the cases are screened.
func Screened(ctx context.Context, q db.Querier, caseIDs []uuid.UUID) (map[uuid.UUID]bool, error) {
	return idSet(ctx, q, qScreened, caseIDs)
}

// ParticipantOrgs are the organisations already taking part in a case.
func ParticipantOrgs(ctx context.Context, q db.Querier, caseID uuid.UUID) (map[uuid.UUID]bool, error) {
	return idSet(ctx, q, qParticipants, caseID)
}

// Attended says which of the meetings have the person's attendance
// recorded.
func Attended(ctx context.Context, q db.Querier, meetingIDs []uuid.UUID) (map[uuid.UUID]bool, error) {
	return idSet(ctx, q, qAttended, meetingIDs)
}

// Agreed says which of the plans have the person's agreement to a
// version.
func Agreed(ctx context.Context, q db.Querier, planIDs []uuid.UUID) (map[uuid.UUID]bool, error) {
	return idSet(ctx, q, qAgreed, planIDs)
}

// Received says which items of the case's checklist are received.
func Received(ctx context.Context, q db.Querier, caseID uuid.UUID) (map[evidence.Kind]bool, error) {
	return set[evidence.Kind](ctx, q, qReceived, caseID)
}

// MeetingStarts is when a meeting starts.
func MeetingStarts(ctx context.Context, q db.Querier, meetingID uuid.UUID) (time.Time, error) {
	var t time.Time
	if err := q.QueryRow(ctx, qMeetingStart, meetingID).Scan(&t); err != nil {
		return t, fmt.Errorf("demo meeting %s: %w", meetingID, err)
	}
	return t, nil
}

func idSet(ctx context.Context, q db.Querier, sql string, args ...any) (map[uuid.UUID]bool, error) {
	return set[uuid.UUID](ctx, q, sql, args...)
}

// set is the set of the values of the one column sql returns.
func set[K comparable](ctx context.Context, q db.Querier, sql string, args ...any) (map[K]bool, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("demo data present: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[K])
	if err != nil {
		return nil, fmt.Errorf("demo data present: %w", err)
	}
	out := make(map[K]bool, len(list))
	for _, id := range list {
		out[id] = true
	}
	return out, nil
}
