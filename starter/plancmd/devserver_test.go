package plancmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/schedules"
	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

const (
	examplePlan = "regioncopy-sample"
	exampleRule = "hourly"
)

// startTemporal starts the dev server with regioncopy's search attributes registered
// (as `regioncopy setup` or the worker would) and returns it with its --address flag.
func startTemporal(t *testing.T) (*temporaltest.Server, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv := temporaltest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := temporalclient.EnsureSearchAttributes(ctx, srv.Client, srv.Namespace, model.SearchAttributes); err != nil {
		t.Fatal(err)
	}
	return srv, "--address=" + srv.HostPort
}

// scheduleIDsListed is what the server's schedule list shows (the same list as
// `temporal schedule list`).
func scheduleIDsListed(t *testing.T, c client.Client) []string {
	t.Helper()
	it, err := c.ScheduleClient().List(context.Background(), client.ScheduleListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	return ids
}

func scheduleExists(t *testing.T, c client.Client, id string) bool {
	t.Helper()
	_, err := c.ScheduleClient().GetHandle(context.Background(), id).Describe(context.Background())
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// writePlan writes the example plan with edit applied to a temporary file.
func writePlan(t *testing.T, edit func(string) string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/example-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if edit != nil {
		s = edit(s)
	}
	file := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// must runs a command that has to succeed and returns its stdout.
func must(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, nil, args...)
	if code != cli.ExitOK {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return out
}

// The plan commands against a real dev server, no worker: apply, idempotent re-apply,
// an update in place shown by a dry run first, list, describe, pause, resume, trigger
// and delete; a plan with mistakes creates nothing.
func TestPlanCommandsOnDevServer(t *testing.T) {
	srv, addr := startTemporal(t)
	c := srv.Client
	ctx := context.Background()
	id := schedules.ScheduleID(examplePlan, exampleRule)
	const queue = "plancmd-test-no-worker"

	// Several mistakes: exit 2, every one listed, no schedule created.
	code, _, errOut := runCLI(t, nil, "plan", "apply", "-f", "testdata/mistakes.json", addr)
	if code != cli.ExitUsage || !strings.Contains(errOut, "5 problems") {
		t.Fatalf("mistakes: exit %d, %s", code, errOut)
	}
	if scheduleExists(t, c, schedules.ScheduleID("broken", "hourly")) {
		t.Fatal("a plan with mistakes created its schedule")
	}

	// A dry run of a new plan says it would create the rule's schedule and creates nothing.
	out := must(t, "plan", "apply", "-f", "testdata/example-plan.json", "--dry-run", "--task-queue", queue, addr)
	if !strings.Contains(out, "would create") || !strings.Contains(out, id) {
		t.Errorf("dry run printed %q", out)
	}
	if scheduleExists(t, c, id) {
		t.Fatal("a dry run created the schedule")
	}

	// Apply creates it; it shows in the server's schedule list.
	out = must(t, "plan", "apply", "-f", "testdata/example-plan.json", "--task-queue", queue, addr)
	if !strings.Contains(out, "create") {
		t.Errorf("apply printed %q", out)
	}
	temporaltest.Eventually(t, "schedule listed", func() error {
		ids := scheduleIDsListed(t, c)
		if len(ids) != 1 || ids[0] != id {
			return fmt.Errorf("schedules listed: %v, want [%s]", ids, id)
		}
		return nil
	})

	// Re-applying the same file changes nothing.
	out = must(t, "plan", "apply", "-f", "testdata/example-plan.json", "--task-queue", queue, addr)
	if !strings.Contains(out, "no changes") {
		t.Errorf("re-apply printed %q, want no changes", out)
	}
	var res applyResult
	mustJSON(t, must(t, "plan", "apply", "-f", "testdata/example-plan.json", "--task-queue", queue, "-o", "json", addr), &res)
	if res.Changed || len(res.Changes) != 1 || res.Changes[0].Kind != schedules.Unchanged {
		t.Errorf("re-apply JSON %+v, want one unchanged schedule", res)
	}
	before := describe(t, addr)

	// A changed file: the dry run shows the field's old and new value and changes nothing.
	changed := writePlan(t, func(s string) string {
		return strings.Replace(s, `"Lifecycle": { "DeleteAfterDays": 35 }`, `"Lifecycle": { "DeleteAfterDays": 40 }`, 1)
	})
	out = must(t, "plan", "apply", "-f", changed, "--dry-run", "--task-queue", queue, addr)
	if !strings.Contains(out, "would update") || !strings.Contains(out, "CopyActions[0].Lifecycle.DeleteAfterDays: 35 -> 40") {
		t.Errorf("dry run of the changed file printed %q", out)
	}
	if after := describe(t, addr); after.Rules[0].Revision != before.Rules[0].Revision {
		t.Fatal("a dry run changed the schedule")
	}
	// Applying it updates the schedule in place.
	mustJSON(t, must(t, "plan", "apply", "-f", changed, "--task-queue", queue, "-o", "json", addr), &res)
	if !res.Changed || res.Changes[0].Kind != schedules.Updated {
		t.Errorf("apply of the changed file: %+v", res)
	}
	after := describe(t, addr)
	if after.Rules[0].Revision == before.Rules[0].Revision {
		t.Error("the changed file left the schedule's revision as it was")
	}
	r := after.Rules[0]
	if r.ScheduleExpression != "cron(0 * ? * * *)" || r.Spec == nil || len(r.Spec.Calendars) == 0 || r.TaskQueue != queue ||
		len(r.Destinations) != 2 || len(r.NextActionTimes) == 0 || r.NextActionTimes[0].Minute() != 0 || r.Overlap != "AllowAll" {
		t.Errorf("describe: %+v", r)
	}
	text := must(t, "plan", "describe", examplePlan, addr)
	for _, want := range []string{"rule hourly", "cron(0 * ? * * *) in UTC", "temporal spec: second=0 minute=0", "next runs:", "recent runs:   none yet"} {
		if !strings.Contains(text, want) {
			t.Errorf("describe text lacks %q:\n%s", want, text)
		}
	}

	// Pause with a note, seen by list; resume.
	must(t, "plan", "pause", examplePlan, "--note", "vault migration", addr)
	rows := list(t, addr)
	if len(rows) != 1 || !rows[0].Paused || rows[0].Note != "vault migration" || rows[0].Plan != examplePlan || rows[0].Rule != exampleRule {
		t.Errorf("after pause, list = %+v", rows)
	}
	must(t, "plan", "resume", examplePlan, "--rule", exampleRule, addr)
	if rows = list(t, addr); len(rows) != 1 || rows[0].Paused || rows[0].NextRun.IsZero() {
		t.Errorf("after resume, list = %+v", rows)
	}

	// Trigger starts a PlanRun now (nobody runs it here); list shows it as the last run.
	var trig struct {
		Plan      string
		Triggered []triggered
	}
	mustJSON(t, must(t, "plan", "trigger", examplePlan, "-o", "json", addr), &trig)
	if len(trig.Triggered) != 1 || trig.Triggered[0].WorkflowId == "" {
		t.Fatalf("trigger printed %+v, want the run it started", trig)
	}
	runID := trig.Triggered[0].WorkflowId
	d, err := c.DescribeWorkflow(ctx, runID, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.WorkflowType.Name != model.WorkflowPlanRun || d.TaskQueueName != queue || !strings.HasPrefix(runID, "planrun/"+examplePlan+"/"+exampleRule) {
		t.Errorf("triggered run %s: type %v, task queue %q", runID, d.WorkflowType, d.TaskQueueName)
	}
	rows = list(t, addr)
	if len(rows) != 1 || rows[0].LastRun == nil || rows[0].LastRun.WorkflowId != runID || rows[0].LastRun.Status != "Running" {
		t.Errorf("after trigger, list = %+v", rows)
	}
	if err := c.TerminateWorkflow(ctx, runID, "", "test: no worker"); err != nil {
		t.Fatal(err)
	}
	// A backfill of the past starts an older run after it; the last run list shows is
	// still the one with the latest nominal time.
	past := time.Now().UTC().Truncate(time.Hour).Add(-3 * time.Hour)
	must(t, "plan", "backfill", examplePlan, "--start", past.Add(-time.Minute).Format(time.RFC3339), "--end", past.Add(time.Minute).Format(time.RFC3339), addr)
	temporaltest.Eventually(t, "backfilled run started", func() error {
		d, err := temporalclient.DescribeSchedule(ctx, c.ScheduleClient().GetHandle(ctx, id))
		if err != nil {
			return err
		}
		if n := len(d.Info.RecentActions); n != 2 || !d.Info.RecentActions[1].ScheduleTime.Equal(past) {
			return fmt.Errorf("recent actions %+v, want the trigger then the backfilled %v", d.Info.RecentActions, past)
		}
		return nil
	})
	if rows = list(t, addr); len(rows) != 1 || rows[0].LastRun == nil || rows[0].LastRun.WorkflowId != runID {
		t.Errorf("after a backfill of the past, list = %+v, want the triggered run %s as the last run", rows, runID)
	}

	// A rule that does not exist, a plan that does not exist: exit 1, saying so, with
	// the command to look further started as the program was, reaching the same server.
	code, _, errOut = runCLIAs(t, "bin/regioncopy", nil, "plan", "pause", examplePlan, "--rule", "weekly", addr)
	if code != cli.ExitFailure || !strings.Contains(errOut, `has no rule "weekly"`) || !strings.Contains(errOut, "see 'bin/regioncopy plan describe "+examplePlan+" --address "+srv.HostPort+"'") {
		t.Errorf("pause of a missing rule: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLIAs(t, "bin/regioncopy", nil, "plan", "delete", "nothing-here", addr)
	if code != cli.ExitFailure || !strings.Contains(errOut, `no plan named "nothing-here"`) || !strings.Contains(errOut, "see 'bin/regioncopy plan list --address "+srv.HostPort+"'") {
		t.Errorf("delete of a missing plan: exit %d, %q", code, errOut)
	}

	// Delete removes the schedule, asking nothing.
	out = must(t, "plan", "delete", examplePlan, addr)
	if !strings.Contains(out, "deleted "+id) {
		t.Errorf("delete printed %q", out)
	}
	if scheduleExists(t, c, id) {
		t.Fatal("the schedule is still there after delete")
	}
	temporaltest.Eventually(t, "deleted schedule unlisted", func() error {
		if ids := scheduleIDsListed(t, c); len(ids) != 0 {
			return fmt.Errorf("still listed: %v", ids)
		}
		return nil
	})
	if _, out, _ := runCLIAs(t, "bin/regioncopy", nil, "plan", "list", addr); !strings.Contains(out, "no plans applied in this namespace (apply one with 'bin/regioncopy plan apply -f <file> --address "+srv.HostPort+"')") {
		t.Errorf("list after delete printed %q", out)
	}
}

func describe(t *testing.T, addr string) describedPlan {
	t.Helper()
	var p describedPlan
	mustJSON(t, must(t, "plan", "describe", examplePlan, "-o", "json", addr), &p)
	if len(p.Rules) != 1 {
		t.Fatalf("describe: %+v, want one rule", p)
	}
	return p
}

func list(t *testing.T, addr string) []listedSchedule {
	t.Helper()
	var rows []listedSchedule
	mustJSON(t, must(t, "plan", "list", "-o", "json", addr), &rows)
	return rows
}
