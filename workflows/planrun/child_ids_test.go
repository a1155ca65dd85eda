package planrun

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// A table whose name is 255 characters makes a child id past the 255-character ids of
// Temporal's SQL stores: its child's id is cut to model.MaxWorkflowIDLength, its ARN
// marked cut, while a volume's child keeps its whole ARN. Runs of the version before
// boundedChildIDsChange keep the whole ARN, as they did.
func TestPlanRunChildIDsStayShortForLongArns(t *testing.T) {
	longTable := "arn:aws:dynamodb:us-east-1:123456789012:table/" + strings.Repeat("t", 255)
	for _, v := range []workflow.Version{workflow.DefaultVersion, 1} {
		t.Run(fmt.Sprintf("version %d", v), func(t *testing.T) {
			f := &fakeAWS{resources: []model.SelectedResource{
				{ResourceArn: longTable, ResourceType: "DynamoDB"},
				{ResourceArn: volumeArn(1), ResourceType: "EBS"},
			}}
			env := newEnv(t, f, nominal, nominal)
			env.OnGetVersion(boundedChildIDsChange, workflow.DefaultVersion, 1).Return(v)
			var ids []string
			env.SetOnChildWorkflowStartedListener(func(info *workflow.Info, _ workflow.Context, _ converter.EncodedValues) {
				ids = append(ids, info.WorkflowExecution.ID)
			})
			env.ExecuteWorkflow(model.WorkflowPlanRun, hourlyRule())
			res := runResult(t, env)
			if res.Tally.BackupsCompleted != 2 {
				t.Fatalf("tally %+v, want both resources backed up", res.Tally)
			}
			prefix := "planrun/hourly/every-hour/2026-11-20T12:00:00Z/"
			if !slices.Contains(ids, prefix+volumeArn(1)) {
				t.Errorf("child ids %v: the volume's does not hold its whole ARN", ids)
			}
			i := slices.IndexFunc(ids, func(id string) bool { return strings.HasPrefix(id, prefix+"arn:aws:dynamodb:") })
			if i < 0 {
				t.Fatalf("child ids %v: none for the table", ids)
			}
			table := ids[i]
			if v == workflow.DefaultVersion {
				if table != prefix+longTable {
					t.Errorf("before the change the table's child id is %q, want the whole ARN", table)
				}
				return
			}
			if len(table) > model.MaxWorkflowIDLength || !strings.Contains(table, "~") {
				t.Errorf("table's child id %q (%d characters), want at most %d with the ARN marked cut", table, len(table), model.MaxWorkflowIDLength)
			}
		})
	}
}
