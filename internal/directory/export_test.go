package directory

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// Reading says how much of each list a search reads: First entries in the
// first round, Growth times more in each further one, whole lists past Max
// (at once when First is 0), scoring Spare candidates more than the page
// needs in each round (nil: as Search does).
type Reading struct {
	First, Growth, Max int
	Spare              *int
}

func (r Reading) reading() reading {
	scored := candidatesScored
	if r.Spare != nil {
		scored = func(_, first int) int { return first + 1 + *r.Spare }
	}
	return reading{first: r.First, growth: r.Growth, max: r.Max, scored: scored}
}

// SearchReading is Search reading as r says; it also reports the rounds it
// took.
func SearchReading(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f SearchFilter, p page.Request, r Reading) (page.Result[Hit], int, error) {
	return search(ctx, q, viewer, query, f, p, r.reading())
}

// CountSearchReading is CountSearch counting up to limit, reading as r
// says.
func CountSearchReading(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f SearchFilter, limit int, r Reading) (int, error) {
	return countSearch(ctx, q, viewer, query, f, limit, r.reading())
}

// SearchReadingDefault is how Search reads.
var SearchReadingDefault = Reading{First: searchReading.first, Growth: searchReading.growth, Max: searchReading.max}
