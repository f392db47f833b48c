package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/outcomes"
	"github.com/samverkanshub/hub/internal/tasks"
)

// story tells what of a story is not told yet, step by step, each step a
// use case in a unit of work of its own as the step's demo user under
// the step's purpose. Each step is skipped when what it writes is there:
// the row of its fixed id (a samtycke, a task, a step of a task's or a
// case's history, the meeting, the plan, the repayment), the party, the
// screening, the attendance, the agreement, the received item.
func (s *seeder) story(ctx context.Context, st demo.Story) error {
	done, err := s.told(ctx, st)
	if err != nil {
		return err
	}
	if err := s.enter(ctx, st.Person, st.Case, done.present); err != nil {
		return err
	}
	for _, step := range st.Steps {
		if done.has(step.Act) {
			continue
		}
		if err := s.tell(ctx, st.Case.ID, step); err != nil {
			return err
		}
	}
	return nil
}

// told is what of a story is written already.
type told struct {
	present, taking, screened, attended, agreed map[uuid.UUID]bool
	received                                    map[evidence.Kind]bool
	caseID                                      uuid.UUID
}

func (s *seeder) told(ctx context.Context, st demo.Story) (told, error) {
	want := []uuid.UUID{st.Person.ID, st.Case.ID}
	var meetingIDs, planIDs []uuid.UUID
	for _, step := range st.Steps {
		if id, ok := rowOf(step.Act); ok {
			want = append(want, id)
		}
		switch a := step.Act.(type) {
		case demo.Attendance:
			meetingIDs = append(meetingIDs, a.MeetingID)
		case demo.PlanAgreement:
			planIDs = append(planIDs, a.PlanID)
		}
	}
	t := told{caseID: st.Case.ID}
	var err error
	if t.present, err = demo.Present(ctx, s.app.Pool, want); err != nil {
		return t, err
	}
	if t.taking, err = demo.ParticipantOrgs(ctx, s.app.Pool, st.Case.ID); err != nil {
		return t, err
	}
	if t.screened, err = demo.Screened(ctx, s.app.Pool, []uuid.UUID{st.Case.ID}); err != nil {
		return t, err
	}
	if t.attended, err = demo.Attended(ctx, s.app.Pool, meetingIDs); err != nil {
		return t, err
	}
	if t.agreed, err = demo.Agreed(ctx, s.app.Pool, planIDs); err != nil {
		return t, err
	}
	t.received, err = demo.Received(ctx, s.app.Pool, st.Case.ID)
	return t, err
}

// rowOf is the row of a fixed id that act writes, if it writes one.
func rowOf(act demo.Act) (uuid.UUID, bool) {
	switch a := act.(type) {
	case demo.Samtycke:
		return a.ID, true
	case demo.Step:
		return a.ID, a.Answers == nil
	case demo.SendTask:
		return a.ID, true
	case demo.TaskStep:
		return a.ID, true
	case demo.CallMeeting:
		return a.ID, true
	case demo.DrawPlan:
		return a.ID, true
	case demo.RequestEvidence:
		return a.TaskID, true
	case demo.Repayment:
		return a.ID, true
	}
	return uuid.Nil, false
}

// has says whether what act writes is there.
func (t told) has(act demo.Act) bool {
	if id, ok := rowOf(act); ok {
		return t.present[id]
	}
	switch a := act.(type) {
	case demo.Participant:
		return t.taking[a.OrgID]
	case demo.Step:
		return t.screened[t.caseID]
	case demo.Attendance:
		return t.attended[a.MeetingID]
	case demo.PlanAgreement:
		return t.agreed[a.PlanID]
	case demo.ReceiveEvidence:
		return t.received[a.Kind]
	}
	return false
}

