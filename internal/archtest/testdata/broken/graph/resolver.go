package graph

import (
	"context"

	"example.com/hub/internal/app"
	"example.com/hub/internal/cases"
	"example.com/hub/internal/platform/db"
)

func bypass(ctx context.Context, w *app.Work, a *app.App, q db.Querier) {
	_, _ = cases.ByID(ctx, q, nil)
	byID := cases.ByID // a function value calls it just the same
	_, _ = byID(ctx, q, nil)
	_ = cases.Store{}
	var s cases.Store
	_ = s
	_ = w.Tx()
	tx := w.Tx
	_ = tx
	_ = a.Pool
	_ = cases.Kind("x") // a conversion, not a use of the database
}
