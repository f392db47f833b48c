package meetings

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	meeting "github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/platform/ids"
	"github.com/samverkanshub/hub/internal/platform/relay"
	task "github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// FollowUpWorkingDays is how many working days the follow-up of a
// no-show gives the caller's unit.
const FollowUpWorkingDays = 2

// followUp writes, in the caller's unit of work, the follow-up of the
// person's no-show at the meeting m: a PAMINNELSE from the caller's
// organisation to the unit that called the meeting (its whole queue if
// none), due in FollowUpWorkingDays, naming the meeting but not the
// person, once per meeting and start (meeting_reminders).
func followUp(ctx context.Context, w *app.Work, m meeting.Meeting) error {
	if m.CaseOrgID == nil {
		return nil // a KONSULTATION has no person to miss it
	}
	purpose, err := w.RequirePurpose()
	if err != nil {
		return err
	}
	id := ids.New(ctx)
	claimed, err := meeting.ClaimReminder(ctx, w.Tx(), m.ID, meeting.RemindNoShow, m.StartsAt, id)
	if err != nil || !claimed { // !claimed: followed up before
		return err
	}
	ms, err := tenancy.MunicipalitiesByOrganization(ctx, w.Tx(), []uuid.UUID{*m.CaseOrgID})
	if err != nil {
		return err
	}
	if len(ms[*m.CaseOrgID]) == 0 {
		return fmt.Errorf("the case's organisation %s serves no municipality", *m.CaseOrgID)
	}
	today, err := w.Today(ctx)
	if err != nil {
		return err
	}
	gid := relay.ID(relay.TypeMeeting, m.ID)
	t := task.Reminder{Purpose: purpose, Topic: string(m.Kind.Topic()), MunicipalityCode: ms[*m.CaseOrgID][0].Code,
		Subject: "Uppföljning: personen kom inte till " + m.Kind.Label() + " " + meeting.When(m.StartsAt, m.EndsAt),
		Body: "Personen kom inte till mötet och meddelade inte återbud. Följ upp: kontakta personen och kalla till ett nytt möte vid behov." +
			"\nMötet och ärendet finns i Samverkanshubben (möte " + gid + ").",
		DueOn: task.AddWorkingDays(today, FollowUpWorkingDays)}
	p := w.Principal()
	if err := task.RemindOwn(ctx, w.Tx(), task.Author{OrgID: p.OrgID, UnitID: p.UnitID, UserID: p.UserID}, id, m.UnitID, t); err != nil {
		return err
	}
	w.Touch(relay.ID(relay.TypeTask, id))
	return nil
}
