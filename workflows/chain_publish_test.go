package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
)

// chainUpserts records every search-attribute upsert of the chain's own (GetVersion's
// TemporalChangeVersion aside), in order, as the keys it sets and the CopyState it sets.
func chainUpserts(h *chainHarness) *[]upsert {
	var upserts []upsert
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		sa := args.Get(0).(temporal.SearchAttributes)
		var u upsert
		for k := range sa.GetUntypedValues() {
			u.keys = append(u.keys, k.GetName())
		}
		u.state, _ = sa.GetKeyword(model.CopyStateKey)
		if len(u.keys) > 0 {
			upserts = append(upserts, u)
		}
	}).Return(nil)
	return &upserts
}

type upsert struct {
	keys  []string
	state string
}

// TestChainPublishesOnlyWhatItsRunDoesNotHold: from version 2 of changeLocalCalls, a
// chain started the way EnqueueCopy starts it already shows its identity, COPYING and
// NO_RPO, so its first copy upserts search attributes once, when the copy ends; started
// without them, or on version 1, its first pass publishes them too.
func TestChainPublishesOnlyWhatItsRunDoesNotHold(t *testing.T) {
	for _, tc := range []struct {
		name       string
		version    workflow.Version
		startAttrs bool
		// states are the CopyStates the upserts set, in order.
		states []string
	}{
		{"started by EnqueueCopy", 2, true, []string{model.ChainIdle}},
		{"started without attributes", 2, false, []string{model.ChainCopying, model.ChainIdle}},
		{"version 1 started by EnqueueCopy", 1, true, []string{model.ChainCopying, model.ChainIdle}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newChainHarness(t)
			h.env.OnGetVersion(changeLocalCalls, workflow.DefaultVersion, 2).Return(tc.version)
			upserts := chainUpserts(h)
			o := h.order(1, t0, model.Lifecycle{}, "req-1")
			if tc.startAttrs {
				require.NoError(t, h.env.SetTypedSearchAttributesOnStart(activities.ChainStartSearchAttributes(chainKey, o)))
			}
			h.send(0, o)
			h.run(day, nil)

			require.Len(t, h.resultsFor("req-1"), 1)
			assert.Equal(t, model.JobCompleted, h.resultsFor("req-1")[0].Record.State)
			var states []string
			for _, u := range *upserts {
				states = append(states, u.state)
			}
			assert.Equal(t, tc.states, states, "upserts %+v", *upserts)
			if len(*upserts) > 1 {
				assert.Subset(t, (*upserts)[0].keys, []string{"ResourceArn", "DestinationVault", "RpoState"}, "the first pass publishes what the run lacks")
			}
			last := (*upserts)[len(*upserts)-1]
			assert.Subset(t, last.keys, []string{"CopyState", "CopyCount", "LastCopyAt"}, "the copy's end is published")
			assert.Equal(t, model.ChainIdle, h.status.State)
			assert.Equal(t, 1, h.status.CopiesTotal)
		})
	}
}

// TestContinuedChainRunUpsertsNothingAtItsStart: a run started by continue-as-new holds
// the search attributes of the run it continues, so an idle one publishes nothing.
func TestContinuedChainRunUpsertsNothingAtItsStart(t *testing.T) {
	h := newChainHarness(t)
	upserts := chainUpserts(h)
	last := t0.Add(-2 * time.Hour)
	state := ChainState{CopiesTotal: 7, FullCopies: 1, LastCopyAt: last}
	carried := temporal.NewSearchAttributes(
		model.ResourceArnKey.ValueSet(chainKey.ResourceArn),
		model.ResourceTypeKey.ValueSet(chainKey.ResourceType),
		model.SourceRegionKey.ValueSet(chainKey.SourceRegion),
		model.DestinationRegionKey.ValueSet(chainKey.DestinationRegion),
		model.DestinationAccountKey.ValueSet(chainKey.DestinationAccount()),
		model.DestinationVaultKey.ValueSet(model.VaultNameFromArn(chainKey.DestinationBackupVaultArn)),
		model.CopyStateKey.ValueSet(model.ChainIdle),
		model.RpoStateKey.ValueSet(model.RpoNone),
		model.LastCopyAtKey.ValueSet(last),
		model.CopyCountKey.ValueSet(7),
	)
	require.NoError(t, h.env.SetTypedSearchAttributesOnStart(carried))
	h.run(time.Hour, &ChainInput{ChainStart: model.ChainStart{Key: chainKey}, State: &state})

	assert.Empty(t, *upserts)
	assert.Equal(t, 7, h.status.CopiesTotal)
}
