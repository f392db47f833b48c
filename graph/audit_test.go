package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/seed"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

const trailQuery = `query($user: String) { auditTrail(first: 50, userId: $user) { totalCount
	nodes { seq userId roles operationType operationName decision reason unit { name } } } }`

type trailResult struct {
	AuditTrail struct {
		TotalCount int `json:"totalCount"`
		Nodes      []struct {
			Seq           int      `json:"seq"`
			UserID        string   `json:"userId"`
			Roles         []string `json:"roles"`
			OperationType string   `json:"operationType"`
			OperationName string   `json:"operationName"`
			Decision      string   `json:"decision"`
			Reason        *string  `json:"reason"`
			Unit          *struct {
				Name string `json:"name"`
			} `json:"unit"`
		} `json:"nodes"`
	} `json:"auditTrail"`
}

func TestAuditTrail_OnlyTheOwnLoggranskareReadsIt_AndEveryAttemptIsRecorded(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)

	// A socialsekreterare may not read the trail; the attempt is recorded.
	r := postAs(t, srv, "soc.karlstad", trailQuery, nil)
	requireError(t, r, "FORBIDDEN", "do not allow read on audit record")
	// Eksjö's socialsekreterare tries too: that lands in Eksjö's trail.
	requireError(t, postAs(t, srv, "soc.eksjo", trailQuery, nil), "FORBIDDEN", "audit record")

	var got trailResult
	mustData(t, postAs(t, srv, "logg.karlstad", trailQuery, nil), &got)
	require.Equal(t, seedRecords(t, b, "karlstad")+1, got.AuditTrail.TotalCount, "only Karlstad's records: the seed's and the refused attempt")
	rec := got.AuditTrail.Nodes[0]
	require.Equal(t, "soc.karlstad", rec.UserID)
	require.Equal(t, "DENIED", rec.Decision)
	require.Equal(t, []string{"SOCIALSEKRETERARE"}, rec.Roles)
	require.Equal(t, "query", rec.OperationType)
	require.Equal(t, "auditTrail", rec.OperationName)
	require.Contains(t, *rec.Reason, "audit record")
	require.Equal(t, "Ekonomiskt bistånd", rec.Unit.Name)

	// Reading the trail is itself recorded, and filters work.
	mustData(t, postAs(t, srv, "logg.karlstad", trailQuery, map[string]any{"user": "logg.karlstad"}), &got)
	require.Equal(t, 1, got.AuditTrail.TotalCount)
	require.Equal(t, "ALLOWED", got.AuditTrail.Nodes[0].Decision)
	require.Equal(t, seedRecords(t, b, "karlstad")+2, got.AuditTrail.Nodes[0].Seq, "after the seed's records and the refused attempt, in lane 0")

	// The chains are intact.
	breaks, err := audit.Verify(context.Background(), b.db.Pool)
	require.NoError(t, err)
	require.Empty(t, breaks)
}

