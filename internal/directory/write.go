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
	_, err := q.Exec(ctx, qUpsertEntry,
		e.ID, e.OrgID, e.UnitID, e.FunctionName, e.Description, e.Topics, nonNil(e.LeadTopics), nonNil(e.TargetGroups),
		nonNil(e.MunicipalityCodes), e.National, string(e.Visibility), e.ExpectedAnswer, e.FallbackEntryID,
		nonNil(e.StaffedByRoles), nonNil(e.ContactPersons), e.ReviewedAt, e.ReviewedBy)
	if err != nil {
		return fmt.Errorf("ensure directory entry %s: %w", e.FunctionName, err)
	}
	if err := Reindex(ctx, q, []uuid.UUID{e.ID}); err != nil {
		return fmt.Errorf("index %s: %w", e.FunctionName, err)
	}
	if _, err := q.Exec(ctx, qDeleteChannels, e.ID); err != nil {
		return fmt.Errorf("replace channels of %s: %w", e.FunctionName, err)
	}
	for i, c := range channels {
		hours, err := json.Marshal(nonNil(c.OpeningHours))
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, qAddChannel, e.OrgID, e.ID, i, string(c.Kind), c.Value, c.Note, hours, string(c.Visibility))
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
	if _, err := q.Exec(ctx, qClearWays, ids); err != nil {
		return fmt.Errorf("clear ways in: %w", err)
	}
	if _, err := q.Exec(ctx, qComputeWays, ids); err != nil {
		return fmt.Errorf("compute ways in: %w", err)
	}
	if _, err := q.Exec(ctx, qClearSearchTerms, ids); err != nil {
		return fmt.Errorf("clear search terms: %w", err)
	}
	// The terms, the new words of the lexicon and each entry's terms in
	// one row (directory_search_docs, for words seldom together).
	if _, err := q.Exec(ctx, qIndexForSearch, ids); err != nil {
		return fmt.Errorf("index for search: %w", err)
	}
	return nil
}
