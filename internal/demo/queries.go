package demo

import (
	"context"
	"embed"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
)

// Present says which of ids are already written: people, cases,
// samtycken, case items, steps of a case's history, routines.
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

func idSet(ctx context.Context, q db.Querier, sql string, args ...any) (map[uuid.UUID]bool, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("demo data present: %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("demo data present: %w", err)
	}
	out := make(map[uuid.UUID]bool, len(list))
	for _, id := range list {
		out[id] = true
	}
	return out, nil
}
