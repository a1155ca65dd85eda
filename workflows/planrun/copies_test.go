package planrun

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// The hand-over follows the rules the plan was applied with: rules in which DynamoDB
// tables may be copied across Regions send the table's backup to both destinations,
// which the seed rules skip (TestPlanRunBacksUpAndHandsOverEachSelectedResource), and
// rules that do not read send nothing.
func TestPlanRunHandsOverByThePlansRules(t *testing.T) {
	resources := []model.SelectedResource{
		{ResourceArn: tableArn, ResourceType: "DynamoDB"},
		{ResourceArn: volumeArn(1), ResourceType: "EBS"},
	}
	relaxed := policy.Default()
	relaxed.NotCopyableCrossRegion = []string{}

	for _, tc := range []struct {
		name          string
		rules         []byte
		want          model.PlanRunTally
		tableEnqueued bool
	}{
		{"seed rules", nil, model.PlanRunTally{Resources: 2, BackupsCompleted: 2, CopiesEnqueued: 2, CopiesSkipped: 2}, false},
		{"DynamoDB copyable", relaxed.Encode(), model.PlanRunTally{Resources: 2, BackupsCompleted: 2, CopiesEnqueued: 4}, true},
		{"unreadable rules", []byte(`{"NotCopyableCrossRegion": 7}`), model.PlanRunTally{Resources: 2, BackupsCompleted: 2, CopiesSkipped: 4}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeAWS{resources: slices.Clone(resources)}
			env := newEnv(t, f, nominal.Add(2*time.Minute), nominal)
			in := hourlyRule()
			in.Rules = tc.rules
			env.ExecuteWorkflow(model.WorkflowPlanRun, in)
			res := runResult(t, env)
			if res.Tally != tc.want {
				t.Errorf("tally %+v, want %+v", res.Tally, tc.want)
			}
			pairs := f.enqueuedPairs()
			if got := slices.Contains(pairs, tableArn+" -> eu-west-1"); got != tc.tableEnqueued {
				t.Errorf("table handed over: %v, want %v (hand-overs %v)", got, tc.tableEnqueued, pairs)
			}
			for _, e := range f.enqueued {
				if !bytes.Equal(e.Order.Rules, tc.rules) {
					t.Errorf("order for %s carries rules %s, want the plan's %s", e.Key.ResourceArn, e.Order.Rules, tc.rules)
				}
			}
		})
	}
}

// A schedule applied before plan validation refused a destination vault in another
// account than the IAM role's still carries such a copy action: the hand-over skips it,
// counted and listed with the policy's rule as the reason, and hands the others over.
func TestPlanRunSkipsACrossAccountCopyAction(t *testing.T) {
	const otherAccountVault = "arn:aws:backup:us-west-2:999999999999:backup-vault:dr2"
	f := &fakeAWS{resources: []model.SelectedResource{{ResourceArn: volumeArn(1), ResourceType: "EBS"}}}
	env := newEnv(t, f, nominal, nominal)
	var children []model.PlanResourceResult
	env.SetOnChildWorkflowCompletedListener(func(_ *workflow.Info, result converter.EncodedValue, err error) {
		var res model.PlanResourceResult
		if err == nil && result.Get(&res) == nil {
			children = append(children, res)
		}
	})
	in := hourlyRule()
	in.CopyActions[1].DestinationBackupVaultArn = otherAccountVault
	env.ExecuteWorkflow(model.WorkflowPlanRun, in)
	res := runResult(t, env)

	if want := (model.PlanRunTally{Resources: 1, BackupsCompleted: 1, CopiesEnqueued: 1, CopiesSkipped: 1}); res.Tally != want {
		t.Errorf("tally %+v, want %+v", res.Tally, want)
	}
	if pairs := f.enqueuedPairs(); len(pairs) != 1 || !strings.HasSuffix(pairs[0], "eu-west-1") {
		t.Errorf("hand-overs %v, want the same-account action's only", pairs)
	}
	if len(children) != 1 || len(children[0].Copies) != 2 {
		t.Fatalf("child results %+v", children)
	}
	skipped := children[0].Copies[1]
	if skipped.DestinationBackupVaultArn != otherAccountVault || skipped.Enqueued ||
		!strings.Contains(skipped.Skipped, "CopyActions[1].DestinationBackupVaultArn") ||
		!strings.Contains(skipped.Skipped, "rule "+policy.RuleUnsupported) || !strings.Contains(skipped.Skipped, "999999999999") {
		t.Errorf("skipped outcome %+v", skipped)
	}
}