func TestAuditTrail_PersonRefusedAtTheDoorIsRecorded(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	f := forge{t, b.idp}
	tok, err := b.idp.Sign(jose.RS256, "at+jwt", func() map[string]any {
		c := f.claims("ph.fk")
		c["hub_roles"] = []string{"SOCIALSEKRETERARE"}
		return c
	}())
	require.NoError(t, err)
	r := do(t, srv, http.MethodPost, "/graphql", []byte(`{"query":"{ me { userId } }"}`), map[string]string{
		"Content-Type": jsonType, "Authorization": "Bearer " + tok,
	})
	require.Equal(t, http.StatusForbidden, r.Status)

	var userID, decision, opType, reason string
	// FK's demo data left records of its own (operation type cli): the
	// refusal is the one record of the HTTP door.
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT user_id, decision, operation_type, reason
		FROM audit_records WHERE org_id = $1 AND operation_type = 'http'`, demo.ID("org/fk")).Scan(&userID, &decision, &opType, &reason))
	require.Equal(t, "ph.fk", userID)
	require.Equal(t, "DENIED", decision)
	require.Equal(t, "http", opType)
	require.Contains(t, reason, "SOCIALSEKRETERARE")
}

func TestAuditTrail_BadInput(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	requireError(t, postAs(t, srv, "logg.karlstad", `{ auditTrail(first: 1000) { totalCount } }`, nil), "BAD_USER_INPUT", "first must be between")
	requireError(t, postAs(t, srv, "logg.karlstad", `{ auditTrail(after: "nonsense") { totalCount } }`, nil), "BAD_USER_INPUT", "invalid cursor")
	requireError(t, postAs(t, srv, "logg.karlstad", `{ auditTrail(from: "yesterday") { totalCount } }`, nil), "BAD_USER_INPUT", "")
}

// A loggutdrag row names the lane and seq of its operation's audit record,
// also when that record went into a lane above 0 because another
// transaction of the organisation held lane 0.
func TestAccessLog_LinksToTheAuditRecordsLaneAndSeq(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, b := setup(t)
	karlstad := demo.ID("org/karlstad")

	holder := db.NewSession(b.db.AppPool, db.Settings{Values: map[string]string{"hub.org_id": karlstad.String()}})
	defer holder.Rollback(ctx)
	pos, err := audit.Append(ctx, holder, audit.Record{At: time.Now(), RequestID: "holder", UserID: "holder", Roles: []string{},
		OperationType: "query", OperationName: "hold", Decision: audit.Allowed})
	require.NoError(t, err)
	require.Equal(t, 0, pos.Lane)

	var read caseView
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, caseQuery, map[string]any{"id": demoCaseID}), &read)
	require.NotNil(t, read.Node)
	require.NoError(t, holder.Commit(ctx))

	var got struct {
		AccessLog struct {
			Nodes []struct {
				UserID    string
				ObjectID  string
				AuditLane int
				AuditSeq  int
				Operation string
			}
		}
		AuditTrail struct {
			Nodes []struct {
				Lane          int
				Seq           int
				ObjectIds     []string
				OperationName string
			}
		}
	}
	mustData(t, postFor(t, srv, "logg.karlstad", "", `query($id: ID!) {
		accessLog(individualId: $id, first: 100) { nodes { userId objectId auditLane auditSeq operation } }
		auditTrail(userId: "soc.karlstad", first: 100) { nodes { lane seq objectIds operationName } } }`, map[string]any{"id": demoIndividualID}), &got)
	trail := slices.DeleteFunc(got.AuditTrail.Nodes, func(n struct {
		Lane          int
		Seq           int
		ObjectIds     []string
		OperationName string
	}) bool {
		return bySeed(n.OperationName)
	})
	require.Len(t, trail, 1)
	rec := trail[0]
	require.Equal(t, 1, rec.Lane, "lane 0 was held: the request's record went into lane 1")
	require.Equal(t, 1, rec.Seq, "the seed's records are all in lane 0")
	var linked int
	for _, e := range got.AccessLog.Nodes {
		if e.UserID != "soc.karlstad" || bySeed(e.Operation) {
			continue
		}
		linked++
		require.Equal(t, [2]int{rec.Lane, rec.Seq}, [2]int{e.AuditLane, e.AuditSeq})
		require.Contains(t, rec.ObjectIds, e.ObjectID)
	}
	require.Positive(t, linked)

	breaks, err := audit.Verify(ctx, b.db.Pool)
	require.NoError(t, err)
	require.Empty(t, breaks)
}

// postNamed is postFor with the operation name in the request, as GraphQL
// clients send it.
func postNamed(t *testing.T, srv *testServer, login, purpose, operationName, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars, "operationName": operationName})
	require.NoError(t, err)
	return do(t, srv, http.MethodPost, "/graphql", body, map[string]string{
		"Content-Type": "application/json", "Accept": "application/json",
		"Authorization": "Bearer " + srv.token(t, login), "Hub-Purpose": purpose,
	})
}

type accessLogView struct {
	AccessLog struct {
		TotalCount int
		Nodes      []accessLogRow
	}
}

type accessLogRow struct {
	UserID       string
	Roles        []string
	Purpose      *string
	Operation    string
	Action       string
	ObjectID     string
	AuditLane    int
	AuditSeq     int
	Organization struct{ Name string }
}

const accessLogQuery = `query($id: ID!) { accessLog(individualId: $id, first: 100) { totalCount
	nodes { userId roles purpose operation action objectId auditLane auditSeq organization { name } } } }`

// readAccessLog reads the demo person's loggutdrag as login, declaring purpose.
func readAccessLog(t *testing.T, srv *testServer, login, purpose string) accessLogView {
	t.Helper()
	var v accessLogView
	mustData(t, postFor(t, srv, login, purpose, accessLogQuery, map[string]any{"id": demoIndividualID}), &v)
	v.AccessLog.Nodes = slices.DeleteFunc(v.AccessLog.Nodes, func(r accessLogRow) bool { return bySeed(r.Operation) })
	return v
}

// bySeed says whether an operation is one of the demo seed's (the demo
// users wrote the demo's people, case and samtycke through the use cases
// when the template was built): tests of what a request leaves skip them.
func bySeed(operation string) bool { return strings.HasPrefix(operation, seed.OperationPrefix) }

// seedRecords counts the demo seed's audit records in the trail of the
// demo organisation orgKey.
func seedRecords(t *testing.T, b *testBundle, orgKey string) int {
	t.Helper()
	var n int
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_records WHERE org_id = $1 AND operation_name LIKE $2`,
		demo.ID("org/"+orgKey), seed.OperationPrefix+"%").Scan(&n))
	return n
}

