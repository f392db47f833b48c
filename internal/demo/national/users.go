package national

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/devidp"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// StockholmFK is the login of a personlig handläggare at Försäkringskassan
// Stockholms län, the busiest office of the national data set: the
// benchmarks measure the largest realistic queue as them. `hub dev` offers
// them only where the national data is loaded (Users).
const StockholmFK = "ph.fk.stockholm"

// Users are the dev identity provider's users of the national data set,
// beside the demo's: the Stockholm FK handläggare.
func Users() []devidp.User {
	var fkNumber string
	for _, u := range demo.Users() {
		if u.Login == "ph.fk" {
			fkNumber = u.OrgNumber
		}
	}
	return []devidp.User{{Login: StockholmFK, Name: "Stina Lind", OrgNumber: fkNumber,
		UnitID: nationalFKOffice("01").String(), Roles: []string{string(identity.PersonligHandlaggare)}}}
}

// Principal is the Stockholm FK handläggare as the hub knows them once
// their token is verified (for tests of the application layer).
func Principal() *identity.Principal {
	unit := nationalFKOffice("01")
	return &identity.Principal{OrgID: demo.ID("org/fk"), OrgKind: tenancy.FK, UnitID: &unit, UserID: StockholmFK,
		DisplayName: "Stina Lind", Roles: []identity.Role{identity.PersonligHandlaggare}, Issuer: "demo"}
}

// Loaded is whether the database holds the national data set (its FK
// Stockholm office).
func Loaded(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	var ok bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE id = $1)`, nationalFKOffice("01")).Scan(&ok); err != nil {
		return false, fmt.Errorf("is the national data loaded: %w", err)
	}
	return ok, nil
}
