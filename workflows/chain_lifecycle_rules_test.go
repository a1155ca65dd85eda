package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// TestChainLifecycleUpdateChecksWithItsRules: the set-lifecycle update is checked with
// the rules it carries (here: rules in which EBS has cold storage), the seed rules when
// it carries none, and a rules document that does not read is refused.
func TestChainLifecycleUpdateChecksWithItsRules(t *testing.T) {
	coldEBS := policy.Default()
	coldEBS.ColdStorageResourceTypes = []string{policy.TypeEFS, policy.TypeEBS}
	cold := model.Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 200}

	h := newChainHarness(t)
	h.send(time.Minute, h.order(1, t0, model.Lifecycle{DeleteAfterDays: 100}, ""))
	seed, relaxed, broken := &testUpdate{t: t}, &testUpdate{t: t}, &testUpdate{t: t}
	h.at(day, func() {
		copies, _ := h.observe()
		dest := copies[0].DestinationRecoveryPointArn
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "seed", seed, model.SetLifecycleRequest{DestinationRecoveryPointArn: dest, Lifecycle: cold})
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "broken", broken, model.SetLifecycleRequest{DestinationRecoveryPointArn: dest, Lifecycle: cold,
			Rules: []byte(`{"ColdStorageResourceTypes": "EBS"}`)})
		h.env.UpdateWorkflow(model.UpdateSetLifecycle, "relaxed", relaxed, model.SetLifecycleRequest{DestinationRecoveryPointArn: dest, Lifecycle: cold,
			Rules: coldEBS.Encode()})
	})
	h.run(2*day, nil)

	require.Error(t, seed.rejected)
	assert.Contains(t, seed.rejected.Error(), policy.RuleColdStorageUnsupported)
	require.Error(t, broken.rejected)
	assert.Contains(t, broken.rejected.Error(), "Rules: ")
	assert.Contains(t, broken.rejected.Error(), policy.RuleRulesDocument)
	require.NoError(t, relaxed.rejected)
	require.NoError(t, relaxed.err)
	updates := h.aws.calls().updates
	require.Len(t, updates, 1, "only the update checked with rules that allow it reaches AWS")
	assert.Equal(t, cold, updates[0].Lifecycle)
}

// TestChainOrderLifecycleChecksWithTheOrdersRules: an order asking another lifecycle of a
// copy the chain holds is checked with the rules the order carries (here: rules in which
// EBS has cold storage), and with the seed rules when it carries none.
func TestChainOrderLifecycleChecksWithTheOrdersRules(t *testing.T) {
	coldEBS := policy.Default()
	coldEBS.ColdStorageResourceTypes = []string{policy.TypeEFS, policy.TypeEBS}
	cold := model.Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 200}

	h := newChainHarness(t)
	o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 100}, "req-100")
	seed := o
	seed.Lifecycle, seed.RequesterWorkflowId = cold, "req-seed"
	relaxed := seed
	relaxed.RequesterWorkflowId, relaxed.Rules = "req-relaxed", coldEBS.Encode()
	h.send(time.Minute, o)
	h.send(day, seed)
	h.send(2*day, relaxed)
	h.run(3*day, nil)

	res := h.resultsFor("req-seed")
	require.Len(t, res, 1)
	assert.Contains(t, res[0].Error, "rule "+policy.RuleColdStorageUnsupported)
	res = h.resultsFor("req-relaxed")
	require.Len(t, res, 1)
	assert.Empty(t, res[0].Error)
	require.NotNil(t, res[0].Record)
	assert.Equal(t, cold, res[0].Record.Lifecycle)
	updates := h.aws.calls().updates
	require.Len(t, updates, 1, "only the order whose rules allow it reaches AWS")
	assert.Equal(t, cold, updates[0].Lifecycle)
}