// Issue 11, finding 7: the operation name is the client's choice. FK's
// handläggare reads people's names and calls it a directory lookup; the
// person's loggutdrag and FK's audit trail say what ran (`cases`), and the
// audit record keeps the client's name apart, labelled.
func TestAuditTrail_NamesTheRootFieldsThatRan_NotTheClientsOperationName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, b := setup(t)
	const attack = `query directoryLookup { cases { nodes { individual { givenName } } } }`

	var read struct {
		Cases struct {
			Nodes []struct{ Individual struct{ GivenName *string } }
		}
	}
	mustData(t, postNamed(t, srv, "ph.fk", rehab, "directoryLookup", attack, nil), &read)
	require.NotEmpty(t, read.Cases.Nodes, "FK read names under the samtycke")

	// The person's loggutdrag names what ran.
	var fkRows int
	for _, n := range readAccessLog(t, srv, "logg.karlstad", "").AccessLog.Nodes {
		if n.UserID == "ph.fk" {
			fkRows++
			require.Equal(t, "cases", n.Operation, "the loggutdrag names the root field that ran, not the client's name")
		}
	}
	require.Positive(t, fkRows, "FK's reading is in the loggutdrag")

	// FK's audit record: what ran, and the client's name beside it. The
	// demo has no loggranskare at FK: read as the owner.
	rows, err := b.db.Pool.Query(ctx, `SELECT operation_name, client_operation_name FROM audit_records
		WHERE org_id = $1 AND user_id = 'ph.fk' AND operation_name NOT LIKE 'seedDemo: %'`, demo.ID("org/fk"))
	require.NoError(t, err)
	type named struct {
		OperationName       string  `db:"operation_name"`
		ClientOperationName *string `db:"client_operation_name"`
	}
	recs, err := pgx.CollectRows(rows, pgx.RowToStructByName[named])
	require.NoError(t, err)
	require.Len(t, recs, 1)
	require.Equal(t, "cases", recs[0].OperationName)
	require.NotNil(t, recs[0].ClientOperationName)
	require.Equal(t, "directoryLookup", *recs[0].ClientOperationName)

	// Through the API: Karlstad's socialsekreterare does the same, and
	// Karlstad's loggranskare reads both names in the trail.
	mustData(t, postNamed(t, srv, "soc.karlstad", rehab, "directoryLookup", attack, nil), &read)
	trail := namesInTrail(t, srv, "soc.karlstad")
	require.Len(t, trail, 1)
	require.Equal(t, "cases", trail[0].OperationName)
	require.NotNil(t, trail[0].ClientOperationName)
	require.Equal(t, "directoryLookup", *trail[0].ClientOperationName)

	breaks, err := audit.Verify(ctx, b.db.Pool)
	require.NoError(t, err)
	require.Empty(t, breaks)
}

// A root field skipped with @skip (or not included with @include) does
// not run and is not named; one reached through a fragment is.
func TestAuditTrail_ASkippedRootFieldIsNotRecorded(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	var got struct{ Cases *struct{ TotalCount int } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `query($with: Boolean!) { ...People
		cases @skip(if: true) { nodes { individual { givenName } } }
		more: cases @include(if: $with) { totalCount } }
		fragment People on Query { individuals(first: 1) { totalCount } }`, map[string]any{"with": false}), &got)
	require.Nil(t, got.Cases, "the skipped field did not run")

	trail := namesInTrail(t, srv, "soc.karlstad")
	require.Len(t, trail, 1)
	require.Equal(t, "individuals", trail[0].OperationName)
	require.Nil(t, trail[0].ClientOperationName, "the operation had no name")
	for _, n := range readAccessLog(t, srv, "logg.karlstad", "").AccessLog.Nodes {
		if n.UserID == "soc.karlstad" {
			require.Equal(t, "individuals", n.Operation)
		}
	}
}

