// Package evidence keeps the checklist of what Försäkringskassan needs
// for an application for sjuk- or aktivitetsersättning, per case: the
// läkarutlåtande (with the chain diagnos → funktionsnedsättning →
// aktivitetsbegränsning), AF's record of the work-oriented rehabilitation
// tried, the sick-leave history and the socialtjänst's statement. An item
// says whether the underlag is missing, asked for (the task that asked),
// received or held by a party, or waived by the lead and why; never its
// content, which stays with the party that holds it.
package evidence

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/sqlfile"
	"github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

//go:embed queries.sql
var queryFiles embed.FS

var queries = sqlfile.MustParse(queryFiles, "queries.sql")

var (
	tChecklist      = queries.Template("checklist_of_cases", "case_visible", "class_visible", "allowing_consent")
	qRecordEvidence = queries.Must("record_evidence")
)

// Kind is an item of the checklist.
type Kind string

// The kinds, in the checklist's order.
const (
	// Lakarutlatande: the läkarutlåtande with the chain diagnos →
	// funktionsnedsättning → aktivitetsbegränsning, held by the care provider.
	Lakarutlatande Kind = "LAKARUTLATANDE"
	// AFRehabilitering: Arbetsförmedlingen's record of the work-oriented
	// rehabilitation tried.
	AFRehabilitering Kind = "AF_REHABILITERING"
	// Sjukskrivningshistorik: the sick-leave history, from the care provider.
	Sjukskrivningshistorik Kind = "SJUKSKRIVNINGSHISTORIK"
	// SocialtjanstensYttrande: the socialtjänst's own statement.
	SocialtjanstensYttrande Kind = "SOCIALTJANSTENS_YTTRANDE"
)

// Spec is what the checklist knows of a kind: the class of the
// underlag (who may see the item), the kind of organisation that holds
// it, and the task that asks for it (none: the municipality writes it).
type Spec struct {
	Kind   Kind
	Class  consent.Class
	Holder tenancy.OrganizationKind
	Task   tasks.Kind
}

// Checklist is every kind, in order.
var Checklist = []Spec{
	{Lakarutlatande, consent.VardMedicinsktUnderlag, tenancy.Region, tasks.FragaMedicinsktUnderlag},
	{AFRehabilitering, consent.AFInsatser, tenancy.AF, tasks.BegaranGemensamKartlaggning},
	{Sjukskrivningshistorik, consent.VardSjukskrivning, tenancy.Region, tasks.FragaMedicinsktUnderlag},
	{SocialtjanstensYttrande, consent.KommunPlanering, tenancy.Kommun, ""},
}

// SpecOf is the spec of kind.
func SpecOf(k Kind) (Spec, bool) {
	i := slices.IndexFunc(Checklist, func(s Spec) bool { return s.Kind == k })
	if i < 0 {
		return Spec{}, false
	}
	return Checklist[i], true
}

// Status is where an item stands.
type Status string

// The statuses.
const (
	Missing   Status = "MISSING"
	Requested Status = "REQUESTED"
	Received  Status = "RECEIVED"
	Waived    Status = "WAIVED"
)

// Done: the item no longer holds an application up.
func (s Status) Done() bool { return s == Received || s == Waived }

// Item is one kind of underlag of a case.
type Item struct {
	CaseID          uuid.UUID     `db:"case_id"`
	OrgID           uuid.UUID     `db:"org_id"` // the case's owner
	IndividualID    uuid.UUID     `db:"individual_id"`
	Kind            Kind          `db:"kind"`
	Class           consent.Class `db:"class"`
	Status          Status        `db:"status"`
	TaskID          *uuid.UUID    `db:"task_id"`
	HolderOrgID     *uuid.UUID    `db:"holder_org_id"`
	ReceivedOn      *time.Time    `db:"received_on"`
	WaiverReason    *string       `db:"waiver_reason"`
	RequestedAt     *time.Time    `db:"requested_at"`
	RequestedBy     *string       `db:"requested_by"`
	UpdatedAt       *time.Time    `db:"updated_at"`
	UpdatedByUnitID *uuid.UUID    `db:"updated_by_unit_id"`
	UpdatedBy       *string       `db:"updated_by"`
	ConsentID       *uuid.UUID    `db:"consent_id"` // the samtycke that let the viewer see it
}

