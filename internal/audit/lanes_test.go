package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/migrate"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

const lanes = 8 // audit_lanes() in migration 017

func record(user string) audit.Record {
	return audit.Record{
		At: time.Now(), RequestID: "req", UserID: user, Roles: []string{"SOCIALSEKRETERARE"},
		OperationType: "query", OperationName: "test", ObjectIDs: []string{"obj"}, Decision: audit.Allowed,
	}
}

// impatient opens a session of the application role for org that gives up
// on any lock after 200 ms instead of waiting for it.
func impatient(d *pgtest.DB, org uuid.UUID) *db.Session {
	return db.NewSession(d.AppPool, db.Settings{Values: map[string]string{
		"hub.org_id": org.String(), "lock_timeout": "200ms",
	}})
}

func isLockTimeout(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "55P03"
}

// Transactions of one organisation append at the same time, each in a lane
// of its own, and wait only when every lane is held.
func TestLanes_ConcurrentAppendsOfOneOrganisationDoNotWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := setupTrail(t) // Karlstad's lane 0 holds 3 records

	// A appends and keeps its transaction open: it holds lane 0.
	a := as(d, karlstad)
	defer a.Rollback(ctx)
	pos, err := audit.Append(ctx, a, record("a"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 0, Seq: 4}, pos)

	// B, of the same organisation, does not wait for A (it would time out
	// if it did): it takes lane 1, and stays there for its second record.
	b := impatient(d, karlstad)
	pos, err = audit.Append(ctx, b, record("b"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 1, Seq: 1}, pos)
	pos, err = audit.Append(ctx, b, record("b"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 1, Seq: 2}, pos, "a transaction stays in its lane")
	require.NoError(t, b.Commit(ctx))

	// Fill every lane: A holds 0, seven more hold 1..7.
	holders := []*db.Session{a}
	for i := 1; i < lanes; i++ {
		s := impatient(d, karlstad)
		defer s.Rollback(ctx)
		pos, err := audit.Append(ctx, s, record("holder"))
		require.NoError(t, err, "lane %d", i)
		require.Equal(t, i, pos.Lane)
		holders = append(holders, s)
	}

	// The application pool's 8 connections are taken: the rest connects
	// as the owner, acting for an organisation.
	asOwner := func(org uuid.UUID, lockTimeout string) (audit.Position, error) {
		tx, err := d.Pool.Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx)
		_, err = tx.Exec(ctx, `SELECT set_config('hub.org_id', $1, true), set_config('lock_timeout', $2, true)`, org.String(), lockTimeout)
		require.NoError(t, err)
		pos, err := audit.Append(ctx, tx, record("owner"))
		if err != nil {
			return pos, err
		}
		return pos, tx.Commit(ctx)
	}
	ninth := func(lockTimeout string) (audit.Position, error) { return asOwner(karlstad, lockTimeout) }

	// Another organisation is not concerned.
	_, err = asOwner(eksjo, "200ms")
	require.NoError(t, err)

	// A ninth transaction of Karlstad has to wait for a lane.
	_, err = ninth("200ms")
	require.True(t, isLockTimeout(err), "every lane is held: it waits (here: until its lock timeout), got %v", err)

	// A waiting transaction proceeds when the lane it waits for is
	// committed, and appends after that lane's new newest record.
	done := make(chan error, 1)
	var waited audit.Position
	go func() {
		var err error
		waited, err = ninth("0")
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("the ninth transaction did not wait: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	for _, s := range holders {
		require.NoError(t, s.Commit(ctx))
	}
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the ninth transaction is still waiting after every lane was committed")
	}
	wantSeq := map[int]int64{0: 5, 1: 4}[waited.Lane] // lanes 2..7 hold one record each
	if wantSeq == 0 {
		wantSeq = 2
	}
	require.Equal(t, wantSeq, waited.Seq, "appended after the lane's newest record (lane %d)", waited.Lane)

	breaks, err := audit.Verify(ctx, d.Pool)
	require.NoError(t, err)
	require.Empty(t, breaks)
}

