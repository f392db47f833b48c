package meetings

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// NoteKind is what a party's note of a meeting is.
type NoteKind string

// The kinds of note.
const (
	MinutesNote  NoteKind = "MINUTES"  // what was said and agreed
	DecisionNote NoteKind = "DECISION" // a decision the party took at it
)

// NoteKinds lists every kind of note.
var NoteKinds = []NoteKind{MinutesNote, DecisionNote}

// MaxMinutesLen is the longest a note is.
const MaxMinutesLen = 4000

// NewMinutes is a party's minutes or decision of a meeting, in one of its
// own organisation's information classes.
type NewMinutes struct {
	Kind  NoteKind
	Class consent.Class
	Text  string
}

// Problems checks the minutes against the meeting and the writer's kind
// of organisation, naming every problem after its field, in field order.
// today is the request's day (for the personnummer check).
func (in NewMinutes) Problems(m Meeting, writer tenancy.OrganizationKind, today time.Time) []string {
	var bad []string
	if !slices.Contains(NoteKinds, in.Kind) {
		bad = append(bad, fmt.Sprintf("kind: unknown kind %q", in.Kind))
	}
	if !slices.Contains(consent.Classes, in.Class) || in.Class.Source() != writer {
		bad = append(bad, fmt.Sprintf("class: one of your organisation's own classes (%s)", consent.JoinClasses(consent.ClassesOf(writer))))
	}
	text := strings.TrimSpace(in.Text)
	switch {
	case text == "" || len([]rune(text)) > MaxMinutesLen:
		bad = append(bad, fmt.Sprintf("text: 1 to %d characters", MaxMinutesLen))
	case !m.Personal() && personnummer.Contains(text, today):
		bad = append(bad, "text: a KONSULTATION is de-identified: remove the personnummer")
	}
	return bad
}

// Minutes are a party's minutes or decision of a meeting, as the reader
// may see them (the rule hides the rest).
type Minutes struct {
	ID           uuid.UUID       `db:"id"`
	MeetingID    uuid.UUID       `db:"meeting_id"`
	IndividualID *uuid.UUID      `db:"individual_id"`
	CaseOrgID    *uuid.UUID      `db:"case_org_id"`
	OrgID        uuid.UUID       `db:"org_id"`
	OrgName      string          `db:"org_name"`
	UnitID       *uuid.UUID      `db:"unit_id"`
	UserID       string          `db:"user_id"`
	Kind         NoteKind        `db:"kind"`
	Class        consent.Class   `db:"class"`
	Purpose      consent.Purpose `db:"purpose"`
	Text         string          `db:"text"`
	RecordedAt   time.Time       `db:"recorded_at"`
	// ConsentID is the samtycke that lets the reader see another party's
	// minutes of a meeting about a person.
	ConsentID *uuid.UUID `db:"consent_id"`
}

// MinutesOf lists, per meeting among ids, the minutes the reader sees
// (hub_minutes_visible), in the order they were recorded.
func MinutesOf(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID][]Minutes, error) {
	list, err := db.Collect[Minutes](ctx, q, qMinutesOf, ids)
	if err != nil {
		return nil, fmt.Errorf("load meeting minutes: %w", err)
	}
	out := map[uuid.UUID][]Minutes{}
	for _, n := range list {
		out[n.MeetingID] = append(out[n.MeetingID], n)
	}
	return out, nil
}

// AddMinutes writes the minutes id of the meeting m by the author's
// organisation (a party of it: row security checks that, the class and
// the purpose).
func AddMinutes(ctx context.Context, q db.Querier, id uuid.UUID, by Author, m Meeting, in NewMinutes) error {
	if _, err := q.Exec(ctx, qInsertMinutes, id, m.ID, m.IndividualID, m.CaseOrgID, by.UnitID, by.UserID,
		string(in.Kind), string(in.Class), string(m.Purpose), strings.TrimSpace(in.Text)); err != nil {
		return fmt.Errorf("insert meeting minutes: %w", err)
	}
	return nil
}
