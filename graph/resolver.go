// Package graph translates GraphQL into calls on the domain packages under
// internal/. Resolvers decode arguments, call the domain, and convert the
// result; they hold no rules and write no SQL.
package graph

//go:generate sh -c "cd .. && go tool gqlgen generate"

import (
	"github.com/jackc/pgx/v5/pgxpool"
)

// Resolver is the root resolver; it holds the dependencies of all resolvers.
type Resolver struct {
	Pool *pgxpool.Pool
}