func checklistSQL(scope consent.Scope) string {
	return tChecklist.Render(consent.Visible(scope, "c.org_id", "c.individual_id"),
		consent.ClassVisible(scope, "c.org_id", "c.individual_id", "k.class"),
		consent.AllowingConsent("c.org_id", "c.individual_id", "k.class"))
}

func checklistArgs(caseIDs []uuid.UUID) []any {
	kinds, classes, ord := make([]string, len(Checklist)), make([]string, len(Checklist)), make([]int32, len(Checklist))
	for i, s := range Checklist {
		kinds[i], classes[i], ord[i] = string(s.Kind), string(s.Class), int32(i)
	}
	return []any{caseIDs, kinds, classes, ord}
}

// Of lists, per case among caseIDs, the items of its checklist the viewer
// may see, in the checklist's order: every kind for the case's owner, for
// another party the kinds whose class a samtycke in force shares with it.
func Of(ctx context.Context, q db.Querier, scope consent.Scope, caseIDs []uuid.UUID) (map[uuid.UUID][]Item, error) {
	items, err := db.Collect[Item](ctx, q, checklistSQL(scope), checklistArgs(caseIDs)...)
	if err != nil {
		return nil, fmt.Errorf("load evidence: %w", err)
	}
	out := map[uuid.UUID][]Item{}
	for _, it := range items {
		out[it.CaseID] = append(out[it.CaseID], it)
	}
	return out, nil
}

// Open names the items of a checklist that are neither received nor
// waived, with their status, e.g. "LAKARUTLATANDE (requested)".
func Open(items []Item) []string {
	var open []string
	for _, it := range items {
		if !it.Status.Done() {
			open = append(open, fmt.Sprintf("%s (%s)", it.Kind, strings.ToLower(string(it.Status))))
		}
	}
	return open
}

// Author is who records an item.
type Author struct {
	UnitID *uuid.UUID
	UserID string
}

// Record is a change of one item.
type Record struct {
	Kind         Kind
	Status       Status
	TaskID       *uuid.UUID
	HolderOrgID  *uuid.UUID
	ReceivedOn   *time.Time
	WaiverReason string
}

// MaxWaiverReasonLen bounds a waiver's reason.
const MaxWaiverReasonLen = 2000

// Problems names every problem of the record on its own, in field order.
func (r Record) Problems(today time.Time) []string {
	var bad []string
	if _, ok := SpecOf(r.Kind); !ok {
		bad = append(bad, fmt.Sprintf("kind: unknown evidence kind %q", r.Kind))
	}
	switch r.Status {
	case Requested:
	case Received:
		if r.ReceivedOn == nil {
			bad = append(bad, "receivedOn: say when it arrived")
		} else if r.ReceivedOn.After(today) {
			bad = append(bad, "receivedOn: it cannot arrive in the future")
		}
	case Waived:
		if w := strings.TrimSpace(r.WaiverReason); w == "" || len([]rune(w)) > MaxWaiverReasonLen {
			bad = append(bad, fmt.Sprintf("reason: say why the application goes without it, in 1 to %d characters", MaxWaiverReasonLen))
		}
	default:
		bad = append(bad, fmt.Sprintf("status: cannot record %q", r.Status))
	}
	return bad
}

// Save records the item of the own organisation's case caseID, replacing
// what was recorded of its kind before. NOT_FOUND when the case is not
// the organisation's.
func Save(ctx context.Context, q db.Querier, by Author, caseID uuid.UUID, r Record) error {
	spec, ok := SpecOf(r.Kind)
	if !ok {
		return apperr.Invalidf("kind: unknown evidence kind %q", r.Kind)
	}
	var receivedOn *time.Time
	var reason *string
	switch r.Status {
	case Received:
		receivedOn = r.ReceivedOn
	case Waived:
		w := strings.TrimSpace(r.WaiverReason)
		reason = &w
	}
	var got uuid.UUID
	err := q.QueryRow(ctx, qRecordEvidence, caseID, string(r.Kind), string(spec.Class), string(r.Status), r.TaskID, r.HolderOrgID,
		receivedOn, reason, by.UnitID, by.UserID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.NotFoundf("no such case")
	}
	if err != nil {
		return fmt.Errorf("record evidence: %w", err)
	}
	return nil
}
