// Package migrate applies the embedded SQL migrations (package migrations)
// with jackc/tern: each migration runs in its own transaction, and the whole
// run holds a Postgres advisory lock so that replicas starting at once do not
// race.
package migrate

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/tern/v2/migrate"

	"github.com/samverkanshub/hub/migrations"
)

// VersionTable records the schema version.
const VersionTable = "public.schema_version"

// Status describes where a database stands relative to the embedded migrations.
type Status struct {
	Current int32
	Latest  int32
	Names   []string // Names[i] is the name of migration i+1.
}

func newMigrator(ctx context.Context, conn *pgx.Conn) (*migrate.Migrator, error) {
	m, err := migrate.NewMigrator(ctx, conn, VersionTable)
	if err != nil {
		return nil, fmt.Errorf("prepare migrator: %w", err)
	}
	if err := m.LoadMigrations(migrations.FS); err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return m, nil
}

// Up applies every migration not yet applied.
func Up(ctx context.Context, conn *pgx.Conn) error {
	m, err := newMigrator(ctx, conn)
	if err != nil {
		return err
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	return nil
}

// To migrates up or down to version target (0 undoes every migration).
func To(ctx context.Context, conn *pgx.Conn, target int32) error {
	m, err := newMigrator(ctx, conn)
	if err != nil {
		return err
	}
	if err := m.MigrateTo(ctx, target); err != nil {
		return fmt.Errorf("migrate to %d: %w", target, err)
	}
	return nil
}

// Down undoes the last n applied migrations.
func Down(ctx context.Context, conn *pgx.Conn, n int32) error {
	st, err := GetStatus(ctx, conn)
	if err != nil {
		return err
	}
	target := st.Current - n
	if target < 0 {
		target = 0
	}
	return To(ctx, conn, target)
}

// GetStatus reports the applied and the latest available version.
func GetStatus(ctx context.Context, conn *pgx.Conn) (Status, error) {
	m, err := newMigrator(ctx, conn)
	if err != nil {
		return Status{}, err
	}
	cur, err := m.GetCurrentVersion(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("read schema version: %w", err)
	}
	st := Status{Current: cur, Latest: int32(len(m.Migrations))}
	for _, mig := range m.Migrations {
		st.Names = append(st.Names, mig.Name)
	}
	return st, nil
}
