package planrun

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// copiesLandIn makes every copy of the resources land d after its hand-over.
func copiesLandIn(resources []model.SelectedResource, d time.Duration) map[string]time.Duration {
	delays := map[string]time.Duration{}
	for _, r := range resources {
		for _, region := range []string{"eu-west-1", "us-west-2"} {
			delays[r.ResourceArn+" -> "+region] = d
		}
	}
	return delays
}

func volumes(n int) []model.SelectedResource {
	out := make([]model.SelectedResource, n)
	for i := range out {
		out[i] = model.SelectedResource{ResourceArn: volumeArn(i), ResourceType: "EBS"}
	}
	return out
}

// backupStarts records the workflow-clock time of every StartBackupJob.
type backupStarts struct {
	mu    sync.Mutex
	times []time.Time
}

func recordBackupStarts(env *testsuite.TestWorkflowEnvironment) *backupStarts {
	b := &backupStarts{}
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		if info.ActivityType.Name == model.ActStartBackupJob {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.times = append(b.times, env.Now())
		}
	})
	return b
}

// latest is the last start and how many there were.
func (b *backupStarts) latest() (time.Time, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var last time.Time
	for _, t := range b.times {
		if t.After(last) {
			last = t
		}
	}
	return last, len(b.times)
}

// Copies of four hours do not hold back backups: with 250 resources, five times the
// backups allowed in flight, every backup starts at once, well within the default
// start window of 8 hours, none is missed, and the run still proves every copy, each
// landed four hours after its hand-over. (When a child held its slot until its copies
// landed, the resources were taken up 50 every four hours and the third fifty missed
// the window.)
func TestPlanRunStartsEveryBackupInItsWindowWhileCopiesTakeHours(t *testing.T) {
	const n = 250
	resources := volumes(n)
	f := &fakeAWS{resources: resources, copyDelay: copiesLandIn(resources, 4*time.Hour)}
	env := newEnv(t, f, nominal.Add(2*time.Minute), nominal)
	starts := recordBackupStarts(env)
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)

	startBy := nominal.Add(defaultStartWindowMinutes * time.Minute)
	last, count := starts.latest()
	if count != n || !last.Before(startBy) {
		t.Errorf("%d backups started, the last at %s; want %d, all before %s", count, last, n, startBy)
	}
	if !last.Before(nominal.Add(time.Hour)) {
		t.Errorf("the last backup started at %s: backups waited for copies to land", last)
	}
	want := model.PlanRunTally{Resources: n, BackupsCompleted: n, CopiesEnqueued: 2 * n}
	if res.State != model.PlanRunCompleted || res.Tally != want {
		t.Errorf("state %s tally %+v, want COMPLETED with %+v; failures %+v", res.State, res.Tally, want, res.Failures)
	}
	if res.Landings != (model.PlanRunLandingTally{Landed: 2 * n}) || len(res.Copies) != model.MaxPlanRunCopies {
		t.Fatalf("landings %+v, %d copies listed, want %d landed and the first %d listed", res.Landings, len(res.Copies), 2*n, model.MaxPlanRunCopies)
	}
	// The result stays under Temporal's payload warning (256 KB) however many copies.
	if out, _ := json.Marshal(res); len(out) > 256<<10 {
		t.Errorf("result of %d bytes", len(out))
	}
	for _, c := range res.Copies {
		if c.Landing != model.PlanCopyLanded || c.CopyJobId == "" || c.CompletedAt.Before(nominal.Add(4*time.Hour)) {
			t.Errorf("copy %+v, want landed four hours after the hand-over", c)
			break
		}
	}
	if ended := env.Now(); ended.Before(nominal.Add(4 * time.Hour)) {
		t.Errorf("the run ended at %s, before its copies landed", ended)
	}
}