// setupLanes gives Karlstad records in two lanes: lane 0 holds 4 (3, then
// one by a transaction that held it while lane 1 got 3 records), lane 1
// holds 3. Eksjö has 2 in lane 0.
func setupLanes(t *testing.T) *pgtest.DB {
	t.Helper()
	ctx := context.Background()
	d := setupTrail(t)
	holder := as(d, karlstad)
	pos, err := audit.Append(ctx, holder, record("holder"))
	require.NoError(t, err)
	require.Equal(t, 0, pos.Lane)
	appendN(t, d, karlstad, 3)
	require.NoError(t, holder.Commit(ctx))

	var lane1 int
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_records WHERE org_id = $1 AND lane = 1`, karlstad).Scan(&lane1))
	require.Equal(t, 3, lane1)
	return d
}

func TestLanes_VerifyFindsTamperingInAnyLane(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type want struct {
		lane    int
		seq     int64
		problem string
	}
	tests := []struct {
		name   string
		tamper []string // run in order with $1 = Karlstad
		want   []want
	}{
		{"changed content", []string{`UPDATE audit_records SET user_id = 'someone else' WHERE org_id = $1 AND lane = 1 AND seq = 2`},
			[]want{{1, 2, "content does not match its hash"}}},
		{"removed record", []string{`DELETE FROM audit_records WHERE org_id = $1 AND lane = 1 AND seq = 2`},
			[]want{{1, 3, "a record before this one is missing"}}},
		{"newest record cut off", []string{`DELETE FROM audit_records WHERE org_id = $1 AND lane = 1 AND seq = 3`},
			[]want{{1, 3, "the newest records are missing"}}},
		{"newest record cut off with the head set back", []string{
			`DELETE FROM audit_records WHERE org_id = $1 AND lane = 1 AND seq = 3`,
			`UPDATE audit_chain_heads h SET seq = 2 WHERE org_id = $1 AND lane = 1`},
			[]want{{1, 2, "the chain head does not match the newest record"}}},
		{"relinked record", []string{`UPDATE audit_records SET prev_hash = '\x00' WHERE org_id = $1 AND lane = 1 AND seq = 3`},
			[]want{{1, 3, "does not link to the record before it"}}},
		{"reordered records", []string{
			`UPDATE audit_records SET seq = seq + 1000 WHERE org_id = $1 AND lane = 1 AND seq IN (1, 2)`,
			`UPDATE audit_records SET seq = CASE seq WHEN 1001 THEN 2 ELSE 1 END WHERE org_id = $1 AND lane = 1 AND seq > 1000`},
			[]want{{1, 1, "does not link to the record before it"}}},
		{"record moved to another lane", []string{`UPDATE audit_records SET lane = 2 WHERE org_id = $1 AND lane = 1 AND seq = 3`},
			[]want{{1, 3, "the newest records are missing"}, {2, 3, "a record before this one is missing"}}},
		// Only the hash can tell: the whole lane, head and all, is renumbered.
		{"lane renumbered with its head", []string{
			`UPDATE audit_records SET lane = 5 WHERE org_id = $1 AND lane = 1`,
			`UPDATE audit_chain_heads h SET seq = l1.seq, hash = l1.hash
			 FROM audit_chain_heads l1 WHERE h.org_id = $1 AND h.lane = 5 AND l1.org_id = $1 AND l1.lane = 1`,
			`UPDATE audit_chain_heads SET seq = 0, hash = '\x' WHERE org_id = $1 AND lane = 1`},
			[]want{{5, 1, "content does not match its hash"}}},
		{"lane passed off as lane 0", []string{
			`DELETE FROM audit_records WHERE org_id = $1 AND lane = 0`,
			`UPDATE audit_records SET lane = 0 WHERE org_id = $1 AND lane = 1`,
			`UPDATE audit_chain_heads h SET seq = l1.seq, hash = l1.hash
			 FROM audit_chain_heads l1 WHERE h.org_id = $1 AND h.lane = 0 AND l1.org_id = $1 AND l1.lane = 1`,
			`UPDATE audit_chain_heads SET seq = 0, hash = '\x' WHERE org_id = $1 AND lane = 1`},
			[]want{{0, 1, "content does not match its hash"}}},
		{"lane head removed", []string{`DELETE FROM audit_chain_heads WHERE org_id = $1 AND lane = 7`},
			[]want{{7, 0, "the chain head of this lane is missing"}}},
		{"lane and its head removed", []string{
			`DELETE FROM audit_records WHERE org_id = $1 AND lane = 1`,
			`DELETE FROM audit_chain_heads WHERE org_id = $1 AND lane = 1`},
			[]want{{1, 0, "the chain head of this lane is missing"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := setupLanes(t)
			breaks, err := audit.Verify(ctx, d.Pool)
			require.NoError(t, err)
			require.Empty(t, breaks, "intact before tampering")

			for _, stmt := range tt.tamper {
				_, err = d.Pool.Exec(ctx, stmt, karlstad)
				require.NoError(t, err, stmt)
			}
			breaks, err = audit.Verify(ctx, d.Pool)
			require.NoError(t, err)
			require.Len(t, breaks, len(tt.want), "%+v", breaks)
			for i, w := range tt.want {
				require.Equal(t, karlstad, breaks[i].OrgID, "only Karlstad's chain is broken")
				require.Equal(t, w.lane, breaks[i].Lane)
				require.Equal(t, w.seq, breaks[i].Seq)
				require.Contains(t, breaks[i].Problem, w.problem)
			}
		})
	}
}

// Records written before migration 017 become lane 0, keep their hashes
// and still verify; new records continue their chain. The migration cannot
// be undone once a lane above 0 has records.
func TestLanes_RecordsFromBeforeTheMigrationStillVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := pgtest.NewEmptyDatabase(t)
	conn, err := pgx.Connect(ctx, d.URL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	require.NoError(t, migrate.To(ctx, conn, 16))

	var org uuid.UUID
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO organizations (kind, name, org_number) VALUES ('KOMMUN', 'Gamla kommunen', '212000-0001') RETURNING id`).Scan(&org))
	oldAppend := func(c *pgx.Conn, user string) int64 {
		var seq int64
		require.NoError(t, c.QueryRow(ctx, `SELECT audit_append(now(), 'r', $1, NULL, '{LOGGRANSKARE}', NULL, 'query', 'q', '{obj}', 'ALLOWED', NULL, NULL, NULL)`, user).Scan(&seq))
		return seq
	}
	_, err = conn.Exec(ctx, `SELECT set_config('hub.org_id', $1, false)`, org.String())
	require.NoError(t, err)
	for i := int64(1); i <= 3; i++ {
		require.Equal(t, i, oldAppend(conn, "before"))
	}
	hashes := func() [][]byte {
		rows, err := conn.Query(ctx, `SELECT hash FROM audit_records WHERE org_id = $1 AND user_id = 'before' ORDER BY seq`, org)
		require.NoError(t, err)
		h, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		require.NoError(t, err)
		return h
	}
	before := hashes()

	require.NoError(t, migrate.Up(ctx, conn))
	_, err = conn.Exec(ctx, `SELECT set_config('hub.org_id', $1, false)`, org.String())
	require.NoError(t, err)
	breaks, err := audit.Verify(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, breaks, "the old chain verifies as lane 0")
	require.Equal(t, before, hashes(), "old records keep their hashes")
	var heads int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM audit_chain_heads WHERE org_id = $1`, org).Scan(&heads))
	require.Equal(t, lanes, heads, "the organisation has the heads of every lane")

	// The next record continues lane 0.
	pos, err := audit.Append(ctx, conn, record("after"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 0, Seq: 4}, pos)

	// Down is refused once a lane above 0 has records: hold lane 0 in one
	// transaction, append from another connection.
	holder, err := conn.Begin(ctx)
	require.NoError(t, err)
	pos, err = audit.Append(ctx, holder, record("holder"))
	require.NoError(t, err)
	require.Equal(t, 0, pos.Lane)
	other, err := pgx.Connect(ctx, d.URL)
	require.NoError(t, err)
	defer other.Close(ctx)
	_, err = other.Exec(ctx, `SELECT set_config('hub.org_id', $1, false)`, org.String())
	require.NoError(t, err)
	pos, err = audit.Append(ctx, other, record("other"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 1, Seq: 1}, pos)
	require.NoError(t, holder.Commit(ctx))

	breaks, err = audit.Verify(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, breaks)
	require.ErrorContains(t, migrate.To(ctx, conn, 16), "cannot undo migration 017")
}

// A loggutdrag row names the lane and seq of its audit record.
func TestLanes_LoggutdragLinksToTheRecordsLaneAndSeq(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := setupTrail(t)

	// The person the row is about (the trail's tests load no demo people).
	_, err := d.Pool.Exec(ctx, `INSERT INTO individuals (id, org_id, unit_id, number_kind, number_index, number_sealed, number_key_id,
		given_name, family_name, handle, registered_at, registered_by)
	VALUES ($1, $2, $3, 'PERSONNUMMER', $4, '\x00', 'k', 'Kim', 'Andersson', 'P-AUDITTEST1', now(), 'test')`,
		demo.DemoIndividual, karlstad, demo.ID("unit/karlstad/eb"), make([]byte, 32))
	require.NoError(t, err)

	holder := as(d, karlstad)
	defer holder.Rollback(ctx)
	_, err = audit.Append(ctx, holder, record("holder"))
	require.NoError(t, err)

	s := db.NewSession(d.AppPool, db.Settings{Values: map[string]string{
		"hub.org_id": karlstad.String(), "hub.unit_id": demo.ID("unit/karlstad/eb").String(),
	}})
	rec := record("soc.karlstad")
	rec.OrgID = karlstad
	rec.RequestID = "loggutdrag-link"
	pos, err := audit.Append(ctx, s, rec)
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 1, Seq: 1}, pos)
	require.NoError(t, audit.AppendAccesses(ctx, s, rec, pos, []audit.Access{
		{IndividualID: demo.DemoIndividual, OwnerOrgID: karlstad, ObjectID: "individual-object"},
	}))
	require.NoError(t, s.Commit(ctx))
	require.NoError(t, holder.Commit(ctx))

	r := as(d, karlstad)
	defer r.Rollback(ctx)
	log, err := audit.AccessLog(ctx, r, demo.DemoIndividual, page.Request{First: 10})
	require.NoError(t, err)
	require.NotEmpty(t, log.Items)
	e := log.Items[0]
	require.Equal(t, "individual-object", e.ObjectID)
	require.Equal(t, 1, e.AuditLane)
	require.Equal(t, int64(1), e.AuditSeq)

	var requestID string
	require.NoError(t, d.Pool.QueryRow(ctx, `SELECT r.request_id FROM personal_data_access a
		JOIN audit_records r ON r.org_id = a.actor_org_id AND r.lane = a.audit_lane AND r.seq = a.audit_seq
		WHERE a.object_id = 'individual-object'`).Scan(&requestID))
	require.Equal(t, "loggutdrag-link", requestID)
}

// The trail is listed newest first across lanes, and its cursor pages
// through records of several lanes.
func TestLanes_ListPagesThroughEveryLane(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := setupLanes(t)
	s := as(d, karlstad)
	defer s.Rollback(ctx)

	var seen []audit.Position
	var after *page.Key
	for {
		res, err := audit.List(ctx, s, karlstad, audit.Filter{}, page.Request{First: 2, After: after})
		require.NoError(t, err)
		for _, r := range res.Items {
			seen = append(seen, audit.Position{Lane: r.Lane, Seq: r.Seq})
		}
		if !res.HasNext {
			break
		}
		k := audit.Key(res.Items[len(res.Items)-1])
		after = &k
	}
	// Newest first by time: lane 1's three records were written after the
	// holder's record of lane 0 (which committed after them).
	require.Equal(t, []audit.Position{{1, 3}, {1, 2}, {1, 1}, {0, 4}, {0, 3}, {0, 2}, {0, 1}}, seen)
}

// A transaction that appends twice stays in the lane it took, even when a
// lower lane has come free in between (it never holds two lanes, so two
// transactions cannot wait on each other's lane).
func TestLanes_ATransactionStaysInItsLane(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := setupTrail(t)

	a := as(d, karlstad)
	defer a.Rollback(ctx)
	_, err := audit.Append(ctx, a, record("a"))
	require.NoError(t, err)

	b := impatient(d, karlstad)
	defer b.Rollback(ctx)
	pos, err := audit.Append(ctx, b, record("b"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 1, Seq: 1}, pos)

	require.NoError(t, a.Commit(ctx)) // lane 0 is free again
	pos, err = audit.Append(ctx, b, record("b"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 1, Seq: 2}, pos)

	// And lane 0 is indeed free: another transaction takes it at once.
	c := impatient(d, karlstad)
	pos, err = audit.Append(ctx, c, record("c"))
	require.NoError(t, err)
	require.Equal(t, audit.Position{Lane: 0, Seq: 5}, pos)
	require.NoError(t, c.Commit(ctx))

	require.NoError(t, b.Commit(ctx))

	breaks, err := audit.Verify(ctx, d.Pool)
	require.NoError(t, err)
	require.Empty(t, breaks)
}
