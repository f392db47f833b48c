package resident

import (
	"context"
	"embed"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
	"github.com/samverkanshub/hub/internal/tenancy"
)

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	qVersion        = queries.Must("version")
	qSharedEntries  = queries.Template("shared_entries", "entry_columns").Render(directory.EntryColumns)
	qSharedChannels = queries.Must("shared_channels")
	qSharedWays     = queries.Must("shared_ways")
	qOrganizations  = queries.Must("organizations")
	qUnits          = queries.Must("units")
	qMunicipalities = queries.Must("municipalities")
	qFederations    = queries.Must("federations")
	qMemberships    = queries.Must("memberships")
	qOwnEntries     = queries.Template("own_entries", "entry_columns").Render(directory.EntryColumns)
	qOwnChannels    = queries.Must("own_channels")
	qOwnWays        = queries.Must("own_ways")
)

// readOnly runs fn in a REPEATABLE READ, READ ONLY transaction: every
// statement sees the one state the version it reads names. org is the
// organisation row-level security sees the transaction as (uuid.Nil:
// none, so only what every organisation may see).
func readOnly(ctx context.Context, pool *pgxpool.Pool, org uuid.UUID, fn func(pgx.Tx) error) error {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if org != uuid.Nil {
		if _, err := tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true)`, org.String()); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// loadSnapshot reads the shared directory and the catalogue.
func loadSnapshot(ctx context.Context, pool *pgxpool.Pool) (*snapshot, error) {
	s := &snapshot{
		loadedAt: time.Now(), channels: map[uuid.UUID][]channel{}, ways: map[string][]way{},
		organizations: map[uuid.UUID]tenancy.Organization{}, units: map[uuid.UUID]tenancy.Unit{},
		municipalities: map[string]bool{}, federationOrg: map[uuid.UUID]uuid.UUID{},
		federationOf: map[uuid.UUID]uuid.UUID{}, membersOf: map[uuid.UUID][]membership{},
		membershipsOf: map[uuid.UUID][]membership{}, overlays: map[uuid.UUID]*overlay{},
		overlayFailed: map[uuid.UUID]time.Time{},
	}
	err := readOnly(ctx, pool, uuid.Nil, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, qVersion).Scan(&s.version); err != nil {
			return fmt.Errorf("version: %w", err)
		}
		var err error
		p := &packer{}
		if s.entries, err = loadEntries(ctx, tx, p, qSharedEntries); err != nil {
			return err
		}
		if err := loadChannels(ctx, tx, p, s.channels, qSharedChannels); err != nil {
			return err
		}
		if err := loadWays(ctx, tx, s.ways, s.entries, qSharedWays); err != nil {
			return err
		}
		return loadCatalogue(ctx, tx, s)
	})
	if err != nil {
		return nil, fmt.Errorf("load the directory into memory: %w", err)
	}
	return s, nil
}

// loadOverlay reads organisation org's internal part of the directory, as
// that organisation, and the version it read it at.
func loadOverlay(ctx context.Context, pool *pgxpool.Pool, org uuid.UUID) (*overlay, int64, error) {
	o := &overlay{channels: map[uuid.UUID][]channel{}, ways: map[string][]ownWay{}}
	var version int64
	err := readOnly(ctx, pool, org, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, qVersion).Scan(&version); err != nil {
			return fmt.Errorf("version: %w", err)
		}
		var err error
		p := &packer{}
		if o.entries, err = loadEntries(ctx, tx, p, qOwnEntries, org); err != nil {
			return err
		}
		if err := loadChannels(ctx, tx, p, o.channels, qOwnChannels, org); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, qOwnWays, org)
		if err != nil {
			return fmt.Errorf("ways: %w", err)
		}
		var key string
		var entryID, orgID uuid.UUID
		var w ownWay
		_, err = pgx.ForEachRow(rows, []any{&key, &entryID, &orgID, &w.orgKind, &w.visibility, &w.level, &w.sharedBefore}, func() error {
			if e, ok := o.entries[entryID]; ok {
				w.entry = e
				w.orgKind, w.visibility = interned(w.orgKind), directory.Visibility(interned(string(w.visibility)))
				o.ways[key] = append(o.ways[key], w)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("ways: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("load an organisation's internal directory into memory: %w", err)
	}
	return o, version, nil
}

func loadEntries(ctx context.Context, tx pgx.Tx, p *packer, sql string, args ...any) (map[uuid.UUID]*directory.Entry, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	entries, err := directory.CollectEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	return p.entries(entries), nil
}

// loadChannels reads channels in entry order into one block, each entry's
// a slice of it.
func loadChannels(ctx context.Context, tx pgx.Tx, p *packer, into map[uuid.UUID][]channel, sql string, args ...any) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("channels: %w", err)
	}
	var all []channel
	var c channel
	_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.orgID, &c.EntryID, &c.position, &c.Kind, &c.Value, &c.Note, &c.OpeningHours, &c.Visibility}, func() error {
		all = append(all, p.channel(c))
		c.OpeningHours = nil // the next row decodes into a slice of its own
		return nil
	})
	if err != nil {
		return fmt.Errorf("channels: %w", err)
	}
	all = slices.Clip(all)
	for start := 0; start < len(all); {
		end := start + 1
		for end < len(all) && all[end].EntryID == all[start].EntryID {
			end++
		}
		into[all[start].EntryID] = all[start:end:end]
		start = end
	}
	return nil
}

func loadWays(ctx context.Context, tx pgx.Tx, into map[string][]way, entries map[uuid.UUID]*directory.Entry, sql string) error {
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		return fmt.Errorf("ways: %w", err)
	}
	var key string
	var entryID, orgID uuid.UUID
	var w way
	_, err = pgx.ForEachRow(rows, []any{&key, &entryID, &orgID, &w.orgKind, &w.visibility, &w.level}, func() error {
		if e, ok := entries[entryID]; ok {
			w.entry = e
			w.orgKind, w.visibility = interned(w.orgKind), directory.Visibility(interned(string(w.visibility)))
			into[key] = append(into[key], w)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ways: %w", err)
	}
	return nil
}

func loadCatalogue(ctx context.Context, tx pgx.Tx, s *snapshot) error {
	rows, err := tx.Query(ctx, qOrganizations)
	if err != nil {
		return fmt.Errorf("organisations: %w", err)
	}
	var o tenancy.Organization
	if _, err := pgx.ForEachRow(rows, []any{&o.ID, &o.Kind, &o.Name, &o.OrgNumber, &o.CreatedAt}, func() error {
		s.organizations[o.ID] = o
		return nil
	}); err != nil {
		return fmt.Errorf("organisations: %w", err)
	}
	rows, err = tx.Query(ctx, qUnits)
	if err != nil {
		return fmt.Errorf("units: %w", err)
	}
	var u tenancy.Unit
	if _, err := pgx.ForEachRow(rows, []any{&u.ID, &u.OrgID, &u.ParentID, &u.Kind, &u.Name}, func() error {
		s.units[u.ID] = u
		u.ParentID = nil
		return nil
	}); err != nil {
		return fmt.Errorf("units: %w", err)
	}
	rows, err = tx.Query(ctx, qMunicipalities)
	if err != nil {
		return fmt.Errorf("municipalities: %w", err)
	}
	var code string
	if _, err := pgx.ForEachRow(rows, []any{&code}, func() error {
		s.municipalities[code] = true
		return nil
	}); err != nil {
		return fmt.Errorf("municipalities: %w", err)
	}
	rows, err = tx.Query(ctx, qFederations)
	if err != nil {
		return fmt.Errorf("förbund: %w", err)
	}
	var fed, org uuid.UUID
	if _, err := pgx.ForEachRow(rows, []any{&fed, &org}, func() error {
		s.federationOrg[fed] = org
		s.federationOf[org] = fed
		return nil
	}); err != nil {
		return fmt.Errorf("förbund: %w", err)
	}
	rows, err = tx.Query(ctx, qMemberships)
	if err != nil {
		return fmt.Errorf("memberships: %w", err)
	}
	var m membership
	if _, err := pgx.ForEachRow(rows, []any{&m.federation, &m.member, &m.validFrom, &m.validTo}, func() error {
		s.membersOf[m.federation] = append(s.membersOf[m.federation], m)
		s.membershipsOf[m.member] = append(s.membershipsOf[m.member], m)
		m.validTo = nil
		return nil
	}); err != nil {
		return fmt.Errorf("memberships: %w", err)
	}
	return nil
}

// names holds the few distinct values of the ways' enum columns, so that a
// million ways share them instead of holding a string each.
var names sync.Map

func interned(s string) string {
	if v, ok := names.Load(s); ok {
		return v.(string)
	}
	v, _ := names.LoadOrStore(s, s)
	return v.(string)
}