// tell takes one step of a story about the case caseID.
func (s *seeder) tell(ctx context.Context, caseID uuid.UUID, step demo.StoryStep) error {
	login, purpose, mutation := step.Login, step.Purpose, step.Act.Mutation()
	run := func(id uuid.UUID, preset []uuid.UUID, do func(context.Context, *app.Work) (uuid.UUID, error)) error {
		return s.stepFor(ctx, login, purpose, mutation, id, preset, do)
	}
	switch a := step.Act.(type) {
	case demo.Samtycke:
		a.Login = login
		return s.record(ctx, purpose, a)
	case demo.Participant:
		a.Login = login
		return s.participant(ctx, purpose, caseID, a)
	case demo.Step:
		return s.move(ctx, login, purpose, caseID, a)
	case demo.SendTask:
		return run(a.ID, []uuid.UUID{a.ID, a.EventID}, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			t, err := s.tasks.Create(ctx, w, tasks.NewTask{Kind: a.Kind, CaseID: &caseID, Classes: a.Classes, Subject: a.Subject, Body: a.Body})
			return t.ID, err
		})
	case demo.TaskStep:
		return run(a.TaskID, []uuid.UUID{a.ID}, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			to := a.To
			t, err := s.tasks.Update(ctx, w, a.TaskID, tasks.Change{State: &to})
			return t.ID, err
		})
	case demo.CallMeeting:
		var preset []uuid.UUID
		for _, k := range a.Kallelser {
			preset = append(preset, k[0], k[1])
		}
		return run(a.ID, append(preset, a.ID), func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			now, err := w.Now(ctx)
			if err != nil {
				return uuid.Nil, err
			}
			// The next whole second: in the future, and soon, for the
			// load waits for it to record who came.
			start, remote := now.Truncate(time.Second).Add(time.Second), a.RemoteURL
			m, err := s.meetings.Schedule(ctx, w, meetings.NewMeeting{Kind: a.Kind, CaseID: &caseID, Subject: a.Subject, Agenda: a.Agenda,
				StartsAt: start, EndsAt: start.Add(demo.StoryMeetingLasts), RemoteURL: &remote, Role: a.Role, Invited: a.Invited})
			return m.ID, err
		})
	case demo.Attendance:
		// Who came is known once the meeting has started.
		starts, err := demo.MeetingStarts(ctx, s.app.Pool, a.MeetingID)
		if err != nil {
			return err
		}
		time.Sleep(time.Until(starts) + time.Millisecond)
		return run(a.MeetingID, nil, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			person := a.Person
			m, err := s.meetings.RecordAttendance(ctx, w, a.MeetingID, meetings.AttendanceChange{Person: &person, Parties: a.Parties})
			return m.ID, err
		})
	case demo.DrawPlan:
		return run(a.ID, []uuid.UUID{a.ID}, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			p, err := s.plans.Create(ctx, w, caseID, a.Kind, a.Content)
			return p.ID, err
		})
	case demo.PlanAgreement:
		return run(a.PlanID, nil, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			note := a.Note
			p, err := s.plans.RecordAgreement(ctx, w, a.PlanID, a.Version, a.How, &note)
			return p.ID, err
		})
	case demo.RequestEvidence:
		return run(a.TaskID, []uuid.UUID{a.TaskID, a.EventID}, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			_, t, err := s.evidence.Request(ctx, w, caseID, a.Kind, "")
			return t.ID, err
		})
	case demo.ReceiveEvidence:
		return run(caseID, nil, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			on := a.ReceivedOn
			c, err := s.evidence.Record(ctx, w, caseID, evidence.Record{Kind: a.Kind, Status: evidence.Received, ReceivedOn: &on, HolderOrgID: a.Holder})
			return c.ID, err
		})
	case demo.Repayment:
		return run(caseID, []uuid.UUID{a.ID}, func(ctx context.Context, w *app.Work) (uuid.UUID, error) {
			c, err := s.casework.RecordRepayment(ctx, w, caseID, outcomes.NewRepayment{AmountKronor: a.Kronor, PaidOn: a.PaidOn})
			return c.ID, err
		})
	}
	return fmt.Errorf("demo story: %s: no such act", step)
}
