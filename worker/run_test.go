package worker_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/worker"
)

const (
	east      = "us-east-1"
	west      = "eu-west-1"
	role      = "arn:aws:iam::123456789012:role/backup"
	volume    = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	timeScale = 600 // ten emulated minutes per wall-clock second
)

// TestWorkerCopiesThroughTheEmulator starts the real dev server and the emulator, runs
// the worker configured as the binary is (AWS default chain with AWS_ENDPOINT_URL_BACKUP),
// and copies one recovery point with the CopyRecoveryPoint workflow. It checks that the
// worker registered the search attributes on the dev server, that the copy started one
// copy job, and that /metrics serves the SDK's metrics and regioncopy's own.
func TestWorkerCopiesThroughTheEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv := temporaltest.Start(t)
	emu := emulatortest.Start(t, emulator.Config{TimeScale: timeScale})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// The AWS default chain, isolated from this machine's files, pointed at the emulator.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", emulatortest.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", emulatortest.SecretAccessKey)
	t.Setenv("AWS_REGION", east)
	t.Setenv("AWS_ENDPOINT_URL_BACKUP", emu.URL)

	point := completedBackup(t, ctx, emu)

	cfg := worker.DefaultConfig()
	cfg.TaskQueue = "worker-test"
	cfg.Namespace = srv.Namespace
	cfg.MetricsListen = "127.0.0.1:0"
	cfg.TimeScale = timeScale
	cfg.ShutdownGrace = 5 * time.Second
	running, err := worker.Start(ctx, cfg, srv.Client, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	defer running.Stop()

	sa, err := srv.Client.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: srv.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range model.SearchAttributes {
		if got, ok := sa.GetCustomAttributes()[k.GetName()]; !ok || got != k.GetValueType() {
			t.Errorf("search attribute %s not registered as %v on the dev server", k.GetName(), k.GetValueType())
		}
	}

	run, err := srv.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "worker-test-copy", TaskQueue: cfg.TaskQueue},
		model.WorkflowCopyRecoveryPoint, model.CopyRequest{
			SourceRegion: east, RecoveryPointArn: point, SourceBackupVaultName: "src", IamRoleArn: role,
			Destinations: []model.Destination{{BackupVaultArn: emuVaultArn(west, "dst")}},
			TimeScale:    timeScale,
		})
	if err != nil {
		t.Fatal(err)
	}
	var result model.CopyRequestResult
	if err := run.Get(ctx, &result); err != nil {
		t.Fatalf("copy workflow: %v", err)
	}
	if len(result.Results) != 1 || result.Results[0].Record == nil || result.Results[0].Record.State != model.JobCompleted {
		t.Fatalf("copy result = %+v", result)
	}
	if c := emu.Emulator.Counters(); c.CopyJobs != 1 || c.FullCopies != 1 {
		t.Errorf("emulator saw %d copy jobs (%d full), want one full copy", c.CopyJobs, c.FullCopies)
	}

	// Metrics are reported to the registry once a second.
	wants := []string{
		`regioncopy_copies_started_total{destination_region="eu-west-1",source_region="us-east-1"}`,
		`regioncopy_copies_completed_total{destination_region="eu-west-1",kind=`,
		`regioncopy_copy_bytes_total{destination_region="eu-west-1",kind=`,
		`temporal_activity_execution_latency_seconds_bucket`,
		`temporal_workflow_completed_total`,
	}
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		body = scrape(t, running.MetricsAddr())
		if containsAll(body, wants) {
			break
		}
	}
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("metrics lack %s", w)
		}
	}

	running.Stop()
	if _, err := http.Get("http://" + running.MetricsAddr() + "/metrics"); err == nil {
		t.Error("metrics endpoint still answers after Stop")
	}
}

// TestRunStopsWhenContextEnds checks the graceful path the binary takes on SIGTERM.
func TestRunStopsWhenContextEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv := temporaltest.Start(t)
	cfg := worker.DefaultConfig()
	cfg.Namespace = srv.Namespace
	cfg.MetricsListen = worker.MetricsOff
	cfg.RegisterSearchAttributes = worker.RegisterNever
	cfg.AWS = &aws.Config{Region: east}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- worker.Run(ctx, cfg, srv.Client, zap.NewNop()) }()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v after its context ended, want nil", err)
		}
	case <-time.After(cfg.ShutdownGrace + 10*time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	// The caller's client is still usable: the worker closed only its own.
	if _, err := srv.Client.CheckHealth(context.Background(), &client.CheckHealthRequest{}); err != nil {
		t.Errorf("caller's client broken after Run: %v", err)
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
		IamRoleArn: aws.String(role), IdempotencyToken: aws.String("worker-test-backup")})
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

func emuVaultArn(region, name string) string {
	return "arn:aws:backup:" + region + ":123456789012:backup-vault:" + name
}

func scrape(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
