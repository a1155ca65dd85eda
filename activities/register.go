package activities

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/model"
)

// Register registers every activity under its model.Act* name. Names are given
// explicitly rather than derived from method names so that renaming a Go method can
// never silently break workflows that call the activity by name.
func Register(w worker.Registry, b *Backup, c *Chains) {
	for name, fn := range activityFuncs(b, c) {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}

// activityFuncs maps each model.Act* name to the method implementing it.
func activityFuncs(b *Backup, c *Chains) map[string]any {
	return map[string]any{
		model.ActDescribeRecoveryPoint:        b.DescribeRecoveryPoint,
		model.ActDescribeBackupVault:          b.DescribeBackupVault,
		model.ActStartCopyJob:                 b.StartCopyJob,
		model.ActPollCopyJob:                  b.PollCopyJob,
		model.ActDescribeCopyJob:              b.DescribeCopyJob,
		model.ActUpdateRecoveryPointLifecycle: b.UpdateRecoveryPointLifecycle,
		model.ActDeleteRecoveryPoint:          b.DeleteRecoveryPoint,
		model.ActSurveyCopies:                 b.SurveyCopies,
		model.ActStartBackupJob:               b.StartBackupJob,
		model.ActPollBackupJob:                b.PollBackupJob,
		model.ActEnqueueCopy:                  c.EnqueueCopy,
		model.ActAnswerRequester:              c.AnswerRequester,
	}
}
