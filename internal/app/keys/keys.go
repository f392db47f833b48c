// Package keys holds the operator's use case on the key ring that seals
// identity numbers at rest: re-sealing every number with the ring's active
// key (`hub individuals rekey`), so that an old key can leave the ring.
package keys

import (
	"context"
	"errors"
	"fmt"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/individuals"
)

// Service is the key rotation of one hub. Its App connects as the owner:
// re-sealing must see every organisation's people.
type Service struct {
	app    *app.App
	people individuals.Store
}

// New returns the service; a.Keys is the new ring (the new key first).
func New(a *app.App) *Service { return &Service{app: a, people: individuals.Store{Keys: a.Keys}} }

// Result is what a rekey did.
type Result struct {
	KeyID         string // the active key every number is now sealed with
	Numbers       int    // numbers re-sealed
	Organizations int    // organisations whose people's numbers were re-sealed
	Batches       int    // transactions, each with its audit record
}

// OperationName is the audit record's operation name of a rekey batch
// that re-sealed n numbers with the key keyID: the command, the count and
// the key id, nothing about a person.
func OperationName(n int, keyID string) string {
	return fmt.Sprintf("individualsRekey: %d identity numbers re-sealed with key %q", n, keyID)
}

// maxRounds bounds the passes over the organisations: a pass finds the
// numbers sealed with an old key while the one before it ran (a replica
// still sealing with an old key first would keep adding them).
const maxRounds = 3

// Rekey re-seals every identity number not sealed with the active key,
// one organisation at a time, in batches of at most batch numbers. Each
// batch is a unit of work of its own, acting for the organisation whose
// people it re-seals in the operator's name (app.OperatorActor), and its
// audit record (operation type cli, OperationName) is written and
// committed in the same transaction as the numbers: a batch that commits
// is in the organisation's trail, one that fails leaves nothing but a
// record of the failure. Batches stay small so that a huge table is never
// held in one long transaction.
//
// Rekey writes no loggutdrag rows. The loggutdrag tells a person who read
// or changed their data, and for what purpose; re-sealing reads no one's
// data for anyone's sake: the number is opened only in this process's
// memory to be sealed again, its value, blind index and everything a user
// can see stay the same. A row for every person at every key rotation
// would only bury the accesses the loggutdrag is there to show. The
// organisation's audit trail keeps the fact (who ran it, when, how many,
// which key) instead.
func (s *Service) Rekey(ctx context.Context, operator string, batch int) (Result, error) {
	if batch < 1 {
		return Result{}, fmt.Errorf("rekey: batch must be at least 1, got %d", batch)
	}
	res := Result{KeyID: s.app.Keys.ActiveKeyID()}
	seen := map[string]bool{}
	for range maxRounds {
		orgs, err := s.people.OrganizationsToRekey(ctx, s.app.Pool)
		if err != nil {
			return res, err
		}
		if len(orgs) == 0 {
			return res, nil
		}
		for _, org := range orgs {
			n, batches, err := s.rekeyOrganization(ctx, org, operator, batch)
			res.Numbers += n
			res.Batches += batches
			if n > 0 && !seen[org.ID.String()] {
				seen[org.ID.String()] = true
				res.Organizations++
			}
			if err != nil {
				return res, fmt.Errorf("re-seal the numbers of organisation %s: %w", org.ID, err)
			}
		}
	}
	return res, errors.New("rekey: numbers sealed with an old key keep appearing; does a replica still run with the old key first in HUB_PII_KEYS?")
}

// rekeyOrganization re-seals one organisation's numbers, batch by batch.
func (s *Service) rekeyOrganization(ctx context.Context, org individuals.RekeyOrganization, operator string, batch int) (numbers, batches int, err error) {
	actor := app.OperatorActor(org.ID, org.Kind, operator)
	var pos individuals.RekeyPosition
	for {
		w := s.app.Begin(actor)
		n, next, err := s.people.RekeyBatch(ctx, w.Tx(), org.ID, pos, batch)
		if err == nil && n == 0 {
			w.Abandon(ctx)
			return numbers, batches, nil
		}
		w.Touch()
		op := app.Operation{Type: "cli", Name: OperationName(n, s.app.Keys.ActiveKeyID())}
		if err != nil {
			// The attempt is in the trail too, as for any failed change.
			return numbers, batches, errors.Join(err, w.Finish(ctx, op, true, "the batch failed and was rolled back"))
		}
		if err := w.Finish(ctx, op, false, ""); err != nil {
			return numbers, batches, err
		}
		numbers += n
		batches++
		if n < batch {
			return numbers, batches, nil
		}
		pos = next
	}
}
