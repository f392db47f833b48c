package meetings

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/authz"
	meeting "github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// AddMinutes writes the actor's organisation's minutes or decision of a
// meeting, in one of its own information classes. Only a party of the
// meeting writes them; a meeting the actor may not see is NOT_FOUND. A
// meeting about a person takes its minutes under its purpose, which the
// request declares; a KONSULTATION's minutes are refused if they hold a
// personnummer. Who reads them is the database's rule
// (hub_minutes_visible): the writer, and another party that sees the
// meeting when a samtycke in force shares the minutes' class with it.
func (s *Service) AddMinutes(ctx context.Context, w *app.Work, id uuid.UUID, in meeting.NewMinutes) (meeting.Minutes, error) {
	purpose, err := w.RequirePurpose()
	if err != nil {
		return meeting.Minutes{}, err
	}
	m, err := s.visible(ctx, w, id)
	if err != nil {
		return meeting.Minutes{}, err
	}
	p := w.Principal()
	gid := relay.ID(relay.TypeMeeting, m.ID)
	if err := w.Allow(ctx, authz.Update, authz.Object{Kind: authz.Meeting, OwnerOrgID: p.OrgID, ID: gid}); err != nil {
		return meeting.Minutes{}, err
	}
	if !slices.ContainsFunc(m.Parties, func(x meeting.Party) bool { return x.OrgID == p.OrgID }) {
		msg := "only a party of the meeting may add its minutes"
		w.Deny(msg, gid)
		return meeting.Minutes{}, apperr.New(apperr.Forbidden, msg)
	}
	var bad []string
	if m.Personal() && purpose != m.Purpose {
		bad = append(bad, fmt.Sprintf("the minutes of a %s are written under the purpose %s: declare it (you declared %s)", m.Kind, m.Purpose, purpose))
	}
	if m.CancelledAt != nil {
		bad = append(bad, "meetingId: the meeting is cancelled")
	}
	today, err := w.Today(ctx)
	if err != nil {
		return meeting.Minutes{}, err
	}
	bad = append(bad, in.Problems(m, p.OrgKind, today)...)
	if len(bad) > 0 {
		return meeting.Minutes{}, apperr.Invalidf("the minutes cannot be added: %s", strings.Join(bad, "; "))
	}
	nid := ids.New(ctx)
	if err := meeting.AddMinutes(ctx, w.Tx(), nid, author(w), m, in); err != nil {
		return meeting.Minutes{}, err
	}
	found, err := meeting.MinutesOf(ctx, w.Tx(), []uuid.UUID{m.ID})
	if err != nil {
		return meeting.Minutes{}, err
	}
	i := slices.IndexFunc(found[m.ID], func(n meeting.Minutes) bool { return n.ID == nid })
	if i < 0 {
		return meeting.Minutes{}, fmt.Errorf("the minutes %s written are not visible to their writer", nid)
	}
	noteMinutes(w, found[m.ID][i], true)
	return found[m.ID][i], nil
}

// MinutesOf lists, per meeting among ids (meetings the actor sees), the
// minutes the actor may read: its own organisation's, and another
// party's when a samtycke shares their class with it (a KONSULTATION's:
// every party's). Each read is noted.
func (s *Service) MinutesOf(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID][]meeting.Minutes, error) {
	if err := readable(w); err != nil {
		return nil, err
	}
	found, err := meeting.MinutesOf(ctx, w.Tx(), ids)
	if err != nil {
		return nil, err
	}
	for _, list := range found {
		for _, n := range list {
			noteMinutes(w, n, false)
		}
	}
	return found, nil
}

// noteMinutes notes minutes read or written: of a meeting about a person,
// a row of the person's loggutdrag naming the samtycke that let the
// reader see another party's minutes; a KONSULTATION's are audited only.
func noteMinutes(w *app.Work, n meeting.Minutes, write bool) {
	noteObject(w, relay.ID(relay.TypeMeetingMinutes, n.ID), n.IndividualID, n.CaseOrgID, n.ConsentID, write)
}
