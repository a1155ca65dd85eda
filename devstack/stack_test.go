package devstack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
)

func TestStackStartsSeededAndStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx := context.Background()
	dir := t.TempDir()
	st, err := Start(ctx, Options{DataDir: dir, Temporal: TemporalOptions{Headless: true}, TimeScale: 60})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Stop() })

	// The sample is there: three vaults and one completed backup of the volume.
	if len(st.Sample.RecoveryPointArns) != 1 {
		t.Fatalf("sample recovery points = %v, want one", st.Sample.RecoveryPointArns)
	}
	rp, err := st.Emulator.Client("us-east-1").DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
		BackupVaultName: aws.String(st.Sample.VaultName), RecoveryPointArn: aws.String(st.Sample.RecoveryPointArns[0]),
	})
	if err != nil {
		t.Fatal(err)
	}
	if rp.Status != types.RecoveryPointStatusCompleted || aws.ToString(rp.ResourceArn) != st.Sample.VolumeArn {
		t.Errorf("sample recovery point is %s of %s", rp.Status, aws.ToString(rp.ResourceArn))
	}
	for _, region := range st.Sample.DestinationRegions {
		if _, err := st.Emulator.Client(region).DescribeBackupVault(ctx, &backup.DescribeBackupVaultInput{BackupVaultName: aws.String(st.Sample.VaultName)}); err != nil {
			t.Errorf("vault in %s: %v", region, err)
		}
	}

	// The worker polls the task queue.
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := st.Client.WorkflowService().DescribeTaskQueue(ctx, &workflowservice.DescribeTaskQueueRequest{
			Namespace: "default", TaskQueue: &taskqueuepb.TaskQueue{Name: st.TaskQueue}, TaskQueueType: enumspb.TASK_QUEUE_TYPE_WORKFLOW,
		})
		if err == nil && len(resp.GetPollers()) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no worker polls task queue %s (err %v)", st.TaskQueue, err)
		}
		time.Sleep(200 * time.Millisecond)
	}

	cmd := ShellCommand("regioncopy", st.CopyArgs())
	for _, want := range []string{"--recovery-point-arn " + st.Sample.RecoveryPointArns[0], "--destination-backup-vault-arn " + st.Sample.DestinationVaultArns[1], "--time-scale 60"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("copy command lacks %q:\n%s", want, cmd)
		}
	}

	temporalAddr, emulatorAddr := st.Temporal.Address, strings.TrimPrefix(st.Emulator.URL, "http://")
	if err := st.Stop(); err != nil {
		t.Fatal(err)
	}
	assertNotListening(t, temporalAddr)
	assertNotListening(t, emulatorAddr)

	// A restart on the same data directory finds the sample instead of making another.
	again, err := Start(ctx, Options{DataDir: dir, Temporal: TemporalOptions{Headless: true}, TimeScale: 60, NoWorker: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop()
	if len(again.Sample.RecoveryPointArns) != 1 || again.Sample.RecoveryPointArns[0] != st.Sample.RecoveryPointArns[0] {
		t.Errorf("after restart the sample has %v, want %v", again.Sample.RecoveryPointArns, st.Sample.RecoveryPointArns)
	}
}
