// Package outcomes keeps what came of a case beyond its closure step:
// Försäkringskassan's repayments to the municipality of försörjningsstöd
// paid while a benefit was decided (for the förbund's follow-up), and the
// link of a case to the earlier one it re-actualises (a person back within
// a year of a closed case, Kolada's "ej återaktualiserade ett år efter
// avslut").
package outcomes

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
)

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	tRepayments       = queries.Template("repayments_of_cases", "visible", "allowing_consent")
	qRecordRepayment  = queries.Must("record_repayment")
	tReactualisations = queries.Template("reactualisations_of_cases", "visible")
)

// RepaymentClass is the class of a repayment: ekonomiskt bistånd's.
const RepaymentClass = consent.KommunEkonomisktBistand

const repaymentClassSQL = "'" + string(RepaymentClass) + "'"

// Repayment is a sum FK paid back to the municipality for a case.
type Repayment struct {
	ID           uuid.UUID  `db:"id"`
	CaseID       uuid.UUID  `db:"case_id"`
	OrgID        uuid.UUID  `db:"org_id"`
	IndividualID uuid.UUID  `db:"individual_id"`
	AmountKronor int64      `db:"amount_kronor"`
	PaidOn       time.Time  `db:"paid_on"`
	RecordedAt   time.Time  `db:"recorded_at"`
	RecordedBy   string     `db:"recorded_by"`
	ConsentID    *uuid.UUID `db:"consent_id"`
}

// MaxAmountKronor bounds one repayment.
const MaxAmountKronor = 10_000_000

func repaymentsSQL(scope consent.Scope) string {
	return tRepayments.Render(consent.ClassVisible(scope, "p.org_id", "p.individual_id", repaymentClassSQL),
		consent.AllowingConsent("p.org_id", "p.individual_id", repaymentClassSQL))
}

// Repayments lists, per case among caseIDs, the repayments the viewer may
// see, in the order they were paid.
func Repayments(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID) (map[uuid.UUID][]Repayment, error) {
	ps, err := db.Collect[Repayment](ctx, q, repaymentsSQL(scope), caseIDs)
	if err != nil {
		return nil, fmt.Errorf("load repayments: %w", err)
	}
	out := map[uuid.UUID][]Repayment{}
	for _, p := range ps {
		out[p.CaseID] = append(out[p.CaseID], p)
	}
	return out, nil
}

// NewRepayment is a repayment to record.
type NewRepayment struct {
	AmountKronor int64
	PaidOn       time.Time
}

// Problems names every problem of the repayment on its own, in field order.
func (r NewRepayment) Problems(today time.Time) []string {
	var bad []string
	if r.AmountKronor < 1 || r.AmountKronor > MaxAmountKronor {
		bad = append(bad, fmt.Sprintf("amountKronor: 1 to %d kronor", MaxAmountKronor))
	}
	if r.PaidOn.After(today) {
		bad = append(bad, "paidOn: a repayment cannot be paid in the future")
	}
	return bad
}

// RecordRepayment records a repayment id to the own organisation's case
// caseID. NOT_FOUND when the case is not the organisation's.
func RecordRepayment(ctx context.Context, q db.Querier, id, caseID uuid.UUID, unitID *uuid.UUID, userID string, r NewRepayment) error {
	var got uuid.UUID
	err := q.QueryRow(ctx, qRecordRepayment, caseID, id, r.AmountKronor, r.PaidOn, unitID, userID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.NotFoundf("no such case")
	}
	if err != nil {
		return fmt.Errorf("record repayment: %w", err)
	}
	return nil
}

// Reactualisation links a case to the earlier case of the same person and
// organisation that closed less than a year before it opened.
type Reactualisation struct {
	CaseID          uuid.UUID `db:"case_id"`
	EarlierCaseID   uuid.UUID `db:"earlier_case_id"`
	EarlierClosedAt time.Time `db:"earlier_closed_at"`
}

func reactualisationsSQL(scope consent.Scope) string {
	return tReactualisations.Render(consent.Visible(scope, "x.org_id", "x.individual_id"))
}

// Reactualisations finds, per case among caseIDs, the earlier case it
// re-actualises, as far as the viewer may see the link.
func Reactualisations(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID) (map[uuid.UUID]Reactualisation, error) {
	xs, err := db.Collect[Reactualisation](ctx, q, reactualisationsSQL(scope), caseIDs)
	if err != nil {
		return nil, fmt.Errorf("load re-actualisations: %w", err)
	}
	out := make(map[uuid.UUID]Reactualisation, len(xs))
	for _, x := range xs {
		out[x.CaseID] = x
	}
	return out, nil
}
