package planrun_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/workflows/planrun"
)

// TestPlanRunSkipsAndLandsOnDevServer runs one PlanRun on the dev server, with the real
// worker and the emulator, over a volume with two copy actions: one to eu-west-1 with a
// cold transition (EBS has none, so the order carries DeleteAfterDays alone,
// plan-copy-cold-ignored) and one to a vault of another account, which the hand-over
// skips with the reason (plan-copy-skips-cross-account). The run completes with the one
// copy landed and counted (copy-count-is-landed, superseded-copy-is-covered); its
// history and its child's are recorded for the replay test
// (planrun-skip-landed.json, planresource-skip-landed.json).
func TestPlanRunSkipsAndLandsOnDevServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	srv, emu, taskQueue := startStack(t, ctx, emulator.Config{TimeScale: timeScale})

	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000003a"
	dr := emuVaultArn("eu-west-1", "dr")
	otherAccount := "arn:aws:backup:us-west-2:210987654321:backup-vault:dr2"
	in := hourlyPlanOver("skips", []model.PlanCopyAction{
		{DestinationBackupVaultArn: dr, Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 400}},
		{DestinationBackupVaultArn: otherAccount},
	}, vol)
	const runID = "plan/skips/hourly/0"
	nominal := time.Now().UTC().Truncate(time.Second)
	res := runPlanAt(t, ctx, srv, taskQueue, runID, nominal, in)
	want := model.PlanRunTally{Resources: 1, BackupsCompleted: 1, CopiesEnqueued: 1, CopiesSkipped: 1}
	if res.State != model.PlanRunCompleted || res.Tally != want || res.Landings != (model.PlanRunLandingTally{Landed: 1}) {
		t.Fatalf("run: %+v, want COMPLETED with %+v and the one copy handed over landed", res, want)
	}
	if len(res.Copies) != 1 {
		t.Fatalf("run lists %d copies, want the landed one: %+v", len(res.Copies), res.Copies)
	}
	landed := res.Copies[0]
	if landed.DestinationBackupVaultArn != dr || landed.Landing != model.PlanCopyLanded || landed.Kind != model.CopyFull || landed.CopyJobId == "" {
		t.Errorf("copy %+v, want the landed FULL copy into %s", landed, dr)
	}
	desc, err := srv.Client.DescribeWorkflow(ctx, runID, "")
	if err != nil {
		t.Fatal(err)
	}
	state, _ := desc.TypedSearchAttributes.GetKeyword(model.CopyStateKey)
	count, _ := desc.TypedSearchAttributes.GetInt64(model.CopyCountKey)
	if state != model.PlanRunCompleted || count != 1 {
		t.Errorf("search attributes CopyState=%q CopyCount=%d, want COMPLETED and 1 landed copy", state, count)
	}

	// The child's result says why the second action was skipped.
	child := "planrun/skips/hourly/" + nominal.Format(time.RFC3339) + "/" + vol
	var out model.PlanResourceResult
	if err := srv.Client.GetWorkflow(ctx, child, "").Get(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Copies) != 2 {
		t.Fatalf("child lists %d copy actions, want 2: %+v", len(out.Copies), out.Copies)
	}
	skipped := out.Copies[1]
	if skipped.DestinationBackupVaultArn != otherAccount || skipped.Enqueued || skipped.ChainWorkflowId != "" ||
		!strings.Contains(skipped.Skipped, "210987654321") || !strings.Contains(skipped.Skipped, "123456789012") {
		t.Errorf("copy action to another account: %+v, want skipped naming both accounts", skipped)
	}

	// The order carried DeleteAfterDays alone: EBS has no cold storage.
	id, records := chainRecords(t, ctx, srv.Client, vol, dr, 1)
	if len(records) != 1 || records[0].Lifecycle != (model.Lifecycle{DeleteAfterDays: 400}) || !records[0].MoveToColdStorageAt.IsZero() {
		t.Errorf("chain %s: %+v, want one copy with DeleteAfterDays=400 and no cold transition", id, records)
	}
	if c := emu.Emulator.Counters(); c.CopyJobs != 1 {
		t.Errorf("emulator saw %d copy jobs, want 1", c.CopyJobs)
	}

	temporaltest.ReplayAndKeep(t, ctx, srv.Client, planrun.Register, runID, "planrun-skip-landed.json")
	temporaltest.ReplayAndKeep(t, ctx, srv.Client, planrun.Register, child, "planresource-skip-landed.json")
}
