package planrun

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// rpoExpectationChange gates the RPO expectations a child hands over when it has nothing
// to copy: a child whose history failed before this code handed none.
const rpoExpectationChange = "plan-rpo-expectation"

// expectCopies runs when the child has no recovery point to hand over (its backup
// failed, was missed or expired, or a copy-only point never completed): it hands each
// destination with an RPO an RPO expectation (model.ExpectationOrder: the plan, the RPO,
// the run's nominal time) through the same EnqueueCopy path as a copy order, so the
// destination's chain exists and moves to BREACH on its own timer when no copy lands in
// time, and a resource the plan selected but never copied is in the operator's
// `RpoState = "BREACH"` list. A copy action its copy orders would skip takes none. The
// expectations ask for no answer; one that cannot be handed over is added to the
// child's error, which already says why nothing was copied.
func (c *resourceRun) expectCopies(ctx workflow.Context) {
	run := c.in.Run
	withRpo := false
	for _, a := range run.CopyActions {
		withRpo = withRpo || a.RpoMinutes > 0
	}
	if !withRpo || workflow.GetVersion(ctx, rpoExpectationChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	rules, rulesErr := policy.FromJSON(run.Rules, "Rules")
	res := c.in.Resource
	var chains []string
	var futures []workflow.Future
	for i, a := range run.CopyActions {
		if a.RpoMinutes <= 0 {
			continue
		}
		key, _, skipped := actionChain(run, rules, rulesErr, i, res.ResourceArn, res.ResourceType)
		if skipped != "" {
			continue
		}
		chains = append(chains, model.ChainWorkflowID(key))
		futures = append(futures, enqueueOrder(ctx, c.in, key, model.ExpectationOrder(run.Plan, a.RpoMinutes, c.in.NominalTime), "hand RPO expectation to"))
	}
	var failed []string
	for i, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			failed = append(failed, chains[i]+": "+message(err))
		}
	}
	if len(failed) > 0 {
		c.res.Error += "; the RPO expectation could not be handed to its chain: " + strings.Join(failed, "; ")
	}
	workflow.GetLogger(ctx).Info("RPO expectations handed over", "ResourceArn", res.ResourceArn,
		"Chains", len(chains), "Failed", len(failed))
}
