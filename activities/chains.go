package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// Chains holds the activity that feeds copy chains. A chain is an entity workflow, one
// per model.ChainKey (resource, source Region, destination vault); workflows hand it
// orders through this activity because a workflow cannot signal-with-start another
// workflow.
type Chains struct {
	Client client.Client
}

// EnqueueCopy signals the order to the chain of in.Key, starting the chain if it is not
// running. Signal-with-start is atomic on the server and uses the running chain when
// there is one, so a retried EnqueueCopy never makes a second chain; the chain itself
// ignores an order it already holds. An RPO expectation (model.CopyOrder.IsExpectation)
// takes the same path, so a resource a plan selected but never backed up still gets its
// chain and RpoState.
func (c *Chains) EnqueueCopy(ctx context.Context, in model.EnqueueCopyInput) (model.EnqueueCopyOutput, error) {
	if err := requireFields(model.ActEnqueueCopy,
		field{"Key.ResourceArn", in.Key.ResourceArn}, field{"Key.SourceRegion", in.Key.SourceRegion},
		field{"Key.DestinationRegion", in.Key.DestinationRegion}, field{"Key.DestinationBackupVaultArn", in.Key.DestinationBackupVaultArn}); err != nil {
		return model.EnqueueCopyOutput{}, err
	}
	if err := checkOrderFields(in.Order); err != nil {
		return model.EnqueueCopyOutput{}, err
	}
	if in.TimeScale < 0 {
		return model.EnqueueCopyOutput{}, invalidInput(model.ActEnqueueCopy, "TimeScale", "must not be negative")
	}
	if err := checkChainKey(in.Key, in.Order); err != nil {
		return model.EnqueueCopyOutput{}, err
	}
	taskQueue := in.TaskQueue
	if taskQueue == "" {
		taskQueue = model.DefaultTaskQueue
	}
	id := model.ChainWorkflowID(in.Key)
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    ChainStartSearchAttributes(in.Key, in.Order),
		StaticSummary:            ChainSummary(in.Key),
	}
	start := model.ChainStart{Key: in.Key, TimeScale: in.TimeScale, TaskQueue: taskQueue}
	run, err := c.Client.SignalWithStartWorkflow(ctx, id, model.SignalCopy, in.Order, opts, model.WorkflowCopyChain, start)
	if err != nil {
		return model.EnqueueCopyOutput{}, classifyTemporal(id, err)
	}
	return model.EnqueueCopyOutput{ChainWorkflowId: run.GetID(), RunId: run.GetRunID()}, nil
}

// checkChainKey refuses an order its chain could not copy: the chain runs StartCopyJob
// in Key.SourceRegion, so the recovery point must be there (a copy of a copy is in the
// Region it was copied to, not its resource's); and the destination Region and account
// of the chain's id must be those of its vault.
func checkChainKey(k model.ChainKey, o model.CopyOrder) error {
	if r := model.RegionFromArn(o.SourceRecoveryPointArn); !o.IsExpectation() && r != k.SourceRegion {
		return invalidInput(model.ActEnqueueCopy, "Order.SourceRecoveryPointArn",
			fmt.Sprintf("is in Region %q, not in the chain's source Region %s: a chain copies recovery points of its source Region only", r, k.SourceRegion))
	}
	if r := model.RegionFromArn(k.DestinationBackupVaultArn); r != k.DestinationRegion {
		return invalidInput(model.ActEnqueueCopy, "Key.DestinationRegion",
			fmt.Sprintf("is %s but the vault %s is in Region %q", k.DestinationRegion, k.DestinationBackupVaultArn, r))
	}
	if k.DestinationAccount() == "" {
		return invalidInput(model.ActEnqueueCopy, "Key.DestinationBackupVaultArn", "names no account: "+k.DestinationBackupVaultArn)
	}
	return nil
}

// checkOrderFields refuses an order that names nothing to copy, unless it is an RPO
// expectation, which must name its plan and RPO: without them it would mean nothing to
// the chain.
func checkOrderFields(o model.CopyOrder) error {
	if !o.IsExpectation() {
		return requireFields(model.ActEnqueueCopy, field{"Order.SourceRecoveryPointArn", o.SourceRecoveryPointArn})
	}
	if err := requireFields(model.ActEnqueueCopy, field{"Order.Plan", o.Plan}); err != nil {
		return err
	}
	if o.RpoMinutes <= 0 {
		return invalidInput(model.ActEnqueueCopy, "Order.RpoMinutes", "must be positive on an RPO expectation (an order with ExpectedAt and no recovery point)")
	}
	return nil
}

