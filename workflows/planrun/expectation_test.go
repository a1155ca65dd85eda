package planrun

import (
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// A resource whose backup cannot start, and one whose backup job fails, have nothing to
// copy: each hands the chain of the destination with an RPO (eu-west-1, 120 minutes) an
// RPO expectation, the plan, the RPO and the run's nominal time, asking for no answer;
// the destination without an RPO gets nothing, and neither does the DynamoDB table,
// which the rules never copy across Regions. The run's tallies count copies only.
func TestPlanRunHandsAnRpoExpectationForAResourceWithNothingToCopy(t *testing.T) {
	f := &fakeAWS{
		resources: []model.SelectedResource{
			{ResourceArn: tableArn, ResourceType: "DynamoDB"},
			{ResourceArn: volumeArn(1), ResourceType: "EBS"},
			{ResourceArn: volumeArn(2), ResourceType: "EBS"},
			{ResourceArn: volumeArn(3), ResourceType: "EBS"},
		},
		startErr: map[string]error{
			volumeArn(1): temporal.NewNonRetryableApplicationError("AccessDeniedException: no", model.ErrAccessDenied, nil),
			tableArn:     temporal.NewNonRetryableApplicationError("AccessDeniedException: no", model.ErrAccessDenied, nil),
		},
		jobEnd: map[string]string{volumeArn(2): model.JobFailed},
	}
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)
	if want := (model.PlanRunTally{Resources: 4, BackupsCompleted: 1, CopiesEnqueued: 2, Failed: 3}); res.Tally != want || res.State != model.PlanRunPartial {
		t.Errorf("state %s tally %+v, want PARTIAL %+v", res.State, res.Tally, want)
	}
	got := map[string]model.EnqueueCopyInput{}
	for _, e := range f.expectations() {
		got[e.Key.ResourceArn] = e
	}
	if len(got) != 2 || len(f.expectations()) != 2 {
		t.Fatalf("RPO expectations %+v, want one for each failed volume", f.expectations())
	}
	for _, vol := range []string{volumeArn(1), volumeArn(2)} {
		e, ok := got[vol]
		if !ok {
			t.Errorf("no RPO expectation for %s", vol)
			continue
		}
		want := model.ExpectationOrder("hourly", 120, nominal)
		if e.Order.Plan != want.Plan || e.Order.RpoMinutes != want.RpoMinutes || !e.Order.ExpectedAt.Equal(nominal) ||
			e.Order.SourceRecoveryPointArn != "" || e.Order.RequesterWorkflowId != "" {
			t.Errorf("expectation for %s: %+v, want %+v", vol, e.Order, want)
		}
		if e.Key.DestinationBackupVaultArn != dstVaultEU || e.Key.SourceRegion != srcRegion || e.Key.ResourceType != "EBS" {
			t.Errorf("expectation for %s went to %+v, want the eu-west-1 chain", vol, e.Key)
		}
	}
	// The one backup that completed is handed over as copies, to both destinations.
	if orders := f.copyOrders(); len(orders) != 2 || orders[0].Key.ResourceArn != volumeArn(3) {
		t.Errorf("copy orders %+v, want volume 3's two", orders)
	}
}

// A child whose history failed before plan-rpo-expectation existed handed no
// expectation: replaying it hands none.
func TestPlanRunHandsNoRpoExpectationOnTheOldVersion(t *testing.T) {
	f := &fakeAWS{
		resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}},
		jobEnd:    map[string]string{volumeArn(1): model.JobFailed},
	}
	env := newEnv(t, f, nominal, nominal)
	env.OnGetVersion(rpoExpectationChange, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)
	if len(f.enqueued) != 0 || res.Tally.Failed != 1 {
		t.Errorf("tally %+v, hand-overs %+v; want the failure and no hand-over", res.Tally, f.enqueued)
	}
	if len(res.Failures) != 1 || strings.Contains(res.Failures[0].Reason, "RPO expectation") {
		t.Errorf("failures %+v", res.Failures)
	}
}
