package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app/timers"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// The live inbox across replicas: a task sent through replica A reaches a
// subscriber connected to replica B within a second (the database
// announces the step at commit to every replica's listener), and B checks
// it under the subscriber's own identity before delivering it.
func TestServeReplicas_ATaskSentOnOneReplicaReachesASubscriberOnAnother(t *testing.T) {
	t.Parallel()
	cluster := newReplicaCluster(t)
	a, b := cluster.replica(), cluster.replica()
	token := cluster.tokenFor

	ws := subscribe(t, b, token("soc.karlstad"), `subscription { taskEvents { kind task { id subject } } }`)

	created := sendSignal(t, a, token("rehab.vc"))
	sentAt := time.Now()
	payload := nextEvent(t, ws, time.Second) // the step reaches replica B's subscriber within a second
	arrived := time.Since(sentAt)
	var got struct {
		Data struct {
			TaskEvents struct {
				Kind string
				Task struct{ ID, Subject string }
			}
		}
		Errors []any
	}
	require.NoError(t, json.Unmarshal(payload, &got), string(payload))
	require.Empty(t, got.Errors, string(payload))
	require.Equal(t, "CREATED", got.Data.TaskEvents.Kind)
	require.Equal(t, created.ID, got.Data.TaskEvents.Task.ID)
	require.Equal(t, "Begäran om sjukskrivning", got.Data.TaskEvents.Task.Subject)
	require.Less(t, arrived, time.Second)
}

// A replica that runs no timers (--timer-interval 0) still enqueues the
// jobs of the moments its requests create: a task sent through it has
// its escalation scheduled, for a replica that runs them to work.
func TestServeReplicas_AReplicaWithoutTimersEnqueuesATasksEscalation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cluster := newReplicaCluster(t)
	a := cluster.replica("--timer-interval", "0")
	tok, err := passwordGrant(ctx, cluster.issuer, "rehab.vc", "demo")
	require.NoError(t, err)

	created := sendSignal(t, a, tok)
	_, id, err := relay.ParseID(created.ID)
	require.NoError(t, err)
	due, err := time.Parse(time.DateOnly, created.DueOn)
	require.NoError(t, err)

	var state string
	var at time.Time
	require.NoError(t, cluster.d.Pool.QueryRow(ctx, `SELECT state, scheduled_at FROM river_job
		WHERE kind = 'hub_escalate_task' AND args->>'task_id' = $1`, id.String()).Scan(&state, &at))
	require.Equal(t, "scheduled", state)
	require.True(t, timers.At(due).Equal(at), "at the end of the due day: %s", at)
}

// sendSignal sends the demo person's SIGNAL_SJUKSKRIVNING through the
// replica at url as the holder of token, and returns the task's id and
// due day.
func sendSignal(t *testing.T, url, token string) (created struct{ ID, DueOn string }) {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"query": `mutation($in: CreateTaskInput!) { createTask(input: $in) { id dueOn } }`,
		"variables": map[string]any{"in": map[string]any{"kind": "SIGNAL_SJUKSKRIVNING", "caseId": relay.ID(relay.TypeCase, demo.DemoCase),
			"classes": []string{"VARD_SJUKSKRIVNING"}, "subject": "Begäran om sjukskrivning"}},
	})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Hub-Purpose", "SAMORDNAD_REHABILITERING")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	var out struct {
		Data   struct{ CreateTask struct{ ID, DueOn string } }
		Errors []any
	}
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	require.Empty(t, out.Errors, string(raw))
	return out.Data.CreateTask
}
