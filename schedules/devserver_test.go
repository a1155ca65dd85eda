package schedules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/awscron"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// startDevServer starts the dev server (temporaltest) with the Plan search attribute
// registered; the test is skipped when there is no Temporal CLI.
func startDevServer(t *testing.T) client.Client {
	t.Helper()
	return temporaltest.Start(t, model.PlanKey).Client
}

func kinds(changes []Change) map[string]ChangeKind {
	out := map[string]ChangeKind{}
	for _, c := range changes {
		out[c.ScheduleID] = c.Kind
	}
	return out
}

// recentRun waits until a rule's schedule has started n runs and returns the workflow id
// of the n-th.
func recentRun(ctx context.Context, t *testing.T, m *Manager, rule string, n int) string {
	t.Helper()
	var id string
	temporaltest.Eventually(t, "run started by the schedule", func() error {
		st, err := m.Describe(ctx, "ledger", rule)
		if err != nil {
			return err
		}
		if len(st[0].RecentActions) < n || st[0].RecentActions[n-1].StartWorkflowResult == nil {
			return errors.New("not started yet")
		}
		id = st[0].RecentActions[n-1].StartWorkflowResult.WorkflowID
		return nil
	})
	return id
}

func TestApplyOnDevServer(t *testing.T) {
	c := startDevServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	m := NewManager(c, east)
	hourly, monthEnd := ScheduleID("ledger", "hourly"), ScheduleID("ledger", "month-end")

	// A dry run of a new plan creates nothing.
	changes, err := m.Apply(ctx, loadPlan(t, nil), true)
	if err != nil {
		t.Fatal(err)
	}
	if k := kinds(changes); k[hourly] != Created || k[monthEnd] != Created || len(k) != 2 {
		t.Fatalf("dry run: %+v, want both rules to be created", changes)
	}
	if _, err := temporalclient.DescribeSchedule(ctx, c.ScheduleClient().GetHandle(ctx, hourly)); !isNotFound(err) {
		t.Fatalf("after a dry run, describe = %v, want NotFound", err)
	}

	// Apply creates both; the server's next runs are AWS's.
	if changes, err = m.Apply(ctx, loadPlan(t, nil), false); err != nil {
		t.Fatal(err)
	}
	if k := kinds(changes); k[hourly] != Created || k[monthEnd] != Created {
		t.Fatalf("apply: %+v", changes)
	}
	st, err := m.Describe(ctx, "ledger", "month-end")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := awscron.Parse("cron(0 3 L * ? *)")
	want := e.Next(time.Now(), nil)
	if len(st) != 1 || len(st[0].NextActionTimes) == 0 || !st[0].NextActionTimes[0].Equal(want) || st[0].Paused {
		t.Fatalf("month-end status %+v, want unpaused with next run %s", st, want)
	}

	// Re-applying the same file changes nothing.
	if changes, err = m.Apply(ctx, loadPlan(t, nil), false); err != nil {
		t.Fatal(err)
	}
	if k := kinds(changes); k[hourly] != Unchanged || k[monthEnd] != Unchanged || len(k) != 2 {
		t.Fatalf("re-apply: %+v, want nothing changed", changes)
	}

	// An operator pauses hourly; a changed file then updates it in place, still paused.
	if err := m.Pause(ctx, "ledger", "hourly", "maintenance"); err != nil {
		t.Fatal(err)
	}
	changed := loadPlan(t, func(s string) string {
		s = strings.Replace(s, "cron(15 * ? * * *)", "cron(45 * ? * * *)", 1)
		return strings.Replace(s, `"DeleteAfterDays": 14`, `"DeleteAfterDays": 21`, 1)
	})
	if changes, err = m.Apply(ctx, changed, true); err != nil {
		t.Fatal(err)
	}
	wantDiff := []string{
		"CopyActions[0].Lifecycle.DeleteAfterDays: 14 -> 21",
		`ScheduleExpression: "cron(15 * ? * * *)" -> "cron(45 * ? * * *)"`,
	}
	if len(changes) != 2 || changes[0].Kind != Updated || !slices.Equal(changes[0].Diff, wantDiff) || changes[1].Kind != Unchanged {
		t.Fatalf("dry run of the changed file: %+v, want hourly updated with diff %q", changes, wantDiff)
	}
	before, _ := m.Describe(ctx, "ledger", "hourly")
	if _, err = m.Apply(ctx, changed, false); err != nil {
		t.Fatal(err)
	}
	after, _ := m.Describe(ctx, "ledger", "hourly")
	if before[0].Revision == after[0].Revision || !after[0].Paused || after[0].Note != "maintenance" {
		t.Fatalf("hourly before %+v, after %+v: want a new revision, still paused with its note", before[0], after[0])
	}
	if err := m.Resume(ctx, "ledger", "hourly", "done"); err != nil {
		t.Fatal(err)
	}
	after, _ = m.Describe(ctx, "ledger", "hourly")
	ny, _ := time.LoadLocation("America/New_York")
	if after[0].Paused || len(after[0].NextActionTimes) == 0 || after[0].NextActionTimes[0].In(ny).Minute() != 45 {
		t.Fatalf("hourly after resume: %+v, want unpaused, next run at minute 45", after[0])
	}

	// Backfill over the last three month ends starts all three runs, one after another
	// (no worker runs PlanRun here, so the test ends each run to let the next start).
	var past []time.Time
	for r := e.Next(time.Now().AddDate(0, -4, 0), nil); r.Before(time.Now()); r = e.Next(r, nil) {
		past = append(past, r)
	}
	past = past[len(past)-3:]
	if err := m.Backfill(ctx, "ledger", "month-end", past[0].Add(-time.Hour), past[2].Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for i, nominal := range past {
		id := recentRun(ctx, t, m, "month-end", i+1)
		if want := "planrun/ledger/month-end-" + nominal.UTC().Format(time.RFC3339); id != want {
			t.Fatalf("backfilled run %d: workflow %q, want %q", i, id, want)
		}
		if err := c.TerminateWorkflow(ctx, id, "", "test: no worker"); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Backfill(ctx, "ledger", "", time.Now(), time.Now().Add(-time.Hour)); err == nil {
		t.Fatal("a backfill ending before it starts was accepted")
	}

	// Trigger starts a PlanRun now.
	if err := m.Trigger(ctx, "ledger", "month-end"); err != nil {
		t.Fatal(err)
	}
	if id := recentRun(ctx, t, m, "month-end", 4); !strings.HasPrefix(id, "planrun/ledger/month-end-") || slices.ContainsFunc(past, func(p time.Time) bool { return strings.HasSuffix(id, p.UTC().Format(time.RFC3339)) }) {
		t.Fatalf("triggered workflow id %q", id)
	}

	// Dropping a rule from the file deletes its schedule (once listing shows it).
	temporaltest.Eventually(t, "both schedules listed", func() error {
		ids, err := m.ScheduleIDs(ctx, "ledger")
		if err != nil || len(ids) != 2 {
			return errors.New("not yet")
		}
		return err
	})
	oneRule := loadPlan(t, nil)
	oneRule.BackupPlan.Rules = oneRule.BackupPlan.Rules[1:]
	if changes, err = m.Apply(ctx, oneRule, false); err != nil {
		t.Fatal(err)
	}
	if k := kinds(changes); k[hourly] != Deleted || k[monthEnd] != Unchanged {
		t.Fatalf("apply without hourly: %+v", changes)
	}
	_, err = temporalclient.DescribeSchedule(ctx, c.ScheduleClient().GetHandle(ctx, hourly))
	var nf *serviceerror.NotFound
	if !errors.As(err, &nf) {
		t.Fatalf("hourly after its rule was dropped: describe = %v, want NotFound", err)
	}

	// Delete of the whole plan.
	temporaltest.Eventually(t, "one schedule listed", func() error {
		ids, err := m.ScheduleIDs(ctx, "ledger")
		if err != nil || len(ids) != 1 {
			return errors.New("not yet")
		}
		return nil
	})
	if err := m.Delete(ctx, "ledger", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := temporalclient.DescribeSchedule(ctx, c.ScheduleClient().GetHandle(ctx, monthEnd)); !isNotFound(err) {
		t.Fatalf("month-end after Delete: describe = %v, want NotFound", err)
	}
}

// A run lasts until its copies land, often past the rule's next time. AWS starts each
// scheduled backup whatever the previous run is doing, so a run that comes due while
// another still runs starts at once: none waits behind it, none is dropped. No worker
// runs PlanRun here, so every run started stays running.
func TestRunsComingDueDuringALongRunAllStart(t *testing.T) {
	c := startDevServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	m := NewManager(c, east)
	if _, err := m.Apply(ctx, loadPlan(t, nil), false); err != nil {
		t.Fatal(err)
	}
	const runs = 3
	h := c.ScheduleClient().GetHandle(ctx, ScheduleID("ledger", "hourly"))
	for i := 1; i <= runs; i++ {
		if err := m.Trigger(ctx, "ledger", "hourly"); err != nil {
			t.Fatal(err)
		}
		temporaltest.Eventually(t, fmt.Sprintf("run %d started while the others run", i), func() error {
			d, err := temporalclient.DescribeSchedule(ctx, h)
			if err != nil {
				return err
			}
			if n := len(d.Info.RecentActions); n != i {
				return fmt.Errorf("%d runs started, %d skipped by the overlap policy; want %d started", n, d.Info.NumActionsSkippedOverlap, i)
			}
			return nil
		})
		// A run's workflow id ends in its start time to the second.
		time.Sleep(1100 * time.Millisecond)
	}
	d, err := temporalclient.DescribeSchedule(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range d.Info.RecentActions {
		w := a.StartWorkflowResult
		desc, err := c.DescribeWorkflowExecution(ctx, w.WorkflowID, w.FirstExecutionRunID)
		if err != nil {
			t.Fatal(err)
		}
		if st := desc.WorkflowExecutionInfo.Status; st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			t.Fatalf("run %s is %s, want RUNNING", w.WorkflowID, st)
		}
	}
}
