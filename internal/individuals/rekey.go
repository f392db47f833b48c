package individuals

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Re-sealing numbers with the ring's active key, so that an old key can
// then leave the ring. It runs as the owner, one organisation at a time,
// in batches: the application layer (internal/app/keys) makes each batch a
// unit of work with its audit record.

// RekeyOrganization is an organisation some of whose people's numbers are
// not sealed with the active key.
type RekeyOrganization struct {
	ID   uuid.UUID
	Kind tenancy.OrganizationKind
}

// OrganizationsToRekey lists the organisations with numbers not sealed
// with the ring's active key, in id order. It must run as a role that
// sees every organisation's people (the owner).
func (s Store) OrganizationsToRekey(ctx context.Context, q db.Querier) ([]RekeyOrganization, error) {
	rows, err := q.Query(ctx, qRekeyOrganizations, s.Keys.ActiveKeyID())
	if err != nil {
		return nil, fmt.Errorf("organisations to re-seal: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RekeyOrganization, error) {
		var o RekeyOrganization
		return o, r.Scan(&o.ID, &o.Kind)
	})
	if err != nil {
		return nil, fmt.Errorf("organisations to re-seal: %w", err)
	}
	return list, nil
}

// RekeyPosition is where a run of batches stands in one organisation's
// people (newest registration first); the zero value is the start.
type RekeyPosition struct {
	registeredAt time.Time
	id           uuid.UUID
}

// start is before every person in the order of rekey_batch.
var rekeyStart = RekeyPosition{registeredAt: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	id: uuid.Max}

// RekeyBatch re-seals, in q's transaction, up to batch of org's numbers
// not sealed with the active key, after the position after, and returns
// how many it re-sealed and where the next batch starts (fewer than batch:
// the organisation is done). The number is opened only to be sealed again,
// in memory; the blind index is unchanged.
func (s Store) RekeyBatch(ctx context.Context, q db.Querier, org uuid.UUID, after RekeyPosition, batch int) (int, RekeyPosition, error) {
	if after == (RekeyPosition{}) {
		after = rekeyStart
	}
	active := s.Keys.ActiveKeyID()
	rows, err := q.Query(ctx, qRekeyBatch, active, batch, org, after.registeredAt, after.id)
	if err != nil {
		return 0, after, fmt.Errorf("re-seal numbers: %w", err)
	}
	type row struct {
		id           uuid.UUID
		key          string
		sealed       []byte
		registeredAt time.Time
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.key, &x.sealed, &x.registeredAt)
	})
	if err != nil {
		return 0, after, fmt.Errorf("re-seal numbers: %w", err)
	}
	if len(list) == 0 {
		return 0, after, nil
	}
	ids, sealed := make([]uuid.UUID, len(list)), make([][]byte, len(list))
	for i, r := range list {
		plain, err := s.Keys.Open(r.key, r.sealed, r.id[:])
		if err != nil {
			return 0, after, fmt.Errorf("individual %s: %w", r.id, err)
		}
		if _, sealed[i], err = s.Keys.Seal(plain, r.id[:]); err != nil {
			return 0, after, err
		}
		ids[i] = r.id
	}
	if _, err := q.Exec(ctx, qRekeyUpdate, ids, sealed, active); err != nil {
		return 0, after, fmt.Errorf("re-seal numbers: %w", err)
	}
	last := list[len(list)-1]
	return len(list), RekeyPosition{registeredAt: last.registeredAt, id: last.id}, nil
}
