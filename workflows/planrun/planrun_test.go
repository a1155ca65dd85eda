package planrun

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

var nominal = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func runResult(t *testing.T, env interface {
	IsWorkflowCompleted() bool
	GetWorkflowError() error
	GetWorkflowResult(any) error
}) model.PlanRunResult {
	t.Helper()
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	var res model.PlanRunResult
	if err := env.GetWorkflowResult(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

// The selection's resources are backed up with deterministic tokens and the nominal
// time's windows; each EBS backup goes to both destinations, the DynamoDB table to none
// (no cross-Region copy), and the run reports it all.
func TestPlanRunBacksUpAndHandsOverEachSelectedResource(t *testing.T) {
	f := &fakeAWS{resources: []model.SelectedResource{
		{ResourceArn: tableArn, ResourceType: "DynamoDB"},
		{ResourceArn: volumeArn(1), ResourceType: "EBS"},
		{ResourceArn: volumeArn(2), ResourceType: "EBS"},
	}}
	// The schedule fired at nominal; the run starts two minutes late.
	env := newEnv(t, f, nominal.Add(2*time.Minute), nominal)
	var childIDs []string
	env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
		childIDs = append(childIDs, info.WorkflowExecution.ID)
	})
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)

	if res.State != model.PlanRunCompleted || !res.NominalTime.Equal(nominal) {
		t.Errorf("state %s nominal %s, want COMPLETED at %s", res.State, res.NominalTime, nominal)
	}
	want := model.PlanRunTally{Resources: 3, BackupsCompleted: 3, CopiesEnqueued: 4, CopiesSkipped: 2}
	if res.Tally != want {
		t.Errorf("tally %+v, want %+v", res.Tally, want)
	}
	slices.Sort(childIDs)
	if len(childIDs) != 3 || childIDs[0] != "planrun/hourly/every-hour/2026-11-20T12:00:00Z/"+tableArn {
		t.Errorf("child ids %v", childIDs)
	}
	if len(f.starts) != 3 {
		t.Fatalf("%d backup starts, want 3", len(f.starts))
	}
	for _, s := range f.starts {
		if s.IdempotencyToken != backupToken("hourly", "every-hour", s.ResourceArn, nominal) {
			t.Errorf("token %s for %s is not derived from plan, rule, resource and nominal time", s.IdempotencyToken, s.ResourceArn)
		}
		// 480 minutes from the nominal time, two of them gone.
		if s.StartWindowMinutes != 478 || s.BackupVaultName != srcVault || s.Lifecycle.DeleteAfterDays != 7 || s.IamRoleArn != roleArn ||
			s.RecoveryPointTags["plan"] != "hourly" || len(s.RecoveryPointTags) != 1 {
			t.Errorf("backup start %+v", s)
		}
	}
	pairs := f.enqueuedPairs()
	wantPairs := []string{volumeArn(1) + " -> eu-west-1", volumeArn(1) + " -> us-west-2", volumeArn(2) + " -> eu-west-1", volumeArn(2) + " -> us-west-2"}
	if !slices.Equal(pairs, wantPairs) {
		t.Errorf("hand-overs %v, want %v", pairs, wantPairs)
	}
	for _, e := range f.enqueued {
		if e.Order.Plan != "hourly" || e.Order.SourceBackupVaultName != srcVault || !strings.HasPrefix(e.Order.SourceRecoveryPointArn, "rp|") {
			t.Errorf("order %+v", e.Order)
		}
		if !strings.HasPrefix(e.Order.RequesterWorkflowId, "planrun/hourly/every-hour/2026-11-20T12:00:00Z/"+e.Key.ResourceArn) {
			t.Errorf("order for %s names requester %q, not its child", e.Key.ResourceArn, e.Order.RequesterWorkflowId)
		}
		if e.Key.DestinationRegion == "eu-west-1" && (!e.Order.Coalesce || e.Order.Lifecycle.DeleteAfterDays != 14 || e.Order.RpoMinutes != 120) {
			t.Errorf("the EU action's coalescing, lifecycle and RPO were not passed on: %+v", e.Order)
		}
		if e.Key.DestinationRegion != "eu-west-1" && e.Order.RpoMinutes != 0 {
			t.Errorf("an action without an RPO passed one on: %+v", e.Order)
		}
	}
	// Every copy handed over landed, and the run proves each one.
	if res.Landings != (model.PlanRunLandingTally{Landed: 4}) || len(res.Copies) != 4 {
		t.Fatalf("landings %+v, %d copies listed, want 4 landed and listed", res.Landings, len(res.Copies))
	}
	for _, c := range res.Copies {
		if c.Landing != model.PlanCopyLanded || c.Kind != model.CopyFull || c.CopyJobId == "" || c.BackupSizeInBytes == 0 ||
			!strings.Contains(c.DestinationRecoveryPointArn, ":recovery-point:") || c.CompletedAt.IsZero() ||
			!strings.HasPrefix(c.SourceRecoveryPointArn, "rp|") || c.Reason != "" {
			t.Errorf("copy %+v, want a landed FULL copy with its job, destination point, size and completion time", c)
		}
	}
}

