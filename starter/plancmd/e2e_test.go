package plancmd

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/worker"
)

// The README's example plan on the whole system: the dev server, the real worker and
// the emulator holding the `regioncopy dev` sample's vaults. `regioncopy plan apply`
// then `regioncopy plan trigger` must back the sample volume up once and copy that
// backup to both destination Regions, as the run's result and the emulator's counters
// show, and `plan list` must report the run COMPLETED.
func TestTriggerBacksUpAndCopiesOnTheEmulator(t *testing.T) {
	srv, addr := startTemporal(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Small volumes and fast links: the backup and both copies take a fraction of a
	// second on the emulator's wall clock, well inside the rule's windows.
	emu := emulatortest.Start(t, emulator.Config{DefaultResourceSize: 16 << 20, CopyBandwidth: 1 << 30, BackupBandwidth: 1 << 30})
	sample := devstack.DefaultSample()
	for _, region := range append([]string{sample.SourceRegion}, sample.DestinationRegions...) {
		if _, err := emu.Client(region).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(sample.VaultName)}); err != nil {
			t.Fatal(err)
		}
	}
	awsCfg := emu.AWSConfig(sample.SourceRegion)
	cfg := worker.DefaultConfig()
	cfg.TaskQueue = "plancmd-e2e"
	cfg.Namespace = srv.Namespace
	cfg.MetricsListen = worker.MetricsOff
	cfg.ShutdownGrace = 5 * time.Second
	cfg.AWS = &awsCfg
	running, err := worker.Start(ctx, cfg, srv.Client, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(running.Stop)

	must(t, "plan", "apply", "-f", "testdata/example-plan.json", "--task-queue", cfg.TaskQueue, addr)
	var trig struct {
		Plan      string
		Triggered []triggered
	}
	mustJSON(t, must(t, "plan", "trigger", examplePlan, "-o", "json", addr), &trig)
	if len(trig.Triggered) != 1 || trig.Triggered[0].WorkflowId == "" {
		t.Fatalf("trigger printed %+v", trig)
	}
	var res model.PlanRunResult
	if err := srv.Client.GetWorkflow(ctx, trig.Triggered[0].WorkflowId, "").Get(ctx, &res); err != nil {
		t.Fatalf("run %s: %v", trig.Triggered[0].WorkflowId, err)
	}
	want := model.PlanRunTally{Resources: 1, BackupsCompleted: 1, CopiesEnqueued: 2}
	if res.State != model.PlanRunCompleted || res.Tally != want {
		t.Fatalf("run: %+v, want COMPLETED with %+v", res, want)
	}

	// The run hands the recovery point to the chains; the copies land a moment later.
	temporaltest.Eventually(t, "both copies landed", func() error {
		c := emu.Emulator.Counters()
		for _, dst := range sample.DestinationVaultArns {
			if c.RecoveryPointsPerVault[dst] != 1 {
				return fmt.Errorf("vault %s holds %d recovery points, want 1", dst, c.RecoveryPointsPerVault[dst])
			}
		}
		if c.BackupJobs != 1 || c.CopyJobs != 2 || c.FullCopies != 2 {
			return fmt.Errorf("emulator saw %d backup jobs, %d copy jobs, %d full copies; want 1, 2, 2", c.BackupJobs, c.CopyJobs, c.FullCopies)
		}
		return nil
	})

	rows := list(t, addr)
	if len(rows) != 1 || rows[0].LastRun == nil || rows[0].LastRun.Outcome() != model.PlanRunCompleted {
		t.Errorf("list after the run: %+v, want the last run COMPLETED", rows)
	}

	// 'regioncopy status' of the finished run reads as a summary, not raw JSON.
	text := must(t, "status", trig.Triggered[0].WorkflowId, addr)
	for _, want := range []string{"state:    COMPLETED", "plan:     " + examplePlan + ", rule " + exampleRule, "1 taken up; backups 1 completed"} {
		if !strings.Contains(text, want) {
			t.Errorf("status of the run lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "status: {") {
		t.Errorf("status of the run prints raw JSON:\n%s", text)
	}
}
