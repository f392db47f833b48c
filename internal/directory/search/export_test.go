package search

import (
	"context"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/page"
)

// Round is one round of reading (see round).
type Round = round

// Head reads head entries of each list (0: whole lists).
func Head(head int) Round { return round{head: head} }

// Driven drives from the rarest word, with heads of head entries for the
// others; with smallBelow > 0 only from a word each of whose expansions
// has fewer entries.
func Driven(head, smallBelow int) Round {
	return round{head: head, drive: true, smallBelow: smallBelow}
}

// Together finds the entries with every word in the GIN index and scores
// them, proving nothing when there are more than most.
func Together(most int) Round { return round{together: most} }

// Reading is how a search reads: its rounds, scoring Spare candidates more
// than the page needs in each (nil: as Find does).
type Reading struct {
	Rounds []Round
	Spare  *int
}

func (r Reading) reading() reading {
	scored := candidatesScored
	if r.Spare != nil {
		scored = func(_, first int) int { return first + 1 + *r.Spare }
	}
	return reading{rounds: r.Rounds, scored: scored}
}

// FindWith is Find reading as r says; it also reports the rounds it
// took.
func FindWith(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f Filter, p page.Request, r Reading) (page.Result[Hit], int, error) {
	return find(ctx, q, viewer, query, f, p, r.reading())
}

// CountWith is Count counting up to limit, reading as r says.
func CountWith(ctx context.Context, q db.Querier, viewer uuid.UUID, query string, f Filter, limit int, r Reading) (int, error) {
	return countUpTo(ctx, q, viewer, query, f, limit, r.reading())
}

// DefaultReading is how Find reads.
var DefaultReading = Reading{Rounds: searchReading.rounds}

// FirstHead is how many entries of each list Find reads first.
var FirstHead = searchReading.rounds[0].head
