package graph

import (
	"context"

	"example.com/hub/internal/app"
	"example.com/hub/internal/cases"
	"example.com/hub/internal/platform/db"
)

func bypass(ctx context.Context, w *app.Work, q db.Querier) {
	_, _ = cases.ByID(ctx, q, nil)
	_ = cases.Store{}
	_ = w.Tx()
	_ = cases.Kind("x") // a conversion, not a call that reaches the database
}
