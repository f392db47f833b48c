// Package demo loads the demo data set of DESIGN.md §4: the two federations
// Samordningsförbundet Samspelet (Värmland) and Höglandets
// samordningsförbund (Jönköpings län) with their member organisations,
// realistic units and the municipalities they serve, and the scenario of
// the case work on top of it (Scenario).
//
// This package is data, and the plain load of the reference data
// (LoadReference). The whole demo, with its people, case and samtycke
// written by the demo users through the use cases and audited like the
// API, is loaded by internal/app/seed (`hub seed demo`, `hub dev`, the
// tests' demo template).
//
// Ids are derived from stable names (UUID v5), so loading twice updates the
// same rows instead of duplicating them, and global ids stay the same across
// machines. Organisation numbers are Luhn-valid and follow the real series
// (212000- kommuner, 232100- regions, 202100- state agencies, 222000-
// kommunalförbund) but are demo data: never rely on them.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/tenancy"
)

// namespace roots the deterministic ids of demo objects.
var namespace = uuid.MustParse("6f1c3c1e-6a8e-4f4e-9a57-5b8c0d7e2a10")

// ID returns the deterministic id of the demo object named name
// ("org/karlstad", "unit/karlstad/eb", "federation/samspelet", …).
func ID(name string) uuid.UUID { return uuid.NewSHA1(namespace, []byte(name)) }

// LoadReference writes the demo's reference data in one transaction: the
// counties and municipalities, the organisations with their units, the
// förbund and their members, and the directory entries. It is idempotent.
// It writes no personal data and leaves no audit record: the whole demo,
// its people, cases and samtycken through the use cases, and a record per
// organisation of what was loaded, is internal/app/seed's Demo.
func LoadReference(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, c := range counties {
			for _, m := range c.municipalities {
				if err := tenancy.EnsureMunicipality(ctx, tx, tenancy.Municipality{
					Code: m[0], Name: m[1], CountyCode: c.code, CountyName: c.name,
				}); err != nil {
					return err
				}
			}
		}
		for _, o := range organizations {
			if err := tenancy.EnsureOrganization(ctx, tx, tenancy.Organization{
				ID: ID("org/" + o.key), Kind: o.kind, Name: o.name, OrgNumber: o.orgNumber,
			}, o.municipalities); err != nil {
				return err
			}
			for _, u := range o.units {
				unit := tenancy.Unit{ID: ID("unit/" + o.key + "/" + u.key), OrgID: ID("org/" + o.key), Kind: u.kind, Name: u.name}
				if u.parent != "" {
					p := ID("unit/" + o.key + "/" + u.parent)
					unit.ParentID = &p
				}
				served := u.municipalities
				if served == nil {
					served = o.municipalities
				}
				if err := tenancy.EnsureUnit(ctx, tx, unit, served); err != nil {
					return err
				}
			}
		}
		for _, f := range federations {
			fedID := ID("federation/" + f.key)
			if err := tenancy.EnsureFederation(ctx, tx, tenancy.Federation{ID: fedID, OrgID: ID("org/" + f.orgKey), Name: f.name}); err != nil {
				return err
			}
			for _, m := range f.members {
				from, err := time.Parse(time.DateOnly, m.from)
				if err != nil {
					return fmt.Errorf("demo membership date %q: %w", m.from, err)
				}
				if err := tenancy.EnsureMembership(ctx, tx, tenancy.Membership{
					ID: ID("membership/" + f.key + "/" + m.orgKey), FederationID: fedID,
					MemberOrgID: ID("org/" + m.orgKey), ValidFrom: from,
				}); err != nil {
					return err
				}
			}
		}
		return loadDirectory(ctx, tx)
	})
}