// A copy whose job AWS fails is reported with AWS's reason: the resource failed at the
// landing stage, the other copies landed, and the run is PARTIAL.
func TestPlanRunReportsACopyThatFailedWithAWSReason(t *testing.T) {
	const reason = "Copy job failed: the destination vault's access policy denies backup:CopyIntoBackupVault"
	f := &fakeAWS{
		resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}, {ResourceArn: volumeArn(2), ResourceType: "EBS"}},
		copyFail:  map[string]string{volumeArn(2) + " -> us-west-2": reason},
	}
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)
	if res.State != model.PlanRunPartial {
		t.Errorf("state %s, want PARTIAL", res.State)
	}
	if want := (model.PlanRunTally{Resources: 2, BackupsCompleted: 2, CopiesEnqueued: 4, Failed: 1}); res.Tally != want {
		t.Errorf("tally %+v, want %+v", res.Tally, want)
	}
	if want := (model.PlanRunLandingTally{Landed: 3, Failed: 1}); res.Landings != want {
		t.Errorf("landings %+v, want %+v", res.Landings, want)
	}
	if len(res.Failures) != 1 || res.Failures[0].ResourceArn != volumeArn(2) || res.Failures[0].Stage != model.PlanStageLanding ||
		!strings.Contains(res.Failures[0].Reason, reason) || !strings.Contains(res.Failures[0].Reason, dstVaultUSW) {
		t.Errorf("failures %+v, want volume 2 at the landing stage with AWS's reason and the vault", res.Failures)
	}
	failed := 0
	for _, c := range res.Copies {
		if c.Landing == model.PlanCopyFailed {
			failed++
			if c.ResourceArn != volumeArn(2) || c.DestinationBackupVaultArn != dstVaultUSW || c.Reason != reason || c.CopyJobId == "" || c.DestinationRecoveryPointArn != "" {
				t.Errorf("failed copy %+v", c)
			}
		}
	}
	if failed != 1 || len(res.Copies) != 4 {
		t.Errorf("%d failed of %d copies listed, want 1 of 4", failed, len(res.Copies))
	}
}

