package integration

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/starter/cli"
)

// killableQueue is served only by the worker process this test kills, so the request
// and its chain run on nothing else.
const killableQueue = "regioncopy-killable"

// A worker SIGKILLed while a copy job runs, and started again, finishes the copy, once:
// the emulator counts one copy job for the request.
func TestWorkerKilledMidCopyFinishesOnce(t *testing.T) {
	bin := buildWorker(t)
	ctx := context.Background()
	_, err := stack.Emulator.Client(slowRegion).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(stack.Sample.VaultName)})
	var exists *types.AlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		t.Fatal(err)
	}

	v := newVolume(t)
	rp := v.backup(t)
	before := counters()

	first := startWorkerProcess(t, bin)
	args := v.copyArgs(rp, []string{vaultArn(slowRegion)}, "--output", "json")
	args = append(args, "--task-queue", killableQueue) // the last --task-queue wins
	r := regioncopy(t, 30*time.Second, args...)
	if r.code != cli.ExitOK {
		t.Fatalf("copy: exit %d: %s", r.code, r.stderr)
	}

	// Kill the worker once the copy job runs on the emulator's side.
	waitFor(t, 30*time.Second, "the copy job to start", func() bool { return counters().CopyJobs > before.CopyJobs })
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	if job := newestCopyJob(t, v.VolumeArn); job.State == types.CopyJobStateCompleted {
		t.Logf("note: the copy job completed while no worker was running (%s)", aws.ToString(job.CopyJobId))
	}

	second := startWorkerProcess(t, bin)
	r = regioncopy(t, 2*time.Minute, append(args, "--wait")...)
	if r.code != cli.ExitOK {
		t.Fatalf("copy --wait after the restart: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	out := decodeOutcome(t, r)
	if out.Result == nil || out.Result.Results[0].Record == nil || out.Result.Results[0].Record.State != model.JobCompleted {
		t.Fatalf("result after the restart: %+v", out)
	}
	after := counters()
	if got := after.CopyJobs - before.CopyJobs; got != 1 {
		t.Errorf("copy jobs created: %d, want exactly 1", got)
	}
	for token, jobs := range after.CopyJobsPerToken {
		if jobs != 1 {
			t.Errorf("idempotency token %s made %d copy jobs", token, jobs)
		}
	}
	if got := after.BytesTransferred["us-east-1>"+slowRegion] - before.BytesTransferred["us-east-1>"+slowRegion]; got != 1<<30 {
		t.Errorf("bytes to %s: %d, want one full copy of %d", slowRegion, got, 1<<30)
	}

	// With no worker left at all, the finished request's status is still there.
	if err := second.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = second.Wait()
	r = regioncopy(t, 30*time.Second, "--address", stack.Temporal.Address, "status", out.WorkflowId, "--output", "json")
	var st struct {
		ExecutionStatus string
		Status          model.RequestStatus
	}
	if r.code != cli.ExitOK || decodeJSON(r.stdout, &st) != nil {
		t.Fatalf("status without a worker: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if st.ExecutionStatus != "Completed" || st.Status.State != model.RequestCompleted || len(st.Status.Destinations) != 1 ||
		st.Status.Destinations[0].Result == nil || st.Status.Destinations[0].Result.Record.State != model.JobCompleted {
		t.Errorf("status without a worker: %s", r.stdout)
	}
}

// buildWorker builds the worker binary, as deployed.
func buildWorker(t *testing.T) string {
	t.Helper()
	root, err := devstack.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "regioncopy-worker")
	build := exec.Command("go", "build", "-o", bin, "./worker/cmd/regioncopy-worker")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the worker: %v\n%s", err, out)
	}
	return bin
}

// startWorkerProcess runs the worker binary against the stack on killableQueue; it is
// killed at the end of the test if still running.
func startWorkerProcess(t *testing.T, bin string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.SysProcAttr = devstack.ChildProcAttr()
	cmd.Env = append(os.Environ(), stack.WorkerEnv()...)
	cmd.Env = append(cmd.Env, "REGIONCOPY_TASK_QUEUE="+killableQueue, "REGIONCOPY_METRICS_LISTEN=off", "REGIONCOPY_LOG_LEVEL=warn")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("worker %d output:\n%s", cmd.Process.Pid, logs.String())
		}
	})
	return cmd
}

// newestCopyJob is the resource's most recent copy job on the emulator.
func newestCopyJob(t *testing.T, resourceArn string) types.CopyJob {
	t.Helper()
	out, err := stack.Emulator.Client("us-east-1").ListCopyJobs(context.Background(), &backup.ListCopyJobsInput{ByResourceArn: aws.String(resourceArn)})
	if err != nil || len(out.CopyJobs) == 0 {
		t.Fatalf("list copy jobs of %s: %v (%d jobs)", resourceArn, err, len(out.CopyJobs))
	}
	newest := out.CopyJobs[0]
	for _, j := range out.CopyJobs[1:] {
		if aws.ToTime(j.CreationDate).After(aws.ToTime(newest.CreationDate)) {
			newest = j
		}
	}
	return newest
}
