package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

const (
	east   = "us-east-1"
	west   = "eu-west-1"
	role   = "arn:aws:iam::123456789012:role/backup"
	volume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	// An 8 GiB copy at 100 MiB/s takes 82 emulated seconds: about 4 wall seconds at 20×,
	// long enough to kill the worker while the copy job runs.
	timeScale = 20
)

// TestBinarySurvivesSIGKILLAndStopsOnSIGTERM runs the real binary against the dev
// server and the emulator, configured only by environment variables. The first worker
// is SIGKILLed while the copy job runs; a second one finishes the copy, and the
// emulator shows a single copy job. The second worker then stops cleanly on SIGTERM.
func TestBinarySurvivesSIGKILLAndStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts the Temporal dev server")
	}
	bin := filepath.Join(t.TempDir(), "regioncopy-worker")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built at %s", time.Now().Format(time.TimeOnly))
	srv := temporaltest.Start(t)
	emu := emulatortest.Start(t, emulator.Config{TimeScale: timeScale})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	point := completedBackup(t, ctx, emu)

	dir := t.TempDir()
	env := append(os.Environ(),
		"TEMPORAL_ADDRESS="+srv.HostPort,
		"TEMPORAL_NAMESPACE="+srv.Namespace,
		"TEMPORAL_CONFIG_FILE="+filepath.Join(dir, "temporal.toml"),
		"AWS_CONFIG_FILE="+filepath.Join(dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "aws-credentials"),
		"AWS_ACCESS_KEY_ID="+emulatortest.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+emulatortest.SecretAccessKey,
		"AWS_REGION="+east,
		"AWS_ENDPOINT_URL_BACKUP="+emu.URL,
		"REGIONCOPY_TASK_QUEUE=binary-test",
		"REGIONCOPY_TIME_SCALE=20",
		"REGIONCOPY_METRICS_LISTEN=127.0.0.1:0",
		"REGIONCOPY_SHUTDOWN_GRACE=5s",
	)

	first := startWorker(t, bin, env)
	first.waitFor(t, "worker started", 30*time.Second)

	run, err := srv.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "binary-test-copy", TaskQueue: "binary-test"},
		model.WorkflowCopyRecoveryPoint, model.CopyRequest{
			SourceRegion: east, RecoveryPointArn: point, SourceBackupVaultName: "src", IamRoleArn: role,
			Destinations: []model.Destination{{BackupVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:dst"}},
			TimeScale:    timeScale,
		})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); emu.Emulator.Counters().CopyJobs == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no copy job started within 30s")
		}
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()

	t.Logf("killed the first worker at %s", time.Now().Format(time.TimeOnly))
	second := startWorker(t, bin, env)
	second.waitFor(t, "worker started", 30*time.Second)
	var result model.CopyRequestResult
	if err := run.Get(ctx, &result); err != nil {
		t.Fatalf("copy after the kill: %v", err)
	}
	if len(result.Results) != 1 || result.Results[0].Record == nil || result.Results[0].Record.State != model.JobCompleted {
		t.Fatalf("copy result = %+v", result)
	}
	t.Logf("copy finished at %s", time.Now().Format(time.TimeOnly))
	c := emu.Emulator.Counters()
	if c.CopyJobs != 1 {
		t.Errorf("%d copy jobs after a killed worker, want 1", c.CopyJobs)
	}
	for token, jobs := range c.CopyJobsPerToken {
		if jobs != 1 {
			t.Errorf("token %s made %d jobs", token, jobs)
		}
	}

	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Read the last line before Wait, which closes the log pipe once the process exits.
	second.waitFor(t, "worker stopped", 20*time.Second)
	exited := make(chan error, 1)
	go func() { exited <- second.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("worker exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("worker still running 20s after SIGTERM")
	}
}

// process is a running worker binary whose JSON log lines are collected.
type process struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	msgs []string
	seen chan struct{}
}

func startWorker(t *testing.T, bin string, env []string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin), seen: make(chan struct{}, 1)}
	p.cmd.Env = env
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	go p.read(t, stderr)
	return p
}

// read checks that every line is a JSON log entry and records its message.
func (p *process) read(t *testing.T, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var entry struct {
			Msg   string `json:"msg"`
			Level string `json:"level"`
			Time  string `json:"time"`
		}
		if err := json.Unmarshal(sc.Bytes(), &entry); err != nil || entry.Msg == "" || entry.Time == "" {
			t.Errorf("log line is not a zap JSON entry: %s", sc.Text())
			continue
		}
		p.mu.Lock()
		p.msgs = append(p.msgs, entry.Msg)
		p.mu.Unlock()
		select {
		case p.seen <- struct{}{}:
		default:
		}
	}
}

func (p *process) waitFor(t *testing.T, msg string, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		p.mu.Lock()
		for _, m := range p.msgs {
			if strings.Contains(m, msg) {
				p.mu.Unlock()
				return
			}
		}
		p.mu.Unlock()
		select {
		case <-p.seen:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("worker did not log %q within %s", msg, within)
		}
	}
}

func completedBackup(t *testing.T, ctx context.Context, emu *emulatortest.Server) string {
	t.Helper()
	for region, name := range map[string]string{east: "src", west: "dst"} {
		if _, err := emu.Client(region).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	c := emu.Client(east)
	out, err := c.StartBackupJob(ctx, &backup.StartBackupJobInput{BackupVaultName: aws.String("src"), ResourceArn: aws.String(volume),
		IamRoleArn: aws.String(role), IdempotencyToken: aws.String("binary-test-backup")})
	if err != nil {
		t.Fatal(err)
	}
	emu.Emulator.Advance(10 * time.Minute)
	job, err := c.DescribeBackupJob(ctx, &backup.DescribeBackupJobInput{BackupJobId: out.BackupJobId})
	if err != nil || job.State != types.BackupJobStateCompleted {
		t.Fatalf("backup job: %v %v", job, err)
	}
	return aws.ToString(out.RecoveryPointArn)
}
