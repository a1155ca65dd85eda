package schedules

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/temporalclient"
)

// ScheduleIDs lists the ids of a plan's schedules, sorted. It reads Temporal's
// visibility store, which may lag a schedule created or deleted a moment ago.
func (m *Manager) ScheduleIDs(ctx context.Context, planName string) ([]string, error) {
	it, err := m.c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	var ids []string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		if strings.HasPrefix(e.ID, planPrefix(planName)) {
			ids = append(ids, e.ID)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// visibilitySettle bounds how long a command naming a whole plan waits for Temporal's
// visibility store to show schedules that Apply created a moment ago: `plan apply`
// followed at once by `plan trigger` must not say the plan has no schedules.
const visibilitySettle = 5 * time.Second

// ScheduleIDsSettled is ScheduleIDs, asked again for up to visibilitySettle while it
// finds nothing, since an empty answer may only mean the store has not caught up.
func (m *Manager) ScheduleIDsSettled(ctx context.Context, planName string) ([]string, error) {
	deadline := time.Now().Add(visibilitySettle)
	for {
		ids, err := m.ScheduleIDs(ctx, planName)
		if err != nil || len(ids) > 0 || time.Now().After(deadline) {
			return ids, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// targets is the schedule of one rule when ruleName is set, else every schedule of the plan.
func (m *Manager) targets(ctx context.Context, planName, ruleName string) ([]client.ScheduleHandle, error) {
	var ids []string
	if ruleName != "" {
		ids = []string{ScheduleID(planName, ruleName)}
	} else {
		var err error
		if ids, err = m.ScheduleIDsSettled(ctx, planName); err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("plan %q has no schedules; apply it first", planName)
		}
	}
	hs := make([]client.ScheduleHandle, len(ids))
	for i, id := range ids {
		hs[i] = m.c.ScheduleClient().GetHandle(ctx, id)
	}
	return hs, nil
}

// each runs op on the targeted schedules, stopping at the first error.
func (m *Manager) each(ctx context.Context, planName, ruleName, what string, op func(client.ScheduleHandle) error) error {
	hs, err := m.targets(ctx, planName, ruleName)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if err := op(h); err != nil {
			return fmt.Errorf("%s schedule %s: %w", what, h.GetID(), err)
		}
	}
	return nil
}

// Pause stops a plan's schedules (or one rule's) from starting runs; note says why and
// shows in the Temporal UI.
func (m *Manager) Pause(ctx context.Context, planName, ruleName, note string) error {
	return m.each(ctx, planName, ruleName, "pause", func(h client.ScheduleHandle) error {
		return h.Pause(ctx, client.SchedulePauseOptions{Note: note})
	})
}

// Resume lets paused schedules start runs again. Runs missed while paused are not made up.
func (m *Manager) Resume(ctx context.Context, planName, ruleName, note string) error {
	return m.each(ctx, planName, ruleName, "resume", func(h client.ScheduleHandle) error {
		return h.Unpause(ctx, client.ScheduleUnpauseOptions{Note: note})
	})
}

// Trigger starts a run of each targeted rule now, as AWS's "run now" of a backup rule,
// under the schedule's overlap policy.
func (m *Manager) Trigger(ctx context.Context, planName, ruleName string) error {
	return m.each(ctx, planName, ruleName, "trigger", func(h client.ScheduleHandle) error {
		return h.Trigger(ctx, client.ScheduleTriggerOptions{})
	})
}

// Backfill starts the runs the schedules would have started between start and end
// (inclusive), for example to make up a period when a plan was paused. Each run keeps
// its past nominal time, and all of them run, one after another (overlap BUFFER_ALL):
// an explicit backfill asks for every run, unlike a schedule that fell behind. For a
// copy-only plan each run copies what appeared up to its own time; a backup run whose
// start window has passed takes no backup, as AWS would not start it either.
func (m *Manager) Backfill(ctx context.Context, planName, ruleName string, start, end time.Time) error {
	if !end.After(start) {
		return fmt.Errorf("backfill: end %s must be after start %s", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	return m.each(ctx, planName, ruleName, "backfill", func(h client.ScheduleHandle) error {
		return h.Backfill(ctx, client.ScheduleBackfillOptions{Backfill: []client.ScheduleBackfill{{
			Start: start, End: end, Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL,
		}}})
	})
}

// Delete removes the schedules; runs already started go on to their end.
func (m *Manager) Delete(ctx context.Context, planName, ruleName string) error {
	return m.each(ctx, planName, ruleName, "delete", func(h client.ScheduleHandle) error {
		if err := h.Delete(ctx); err != nil && !isNotFound(err) {
			return err
		}
		return nil
	})
}

// Status is what Describe tells of one rule's schedule.
type Status struct {
	ScheduleID      string
	Rule            string
	Paused          bool
	Note            string `json:",omitempty"`
	Revision        string
	NextActionTimes []time.Time
	RecentActions   []client.ScheduleActionResult `json:",omitempty"`
}

// Describe reports the state of each of a plan's schedules (or one rule's).
func (m *Manager) Describe(ctx context.Context, planName, ruleName string) ([]Status, error) {
	var out []Status
	err := m.each(ctx, planName, ruleName, "describe", func(h client.ScheduleHandle) error {
		d, err := temporalclient.DescribeSchedule(ctx, h)
		if err != nil {
			return err
		}
		in, _, err := appliedInput(d)
		if err != nil {
			return err
		}
		st := Status{ScheduleID: h.GetID(), Rule: in.Rule, Revision: in.Revision,
			NextActionTimes: d.Info.NextActionTimes, RecentActions: d.Info.RecentActions}
		if d.Schedule.State != nil {
			st.Paused, st.Note = d.Schedule.State.Paused, d.Schedule.State.Note
		}
		out = append(out, st)
		return nil
	})
	return out, err
}