// A result that arrives after the rule's completion window is not waited for: the copy
// is reported not landed in time (the chain keeps the order), the resource fails at the
// landing stage, the run is PARTIAL and ends within the window, not when the copy lands.
func TestPlanRunReportsACopyNotLandedWithinTheCompletionWindow(t *testing.T) {
	f := &fakeAWS{
		resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}},
		copyDelay: map[string]time.Duration{volumeArn(1) + " -> eu-west-1": 3 * time.Hour},
	}
	in := hourlyRule()
	in.CompletionWindowMinutes = 120
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	res := runResult(t, env)
	if ended := env.Now(); ended.After(nominal.Add(2*time.Hour + time.Minute)) {
		t.Errorf("the run ended at %s, after the completion window", ended)
	}
	if res.State != model.PlanRunPartial || res.Landings != (model.PlanRunLandingTally{Landed: 1, Late: 1}) || res.Tally.Failed != 1 {
		t.Errorf("state %s landings %+v tally %+v, want PARTIAL with 1 landed and 1 late", res.State, res.Landings, res.Tally)
	}
	for _, c := range res.Copies {
		switch c.DestinationBackupVaultArn {
		case dstVaultEU:
			if c.Landing != model.PlanCopyLate || c.CopyJobId != "" || !strings.Contains(c.Reason, "120 minutes") || !strings.Contains(c.Reason, c.ChainWorkflowId) || c.ChainWorkflowId == "" {
				t.Errorf("late copy %+v, want NOT_LANDED_IN_TIME naming the window and the chain that keeps it", c)
			}
		case dstVaultUSW:
			if c.Landing != model.PlanCopyLanded {
				t.Errorf("on-time copy %+v", c)
			}
		}
	}
	if len(res.Failures) != 1 || res.Failures[0].Stage != model.PlanStageLanding || !strings.Contains(res.Failures[0].Reason, "not landed in time") {
		t.Errorf("failures %+v", res.Failures)
	}
}

// A resource type outside an action's ResourceTypes is skipped for that action only.
func TestPlanRunFiltersCopyActionsByResourceType(t *testing.T) {
	f := &fakeAWS{resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}}}
	in := hourlyRule()
	in.CopyActions[1].ResourceTypes = []string{"EFS"}
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	res := runResult(t, env)
	if res.Tally.CopiesEnqueued != 1 || res.Tally.CopiesSkipped != 1 {
		t.Errorf("tally %+v, want one enqueued and one skipped", res.Tally)
	}
	if pairs := f.enqueuedPairs(); len(pairs) != 1 || !strings.HasSuffix(pairs[0], "eu-west-1") {
		t.Errorf("hand-overs %v", pairs)
	}
}

// A run that begins after its start window starts no backup and reports every
// resource missed.
func TestPlanRunAfterTheStartWindowStartsNoBackup(t *testing.T) {
	f := &fakeAWS{resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}, {ResourceArn: volumeArn(2), ResourceType: "EBS"}}}
	in := hourlyRule()
	in.StartWindowMinutes = 60
	env := newEnv(t, f, nominal.Add(61*time.Minute), nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	res := runResult(t, env)
	if len(f.starts) != 0 || len(f.copyOrders()) != 0 {
		t.Errorf("%d backups and %d copy orders started after the window", len(f.starts), len(f.copyOrders()))
	}
	// The destination with an RPO learns that each resource has nothing to copy.
	if e := f.expectations(); len(e) != 2 || e[0].Key.DestinationBackupVaultArn != dstVaultEU || !e[0].Order.ExpectedAt.Equal(nominal) {
		t.Errorf("RPO expectations %+v, want one per resource to the eu-west-1 chain", e)
	}
	if res.State != model.PlanRunPartial || res.Tally.BackupsMissed != 2 || res.Tally.Failed != 0 {
		t.Errorf("state %s tally %+v, want PARTIAL with 2 missed", res.State, res.Tally)
	}
	if len(res.Failures) != 2 || res.Failures[0].Stage != model.PlanStageMissed || !strings.Contains(res.Failures[0].Reason, "start window ended") {
		t.Errorf("failures %+v", res.Failures)
	}
}

// A backup job AWS let expire (not started within its window) is a miss too.
func TestPlanRunReportsAnExpiredJobAsMissed(t *testing.T) {
	f := &fakeAWS{
		resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}},
		jobEnd:    map[string]string{volumeArn(1): model.JobExpired},
	}
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)
	if res.Tally.BackupsMissed != 1 || res.Tally.BackupsCompleted != 0 || len(f.copyOrders()) != 0 || len(f.expectations()) != 1 {
		t.Errorf("tally %+v, copy orders %d, RPO expectations %d", res.Tally, len(f.copyOrders()), len(f.expectations()))
	}
}

