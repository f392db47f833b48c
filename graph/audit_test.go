package graph_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/db"
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
	require.Equal(t, 1, got.AuditTrail.TotalCount, "only Karlstad's record: the refused attempt")
	rec := got.AuditTrail.Nodes[0]
	require.Equal(t, "soc.karlstad", rec.UserID)
	require.Equal(t, "DENIED", rec.Decision)
	require.Equal(t, []string{"SOCIALSEKRETERARE"}, rec.Roles)
	require.Equal(t, "query", rec.OperationType)
	require.Equal(t, "{auditTrail}", rec.OperationName)
	require.Contains(t, *rec.Reason, "audit record")
	require.Equal(t, "Ekonomiskt bistånd", rec.Unit.Name)

	// Reading the trail is itself recorded, and filters work.
	mustData(t, postAs(t, srv, "logg.karlstad", trailQuery, map[string]any{"user": "logg.karlstad"}), &got)
	require.Equal(t, 1, got.AuditTrail.TotalCount)
	require.Equal(t, "ALLOWED", got.AuditTrail.Nodes[0].Decision)
	require.Equal(t, 2, got.AuditTrail.Nodes[0].Seq)

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
	require.NoError(t, b.db.Pool.QueryRow(context.Background(), `SELECT user_id, decision, operation_type, reason
		FROM audit_records WHERE org_id = $1`, demo.ID("org/fk")).Scan(&userID, &decision, &opType, &reason))
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
			}
		}
		AuditTrail struct {
			Nodes []struct {
				Lane      int
				Seq       int
				ObjectIds []string
			}
		}
	}
	mustData(t, postFor(t, srv, "logg.karlstad", "", `query($id: ID!) {
		accessLog(individualId: $id, first: 100) { nodes { userId objectId auditLane auditSeq } }
		auditTrail(userId: "soc.karlstad", first: 100) { nodes { lane seq objectIds } } }`, map[string]any{"id": demoIndividualID}), &got)
	require.Len(t, got.AuditTrail.Nodes, 1)
	rec := got.AuditTrail.Nodes[0]
	require.Equal(t, 1, rec.Lane, "lane 0 was held: the request's record went into lane 1")
	require.Equal(t, 1, rec.Seq)
	var linked int
	for _, e := range got.AccessLog.Nodes {
		if e.UserID != "soc.karlstad" {
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
