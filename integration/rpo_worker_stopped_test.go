package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/report"
	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/worker"
)

// rpoQueue is served only by the worker TestWorkerStoppedPastAnRpo stops and starts, so
// while it is stopped nothing runs its plan or its chain.
const rpoQueue = "regioncopy-rpo-stopped"

// With the worker stopped past an RPO, a plan's resource turns AT_RISK then BREACH in the
// report, which reads AWS; started again, the worker's chain turns BREACH in its search
// attribute on its own timer, the webhook receives the BREACH alert and the worker's
// metrics count the resource in BREACH; once the plan's next backup is copied, all four
// say OK again and the webhook receives the recovery. AWS's clock runs an hour a second,
// so the 24-hour RPO passes in 24 s.
func TestWorkerStoppedPastAnRpo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const dst = "eu-west-1"
	const rpoMinutes = 24 * 60
	rpo := time.Duration(rpoMinutes) * time.Minute
	v := newVolume(t)
	planName := fmt.Sprintf("rpo-stopped-%d", time.Now().UnixNano())
	applyRpoPlan(t, planName, v, dst, rpoMinutes)
	hook := newWebhookReceiver(t)
	w := startRpoWorker(t, hook.url)

	// row reads the volume's one report row; the exit status must say BREACH (4) or not.
	row := func() report.Row {
		t.Helper()
		r, rep := reportCLI(t, "--plan", planName, "--resource-arn", v.VolumeArn, "--output", "json")
		if len(rep.Rows) != 1 {
			t.Fatalf("report: exit %d, %d rows, want 1: %+v\n%s", r.code, len(rep.Rows), rep.Rows, r.stderr)
		}
		want := cli.ExitOK
		if rep.Rows[0].State == model.RpoBreach {
			want = cli.ExitNotProven
		}
		if r.code != want {
			t.Fatalf("report: exit %d with the row %s, want %d\n%s", r.code, rep.Rows[0].State, want, r.stderr)
		}
		return rep.Rows[0]
	}
	var chainID string
	chainIn := func(state string) func() bool {
		return func() bool {
			got, _, found, err := chainRpo(ctx, chainID)
			return err == nil && found && got == state
		}
	}
	gaugesAre := func(addr string, want map[string]float64) func() bool {
		return func() bool {
			got, err := resourcesGauges(addr, planName, dst)
			if err != nil {
				return false
			}
			for state, n := range want {
				if got[state] != n {
					return false
				}
			}
			return true
		}
	}
	inBreach := map[string]float64{model.RpoOK: 0, model.RpoAtRisk: 0, model.RpoBreach: 1}
	healthy := map[string]float64{model.RpoOK: 1, model.RpoAtRisk: 0, model.RpoBreach: 0}
	began := time.Now()
	step := func(name string) {
		t.Logf("%s: done %s after the start", name, time.Since(began).Round(100*time.Millisecond))
	}

	// 1. A plan run backs the volume up and copies it: OK everywhere, and no alert.
	first := runPlan(t, planName)
	chainID = first.ChainWorkflowId
	logChainOnFailure(t, chainID)
	waitFor(t, 15*time.Second, "RpoState OK in visibility after the first copy", chainIn(model.RpoOK))
	got := row()
	if got.State != model.RpoOK || got.RpoMinutes != rpoMinutes || got.NewestCopy == nil ||
		got.NewestCopy.DestinationRecoveryPointArn != first.DestinationRecoveryPointArn || got.ChainWorkflowId != chainID {
		t.Fatalf("report after the first copy %s of chain %s: %+v", first.DestinationRecoveryPointArn, chainID, got)
	}
	sourceCreated := got.NewestCopy.SourceCreatedAt
	if !got.Deadline.Equal(sourceCreated.Add(rpo)) {
		t.Errorf("report deadline %s, want the copy's source creation %s plus %s", got.Deadline, sourceCreated, rpo)
	}
	waitFor(t, 10*time.Second, "the metrics counting the resource OK", gaugesAre(w.MetricsAddr(), healthy))
	if alerts, bad := hook.received(); len(alerts)+len(bad) != 0 {
		t.Fatalf("webhook received %d alerts and %v before any breach: %+v", len(alerts), bad, alerts)
	}
	step("1. OK everywhere")

	// 2. The worker stops. The report reads AWS, whose clock moves on: AT_RISK a quarter
	// of the RPO before the deadline, then BREACH.
	w.Stop()
	t.Logf("worker stopped %s (AWS time) after the source was created", stack.Emulator.Emulator.Now().Sub(sourceCreated).Round(time.Minute))
	waitFor(t, 30*time.Second, "the report's row AT_RISK", func() bool {
		got = row()
		if got.State == model.RpoBreach {
			t.Fatalf("the report went from OK to BREACH without AT_RISK: %+v", got)
		}
		return got.State == model.RpoAtRisk
	})
	if !got.Deadline.Equal(sourceCreated.Add(rpo)) || got.NewestCopy.DestinationRecoveryPointArn != first.DestinationRecoveryPointArn {
		t.Errorf("AT_RISK row: deadline %s (want %s), newest copy %+v", got.Deadline, sourceCreated.Add(rpo), got.NewestCopy)
	}
	waitFor(t, 30*time.Second, "the report's row BREACH", func() bool {
		got = row()
		return got.State == model.RpoBreach
	})
	mustContain(t, "the BREACH row's reason", got.StateReason, "longer than the RPO of "+rpo.String())

	// Nothing polls the queue: the chain's timer has fired on the server, its workflow
	// task waits unstarted, and visibility still says what the worker last published.
	waitFor(t, 15*time.Second, "the chain's workflow task waiting for a worker", func() bool {
		d, err := stack.Client.DescribeWorkflowExecution(ctx, chainID, "")
		return err == nil && d.GetPendingWorkflowTask().GetState() == enumspb.PENDING_WORKFLOW_TASK_STATE_SCHEDULED
	})
	if state, _, _, err := chainRpo(ctx, chainID); err != nil || state != model.RpoOK {
		t.Errorf("RpoState %q (%v) while no worker runs, want OK still", state, err)
	}
	if alerts, _ := hook.received(); len(alerts) != 0 {
		t.Errorf("webhook received %+v while no worker runs", alerts)
	}
	step("2. worker stopped, report AT_RISK then BREACH")

	// 3. The worker starts again: the chain's timer is handled, BREACH everywhere.
	w = startRpoWorker(t, hook.url)
	waitFor(t, time.Minute, "RpoState BREACH in visibility", chainIn(model.RpoBreach))
	if _, deadline, _, err := chainRpo(ctx, chainID); err != nil || deadline.Sub(got.Deadline).Abs() > time.Second {
		t.Errorf("RpoDeadline %s (%v), want the report's %s", deadline, err, got.Deadline)
	}
	waitFor(t, 30*time.Second, "the BREACH alert", func() bool { a, _ := hook.received(); return len(a) >= 1 })
	alerts, _ := hook.received()
	breach := alerts[0]
	if breach.State != model.RpoBreach || !slices.Contains([]string{model.RpoOK, model.RpoAtRisk}, breach.PreviousState) ||
		breach.ChainID != chainID || breach.ResourceArn != v.VolumeArn || breach.DestinationRegion != dst ||
		breach.Plan != planName || breach.RpoMinutes != rpoMinutes || breach.NewestCopyArn != first.DestinationRecoveryPointArn ||
		!strings.HasPrefix(breach.Text, "RPO BREACH: "+v.VolumeArn) || !strings.Contains(breach.Text, "24h RPO") {
		t.Errorf("BREACH alert: %+v", breach)
	}
	waitFor(t, 15*time.Second, "the metrics counting the resource in BREACH", gaugesAre(w.MetricsAddr(), inBreach))
	step("3. worker started, BREACH everywhere")

	// 4. The plan's next backup is copied: OK everywhere, and the recovery is alerted.
	second := runPlan(t, planName)
	if second.ChainWorkflowId != chainID || second.Kind != model.CopyIncremental {
		t.Errorf("second copy: chain %s, kind %s; want chain %s, INCREMENTAL", second.ChainWorkflowId, second.Kind, chainID)
	}
	waitFor(t, 15*time.Second, "RpoState OK in visibility after the new copy", chainIn(model.RpoOK))
	got = row()
	if got.State != model.RpoOK || got.NewestCopy == nil || got.NewestCopy.DestinationRecoveryPointArn != second.DestinationRecoveryPointArn ||
		!got.Deadline.After(sourceCreated.Add(rpo)) {
		t.Errorf("report after the new copy %s: %+v", second.DestinationRecoveryPointArn, got)
	}
	waitFor(t, 15*time.Second, "the metrics counting the resource OK again", gaugesAre(w.MetricsAddr(), healthy))
	waitFor(t, 30*time.Second, "the recovery alert", func() bool { a, _ := hook.received(); return len(a) >= 2 })
	alerts, bad := hook.received()
	recovered := alerts[1]
	if len(alerts) != 2 || len(bad) != 0 || recovered.State != model.RpoOK || recovered.PreviousState != model.RpoBreach ||
		recovered.ChainID != chainID || recovered.NewestCopyArn != second.DestinationRecoveryPointArn ||
		!strings.HasPrefix(recovered.Text, "RPO OK (was BREACH): "+v.VolumeArn) {
		t.Errorf("alerts after the recovery: %+v (and %v); want BREACH then OK (was BREACH) once each", alerts, bad)
	}
	step("4. new copy, OK everywhere")
}

