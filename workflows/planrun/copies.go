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
	info := workflow.GetInfo(ctx)
	taskQueue := in.TaskQueue
	if taskQueue == "" {
		taskQueue = info.TaskQueueName
	}
	// The rules the plan was validated with (the seed rules for an input without them).
	rules, rulesErr := policy.FromJSON(run.Rules, "Rules")
	outcomes := make([]model.PlanCopyOutcome, len(run.CopyActions))
	futures := make([]workflow.Future, len(run.CopyActions))
	for i, a := range run.CopyActions {
		outcomes[i].DestinationBackupVaultArn = a.DestinationBackupVaultArn
		if len(a.ResourceTypes) > 0 && !slices.Contains(a.ResourceTypes, p.ResourceType) {
			outcomes[i].Skipped = fmt.Sprintf("%s resources are not among this copy action's ResourceTypes %v", p.ResourceType, a.ResourceTypes)
			continue
		}
		if rulesErr != nil {
			outcomes[i].Skipped = "not copied: the plan's rules do not read: " + strings.ReplaceAll(rulesErr.Error(), "\n", "; ")
			continue
		}
		lifecycle := a.Lifecycle
		if lifecycle.MoveToColdStorageAfterDays > 0 && !rules.SupportsColdStorage(p.ResourceType) {
			lifecycle.MoveToColdStorageAfterDays = 0
		}
		field := fmt.Sprintf("CopyActions[%d]", i)
		err := rules.CheckCopy(policy.CopyCheck{
			ResourceType:        p.ResourceType,
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
			outcomes[i].Skipped = "not copied: " + strings.Join(lines, "; ")
			continue
		}
		key := model.ChainKey{
			ResourceArn:               p.ResourceArn,
			ResourceType:              p.ResourceType,
			SourceRegion:              run.SourceRegion,
			DestinationRegion:         model.RegionFromArn(a.DestinationBackupVaultArn),
			DestinationBackupVaultArn: a.DestinationBackupVaultArn,
		}
		outcomes[i].ChainWorkflowId = model.ChainWorkflowID(key)
		futures[i] = workflow.ExecuteActivity(withCall(ctx, "hand order to "+outcomes[i].ChainWorkflowId), model.ActEnqueueCopy,
			model.EnqueueCopyInput{
				Key: key,
				Order: model.CopyOrder{
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
				},
				TaskQueue: taskQueue,
				TimeScale: in.TimeScale,
			})
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
