package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
)

// A chain fed with a plan's RPO keeps RpoState live on the real server, with AWS's clock
// running an hour a second: OK once its copy lands, BREACH when the RPO has passed with no
// newer copy (on the chain's own timer, mapped from AWS's clock onto Temporal's), and OK
// again once a newer copy lands. The state is read where an operator reads it: a
// visibility query on the RpoState search attribute.
func TestRpoStateLiveInTheSearchAttribute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const rpoMinutes = 24 * 60 // 24 s of wall time at the stack's time scale
	v := newVolume(t)
	dst := "eu-west-1"
	key := model.ChainKey{ResourceArn: v.VolumeArn, ResourceType: "EBS", SourceRegion: v.SourceRegion,
		DestinationRegion: dst, DestinationBackupVaultArn: vaultArn(dst)}
	id := model.ChainWorkflowID(key)
	chains := &activities.Chains{Client: stack.Client}
	order := func(rp string) {
		t.Helper()
		desc, err := stack.Emulator.Client(v.SourceRegion).DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
			BackupVaultName: aws.String(v.VaultName), RecoveryPointArn: aws.String(rp)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = chains.EnqueueCopy(ctx, model.EnqueueCopyInput{Key: key, Order: model.CopyOrder{
			SourceRecoveryPointArn: rp, SourceBackupVaultName: v.VaultName, SourceCreationDate: aws.ToTime(desc.CreationDate),
			IamRoleArn: v.IamRoleArn, Lifecycle: model.Lifecycle{DeleteAfterDays: 35}, Plan: "rpo-live", RpoMinutes: rpoMinutes,
		}, TaskQueue: stack.TaskQueue, TimeScale: timeScale})
		if err != nil {
			t.Fatal(err)
		}
	}
	inState := func(state string) func() bool {
		return func() bool {
			n, err := stack.Client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
				Query: fmt.Sprintf("WorkflowId = '%s' AND RpoState = '%s' AND ExecutionStatus = 'Running'", id, state)})
			return err == nil && n.GetCount() == 1
		}
	}

	order(v.backup(t))
	waitFor(t, 15*time.Second, "RpoState OK once the first copy landed", inState(model.RpoOK))
	waitFor(t, 60*time.Second, "RpoState BREACH once the RPO passed with no newer copy", inState(model.RpoBreach))
	order(v.backup(t))
	waitFor(t, 20*time.Second, "RpoState OK again once a newer copy landed", inState(model.RpoOK))
}
