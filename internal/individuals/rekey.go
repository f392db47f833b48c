package individuals

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Rekey re-seals every number not sealed with the ring's active key, in
// batches of one transaction each, so that an old key can then leave the
// ring. It runs as the owner (it must see every organisation's people) and
// returns how many numbers it re-sealed. The blind index is unchanged.
func (s Store) Rekey(ctx context.Context, pool *pgxpool.Pool, batch int) (int, error) {
	active := s.Keys.ActiveKeyID()
	total := 0
	for {
		n := 0
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, qRekeyBatch, active, batch)
			if err != nil {
				return err
			}
			type row struct {
				id     uuid.UUID
				key    string
				sealed []byte
			}
			list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
				var x row
				return x, r.Scan(&x.id, &x.key, &x.sealed)
			})
			if err != nil {
				return err
			}
			ids, sealed := make([]uuid.UUID, len(list)), make([][]byte, len(list))
			for i, r := range list {
				plain, err := s.Keys.Open(r.key, r.sealed, r.id[:])
				if err != nil {
					return fmt.Errorf("individual %s: %w", r.id, err)
				}
				if _, sealed[i], err = s.Keys.Seal(plain, r.id[:]); err != nil {
					return err
				}
				ids[i] = r.id
			}
			if _, err := tx.Exec(ctx, qRekeyUpdate, ids, sealed, active); err != nil {
				return err
			}
			n = len(list)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("re-seal numbers: %w", err)
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}
