package cases

import (
	"context"

	"example.com/hub/graph"
	"example.com/hub/internal/app"
	"example.com/hub/internal/platform/db"
)

type Kind string

type Store struct{}

func ByID(ctx context.Context, q db.Querier, ids []string) (map[string]string, error) {
	return nil, nil
}

var _ = graph.X
var _ = app.Y