// classifyTemporal sorts a signal-with-start failure like an AWS error: requests the
// server refuses (an unregistered search attribute, a missing namespace, no permission)
// will not succeed on retry and say why; anything else (unavailable, deadline, resource
// exhausted) is retried.
func classifyTemporal(id string, err error) error {
	msg := fmt.Sprintf("signal-with-start of chain %s: %v", id, err)
	var (
		invalid    *serviceerror.InvalidArgument
		notFound   *serviceerror.NamespaceNotFound
		denied     *serviceerror.PermissionDenied
		failedPrec *serviceerror.FailedPrecondition
	)
	switch {
	case errors.As(err, &invalid):
		if strings.Contains(err.Error(), "search attribute") {
			msg += " (register regioncopy's search attributes with `regioncopy setup`)"
		}
		return temporal.NewNonRetryableApplicationError(msg, model.ErrInvalidParameter, nil)
	case errors.As(err, &notFound):
		return temporal.NewNonRetryableApplicationError(msg, model.ErrNotFound, nil)
	case errors.As(err, &denied):
		return temporal.NewNonRetryableApplicationError(msg, model.ErrAccessDenied, nil)
	case errors.As(err, &failedPrec):
		return temporal.NewNonRetryableApplicationError(msg, model.ErrInvalidState, nil)
	}
	return temporal.NewApplicationError(msg, model.ErrServiceFault)
}

// ChainStartSearchAttributes are the search attributes a chain starts with when its first
// order starts it: its identity, and what taking that order makes it show (a copy order
// makes it COPYING; a plan's order names the plan; an order without an RPO makes it
// NO_RPO). The chain publishes only what differs from them, so a new chain's first copy
// costs no search-attribute update before the copy ends. An RPO's state and deadline
// are the chain's to work out, on AWS's clock.
func ChainStartSearchAttributes(k model.ChainKey, o model.CopyOrder) temporal.SearchAttributes {
	updates := model.ChainIdentity(k)
	if o.IsExpectation() {
		updates = append(updates, model.CopyStateKey.ValueSet(model.ChainIdle))
	} else {
		updates = append(updates, model.CopyStateKey.ValueSet(model.ChainCopying))
	}
	if o.Plan != "" {
		updates = append(updates, model.PlanKey.ValueSet(o.Plan))
	}
	if o.Plan == "" || o.RpoMinutes <= 0 {
		updates = append(updates, model.RpoStateKey.ValueSet(model.RpoNone))
	}
	return temporal.NewSearchAttributes(updates...)
}

// ChainSummary is the chain's StaticSummary in the Temporal UI: one sentence saying what
// the chain does.
func ChainSummary(k model.ChainKey) string {
	what := "resource"
	if k.ResourceType != "" {
		what = k.ResourceType + " resource"
	}
	return fmt.Sprintf("Copies recovery points of %s %s from %s to vault %s of account %s in %s, one at a time so that only the first copy is full.",
		what, k.ResourceArn, k.SourceRegion, model.VaultNameFromArn(k.DestinationBackupVaultArn), k.DestinationAccount(), k.DestinationRegion)
}

// AnswerRequester signals a chain's result to one requester. The chain runs it as a local
// activity, so a retried workflow task may send the same answer twice; requesters keep the
// first answer per destination. A requester that has ended is not an error worth retrying:
// it is answered NotFound, non-retryable.
func (c *Chains) AnswerRequester(ctx context.Context, in model.AnswerRequesterInput) error {
	if err := requireFields(model.ActAnswerRequester, field{"RequesterWorkflowId", in.RequesterWorkflowId}); err != nil {
		return err
	}
	err := c.Client.SignalWorkflow(ctx, in.RequesterWorkflowId, "", model.SignalCopyResult, in.Result)
	if err != nil {
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("requester %s has ended: %v", in.RequesterWorkflowId, err), model.ErrNotFound, nil)
		}
		return classifyTemporal(in.RequesterWorkflowId, err)
	}
	return nil
}
