package planrun

import (
	"bytes"
	"slices"
	"testing"
	"time"

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
