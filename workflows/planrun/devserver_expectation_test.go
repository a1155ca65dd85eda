package planrun_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/workflows"
	"github.com/regioncopy/regioncopy/workflows/planrun"
)

// TestNeverCopiedResourceIsInBreachOnDevServer runs a plan over one volume on the dev
// server, with the real worker and the emulator (an AWS hour a second), whose first
// backup job fails. Nothing was copied, yet the destination's chain exists, from the RPO
// expectation the failed child handed over, and is listed by the operator's query
// `RpoState = "BREACH"` once the 12-hour RPO (12 s) has passed since the run's nominal
// time; its status says it holds no copy and since which run. The plan's next run backs
// the volume up and its copy lands: the chain is OK again. The failed child's and the
// chain's histories are recorded for the replay test (planresource-expectation.json,
// chain-expectation.json).
func TestNeverCopiedResourceIsInBreachOnDevServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, _, taskQueue := startStack(t, ctx, emulator.Config{TimeScale: timeScale,
		Faults: emulator.Faults{FailJobRate: 1, FailJobLimit: 1, JobKinds: []string{"backup"}, FailReason: "scripted backup failure"}})

	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000004a"
	dr := emuVaultArn("eu-west-1", "dr")
	in := hourlyPlanOver("never-copied", []model.PlanCopyAction{{DestinationBackupVaultArn: dr, Lifecycle: model.Lifecycle{DeleteAfterDays: 35}, RpoMinutes: 12 * 60}}, vol)
	chain := model.ChainWorkflowID(model.ChainKey{ResourceArn: vol, SourceRegion: east, DestinationRegion: "eu-west-1", DestinationBackupVaultArn: dr})
	inState := func(state string) bool {
		n, err := srv.Client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
			Query: fmt.Sprintf(`WorkflowType = "CopyChain" AND RpoState = "%s" AND WorkflowId = "%s" AND ExecutionStatus = "Running"`, state, chain)})
		return err == nil && n.GetCount() == 1
	}
	waitFor := func(within time.Duration, what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(within); !ok(); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %s", what, within)
			}
		}
	}
	runAt := func(k int) model.PlanRunResult {
		t.Helper()
		return runPlanAt(t, ctx, srv, taskQueue, fmt.Sprintf("plan/never-copied/hourly/%d", k), time.Now().UTC().Truncate(time.Second), in)
	}

	first := runAt(0)
	if first.State != model.PlanRunPartial || first.Tally.Failed != 1 || first.Tally.CopiesEnqueued != 0 {
		t.Fatalf("first run: %+v, want PARTIAL with its one backup failed and nothing handed over", first)
	}
	waitFor(30*time.Second, "the never-copied chain in RpoState BREACH", func() bool { return inState(model.RpoBreach) })
	var status model.ChainStatus
	v, err := srv.Client.QueryWorkflow(ctx, chain, "", model.QueryStatus)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Get(&status); err != nil {
		t.Fatal(err)
	}
	if status.CopiesTotal != 0 || status.RpoMinutes != 12*60 || !status.RpoExpectedAt.Equal(first.NominalTime) || status.Current != nil {
		t.Errorf("chain status %+v, want no copy, the 12-hour RPO counted from the failed run at %s", status, first.NominalTime)
	}
	// The chain's page in the UI says it is in BREACH with no copy, since which run.
	v, err = srv.Client.QueryWorkflow(ctx, chain, "", "__temporal_workflow_metadata")
	if err != nil {
		t.Fatal(err)
	}
	var md sdkpb.WorkflowMetadata
	if err := v.Get(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**RPO:** BREACH, 12h0m0s", "**No copy yet:** plan never-copied selected this resource in its run of " +
		first.NominalTime.UTC().Format(time.RFC3339), "No live copies."} {
		if !strings.Contains(md.GetCurrentDetails(), want) {
			t.Errorf("chain details %q, want %q", md.GetCurrentDetails(), want)
		}
	}
	both := func(r worker.WorkflowRegistry) {
		planrun.Register(r)
		workflows.Register(r)
	}
	child := fmt.Sprintf("planrun/never-copied/hourly/%s/%s", first.NominalTime.UTC().Format(time.RFC3339), vol)
	temporaltest.ReplayAndKeep(t, ctx, srv.Client, both, child, "planresource-expectation.json", "plan-rpo-expectation")

	second := runAt(1)
	if second.State != model.PlanRunCompleted || second.Landings.Landed != 1 {
		t.Fatalf("second run: %+v, want COMPLETED with its copy landed", second)
	}
	waitFor(5*time.Second, "the chain back in RpoState OK once a copy landed", func() bool { return inState(model.RpoOK) })
	temporaltest.ReplayAndKeep(t, ctx, srv.Client, both, chain, "chain-expectation.json", "chain-rpo-expectation")
}