// One resource failing to start and another whose job fails do not stop the rest;
// both are reported with their stage and AWS's reason.
func TestPlanRunOneFailureDoesNotStopTheOthers(t *testing.T) {
	var resources []model.SelectedResource
	for i := 1; i <= 6; i++ {
		resources = append(resources, model.SelectedResource{ResourceArn: volumeArn(i), ResourceType: "EBS"})
	}
	f := &fakeAWS{
		resources: resources,
		rejected:  []model.PlanResourceFailure{{ResourceArn: "arn:aws:sns:us-east-1:123456789012:topic", Stage: model.PlanStageSelection, Reason: "not a backup resource"}},
		startErr:  map[string]error{volumeArn(2): temporal.NewNonRetryableApplicationError("AccessDeniedException: no", model.ErrAccessDenied, nil)},
		jobEnd:    map[string]string{volumeArn(4): model.JobFailed},
	}
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)
	want := model.PlanRunTally{Resources: 6, BackupsCompleted: 4, CopiesEnqueued: 8, Failed: 3}
	if res.Tally != want || res.State != model.PlanRunPartial {
		t.Errorf("state %s tally %+v, want PARTIAL %+v", res.State, res.Tally, want)
	}
	stages := map[string]string{}
	for _, fl := range res.Failures {
		stages[fl.ResourceArn] = fl.Stage + ": " + fl.Reason
	}
	if s := stages[volumeArn(2)]; !strings.HasPrefix(s, "start: ") || !strings.Contains(s, "AccessDeniedException") {
		t.Errorf("failure of the refused start: %q", s)
	}
	if s := stages[volumeArn(4)]; !strings.HasPrefix(s, "backup: ") || !strings.Contains(s, "FAILED") {
		t.Errorf("failure of the failed job: %q", s)
	}
	if _, ok := stages["arn:aws:sns:us-east-1:123456789012:topic"]; !ok {
		t.Errorf("the rejected selection entry is not reported: %v", stages)
	}
}

// The second 01:30 of the night daylight saving time ends is a run Temporal makes and
// AWS does not: it ends at once, touching nothing. The first 01:30 runs.
func TestPlanRunSkipsTheDSTRepeat(t *testing.T) {
	in := hourlyRule()
	in.ScheduleExpression = "cron(30 1 * * ? *)"
	in.ScheduleExpressionTimezone = "America/New_York"
	first := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC) // 01:30 EDT
	second := first.Add(time.Hour)                         // 01:30 EST

	f := &fakeAWS{resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}}}
	env := newEnv(t, f, second, second)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	res := runResult(t, env)
	if res.State != model.PlanRunSkipped || !strings.Contains(res.SkipReason, "daylight saving") {
		t.Errorf("state %s reason %q, want SKIPPED for DST", res.State, res.SkipReason)
	}
	if len(f.resolveCalls)+len(f.starts)+len(f.enqueued) != 0 {
		t.Errorf("a skipped run called activities: %d resolves, %d starts, %d hand-overs", len(f.resolveCalls), len(f.starts), len(f.enqueued))
	}

	f2 := &fakeAWS{resources: f.resources}
	env = newEnv(t, f2, first, first)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	if res := runResult(t, env); res.State != model.PlanRunCompleted || len(f2.starts) != 1 {
		t.Errorf("the first 01:30: state %s, %d starts", res.State, len(f2.starts))
	}
}

// Without TemporalScheduledStartTime (started by hand) the nominal time is the start.
func TestPlanRunStartedByHandUsesItsStartTime(t *testing.T) {
	f := &fakeAWS{resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}}}
	start := nominal.Add(17 * time.Minute)
	env := newEnv(t, f, start, time.Time{})
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)
	if !res.NominalTime.Equal(start) || f.starts[0].IdempotencyToken != backupToken("hourly", "every-hour", volumeArn(1), start) {
		t.Errorf("nominal %s, want the start time %s", res.NominalTime, start)
	}
}

