package devstack

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/model"
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

	// The sample plan's hourly schedule is applied, running, and starts PlanRun on the
	// worker's task queue.
	if st.SamplePlan.Name != "regioncopy-sample" || !slices.Equal(st.SamplePlan.ScheduleIDs, []string{"plan/regioncopy-sample/hourly"}) {
		t.Fatalf("sample plan = %+v", st.SamplePlan)
	}
	assertScheduleRunsPlan(t, st, st.SamplePlan.ScheduleIDs[0])

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
	// ...and its schedule, which applying again leaves as it was.
	if !slices.Equal(again.SamplePlan.ScheduleIDs, st.SamplePlan.ScheduleIDs) {
		t.Errorf("after restart the sample plan has %v, want %v", again.SamplePlan.ScheduleIDs, st.SamplePlan.ScheduleIDs)
	}
	assertScheduleRunsPlan(t, again, st.SamplePlan.ScheduleIDs[0])
}

func assertScheduleRunsPlan(t *testing.T, st *Stack, id string) {
	t.Helper()
	desc, err := st.Client.ScheduleClient().GetHandle(context.Background(), id).Describe(context.Background())
	if err != nil {
		t.Fatalf("schedule %s: %v", id, err)
	}
	if desc.Schedule.State.Paused {
		t.Errorf("schedule %s is paused: %q", id, desc.Schedule.State.Note)
	}
	action, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok {
		t.Fatalf("schedule %s action is %T", id, desc.Schedule.Action)
	}
	if wf, _ := action.Workflow.(string); wf != model.WorkflowPlanRun || action.TaskQueue != st.TaskQueue {
		t.Errorf("schedule %s starts %v on %s, want %s on %s", id, action.Workflow, action.TaskQueue, model.WorkflowPlanRun, st.TaskQueue)
	}
	if len(desc.Info.NextActionTimes) == 0 {
		t.Errorf("schedule %s has no next run", id)
	}
}
