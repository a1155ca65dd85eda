package workflows

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// TestRequestChecksAndHandsOverInItsFirstWorkflowTask: from changeLocalCalls on, a
// request's checks (source vault, recovery point, each destination vault) and its
// hand-overs are local activities, and its search attributes are published once per
// state it rests in, VALIDATING aside; before it, each was an activity and VALIDATING
// was published too.
func TestRequestChecksAndHandsOverInItsFirstWorkflowTask(t *testing.T) {
	for _, tc := range []struct {
		version         workflow.Version
		local, activity int
		states          []string
	}{
		{workflow.DefaultVersion, 0, 6, []string{model.RequestValidating, model.RequestCopying, model.RequestCompleted}},
		{1, 6, 0, []string{model.RequestCopying, model.RequestCompleted}},
	} {
		t.Run(fmt.Sprintf("version %d", tc.version), func(t *testing.T) {
			h := newRequestHarness(t)
			h.env.OnGetVersion(changeLocalCalls, workflow.DefaultVersion, 1).Return(tc.version)
			starts := countActivityStarts(h.env, "")
			var states []string
			var attrs []temporal.SearchAttributes
			h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
				sa := args.Get(0).(temporal.SearchAttributes)
				attrs = append(attrs, sa)
				if v, ok := sa.GetKeyword(model.CopyStateKey); ok {
					states = append(states, v)
				}
			}).Return(nil)
			h.answer(time.Hour, dstVaultArn, completed("arn:aws:ec2:eu-west-1::snapshot/snap-0000000000000000a", model.CopyFull), "")
			h.answer(time.Hour, dst2VaultArn, completed("arn:aws:ec2:us-west-2::snapshot/snap-0000000000000000b", model.CopyFull), "")
			h.run()

			require.NoError(t, h.env.GetWorkflowError())
			assert.Equal(t, tc.local, starts.local, "local activities: 4 checks and 2 hand-overs")
			assert.Equal(t, tc.activity, starts.activity)
			assert.Equal(t, tc.states, states)
			require.Len(t, h.aws.calls().enqueued, 2)
			// Whichever upsert comes first carries the request's identity.
			require.NotEmpty(t, attrs)
			region, _ := attrs[0].GetKeyword(model.SourceRegionKey)
			assert.Equal(t, srcRegion, region)
			plan, _ := attrs[0].GetKeyword(model.PlanKey)
			assert.Equal(t, "daily", plan)
			found := false
			for _, a := range attrs {
				if v, ok := a.GetKeyword(model.ResourceArnKey); ok && v == volumeArn {
					found = true
				}
			}
			assert.True(t, found, "the resource is published once the recovery point is known")
		})
	}
}