// A copy-only run lists the vault's points created since the previous hourly run
// (with the overlap), takes no backup, waits for a point still being created, and hands
// each to the chains.
func TestCopyOnlyRunCopiesNewRecoveryPoints(t *testing.T) {
	done := model.RecoveryPoint{Region: srcRegion, BackupVaultName: srcVault, RecoveryPointArn: "rp-a", ResourceArn: volumeArn(1), ResourceType: "EBS",
		Status: model.JobCompleted, CreationDate: nominal.Add(-30 * time.Minute)}
	creating := model.RecoveryPoint{Region: srcRegion, BackupVaultName: srcVault, RecoveryPointArn: "rp-b", ResourceArn: volumeArn(2), ResourceType: "EBS",
		Status: "CREATING", CreationDate: nominal.Add(-5 * time.Minute)}
	old := done
	old.RecoveryPointArn, old.CreationDate = "rp-old", nominal.Add(-3*time.Hour)
	completedB := creating
	completedB.Status = model.JobCompleted
	f := &fakeAWS{points: []model.RecoveryPoint{done, creating, old}, describe: map[string]model.RecoveryPoint{"rp-b": completedB}}

	in := hourlyRule()
	in.CopyOnly, in.Selection = true, nil
	env := newEnv(t, f, nominal.Add(time.Minute), nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	res := runResult(t, env)

	if len(f.starts) != 0 {
		t.Errorf("a copy-only run started %d backups", len(f.starts))
	}
	if len(f.listCalls) != 1 {
		t.Fatalf("%d listings", len(f.listCalls))
	}
	l := f.listCalls[0]
	if !l.CreatedAfter.Equal(nominal.Add(-time.Hour-copyOnlyOverlap)) || !l.CreatedBefore.Equal(nominal) || l.BackupVaultName != srcVault {
		t.Errorf("listing %+v, want (previous run - overlap, nominal]", l)
	}
	want := model.PlanRunTally{Resources: 2, CopiesEnqueued: 4}
	if res.Tally != want || res.State != model.PlanRunCompleted {
		t.Errorf("state %s tally %+v, want %+v", res.State, res.Tally, want)
	}
	for _, e := range f.enqueued {
		if e.Order.SourceRecoveryPointArn == "rp-old" {
			t.Error("a point from before the previous run was copied")
		}
	}
}

// Hand-started runs with missing fields are rejected, naming every field.
func TestPlanRunRejectsAnIncompleteInput(t *testing.T) {
	f := &fakeAWS{}
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, model.PlanRunInput{Plan: "p"})
	err := env.GetWorkflowError()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != model.ErrInvalidParameter {
		t.Fatalf("error %v, want %s", err, model.ErrInvalidParameter)
	}
	for _, field := range []string{"Rule", "SourceRegion", "ScheduleExpression", "BackupVaultName", "IamRoleArn", "Selection"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("%q does not name %s", err.Error(), field)
		}
	}
}

// A copy action's lifecycle applies to every selected type, and AWS ignores its cold
// transition for a type without cold storage: a plan mixing EBS and EFS copies both, the
// EBS copy keeping DeleteAfterDays alone, rather than skipping the EBS copy.
func TestPlanRunIgnoresColdStorageForTypesWithoutIt(t *testing.T) {
	const fsArn = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
	f := &fakeAWS{resources: []model.SelectedResource{
		{ResourceArn: volumeArn(1), ResourceType: "EBS"},
		{ResourceArn: fsArn, ResourceType: "EFS"},
	}}
	in := hourlyRule()
	in.CopyActions = in.CopyActions[:1]
	in.CopyActions[0].Lifecycle = model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 150}
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	res := runResult(t, env)
	if res.State != model.PlanRunCompleted || res.Tally.CopiesEnqueued != 2 || res.Tally.CopiesSkipped != 0 {
		t.Fatalf("state %s tally %+v, want COMPLETED with both copies enqueued; failures %+v", res.State, res.Tally, res.Failures)
	}
	want := map[string]model.Lifecycle{
		volumeArn(1): {DeleteAfterDays: 150},
		fsArn:        {MoveToColdStorageAfterDays: 30, DeleteAfterDays: 150},
	}
	for _, e := range f.enqueued {
		if e.Order.Lifecycle != want[e.Key.ResourceArn] {
			t.Errorf("order for %s has lifecycle %+v, want %+v", e.Key.ResourceArn, e.Order.Lifecycle, want[e.Key.ResourceArn])
		}
	}
}
