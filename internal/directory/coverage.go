package directory

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/db"
)

// CoverageStatus grades the ways in for one topic in one municipality.
type CoverageStatus string

// Coverage statuses, worst first.
const (
	NoWayIn    CoverageStatus = "NONE"        // nobody to contact
	StaleOnly  CoverageStatus = "STALE_ONLY"  // only entries not reviewed for 180 days
	NoFallback CoverageStatus = "NO_FALLBACK" // reviewed entries, but none with a live fallback
	Covered    CoverageStatus = "COVERED"     // a reviewed entry with a live fallback
)

// CoverageCell is one topic × municipality of a federation.
type CoverageCell struct {
	Topic            Topic  `db:"topic"`
	MunicipalityCode string `db:"code"`
	Entries          int    `db:"entries"`
	Fresh            int    `db:"fresh"`
	FreshWithBackup  int    `db:"fresh_with_fallback"`
}

// Status grades the cell.
func (c CoverageCell) Status() CoverageStatus {
	switch {
	case c.Entries == 0:
		return NoWayIn
	case c.Fresh == 0:
		return StaleOnly
	case c.FreshWithBackup == 0:
		return NoFallback
	default:
		return Covered
	}
}

// Coverage returns, for every topic and every municipality whose kommun is
// a member of the federation today, how well the entries visible to viewer
// cover it: one SQL statement.
func Coverage(ctx context.Context, q db.Querier, viewer, federationID uuid.UUID, now time.Time) ([]CoverageCell, error) {
	cells, err := db.Collect[CoverageCell](ctx, q, `WITH `+PeersCTE+`,
	munis AS (
		SELECT DISTINCT om.municipality_code AS code
		FROM federation_memberships fm
		JOIN organizations o ON o.id = fm.member_org_id AND o.kind = 'KOMMUN'
		JOIN organization_municipalities om ON om.org_id = o.id
		WHERE fm.federation_id = $2
		  AND fm.valid_from <= hub_today() AND (fm.valid_to IS NULL OR fm.valid_to > hub_today())
	),
	topics AS (SELECT unnest(enum_range(NULL::directory_topic)) AS topic)
	SELECT t.topic::text AS topic, m.code::text AS code,
		count(e.id)::int AS entries,
		(count(e.id) FILTER (WHERE e.reviewed_at > $3))::int AS fresh,
		(count(e.id) FILTER (WHERE e.reviewed_at > $3 AND fb.id IS NOT NULL))::int AS fresh_with_fallback
	FROM topics t CROSS JOIN munis m
	LEFT JOIN directory_entries e ON e.archived_at IS NULL
		AND e.topics @> ARRAY[t.topic]
		AND (e.national OR e.municipality_codes @> ARRAY[m.code]::char(4)[])
		AND `+Visible("e")+`
	LEFT JOIN directory_entries fb ON fb.id = e.fallback_entry_id AND fb.archived_at IS NULL AND `+Visible("fb")+`
	GROUP BY t.topic, m.code
	ORDER BY t.topic, m.code`, viewer, federationID, now.Add(-StaleAfter))
	if err != nil {
		return nil, fmt.Errorf("directory coverage: %w", err)
	}
	return cells, nil
}
