package graph_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// The inbox is two queues read in index order and merged (migration 031:
// the organisation's, for entries that name no unit, and the unit's), the
// sent box one; their state and kind filters are compared as codes, and
// the cursor is written without a row comparison. This test holds the result to the plainest
// statement of the rule, run by the owner: the same tasks, in the same
// order (newest first; open tasks most overdue first when filtered by due
// day), page after page, for every filter, with the same totalCount.
func TestTasks_TheInboxMergesTheQueuesInOrderThroughEveryFilterAndPage(t *testing.T) {
	t.Parallel()
	srv, b := setup(t)
	ctx := context.Background()
	sent := createTask(t, srv, "soc.karlstad", ansokan())
	_, src, err := relay.ParseID(sent.ID)
	require.NoError(t, err)
	fkUnit := new(uuid.UUID)
	require.NoError(t, b.db.Pool.QueryRow(ctx, `SELECT recipient_unit_id FROM tasks WHERE id = $1`, src).Scan(&fkUnit))
	require.NotNil(t, fkUnit, "the application goes to FK Karlstad's unit queue")

	// 48 more of FK's tasks, half in the organisation's queue and half in
	// the unit's, in pairs sent at the same moment (the order then falls to
	// the id), of every state and of the kinds about a person, most of them
	// due before the day of the due filter, on a few days (the order then
	// falls to the id too).
	states := []string{"SKICKAD", "MOTTAGEN", "ACCEPTERAD", "AVVISAD", "PAGAENDE", "KLAR", "AVBRUTEN"}
	kinds := []string{"SIGNAL_SJUKSKRIVNING", "ANSOKAN_SAMORDNAD_REHABILITERING", "FRAGA_MEDICINSKT_UNDERLAG",
		"BEGARAN_GEMENSAM_KARTLAGGNING", "KALLELSE_SIP", "AF_INSKRIVNING"}
	rng := rand.New(rand.NewPCG(13, 31))
	base := time.Now().Add(-24 * time.Hour).Truncate(time.Millisecond)
	for i := range 48 {
		state := states[rng.IntN(len(states))]
		_, err := b.db.Pool.Exec(ctx, `INSERT INTO tasks (id, kind, state, purpose, classes, case_id, individual_id, case_org_id,
				sender_org_id, sender_unit_id, sender_user_id, topic, municipality_code, routed_entry_id, recipient_org_id,
				recipient_unit_id, subject, body, due_on, reject_reason, consent_id, created_at, updated_at)
			SELECT $2, $3::task_kind, $4::task_state, purpose, classes, case_id, individual_id, case_org_id,
				sender_org_id, sender_unit_id, sender_user_id, topic, municipality_code, routed_entry_id, recipient_org_id,
				CASE WHEN $5 THEN recipient_unit_id END, subject, body, $6::date,
				CASE WHEN $4 = 'AVVISAD' THEN 'Ej aktuellt' END, consent_id, $7, $7
			FROM tasks WHERE id = $1`,
			src, uuid.New(), kinds[rng.IntN(len(kinds))], state, i%2 == 0,
			base.AddDate(0, 0, rng.IntN(10)-7), base.Add(-time.Duration(i/2)*time.Minute))
		require.NoError(t, err)
	}

	// FK reads its inbox (both queues); Karlstad, which sent them all, its
	// sent box. The oracle's conditions take the box's parameters first.
	boxes := []struct {
		login, box, where string
		args              []any
	}{
		{"ph.fk", "INBOX", `recipient_org_id = $1 AND (recipient_unit_id IS NULL OR recipient_unit_id = $2)`,
			[]any{demo.ID("org/fk"), *fkUnit}},
		{"soc.karlstad", "SENT", `sender_org_id = $1 AND $2::uuid IS NOT NULL`, []any{demo.ID("org/karlstad"), uuid.Nil}},
	}
	dueBefore := base.Format(time.DateOnly)
	for _, box := range boxes {
		for _, f := range []struct {
			name, args, where string
			arg               any
			order             string // of the list; newest first when ""
		}{
			{"no filter", "", "", nil, ""},
			{"a state", `, state: MOTTAGEN`, ` AND state = $3::task_state`, "MOTTAGEN", ""},
			{"another state", `, state: KLAR`, ` AND state = $3::task_state`, "KLAR", ""},
			{"a kind", `, kind: KALLELSE_SIP`, ` AND kind = $3::task_kind`, "KALLELSE_SIP", ""},
			{"a kind no task has", `, kind: KONSULTATION`, ` AND kind = $3::task_kind`, "KONSULTATION", ""},
			{"due before a day", `, dueBefore: "` + dueBefore + `"`,
				` AND due_on < $3::date AND state IN ('SKICKAD', 'MOTTAGEN', 'ACCEPTERAD', 'PAGAENDE')`, dueBefore, "due_on, id"},
		} {
			t.Run(box.box+" "+f.name, func(t *testing.T) {
				args := box.args
				if f.arg != nil {
					args = append(args[:len(args):len(args)], f.arg)
				}
				rows, err := b.db.Pool.Query(ctx, `SELECT id FROM tasks WHERE `+box.where+f.where+`
				ORDER BY `+cmp.Or(f.order, "created_at DESC, id DESC"), args...)
				require.NoError(t, err)
				var want []string
				for rows.Next() {
					var id uuid.UUID
					require.NoError(t, rows.Scan(&id))
					want = append(want, relay.ID("Task", id))
				}
				require.NoError(t, rows.Err())

				var got []string
				after := ""
				for pages := 0; ; pages++ {
					require.Less(t, pages, 20, "the pages end")
					var out struct {
						Tasks struct {
							TotalCount int
							PageInfo   struct {
								HasNextPage bool
								EndCursor   *string
							}
							Nodes []struct{ ID string }
						}
					}
					mustData(t, postFor(t, srv, box.login, rehab, fmt.Sprintf(`query($after: String) { tasks(box: %s, first: 7, after: $after%s) {
					totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`, box.box, f.args),
						map[string]any{"after": nilIfEmpty(after)}), &out)
					require.Equal(t, len(want), out.Tasks.TotalCount, "totalCount")
					for _, n := range out.Tasks.Nodes {
						got = append(got, n.ID)
					}
					if !out.Tasks.PageInfo.HasNextPage {
						break
					}
					after = *out.Tasks.PageInfo.EndCursor
				}
				require.Equal(t, want, got, "the tasks, in order, across the pages")
			})
		}
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
