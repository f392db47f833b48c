package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// The audit trail unable to take writes: the hub refuses to serve
// protected data rather than serve it unaudited. A read that would be
// audited answers an error that says so and no data (not the person's
// name); a mutation is rolled back whole; what needs no audit record (the
// public directory) is still served, and /readyz stays 200 (every
// replica shares the trail: taking them all out of rotation would
// refuse the directory too, and the log and the errors name the fault).
// Once the trail takes writes again, the same replica serves again
// without a restart, and the chain verifies.
//
// The faults are the two realistic ones: the trail's storage full (the
// audit table, the fastest-growing one, on a tablespace of its own whose
// disk fills: PostgreSQL answers SQLSTATE 53100 at the INSERT, which a
// trigger raises here, since a test cannot fill a real disk), and the
// table locked by maintenance (`LOCK TABLE … ACCESS EXCLUSIVE`, as
// VACUUM FULL or an ALTER TABLE takes it), which holds every append
// until the statement timeout stops it.
func TestFaults_AuditTrailCannotTakeWrites_TheHubRefusesToServeUnaudited(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name    string
		breakIt func(t *testing.T, conn *pgx.Conn) (repair func())
	}{
		{"the audit table's tablespace is full", func(t *testing.T, conn *pgx.Conn) func() {
			_, err := conn.Exec(context.Background(), `
				CREATE FUNCTION fault_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION 'could not extend file "pg_tblspc/audit/16384": No space left on device' USING ERRCODE = 'disk_full'; END $$;
				CREATE TRIGGER fault_disk_full BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION fault_disk_full();`)
			require.NoError(t, err)
			return func() {
				_, err := conn.Exec(context.Background(), `DROP TRIGGER fault_disk_full ON audit_records; DROP FUNCTION fault_disk_full()`)
				require.NoError(t, err)
			}
		}},
		{"the audit table is locked by maintenance", func(t *testing.T, conn *pgx.Conn) func() {
			ctx := context.Background()
			tx, err := conn.Begin(ctx)
			require.NoError(t, err)
			_, err = tx.Exec(ctx, `LOCK TABLE audit_records IN ACCESS EXCLUSIVE MODE`)
			require.NoError(t, err)
			return func() { require.NoError(t, tx.Commit(ctx)) }
		}},
	}
	for _, fault := range faults {
		t.Run(fault.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c := newReplicaCluster(t)
			hub := c.replica("--statement-timeout", "1s")
			soc, fk := c.tokenFor("soc.karlstad"), c.tokenFor("ph.fk")
			ask := func(token, purpose, query string, vars map[string]any) gqlResult {
				res, err := gqlCall(ctx, http.DefaultClient, hub, token, purpose, query, vars)
				require.NoError(t, err)
				return res
			}
			const person = `query($id: ID!) { node(id: $id) { ... on Individual { givenName familyName } } }`
			personVars := map[string]any{"id": relay.ID(relay.TypeIndividual, demo.DemoIndividual)}
			const ways = `{ waysIn(topic: SAMORDNAD_REHABILITERING, municipalityCode: "1780") { entry { functionName } } }`
			const item = `mutation($c: ID!, $s: String!) { addCaseItem(caseId: $c, class: FK_BESLUT, summary: $s) { id } }`
			itemVars := func(s string) map[string]any {
				return map[string]any{"c": relay.ID(relay.TypeCase, demo.DemoCase), "s": s}
			}
			items := func(summary string) int {
				var n int
				require.NoError(t, c.d.Pool.QueryRow(ctx, `SELECT count(*) FROM case_items WHERE summary = $1`, summary).Scan(&n))
				return n
			}
			require.Contains(t, string(ask(soc, rehab, person, personVars).Data), "Kim", "the person is read before the fault")

			conn, err := pgx.Connect(ctx, c.d.URL)
			require.NoError(t, err)
			defer conn.Close(ctx)
			repair := fault.breakIt(t, conn)

			read := ask(soc, rehab, person, personVars)
			require.JSONEq(t, "null", string(read.Data), "no data served unaudited: %+v", read)
			require.NotContains(t, string(read.Data), "Kim")
			require.Equal(t, "INTERNAL", read.code())
			require.Contains(t, read.Errors[0].Message, "audit record of this request could not be written, so nothing was served or changed")

			write := ask(fk, rehab, item, itemVars("skrivet utan granskning"))
			require.JSONEq(t, "null", string(write.Data), "%+v", write)
			require.Equal(t, "INTERNAL", write.code())
			require.Contains(t, write.Errors[0].Message, "audit record of this request could not be written")

			// What needs no audit record is still served, and the replica
			// stays in rotation.
			require.True(t, ask(fk, "", ways, nil).ok(), "the public directory is still served")
			require.Equal(t, http.StatusOK, readyStatus(hub))

			repair()
			require.Zero(t, items("skrivet utan granskning"), "the mutation was rolled back whole")
			var again gqlResult
			waitFor(t, 5*time.Second, "the person is served again once the trail takes writes", func() bool {
				again = ask(soc, rehab, person, personVars)
				return again.ok()
			})
			require.Contains(t, string(again.Data), "Kim")
			require.True(t, ask(fk, rehab, item, itemVars("skrivet med granskning")).ok())
			require.Equal(t, 1, items("skrivet med granskning"))
			var audited bool
			require.NoError(t, c.d.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit_records WHERE operation_name = 'addCaseItem'
				AND operation_type = 'mutation' AND reason IS NULL)`).Scan(&audited))
			require.True(t, audited)
			breaks, err := audit.Verify(ctx, c.d.Pool)
			require.NoError(t, err)
			require.Empty(t, breaks)
		})
	}
}
