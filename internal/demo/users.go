package demo

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/identity"
)

type demoUser struct {
	login, name, orgKey, unitKey string
	roles                        []identity.Role
}

// users are the demo logins of DESIGN.md §4 (password "demo" in dev).
var users = []demoUser{
	{"soc.karlstad", "Sara Lindqvist", "karlstad", "eb", []identity.Role{identity.Socialsekreterare}},
	{"koord.karlstad", "Karin Berg", "karlstad", "samverkan", []identity.Role{identity.Samverkanskoordinator}},
	{"ph.fk", "Peter Holm", "fk", "karlstad", []identity.Role{identity.PersonligHandlaggare}},
	{"af.karlstad", "Aisha Nilsson", "af", "karlstad", []identity.Role{identity.AFHandlaggare}},
	{"rehab.vc", "Rebecka Ek", "region-varmland", "vc-gripen", []identity.Role{identity.Rehabkoordinator}},
	{"admin.samspelet", "Anders Sund", "samspelet", "kansli", []identity.Role{identity.Forbundsadministrator, identity.OrgAdmin}},
	{"soc.eksjo", "Elin Strand", "eksjo", "eb", []identity.Role{identity.Socialsekreterare}},
	{"logg.karlstad", "Lars Dahl", "karlstad", "amf", []identity.Role{identity.Loggranskare}},
}

// Users returns the demo users for the dev identity provider.
func Users() []devidp.User {
	orgNumbers := map[string]string{}
	for _, o := range organizations {
		orgNumbers[o.key] = o.orgNumber
	}
	out := make([]devidp.User, 0, len(users))
	for _, u := range users {
		roles := make([]string, len(u.roles))
		for i, r := range u.roles {
			roles[i] = string(r)
		}
		out = append(out, devidp.User{
			Login: u.login, Name: u.name, OrgNumber: orgNumbers[u.orgKey],
			UnitID: ID("unit/" + u.orgKey + "/" + u.unitKey).String(), Roles: roles,
		})
	}
	return out
}

// TrustIssuer registers issuerURL (the dev identity provider) as trusted
// by every demo organisation, for tokens minted for the hub's API.
func TrustIssuer(ctx context.Context, pool *pgxpool.Pool, issuerURL string) error {
	return TrustIssuerWithKeys(ctx, pool, issuerURL, nil)
}

// SPAOrigins are the origins every demo organisation registers for its
// single-page app (client hub-spa): Vite's and Create React App's
// development servers, so that a partner developer's SPA on localhost can
// call `hub dev` (CORS; docs/cors-and-graphiql.md).
var SPAOrigins = []string{"http://localhost:5173", "http://localhost:3000"}

// TrustIssuerWithKeys is TrustIssuer with an explicit JWKS URL, for an
// issuer the hub reaches at another address than its issuer URL (Keycloak
// in docker-compose). It also registers SPAOrigins for hub-spa.
func TrustIssuerWithKeys(ctx context.Context, pool *pgxpool.Pool, issuerURL string, jwksURL *string) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, o := range organizations {
			is := identity.DefaultIssuer(ID("org/"+o.key), issuerURL, devidp.APIAudience)
			is.JWKSURL = jwksURL
			if err := identity.RegisterIssuer(ctx, tx, is); err != nil {
				return err
			}
			for _, origin := range SPAOrigins {
				if err := identity.RegisterOrigin(ctx, tx, is.OrgID, devidp.ClientSPA, origin); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Principal is the demo user login as the hub knows them once their token
// is verified: for tests of the application layer, which starts after
// authentication (the GraphQL tests authenticate real tokens instead).
func Principal(login string) (*identity.Principal, bool) {
	for _, u := range users {
		if u.login != login {
			continue
		}
		unit := ID("unit/" + u.orgKey + "/" + u.unitKey)
		p := &identity.Principal{OrgID: ID("org/" + u.orgKey), UnitID: &unit, UserID: u.login, DisplayName: u.name,
			Roles: append([]identity.Role(nil), u.roles...), Issuer: "demo"}
		for _, o := range organizations {
			if o.key == u.orgKey {
				p.OrgKind = o.kind
			}
		}
		return p, true
	}
	return nil, false
}

// StockholmFK is the login of a personlig handläggare at Försäkringskassan
// Stockholms län, the busiest office of the national data set
// (internal/demo/national, docs/national-offices.md): the benchmarks
// measure the largest realistic queue as them. `hub dev` offers them only
// where that data set is loaded.
const StockholmFK = "ph.fk.stockholm"

// NationalFKStockholm is the id the national data set gives FK's office
// of Stockholms län (the national package's test holds it to that).
var NationalFKStockholm = ID("national/fk-office/01")

// NationalUsers are the dev identity provider's users of the national
// data set, beside the demo's: the Stockholm FK handläggare.
func NationalUsers() []devidp.User {
	var fk string
	for _, o := range organizations {
		if o.key == "fk" {
			fk = o.orgNumber
		}
	}
	return []devidp.User{{Login: StockholmFK, Name: "Stina Lind", OrgNumber: fk,
		UnitID: NationalFKStockholm.String(), Roles: []string{string(identity.PersonligHandlaggare)}}}
}

// NationalLoaded is whether the database holds the national data set (its
// FK office of Stockholms län).
func NationalLoaded(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	var ok bool
	if err := pool.QueryRow(ctx, qUnitExists, NationalFKStockholm).Scan(&ok); err != nil {
		return false, fmt.Errorf("is the national data set loaded: %w", err)
	}
	return ok, nil
}
