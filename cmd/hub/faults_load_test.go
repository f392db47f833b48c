package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// writeLoad is clients that keep sending mutations to replicas, each
// request after the last one's answer, and keep what came back: the
// writes acknowledged (so that the test can look for each in the
// database afterwards), the failures by code and message, and the
// slowest answer.
type writeLoad struct {
	targets []string
	tokens  map[string]string // by demo login
	client  *http.Client

	mu        sync.Mutex
	sent      int
	succeeded int
	failed    int
	transport int            // no GraphQL answer at all (connection cut, not JSON)
	failures  map[string]int // "CODE: message" → count
	writes    []loadWrite    // acknowledged writes
	lastOK    time.Time      // when the newest success was answered
	slowest   time.Duration
	byTarget  map[string][2]int // target → succeeded, failed
}

// loadWrite is an acknowledged write: what kind, the global id the answer
// named, and the mutation's name.
type loadWrite struct{ kind, id, op string }

func newWriteLoad(c *replicaCluster, targets ...string) *writeLoad {
	tokens := map[string]string{}
	for _, login := range []string{"soc.karlstad", "ph.fk", "admin.samspelet"} {
		tokens[login] = c.tokenFor(login)
	}
	return &writeLoad{targets: targets, tokens: tokens, client: &http.Client{Timeout: 60 * time.Second},
		failures: map[string]int{}, byTarget: map[string][2]int{}}
}

// run starts workers clients, each sending to the targets in turn, until
// stop is closed; wait for them with the returned WaitGroup.
func (l *writeLoad) run(workers int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var pending []string // samtycken recorded by this worker, not yet revoked
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				target := l.targets[(w+i)%len(l.targets)]
				marker := fmt.Sprintf("fel-%d-%d", w, i)
				var revoking string
				if i%5 == 3 && len(pending) > 0 {
					revoking, pending = pending[0], pending[1:]
				}
				write, ok := l.send(target, i%5, marker, revoking)
				if ok && write.kind == "consent" {
					pending = append(pending, write.id)
				} else if !ok && revoking != "" {
					pending = append(pending, revoking) // try again later
				}
			}
		}()
	}
	return &wg
}

