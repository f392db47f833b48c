package national

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Summary is what one organisation holds after a load: for the audit
// record `hub seed national` leaves in its trail. Load is a bulk copy for
// speed, not the use cases, so this record is the trail's account of it.
type Summary struct {
	OrgID                         uuid.UUID
	Kind                          tenancy.OrganizationKind
	Units, Entries                int
	Individuals, Cases, Samtycken int
	TasksSent, TasksReceived      int
	// Plans are the SIP and SAMSIP plans of its cases; Meetings those it
	// is a party to (called or invited).
	Plans, Meetings int
}

// Summaries counts, per organisation, what it holds (as the owner).
func Summaries(ctx context.Context, q db.Querier) ([]Summary, error) {
	rows, err := q.Query(ctx, `SELECT o.id, o.kind::text,
		(SELECT count(*) FROM units u WHERE u.org_id = o.id),
		(SELECT count(*) FROM directory_entries e WHERE e.org_id = o.id),
		(SELECT count(*) FROM individuals i WHERE i.org_id = o.id),
		(SELECT count(*) FROM cases c WHERE c.org_id = o.id),
		(SELECT count(*) FROM consents c WHERE c.org_id = o.id),
		(SELECT count(*) FROM tasks t WHERE t.sender_org_id = o.id),
		(SELECT count(*) FROM tasks t WHERE t.recipient_org_id = o.id),
		coalesce(p.n, 0), coalesce(m.n, 0)
	FROM organizations o
	LEFT JOIN (SELECT org_id, count(*) AS n FROM sip_plans GROUP BY org_id) p ON p.org_id = o.id
	LEFT JOIN (SELECT org_id, count(*) AS n FROM meeting_parties GROUP BY org_id) m ON m.org_id = o.id
	ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("summarise the national data: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		if err := rows.Scan(&s.OrgID, &s.Kind, &s.Units, &s.Entries, &s.Individuals, &s.Cases, &s.Samtycken, &s.TasksSent, &s.TasksReceived, &s.Plans, &s.Meetings); err != nil {
			return nil, fmt.Errorf("summarise the national data: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summarise the national data: %w", err)
	}
	return out, nil
}
