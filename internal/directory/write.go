package directory

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// EnsureEntry creates the entry or brings it up to date, and replaces its
// channels with channels (in order). The demo seed uses it; the upsert
// mutation will validate input and check the policy before calling it.
func EnsureEntry(ctx context.Context, q db.Querier, e Entry, channels []Channel) error {
	_, err := q.Exec(ctx, `INSERT INTO directory_entries (id, org_id, unit_id, function_name, description, topics,
		lead_topics, target_groups, municipality_codes, national, visibility, expected_answer, fallback_entry_id,
		staffed_by_roles, contact_persons, reviewed_at, reviewed_by, created_at, updated_at)
	VALUES ($1, $2, $3, $4, $5, $6::directory_topic[], $7::directory_topic[], $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, hub_now(), hub_now())
	ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, function_name = excluded.function_name,
		description = excluded.description, topics = excluded.topics, lead_topics = excluded.lead_topics,
		target_groups = excluded.target_groups, municipality_codes = excluded.municipality_codes,
		national = excluded.national, visibility = excluded.visibility, expected_answer = excluded.expected_answer,
		fallback_entry_id = excluded.fallback_entry_id, staffed_by_roles = excluded.staffed_by_roles,
		contact_persons = excluded.contact_persons, reviewed_at = excluded.reviewed_at,
		reviewed_by = excluded.reviewed_by, updated_at = hub_now()`,
		e.ID, e.OrgID, e.UnitID, e.FunctionName, e.Description, e.Topics, nonNil(e.LeadTopics), nonNil(e.TargetGroups),
		nonNil(e.MunicipalityCodes), e.National, string(e.Visibility), e.ExpectedAnswer, e.FallbackEntryID,
		nonNil(e.StaffedByRoles), nonNil(e.ContactPersons), e.ReviewedAt, e.ReviewedBy)
	if err != nil {
		return fmt.Errorf("ensure directory entry %s: %w", e.FunctionName, err)
	}
	if err := Reindex(ctx, q, []uuid.UUID{e.ID}); err != nil {
		return fmt.Errorf("index %s: %w", e.FunctionName, err)
	}
	if _, err := q.Exec(ctx, `DELETE FROM directory_channels WHERE entry_id = $1`, e.ID); err != nil {
		return fmt.Errorf("replace channels of %s: %w", e.FunctionName, err)
	}
	for i, c := range channels {
		hours, err := json.Marshal(nonNil(c.OpeningHours))
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, `INSERT INTO directory_channels (org_id, entry_id, position, kind, value, note, opening_hours, visibility)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.OrgID, e.ID, i, string(c.Kind), c.Value, c.Note, hours, string(c.Visibility))
		if err != nil {
			return fmt.Errorf("add channel to %s: %w", e.FunctionName, err)
		}
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Reindex brings what is derived from the given entries up to date (all
// entries when ids is nil): their ways in (the ranked table waysIn reads,
// computed by the SQL function directory_ways_of), their search terms
// (directory_search_terms_of, also kept one row per entry in
// directory_search_docs) and the search lexicon.
// An archived entry loses its ways in.
func Reindex(ctx context.Context, q db.Querier, ids []uuid.UUID) error {
	if _, err := q.Exec(ctx, `DELETE FROM directory_ways WHERE $1::uuid[] IS NULL OR entry_id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("clear ways in: %w", err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO directory_ways SELECT * FROM directory_ways_of($1)`, ids); err != nil {
		return fmt.Errorf("compute ways in: %w", err)
	}
	if _, err := q.Exec(ctx, `WITH terms AS (
		DELETE FROM directory_search_terms WHERE $1::uuid[] IS NULL OR entry_id = ANY($1)
	)
	DELETE FROM directory_search_docs WHERE $1::uuid[] IS NULL OR entry_id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("clear search terms: %w", err)
	}
	// The terms, the new words of the lexicon and each entry's terms in
	// one row (directory_search_docs, for words seldom together).
	if _, err := q.Exec(ctx, `WITH added AS (
		INSERT INTO directory_search_terms SELECT * FROM directory_search_terms_of($1) RETURNING *
	),
	words AS (
		INSERT INTO directory_search_lexicon SELECT DISTINCT term FROM added WHERE term NOT LIKE '~%'
		ON CONFLICT DO NOTHING
	)
	INSERT INTO directory_search_docs
	SELECT entry_id, org_id, org_kind, visibility, array_agg(term ORDER BY term), array_agg(weight ORDER BY term)
	FROM added GROUP BY entry_id, org_id, org_kind, visibility`, ids); err != nil {
		return fmt.Errorf("index for search: %w", err)
	}
	return nil
}