// send sends the step-th kind of mutation of the mix: a case opened, a
// samtycke recorded (with one grant), an item added to the demo case (by
// FK, under the demo samtycke), a samtycke revoked (or, with none to
// revoke, a directory entry saved) and a directory entry saved.
func (l *writeLoad) send(target string, step int, marker, revoking string) (loadWrite, bool) {
	today := time.Now()
	var login, purpose, op, kind, query string
	var vars map[string]any
	switch {
	case step == 0:
		login, purpose, op, kind = "soc.karlstad", rehab, "openCase", "case"
		query = `mutation($in: OpenCaseInput!) { w: openCase(input: $in) { id } }`
		vars = map[string]any{"in": map[string]any{"individualId": relay.ID(relay.TypeIndividual, demo.DemoIndividual),
			"federationId": relay.ID(relay.TypeFederation, demo.ID("federation/samspelet")), "leadName": marker,
			"sgi": "NO", "onForsorjningsstod": true, "healthObstacle": true, "careContact": true, "afStatus": "UNKNOWN"}}
	case step == 1:
		login, purpose, op, kind = "soc.karlstad", rehab, "recordConsent", "consent"
		query = `mutation($in: RecordConsentInput!) { w: recordConsent(input: $in) { id } }`
		vars = map[string]any{"in": map[string]any{"individualId": relay.ID(relay.TypeIndividual, demo.DemoIndividual),
			"kind": "OSL_SEKRETESSBRYTANDE", "purposes": []string{rehab},
			"grants":  []map[string]any{{"organizationId": relay.ID(relay.TypeOrganization, demo.ID("org/fk")), "classes": []string{"KOMMUN_PLANERING"}}},
			"givenBy": "PERSON", "validFrom": today.AddDate(0, 0, -1).Format(time.DateOnly), "validUntil": today.AddDate(1, 0, 0).Format(time.DateOnly),
			"evidence": "ORAL", "witnessedBy": marker, "requestedById": relay.ID(relay.TypeOrganization, demo.ID("org/fk"))}}
	case step == 2:
		login, purpose, op, kind = "ph.fk", rehab, "addCaseItem", "item"
		query = `mutation($c: ID!, $s: String!) { w: addCaseItem(caseId: $c, class: FK_BESLUT, summary: $s) { id } }`
		vars = map[string]any{"c": relay.ID(relay.TypeCase, demo.DemoCase), "s": marker}
	case step == 3 && revoking != "":
		login, purpose, op, kind = "soc.karlstad", rehab, "revokeConsent", "revocation"
		query = `mutation($id: ID!, $r: String!) { w: revokeConsent(id: $id, reason: $r) { id } }`
		vars = map[string]any{"id": revoking, "r": marker}
	default:
		login, op, kind = "admin.samspelet", "upsertDirectoryEntry", "entry"
		query = `mutation($in: DirectoryEntryInput!) { w: upsertDirectoryEntry(input: $in) { id } }`
		vars = map[string]any{"in": map[string]any{"unitId": relay.ID(relay.TypeUnit, demo.ID("unit/samspelet/kansli")), "functionName": marker,
			"topics": []string{"FORBUNDETS_INSATSER"}, "visibility": "FEDERATION",
			"channels": []map[string]any{{"kind": "PHONE", "value": "054-10 20 30", "visibility": "FEDERATION"}}}}
	}
	began := time.Now()
	res, err := gqlCall(context.Background(), l.client, target, l.tokens[login], purpose, query, vars)
	took := time.Since(began)

	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	l.slowest = max(l.slowest, took)
	counts := l.byTarget[target]
	defer func() { l.byTarget[target] = counts }()
	if err != nil {
		l.failed++
		l.transport++
		counts[1]++
		l.failures["transport: "+firstLine(err.Error())]++
		return loadWrite{}, false
	}
	if !res.ok() {
		l.failed++
		counts[1]++
		msg := "(no message)"
		if len(res.Errors) > 0 {
			msg = res.Errors[0].Message
		}
		l.failures[fmt.Sprintf("%d %s: %s", res.Status, res.code(), msg)]++
		return loadWrite{}, false
	}
	var out struct{ W struct{ ID string } }
	if err := json.Unmarshal(res.Data, &out); err != nil || out.W.ID == "" {
		l.failed++
		counts[1]++
		l.failures["answer without an id: "+string(res.Data)]++
		return loadWrite{}, false
	}
	l.succeeded++
	counts[0]++
	l.lastOK = time.Now()
	id := out.W.ID
	if kind == "revocation" {
		id = revoking
	}
	w := loadWrite{kind: kind, id: id, op: op}
	l.writes = append(l.writes, w)
	return w, true
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// report logs the counts and the failures, most frequent first.
func (l *writeLoad) report(t *testing.T, lost int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t.Logf("mutations sent %d, succeeded %d, failed %d (no GraphQL answer: %d), lost %d; slowest answer %s",
		l.sent, l.succeeded, l.failed, l.transport, lost, l.slowest.Round(time.Millisecond))
	type kv struct {
		k string
		n int
	}
	var list []kv
	for k, n := range l.failures {
		list = append(list, kv{k, n})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].n > list[j].n })
	for _, e := range list {
		t.Logf("  %5d × %s", e.n, e.k)
	}
}

// acknowledged is a copy of the acknowledged writes.
func (l *writeLoad) acknowledged() []loadWrite {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]loadWrite(nil), l.writes...)
}

// okSince reports whether a write succeeded after at.
func (l *writeLoad) okSince(at time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastOK.After(at)
}

