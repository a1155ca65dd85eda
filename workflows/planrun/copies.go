package planrun

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// handOver sends one order per copy action to the action's destination chain, all at
// once. An action is skipped, with the reason, when it does not take the resource's
// type (its ResourceTypes), when a cross-Region rule forbids the copy (a DynamoDB
// table, a Region without cross-Region copy, by the rules the plan was applied with,
// PlanRunInput.Rules, else the seed rules) or when its destination vault is in another
// account than the IAM role's, which regioncopy does not support (a plan applied before
// validation refused it): the plan run reports it rather than starting a copy job AWS
// would refuse or regioncopy could not manage. A non-empty requester (the child's own workflow
// id) asks each chain for a model.SignalCopyResult when its order ends.
//
// A copy action's lifecycle applies to every type the plan selects. AWS ignores its
// cold transition for a type without cold storage (plan validation accepts such a mixed
// plan), so the order for such a type carries DeleteAfterDays alone.
func handOver(ctx workflow.Context, in model.PlanResourceInput, p model.RecoveryPoint, requester string) []model.PlanCopyOutcome {
	run := in.Run
	// The rules the plan was validated with (the seed rules for an input without them).
	rules, rulesErr := policy.FromJSON(run.Rules, "Rules")
	outcomes := make([]model.PlanCopyOutcome, len(run.CopyActions))
	futures := make([]workflow.Future, len(run.CopyActions))
	for i, a := range run.CopyActions {
		outcomes[i].DestinationBackupVaultArn = a.DestinationBackupVaultArn
		key, lifecycle, skipped := actionChain(run, rules, rulesErr, i, p.ResourceArn, p.ResourceType)
		if skipped != "" {
			outcomes[i].Skipped = skipped
			continue
		}
		outcomes[i].ChainWorkflowId = model.ChainWorkflowID(key)
		futures[i] = enqueueOrder(ctx, in, key, model.CopyOrder{
			SourceRecoveryPointArn: p.RecoveryPointArn,
			SourceBackupVaultName:  run.BackupVaultName,
			SourceCreationDate:     p.CreationDate,
			IamRoleArn:             run.IamRoleArn,
			Lifecycle:              lifecycle,
			Coalesce:               a.Coalesce,
			Plan:                   run.Plan,
			RpoMinutes:             a.RpoMinutes,
			RequesterWorkflowId:    requester,
			Rules:                  run.Rules,
		}, "hand order to")
	}
	for i, f := range futures {
		if f == nil {
			continue
		}
		var out model.EnqueueCopyOutput
		if err := f.Get(ctx, &out); err != nil {
			outcomes[i].Error = message(err)
			continue
		}
		outcomes[i].Enqueued = true
		if out.ChainWorkflowId != "" {
			outcomes[i].ChainWorkflowId = out.ChainWorkflowId
		}
	}
	return outcomes
}

// actionChain is the chain copy action i of run hands a resource's orders to, and the
// lifecycle they carry; skipped says why the action takes none for this resource (see
// handOver).
func actionChain(run model.PlanRunInput, rules *policy.Rules, rulesErr error, i int, resourceArn, resourceType string) (key model.ChainKey, lifecycle model.Lifecycle, skipped string) {
	a := run.CopyActions[i]
	if len(a.ResourceTypes) > 0 && !slices.Contains(a.ResourceTypes, resourceType) {
		return key, lifecycle, fmt.Sprintf("%s resources are not among this copy action's ResourceTypes %v", resourceType, a.ResourceTypes)
	}
	if rulesErr != nil {
		return key, lifecycle, "not copied: the plan's rules do not read: " + strings.ReplaceAll(rulesErr.Error(), "\n", "; ")
	}
	lifecycle = a.Lifecycle
	if lifecycle.MoveToColdStorageAfterDays > 0 && !rules.SupportsColdStorage(resourceType) {
		lifecycle.MoveToColdStorageAfterDays = 0
	}
	field := fmt.Sprintf("CopyActions[%d]", i)
	err := rules.CheckCopy(policy.CopyCheck{
		ResourceType:        resourceType,
		SourceRegion:        run.SourceRegion,
		DestinationVaultArn: a.DestinationBackupVaultArn,
		Lifecycle:           lifecycle,
		Field:               field,
	})
	// A plan applied before plan validation refused a destination vault in another
	// account than the IAM role's still carries such an action: skipped.
	if v := policy.CheckSameAccount(run.IamRoleArn, a.DestinationBackupVaultArn, field+".DestinationBackupVaultArn"); v != nil {
		err = errors.Join(err, v)
	}
	if err != nil {
		var lines []string
		for _, v := range policy.Violations(err) {
			lines = append(lines, v.Error())
		}
		return key, lifecycle, "not copied: " + strings.Join(lines, "; ")
	}
	return model.ChainKey{
		ResourceArn:               resourceArn,
		ResourceType:              resourceType,
		SourceRegion:              run.SourceRegion,
		DestinationRegion:         model.RegionFromArn(a.DestinationBackupVaultArn),
		DestinationBackupVaultArn: a.DestinationBackupVaultArn,
	}, lifecycle, ""
}

// enqueueOrder hands order to the chain of key through EnqueueCopy, on the task queue in
// names (the child's own when it names none); what heads the activity's summary, which
// ends with the chain's id.
func enqueueOrder(ctx workflow.Context, in model.PlanResourceInput, key model.ChainKey, order model.CopyOrder, what string) workflow.Future {
	taskQueue := in.TaskQueue
	if taskQueue == "" {
		taskQueue = workflow.GetInfo(ctx).TaskQueueName
	}
	return workflow.ExecuteActivity(withCall(ctx, what+" "+model.ChainWorkflowID(key)), model.ActEnqueueCopy,
		model.EnqueueCopyInput{Key: key, Order: order, TaskQueue: taskQueue, TimeScale: in.TimeScale})
}
