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
	cells, err := db.Collect[CoverageCell](ctx, q, qCoverage, viewer, federationID, now.Add(-StaleAfter))
	if err != nil {
		return nil, fmt.Errorf("directory coverage: %w", err)
	}
	return cells, nil
}