// checkWholeAndNothingLost looks at the database (as its owner, at
// dbURL) after the load: every acknowledged write is there (it returns
// how many are not: lost), and nothing is half-written. Half-written
// means: a samtycke without its grant, or a grant whose revocation
// differs from its samtycke's; an acknowledged write without its audit
// record (an ALLOWED mutation record without reason naming it), or a
// personal-data write without its loggutdrag row; an audit record of a
// completed mutation naming a case, item, samtycke or entry that is not
// there (or a revocation not in force); a loggutdrag row whose audit
// record is not there; a broken audit chain.
func checkWholeAndNothingLost(t *testing.T, dbURL string, writes []loadWrite) (lost int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)

	tables := map[string]string{"case": "cases", "consent": "consents", "item": "case_items", "entry": "directory_entries", "revocation": "consents"}
	for _, w := range writes {
		_, id, err := relay.ParseID(w.id)
		require.NoError(t, err)
		cond := ""
		if w.kind == "revocation" {
			cond = " AND revoked_at IS NOT NULL"
		}
		var there bool
		require.NoError(t, conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+tables[w.kind]+` WHERE id = $1`+cond+`)`, id).Scan(&there))
		if !there {
			lost++
			t.Errorf("lost: %s %s was acknowledged but is not in the database", w.kind, w.id)
			continue
		}
		var audited bool
		require.NoError(t, conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit_records WHERE operation_type = 'mutation'
			AND operation_name = $1 AND decision = 'ALLOWED' AND reason IS NULL AND $2 = ANY (object_ids))`, w.op, w.id).Scan(&audited))
		require.True(t, audited, "the acknowledged %s %s has its audit record", w.op, w.id)
		if w.kind != "entry" {
			var logged bool
			require.NoError(t, conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM personal_data_access WHERE action = 'WRITE' AND object_id = $1)`, w.id).Scan(&logged))
			require.True(t, logged, "the acknowledged %s %s has its loggutdrag row", w.op, w.id)
		}
	}

	var n int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM consents c WHERE c.witnessed_by LIKE 'fel-%'
		AND (SELECT count(*) FROM consent_grants g WHERE g.consent_id = c.id AND g.revoked_at IS NOT DISTINCT FROM c.revoked_at) <> 1`).Scan(&n))
	require.Zero(t, n, "samtycken of the load without exactly one grant in step with them")
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM consent_grants g JOIN consents c ON c.id = g.consent_id
		WHERE c.witnessed_by LIKE 'fel-%' AND g.revoked_at IS DISTINCT FROM c.revoked_at`).Scan(&n))
	require.Zero(t, n, "grants out of step with their samtycke")

	// Every completed mutation's record names only what is there.
	rows, err := conn.Query(ctx, `SELECT operation_name, object_ids FROM audit_records WHERE operation_type = 'mutation'
		AND decision = 'ALLOWED' AND reason IS NULL AND operation_name IN ('openCase', 'recordConsent', 'addCaseItem', 'revokeConsent', 'upsertDirectoryEntry')`)
	require.NoError(t, err)
	type named struct{ op, id string }
	var records []named
	for rows.Next() {
		var op string
		var ids []string
		require.NoError(t, rows.Scan(&op, &ids))
		for _, id := range ids {
			records = append(records, named{op, id})
		}
	}
	require.NoError(t, rows.Err())
	byType := map[string]string{relay.TypeCase: "cases", relay.TypeConsent: "consents", relay.TypeCaseItem: "case_items", relay.TypeDirectoryEntry: "directory_entries"}
	for _, r := range records {
		typ, id, err := relay.ParseID(r.id)
		if err != nil || byType[typ] == "" {
			continue
		}
		cond := ""
		if r.op == "revokeConsent" && typ == relay.TypeConsent {
			cond = " AND revoked_at IS NOT NULL"
		}
		var there bool
		require.NoError(t, conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+byType[typ]+` WHERE id = $1`+cond+`)`, uuid.UUID(id)).Scan(&there))
		require.True(t, there, "the record of a completed %s names %s, which is not there", r.op, r.id)
	}
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM personal_data_access p WHERE NOT EXISTS (SELECT 1 FROM audit_records a
		WHERE a.org_id = p.actor_org_id AND a.lane = p.audit_lane AND a.seq = p.audit_seq)`).Scan(&n))
	require.Zero(t, n, "loggutdrag rows whose audit record is not there")
	breaks, err := audit.Verify(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, breaks, "the audit chains verify")
	return lost
}
