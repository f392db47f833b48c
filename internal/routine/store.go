package routine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/ids"
)

// ByID loads routines by id. Routines are no one's secret: every
// principal may read every version.
func ByID(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID]Routine, error) {
	rs, err := db.Collect[Routine](ctx, q, qRoutinesByID, ids)
	if err != nil {
		return nil, fmt.Errorf("load routines: %w", err)
	}
	out := make(map[uuid.UUID]Routine, len(rs))
	for _, r := range rs {
		out[r.ID] = r
	}
	return out, nil
}

// Current is the version new cases of a förbund start on: its own latest,
// or the default template's.
func Current(ctx context.Context, q db.Querier, federationID uuid.UUID) (Routine, error) {
	rs, err := db.Collect[Routine](ctx, q, qCurrentRoutine, federationID)
	if err != nil {
		return Routine{}, fmt.Errorf("load the current routine: %w", err)
	}
	if len(rs) == 0 {
		return Routine{}, errors.New("load the current routine: no default routine; are the migrations applied?")
	}
	return rs[0], nil
}

// CurrentOf is Current for several förbund at once, by förbund.
func CurrentOf(ctx context.Context, q db.Querier, federationIDs []uuid.UUID) (map[uuid.UUID]Routine, error) {
	type row struct {
		FederationKey uuid.UUID `db:"federation_key"`
		Routine
	}
	rs, err := db.Collect[row](ctx, q, qCurrentRoutines, federationIDs)
	if err != nil {
		return nil, fmt.Errorf("load the current routines: %w", err)
	}
	out := make(map[uuid.UUID]Routine, len(rs))
	for _, r := range rs {
		out[r.FederationKey] = r.Routine
	}
	return out, nil
}

// OfFederation lists every version of a förbund's own routine, the latest
// first (none: it runs the default).
func OfFederation(ctx context.Context, q db.Querier, federationID uuid.UUID) ([]Routine, error) {
	rs, err := db.Collect[Routine](ctx, q, qRoutinesOfFederation, federationID)
	if err != nil {
		return nil, fmt.Errorf("list the routines of a federation: %w", err)
	}
	return rs, nil
}

// Templates lists the latest version of each routine shipped with the hub.
func Templates(ctx context.Context, q db.Querier) ([]Routine, error) {
	rs, err := db.Collect[Routine](ctx, q, qTemplates)
	if err != nil {
		return nil, fmt.Errorf("list routine templates: %w", err)
	}
	return rs, nil
}

// Author is who saves a routine.
type Author struct {
	UserID string
}

// NewVersion is a förbund's routine as its administrator saves it.
type NewVersion struct {
	FederationID uuid.UUID
	Key          string // the template it follows ("samverkan", "fms") or a key of its own
	Name         string
	Definition   Definition
}

// Limits on a saved routine.
const maxNameLen = 200

// Validate names every problem, in field order.
func (in NewVersion) Validate() error {
	var bad []string
	if !keyPattern.MatchString(in.Key) {
		bad = append(bad, fmt.Sprintf("key: %q is not a lower-case key of at most 40 characters", in.Key))
	}
	if strings.TrimSpace(in.Name) == "" || len([]rune(in.Name)) > maxNameLen {
		bad = append(bad, fmt.Sprintf("name: give a name of 1 to %d characters", maxNameLen))
	}
	for _, p := range in.Definition.Validate() {
		bad = append(bad, "definition."+p)
	}
	if len(bad) > 0 {
		return apperr.Invalidf("the routine cannot be saved: %s", strings.Join(bad, "; "))
	}
	return nil
}

// Save makes the next version of a förbund's routine; the cases already
// open stay on the versions they started on. The caller has checked that
// the actor administers the förbund; row-level security checks it again.
func Save(ctx context.Context, q db.Querier, by Author, in NewVersion) (Routine, error) {
	if err := in.Validate(); err != nil {
		return Routine{}, err
	}
	id := ids.New(ctx)
	var got uuid.UUID
	err := q.QueryRow(ctx, qInsertVersion, id, in.FederationID, in.Key, strings.TrimSpace(in.Name), in.Definition, by.UserID).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return Routine{}, apperr.NotFoundf("no such federation")
	}
	if err != nil {
		return Routine{}, fmt.Errorf("save routine: %w", err)
	}
	saved, err := ByID(ctx, q, []uuid.UUID{id})
	if err != nil {
		return Routine{}, err
	}
	return saved[id], nil
}
