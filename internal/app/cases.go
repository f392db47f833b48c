package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// VisibleCase is the case id as the actor may read it (its organisation's
// own, or one whose person a samtycke shares with it), or NOT_FOUND,
// exactly as if it did not exist. Every use case about a case starts here.
func (w *Work) VisibleCase(ctx context.Context, id uuid.UUID) (cases.Case, error) {
	found, err := cases.ByID(ctx, w.Tx(), w.Scope(authz.Read, authz.Case), []uuid.UUID{id})
	if err != nil {
		return cases.Case{}, err
	}
	c, ok := found[id]
	if !ok {
		return cases.Case{}, apperr.NotFoundf("no such case")
	}
	return c, nil
}