// A run continues as new after resourcesPerRun resources without waiting for their
// copies to land: it carries how many children still owe a hand-over or a landing,
// with a small state, and the next run takes up the next resources at once.
func TestPlanRunContinuesAsNewWhileCopiesLand(t *testing.T) {
	const n = 1000
	resources := volumes(n)
	f := &fakeAWS{resources: resources, copyDelay: copiesLandIn(resources, 4*time.Hour),
		jobEnd: map[string]string{volumeArn(100): model.JobFailed}}
	in := hourlyRule()
	in.CopyActions = in.CopyActions[:1]

	continued := func(env *testsuite.TestWorkflowEnvironment) *model.PlanRunProgress {
		t.Helper()
		var can *workflow.ContinueAsNewError
		if err := env.GetWorkflowError(); !errors.As(err, &can) {
			t.Fatalf("the run ended with %v, want it to continue as new", err)
		}
		var nextIn model.PlanRunInput
		next := &model.PlanRunProgress{}
		if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &nextIn, next); err != nil {
			t.Fatal(err)
		}
		if size := len(can.Input.Payloads[1].Data); size > 4096 {
			t.Errorf("carried progress of %d bytes, want it small", size)
		}
		// (The test environment runs the children on after the run; its clock says
		// nothing of when the run continued.)
		if next.Landings != (model.PlanRunLandingTally{}) {
			t.Errorf("the run counted landings %+v before continuing as new: it waited for copies of four hours", next.Landings)
		}
		return next
	}

	env := newEnv(t, f, nominal.Add(time.Minute), nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	p := continued(env)
	owed := p.AwaitingHandOver + p.AwaitingLandings
	if p.Tally.Resources != resourcesPerRun || p.Cursor != volumeArn(resourcesPerRun-1) || p.SelectionDone || p.Continuations != 1 ||
		owed != resourcesPerRun-1 || p.AwaitingHandOver > maxBackupsInFlight || p.Tally.Failed != 1 {
		t.Errorf("first run carried %+v; want %d resources up to %s, the one failure, every other child owing a report and at most %d backups in flight",
			p, resourcesPerRun, volumeArn(resourcesPerRun-1), maxBackupsInFlight)
	}
	if p.Tally.BackupsCompleted != resourcesPerRun-1-p.AwaitingHandOver || p.Tally.CopiesEnqueued != p.Tally.BackupsCompleted || p.AwaitingLandings != p.Tally.BackupsCompleted {
		t.Errorf("first run carried %+v: the hand-overs reported do not add up", p)
	}
	if !p.ReportsDueBy.After(nominal.Add(defaultCompletionWindowMinutes * time.Minute)) {
		t.Errorf("reports due by %s, before the copies' completion window has passed", p.ReportsDueBy)
	}

	// The next run takes up the next resourcesPerRun resources and carries the first's
	// children on.
	first := *p
	env = newEnv(t, f, env.Now(), nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in, p)
	p = continued(env)
	if p.Tally.Resources != 2*resourcesPerRun || p.Cursor != volumeArn(2*resourcesPerRun-1) || p.Continuations != 2 ||
		p.AwaitingHandOver+p.AwaitingLandings < first.AwaitingLandings+resourcesPerRun-maxBackupsInFlight {
		t.Errorf("second run carried %+v after %+v", p, first)
	}
	tokens := map[string]bool{}
	for _, s := range f.starts {
		tokens[s.IdempotencyToken] = true
	}
	if len(f.starts) != 2*resourcesPerRun || len(tokens) != 2*resourcesPerRun {
		t.Errorf("%d backup starts with %d distinct tokens, want %d each", len(f.starts), len(tokens), 2*resourcesPerRun)
	}
	for _, c := range f.resolveCalls {
		if c.Limit > selectionPage || c.Limit <= 0 {
			t.Errorf("selection page limit %d", c.Limit)
		}
	}
}

// earlierChild is a report of a child started by an earlier run of the same PlanRun.
func earlierChild(i int, stage string, handedOver bool, landings ...string) model.PlanResourceReport {
	res := model.PlanResourceResult{ResourceArn: volumeArn(i), ResourceType: "EBS", State: model.PlanRunCompleted,
		BackupCompleted: true, RecoveryPointArn: "rp|" + volumeArn(i)}
	vaults := []string{dstVaultEU, dstVaultUSW}
	for k, l := range landings {
		o := model.PlanCopyOutcome{DestinationBackupVaultArn: vaults[k], ChainWorkflowId: "chain|" + vaults[k], Enqueued: true, Landing: l}
		if l == model.PlanCopyLanded {
			o.Record = &model.CopyRecord{CopyJobId: "job", Kind: model.CopyIncremental, State: model.JobCompleted, CompletedAt: nominal.Add(4 * time.Hour)}
		}
		if l == model.PlanCopyFailed {
			o.Reason = "access denied"
			res.State, res.Stage, res.Error = model.PlanResourceFailed, model.PlanStageLanding, "copies not landed: access denied"
		}
		res.Copies = append(res.Copies, o)
	}
	return model.PlanResourceReport{WorkflowId: childWorkflowID("hourly", "every-hour", nominal, volumeArn(i)), Stage: stage, HandedOver: handedOver, Result: res}
}

