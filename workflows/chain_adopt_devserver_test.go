package workflows_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/model"
)

// adoptTimeScale makes an AWS day last four wall-clock seconds.
const adoptTimeScale = 21600

// TestChainRestartedAdoptsVaultCopiesOnDevServer runs the real worker against the
// emulator on the Temporal dev server: a chain copies the sample volume's backup (FULL),
// is terminated, and its fresh run, given a newer backup, adopts the first copy from the
// vault, copies incrementally against it (as the emulator's counters confirm) and then
// expires the adopted copy at its own DeleteAt.
func TestChainRestartedAdoptsVaultCopiesOnDevServer(t *testing.T) {
	bin := os.Getenv("REGIONCOPY_TEMPORAL_BIN")
	if bin == "" || testing.Short() {
		t.Skip("needs the Temporal dev server: set REGIONCOPY_TEMPORAL_BIN (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	stack, err := devstack.Start(ctx, devstack.Options{
		Temporal: devstack.TemporalOptions{Binary: bin, Headless: true}, TimeScale: adoptTimeScale, NoSamplePlan: true,
	})
	require.NoError(t, err)
	defer func() { assert.NoError(t, stack.Stop()) }()

	s := stack.Sample
	key := model.ChainKey{ResourceArn: s.VolumeArn, ResourceType: "EBS", SourceRegion: s.SourceRegion,
		DestinationRegion: s.DestinationRegions[0], DestinationBackupVaultArn: s.DestinationVaultArns[0]}
	id := model.ChainWorkflowID(key)
	// Five AWS days: twenty seconds, long enough for the second copy to land first.
	lc := model.Lifecycle{DeleteAfterDays: 5}
	order := func(arn string) model.CopyOrder {
		out, err := stack.Emulator.Client(s.SourceRegion).DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
			BackupVaultName: aws.String(s.VaultName), RecoveryPointArn: aws.String(arn)})
		require.NoError(t, err)
		return model.CopyOrder{SourceRecoveryPointArn: arn, SourceBackupVaultName: s.VaultName,
			SourceCreationDate: aws.ToTime(out.CreationDate), IamRoleArn: s.IamRoleArn, Lifecycle: lc}
	}
	enqueue := func(o model.CopyOrder) {
		_, err := stack.Client.SignalWithStartWorkflow(ctx, id, model.SignalCopy, o, client.StartWorkflowOptions{
			TaskQueue: stack.TaskQueue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, model.WorkflowCopyChain, model.ChainStart{Key: key, TimeScale: stack.TimeScale, TaskQueue: stack.TaskQueue})
		require.NoError(t, err)
	}
	// waitRecord waits until the chain's record matching match satisfies done.
	waitRecord := func(what string, match func(model.CopyRecord) bool, done func(model.CopyRecord) bool) model.CopyRecord {
		deadline := time.Now().Add(time.Minute)
		var last []model.CopyRecord
		for time.Now().Before(deadline) {
			if v, err := stack.Client.QueryWorkflow(ctx, id, "", model.QueryCopies); err == nil && v.Get(&last) == nil {
				for _, r := range last {
					if match(r) && done(r) {
						return r
					}
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("%s: not seen within a minute; records %+v", what, last)
		return model.CopyRecord{}
	}
	completed := func(r model.CopyRecord) bool { return r.State == model.JobCompleted }
	forSource := func(arn string) func(model.CopyRecord) bool {
		return func(r model.CopyRecord) bool { return r.SourceRecoveryPointArn == arn }
	}

	first := order(s.RecoveryPointArns[0])
	enqueue(first)
	// A COMPLETED record carries its calculated lifecycle (the chain describes the new copy
	// before marking it COMPLETED); the test checks that too.
	copied := waitRecord("first copy", forSource(first.SourceRecoveryPointArn),
		func(r model.CopyRecord) bool { return completed(r) && !r.DeleteAt.IsZero() })
	assert.Equal(t, model.CopyFull, copied.Kind)
	require.Equal(t, int64(1), stack.Emulator.Emulator.Counters().FullCopies)

	// The chain's history is gone for good: its next run starts with no carried state.
	require.NoError(t, stack.Client.TerminateWorkflow(ctx, id, "", "test: the chain's history is lost"))
	newer, err := devstack.Backup(ctx, stack.Emulator, s, "adopt-newer")
	require.NoError(t, err)
	second := order(newer)
	enqueue(second)

	next := waitRecord("copy after the restart", forSource(newer), completed)
	assert.Equal(t, model.CopyIncremental, next.Kind, "the fresh run knows the copy in the vault")
	counters := stack.Emulator.Emulator.Counters()
	assert.Equal(t, int64(1), counters.FullCopies, "AWS copied incrementally too")
	assert.Equal(t, int64(1), counters.IncrementalCopies)

	isAdopted := func(r model.CopyRecord) bool {
		return r.Kind == model.CopyAdopted && r.DestinationRecoveryPointArn == copied.DestinationRecoveryPointArn
	}
	adopted := waitRecord("adopted copy", isAdopted, func(model.CopyRecord) bool { return true })
	assert.Equal(t, model.AdoptedStatusMessage, adopted.StatusMessage)
	assert.True(t, adopted.DeleteAt.Equal(copied.DeleteAt), "adopted with its expiry: %v, copied with %v", adopted.DeleteAt, copied.DeleteAt)
	assert.True(t, adopted.SourceCreationDate.Equal(first.SourceCreationDate))

	// No longer the newest copy, the adopted one is deleted at its DeleteAt.
	gone := waitRecord("adopted copy expired", isAdopted, func(r model.CopyRecord) bool { return r.State == model.RecordDeleted })
	assert.False(t, gone.DeletedAt.IsZero())
	described, err := stack.Emulator.Client(key.DestinationRegion).DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
		BackupVaultName: aws.String(model.VaultNameFromArn(key.DestinationBackupVaultArn)), RecoveryPointArn: aws.String(copied.DestinationRecoveryPointArn)})
	if err == nil {
		assert.Contains(t, []types.RecoveryPointStatus{types.RecoveryPointStatusDeleting, types.RecoveryPointStatusExpired}, described.Status,
			"the expired copy is gone from the vault")
	}
	live := waitRecord("newest copy still live", forSource(newer), completed)
	assert.Equal(t, next.DestinationRecoveryPointArn, live.DestinationRecoveryPointArn)
}