// applyRpoPlan applies a plan on rpoQueue that backs v up into its vault and copies it
// to dst with rpoMinutes; its yearly schedule never fires during the test, so its only
// runs are the ones the test triggers.
func applyRpoPlan(t *testing.T, planName string, v *volume, dst string, rpoMinutes int) {
	t.Helper()
	plan := fmt.Sprintf(`{
  "BackupPlan": {"BackupPlanName": %q, "Rules": [{"RuleName": "yearly", "TargetBackupVaultName": %q,
    "ScheduleExpression": "cron(0 0 1 1 ? *)", "Lifecycle": {"DeleteAfterDays": 35},
    "CopyActions": [{"DestinationBackupVaultArn": %q, "Lifecycle": {"DeleteAfterDays": 35}}]}]},
  "BackupSelection": {"SelectionName": "one-volume", "IamRoleArn": %q, "Resources": [%q]},
  "RegionCopy": {"SourceRegion": %q, "Destinations": [{"DestinationBackupVaultArn": %q, "RpoMinutes": %d}]}
}`, planName, v.VaultName, vaultArn(dst), v.IamRoleArn, v.VolumeArn, v.SourceRegion, vaultArn(dst), rpoMinutes)
	file := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(file, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := regioncopy(t, time.Minute, "--address", stack.Temporal.Address, "plan", "apply", "-f", file, "--task-queue", rpoQueue); r.code != cli.ExitOK {
		t.Fatalf("plan apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// runPlan triggers one run of the plan, waits for it, and answers the copy it proves
// landed (the plan has one resource and one destination).
func runPlan(t *testing.T, planName string) model.PlanRunCopy {
	t.Helper()
	r := regioncopy(t, time.Minute, "--address", stack.Temporal.Address, "plan", "trigger", planName, "--output", "json")
	var trig struct{ Triggered []struct{ WorkflowId string } }
	if r.code != cli.ExitOK || decodeJSON(r.stdout, &trig) != nil || len(trig.Triggered) != 1 || trig.Triggered[0].WorkflowId == "" {
		t.Fatalf("plan trigger: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var res model.PlanRunResult
	if err := stack.Client.GetWorkflow(ctx, trig.Triggered[0].WorkflowId, "").Get(ctx, &res); err != nil {
		t.Fatalf("plan run %s: %v", trig.Triggered[0].WorkflowId, err)
	}
	if res.State != model.PlanRunCompleted || res.Landings.Landed != 1 || len(res.Copies) != 1 ||
		res.Copies[0].Landing != model.PlanCopyLanded || res.Copies[0].DestinationRecoveryPointArn == "" {
		t.Fatalf("plan run %s: %+v, want COMPLETED with one copy landed", trig.Triggered[0].WorkflowId, res)
	}
	return res.Copies[0]
}

// startRpoWorker runs the real worker in this process on rpoQueue, as deployed but for
// the emulator: Prometheus on a free port, the RPO gauges collected every second, alerts
// posted to webhook. It is stopped at the end of the test if still running.
func startRpoWorker(t *testing.T, webhook string) *worker.Running {
	t.Helper()
	cfg := stack.WorkerConfig()
	cfg.TaskQueue = rpoQueue
	cfg.MetricsListen = "127.0.0.1:0"
	cfg.RpoMetricsInterval = time.Second
	cfg.AlertWebhookURL = webhook
	cfg.ShutdownGrace = 5 * time.Second
	w, err := worker.Start(context.Background(), cfg, stack.Client, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}