// The last run of a PlanRun, with every resource taken up, lists nothing more and
// ends when the children of the earlier runs have reported their ends, counting them.
func TestPlanRunLastRunCountsTheReportsOfEarlierRunsChildren(t *testing.T) {
	f := &fakeAWS{resources: volumes(3)}
	p := &model.PlanRunProgress{NominalTime: nominal, Cursor: volumeArn(2), Continuations: 1, SelectionDone: true,
		Tally:            model.PlanRunTally{Resources: 2, BackupsCompleted: 1, CopiesEnqueued: 2},
		AwaitingHandOver: 1, AwaitingLandings: 1, ReportsDueBy: nominal.Add(8 * 24 * time.Hour)}
	env := newEnv(t, f, nominal.Add(time.Hour), nominal)
	send := func(at time.Duration, rep model.PlanResourceReport) {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(model.SignalPlanResourceReport, rep) }, at)
	}
	send(time.Hour, earlierChild(2, model.PlanReportHandedOver, false, "", ""))
	send(3*time.Hour, earlierChild(1, model.PlanReportFinished, true, model.PlanCopyLanded, model.PlanCopyLanded))
	send(4*time.Hour, earlierChild(2, model.PlanReportFinished, true, model.PlanCopyLanded, model.PlanCopyFailed))
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule(), p)
	res := runResult(t, env)

	if len(f.resolveCalls)+len(f.starts) != 0 {
		t.Errorf("%d listings and %d backups after every resource was taken up", len(f.resolveCalls), len(f.starts))
	}
	want := model.PlanRunTally{Resources: 2, BackupsCompleted: 2, CopiesEnqueued: 4, Failed: 1}
	if res.State != model.PlanRunPartial || res.Tally != want || res.Landings != (model.PlanRunLandingTally{Landed: 3, Failed: 1}) || len(res.Copies) != 4 {
		t.Errorf("state %s tally %+v landings %+v (%d listed), want PARTIAL %+v with 3 landed, 1 failed", res.State, res.Tally, res.Landings, len(res.Copies), want)
	}
	if len(res.Failures) != 1 || res.Failures[0].ResourceArn != volumeArn(2) || res.Failures[0].Stage != model.PlanStageLanding {
		t.Errorf("failures %+v", res.Failures)
	}
	if ended := env.Now(); !ended.Equal(nominal.Add(5 * time.Hour)) {
		t.Errorf("the run ended at %s, want when the last report came, %s", ended, nominal.Add(5*time.Hour))
	}
}

// A child that never reports (terminated by hand) does not keep the run open: when
// the reports are overdue the run ends PARTIAL, counting the silent children as failed.
func TestPlanRunGivesUpOnOverdueReports(t *testing.T) {
	f := &fakeAWS{resources: volumes(3)}
	due := nominal.Add(30 * time.Hour)
	p := &model.PlanRunProgress{NominalTime: nominal, Cursor: volumeArn(2), Continuations: 1, SelectionDone: true,
		Tally:            model.PlanRunTally{Resources: 3, BackupsCompleted: 2, CopiesEnqueued: 4},
		AwaitingHandOver: 1, AwaitingLandings: 2, ReportsDueBy: due}
	env := newEnv(t, f, nominal.Add(time.Hour), nominal)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(model.SignalPlanResourceReport, earlierChild(1, model.PlanReportFinished, true, model.PlanCopyLanded, model.PlanCopyLanded))
	}, 3*time.Hour)
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule(), p)
	res := runResult(t, env)

	if ended := env.Now(); !ended.Equal(due) {
		t.Errorf("the run ended at %s, want when the reports were due, %s", ended, due)
	}
	if res.State != model.PlanRunPartial || res.Tally.Failed != 2 || res.Landings.Landed != 2 || len(res.Failures) != 2 {
		t.Fatalf("state %s tally %+v landings %+v failures %+v, want PARTIAL with the two silent children failed", res.State, res.Tally, res.Landings, res.Failures)
	}
	for i, stage := range []string{model.PlanStageBackup, model.PlanStageLanding} {
		f := res.Failures[i]
		if f.Stage != stage || !strings.Contains(f.Reason, "1 PlanResource") || !strings.Contains(f.ResourceArn, "planrun/hourly/every-hour/") {
			t.Errorf("failure %+v, want one silent child at stage %s", f, stage)
		}
	}
	out, _ := json.Marshal(res)
	if len(out) > 8192 {
		t.Errorf("result of %d bytes", len(out))
	}
}
