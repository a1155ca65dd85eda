package planrun

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// A coalescing chain that copied a newer point of the resource instead answers
// SUPERSEDED: the copy is listed as superseded with the chain's reason and counted, and
// the run is COMPLETED, since the newer point's own run proves its landing.
func TestPlanRunCountsASupersededCopyAsCovered(t *testing.T) {
	const reason = "coalesced: newer recovery point rp-2 copied instead"
	f := &fakeAWS{
		resources:      []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}, {ResourceArn: volumeArn(2), ResourceType: "EBS"}},
		copySuperseded: map[string]string{volumeArn(2) + " -> eu-west-1": reason},
	}
	env := newEnv(t, f, nominal, nominal)
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)
	if res.State != model.PlanRunCompleted || len(res.Failures) != 0 {
		t.Errorf("state %s with failures %+v, want COMPLETED", res.State, res.Failures)
	}
	if want := (model.PlanRunTally{Resources: 2, BackupsCompleted: 2, CopiesEnqueued: 4}); res.Tally != want {
		t.Errorf("tally %+v, want %+v", res.Tally, want)
	}
	if want := (model.PlanRunLandingTally{Landed: 3, Superseded: 1}); res.Landings != want {
		t.Errorf("landings %+v, want %+v", res.Landings, want)
	}
	superseded := 0
	for _, c := range res.Copies {
		if c.Landing == model.PlanCopySuperseded {
			superseded++
			if c.ResourceArn != volumeArn(2) || c.DestinationBackupVaultArn != dstVaultEU || !strings.Contains(c.Reason, "rp-2") {
				t.Errorf("superseded copy %+v", c)
			}
		}
	}
	if superseded != 1 {
		t.Errorf("%d superseded copies listed, want 1: %+v", superseded, res.Copies)
	}
}

// A run's CopyCount search attribute counts the copies that landed, not the ones handed
// over: with one of four copies failed, the finished run shows 3.
func TestPlanRunCopyCountIsLandedCopies(t *testing.T) {
	f := &fakeAWS{
		resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}, {ResourceArn: volumeArn(2), ResourceType: "EBS"}},
		copyFail:  map[string]string{volumeArn(2) + " -> us-west-2": "Copy job failed"},
	}
	env := newEnv(t, f, nominal, nominal)
	var counts []int64
	env.OnUpsertTypedSearchAttributes(mock.Anything).Return(nil).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		if v, ok := sa.GetInt64(model.CopyCountKey); ok {
			counts = append(counts, v)
		}
	})
	env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
	res := runResult(t, env)
	if res.State != model.PlanRunPartial || len(counts) == 0 || counts[len(counts)-1] != 3 {
		t.Errorf("state %s, CopyCount upserts %v; want PARTIAL ending with 3", res.State, counts)
	}
}