// Issue 11, finding 12: reading a loggutdrag leaves a trace in it. The
// person has a right to know who read their log too.
func TestAccessLog_ReadingTheLogIsItselfInTheLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, b := setup(t)
	logID := relay.ID(relay.TypeAccessLog, demo.DemoIndividual)

	first := readAccessLog(t, srv, "logg.karlstad", "")
	for _, n := range first.AccessLog.Nodes {
		require.NotEqual(t, "logg.karlstad", n.UserID, "nobody has read the log yet")
	}

	second := readAccessLog(t, srv, "logg.karlstad", "")
	require.Equal(t, first.AccessLog.TotalCount+1, second.AccessLog.TotalCount, "one new row: the first reading")
	row := second.AccessLog.Nodes[0] // newest first
	require.Equal(t, "logg.karlstad", row.UserID)
	require.Equal(t, "accessLog", row.Operation)
	require.Equal(t, "READ", row.Action)
	require.Equal(t, logID, row.ObjectID, "the object is the log of this person")
	require.Nil(t, row.Purpose, "the loggranskare reads without a purpose ...")
	require.Equal(t, []string{"LOGGRANSKARE"}, row.Roles, "... and the role is the basis")
	require.Equal(t, "Karlstads kommun", row.Organization.Name)

	// The row links to the reading's audit record, which names the person
	// and the log.
	var objectIDs []string
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT object_ids FROM audit_records
		WHERE org_id = $1 AND lane = $2 AND seq = $3 AND user_id = 'logg.karlstad' AND operation_name = 'accessLog'`,
		demo.ID("org/karlstad"), row.AuditLane, row.AuditSeq).Scan(&objectIDs))
	require.ElementsMatch(t, []string{demoIndividualID, logID}, objectIDs)

	// The id names the log, not an object anyone can fetch.
	var node struct{ Node *struct{ ID string } }
	mustData(t, postFor(t, srv, "soc.karlstad", rehab, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": logID}), &node)
	require.Nil(t, node.Node)

	breaks, err := audit.Verify(ctx, b.db.Pool)
	require.NoError(t, err)
	require.Empty(t, breaks)
}

// The lead of the person's case reads the log as part of their casework
// and declares the purpose, like every read of personal data; the reading
// is in the log with that purpose.
func TestAccessLog_TheLeadDeclaresAPurpose(t *testing.T) {
	t.Parallel()
	srv, _ := setup(t)
	vars := map[string]any{"id": demoIndividualID}

	r := postFor(t, srv, "soc.karlstad", "", accessLogQuery, vars)
	requireError(t, r, "BAD_USER_INPUT", "declare the purpose of this request in the Hub-Purpose header")
	require.Equal(t, "null", string(r.Data))

	readAccessLog(t, srv, "soc.karlstad", rehab)

	var leadRows []accessLogRow
	for _, n := range readAccessLog(t, srv, "logg.karlstad", "").AccessLog.Nodes {
		if n.UserID == "soc.karlstad" {
			leadRows = append(leadRows, n)
		}
	}
	require.Len(t, leadRows, 1, "the reading with a purpose; the refused one read nothing")
	row := leadRows[0]
	require.Equal(t, "accessLog", row.Operation)
	require.Equal(t, "READ", row.Action)
	require.Equal(t, relay.ID(relay.TypeAccessLog, demo.DemoIndividual), row.ObjectID)
	require.NotNil(t, row.Purpose)
	require.Equal(t, rehab, *row.Purpose)
	require.Equal(t, []string{"SOCIALSEKRETERARE"}, row.Roles)
}

// recordNames is how a record names its operation.
type recordNames struct {
	OperationName       string
	ClientOperationName *string
}

// namesInTrail reads, as Karlstad's loggranskare, how the records of
// user's operations name them, newest first.
func namesInTrail(t *testing.T, srv *testServer, user string) []recordNames {
	t.Helper()
	var got struct{ AuditTrail struct{ Nodes []recordNames } }
	mustData(t, postAs(t, srv, "logg.karlstad", `query($u: String) { auditTrail(userId: $u) { nodes { operationName clientOperationName } } }`,
		map[string]any{"u": user}), &got)
	return slices.DeleteFunc(got.AuditTrail.Nodes, func(r recordNames) bool { return bySeed(r.OperationName) })
}
