package planrun_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/plan"
	"github.com/regioncopy/regioncopy/schedules"
	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/worker"
	"github.com/regioncopy/regioncopy/workflows/planrun"
)

const (
	east = "us-east-1"
	role = "arn:aws:iam::123456789012:role/backup"
	// timeScale: one emulated hour per wall-clock second, so consecutive hourly runs a
	// second or two apart are hours apart on AWS's clock, as on a real hourly plan.
	timeScale  = 3600
	hourlyRuns = 4
)

func emuVaultArn(region, name string) string {
	return "arn:aws:backup:" + region + ":123456789012:backup-vault:" + name
}

// TestHourlyPlanCopiesEveryBackupFullThenIncremental is the time-compressed plan run:
// the real dev server, the real worker and the emulator; an hourly rule over three
// volumes with copy actions to two Regions runs for several consecutive nominal hours.
// Every backup must be copied to both destinations, the first copy of each volume into
// each vault full and every later one incremental, as each run's result proves copy by
// copy (a run ends when its copies have landed), as the chains record it and as the
// emulator counted it.
func TestHourlyPlanCopiesEveryBackupFullThenIncremental(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv, emu, taskQueue := startStack(t, ctx, emulator.Config{TimeScale: timeScale})

	volumes := []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000a",
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000b",
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000000c",
	}
	destinations := []string{emuVaultArn("eu-west-1", "dr"), emuVaultArn("us-west-2", "dr2")}
	in := model.PlanRunInput{
		Plan: "hourly-dr", Rule: "every-hour", Revision: "test",
		SourceRegion: east, ScheduleExpression: "cron(0 * * * ? *)",
		BackupVaultName: "primary", IamRoleArn: role,
		// Both windows are 24 emulated hours, 24 s here. Runs go one after another, each
		// waiting for its copies, which land in a second or two; on a loaded machine a run
		// can end after the next run's nominal time, and AWS's default start window (8 s
		// here) or a tight completion window would then fail the test on the load, not on
		// a bug. The windows themselves are tested in planrun_test.go.
		StartWindowMinutes:      1440,
		CompletionWindowMinutes: 1440,
		CopyActions:             []model.PlanCopyAction{{DestinationBackupVaultArn: destinations[0]}, {DestinationBackupVaultArn: destinations[1]}},
		Selection:               &model.PlanSelection{SelectionName: "volumes", Resources: volumes},
	}

	// One run per nominal hour, started at its nominal time as the rule's schedule would
	// start it, with the schedule's TemporalScheduledStartTime marking that time.
	hour := time.Duration(float64(time.Hour) / timeScale)
	first := time.Now().UTC().Truncate(time.Second).Add(time.Second)
	for k := range hourlyRuns {
		nominal := first.Add(time.Duration(k) * hour)
		time.Sleep(time.Until(nominal))
		id := fmt.Sprintf("plan/hourly-dr/every-hour/%d", k)
		res := runPlanAt(t, ctx, srv, taskQueue, id, nominal, in)
		want := model.PlanRunTally{Resources: 3, BackupsCompleted: 3, CopiesEnqueued: 6}
		if res.State != model.PlanRunCompleted || res.Tally != want || !res.NominalTime.Equal(nominal) {
			t.Fatalf("run %d: %+v, want COMPLETED at %s with %+v", k, res, nominal, want)
		}
		// The result proves every copy: landed, FULL in the first run and INCREMENTAL
		// after, with its job, destination recovery point, size and completion time.
		if res.Landings != (model.PlanRunLandingTally{Landed: 6}) || len(res.Copies) != 6 {
			t.Fatalf("run %d: landings %+v and %d copies listed, want all 6 landed: %+v", k, res.Landings, len(res.Copies), res.Copies)
		}
		wantKind := model.CopyIncremental
		if k == 0 {
			wantKind = model.CopyFull
		}
		seen := map[string]bool{}
		for _, c := range res.Copies {
			seen[c.ResourceArn+" -> "+c.DestinationBackupVaultArn] = true
			if c.Landing != model.PlanCopyLanded || c.Kind != wantKind || c.CopyJobId == "" || c.BackupSizeInBytes <= 0 ||
				model.RegionFromArn(c.DestinationRecoveryPointArn) != model.RegionFromArn(c.DestinationBackupVaultArn) ||
				c.CompletedAt.IsZero() || c.SourceRecoveryPointArn == "" {
				t.Errorf("run %d copy %+v, want a landed %s copy with its proof", k, c, wantKind)
			}
		}
		for _, vol := range volumes {
			for _, dst := range destinations {
				if !seen[vol+" -> "+dst] {
					t.Errorf("run %d lists no copy of %s to %s", k, vol, dst)
				}
			}
		}
		desc, err := srv.Client.DescribeWorkflow(ctx, id, "")
		if err != nil {
			t.Fatal(err)
		}
		plan, _ := desc.TypedSearchAttributes.GetKeyword(model.PlanKey)
		state, _ := desc.TypedSearchAttributes.GetKeyword(model.CopyStateKey)
		copies, _ := desc.TypedSearchAttributes.GetInt64(model.CopyCountKey)
		if plan != "hourly-dr" || state != model.PlanRunCompleted || copies != 6 {
			t.Errorf("run %d search attributes: Plan=%q CopyState=%q CopyCount=%d", k, plan, state, copies)
		}
		if k == 1 {
			// A run that is not the first, and one of its children (which waited for its
			// copies to land), as the server recorded them, replay against the current
			// code.
			temporaltest.ReplayAndKeep(t, ctx, srv.Client, planrun.Register, id, "planrun-landed.json")
			child := fmt.Sprintf("planrun/hourly-dr/every-hour/%s/%s", nominal.UTC().Format(time.RFC3339), volumes[0])
			temporaltest.ReplayAndKeep(t, ctx, srv.Client, planrun.Register, child, "planresource-landed.json")
		}
	}

	// Every chain ends with one completed copy per run: the first FULL, the rest
	// INCREMENTAL, oldest source first.
	for _, vol := range volumes {
		for _, dst := range destinations {
			id, records := chainRecords(t, ctx, srv.Client, vol, dst, hourlyRuns)
			if completed(records) != hourlyRuns || len(records) != hourlyRuns {
				t.Fatalf("chain %s holds %d records (%d completed), want %d completed copies: %+v", id, len(records), completed(records), hourlyRuns, records)
			}
			for i, r := range records {
				want := model.CopyIncremental
				if i == 0 {
					want = model.CopyFull
				}
				if r.Kind != want {
					t.Errorf("chain %s copy %d of %s is %s, want %s", id, i+1, r.SourceRecoveryPointArn, r.Kind, want)
				}
			}
		}
	}

	c := emu.Emulator.Counters()
	pairs := int64(len(volumes) * len(destinations))
	if c.BackupJobs != int64(hourlyRuns*len(volumes)) || c.CopyJobs != hourlyRuns*pairs {
		t.Errorf("emulator saw %d backup jobs and %d copy jobs, want %d and %d", c.BackupJobs, c.CopyJobs, hourlyRuns*len(volumes), hourlyRuns*pairs)
	}
	if c.FullCopies != pairs || c.IncrementalCopies != (hourlyRuns-1)*pairs {
		t.Errorf("emulator counted %d full and %d incremental copies, want %d and %d", c.FullCopies, c.IncrementalCopies, pairs, (hourlyRuns-1)*pairs)
	}
	for _, dst := range destinations {
		if n := c.RecoveryPointsPerVault[dst]; n != hourlyRuns*int64(len(volumes)) {
			t.Errorf("vault %s holds %d recovery points, want %d", dst, n, hourlyRuns*len(volumes))
		}
	}
}

func completed(records []model.CopyRecord) int {
	n := 0
	for _, r := range records {
		if r.State == model.JobCompleted {
			n++
		}
	}
	return n
}

// startStack starts the dev server, an emulator built from emuCfg with a source vault
// and two destination vaults, and the real worker (on the emulator's time scale)
// pointed at both.
// hourlyPlanOver is rule "hourly" of plan, backing volumes up into vault primary of
// us-east-1 and handing each backup to actions, with start and completion windows of 24
// emulated hours (24 s at timeScale) so that a loaded machine does not fail the test.
func hourlyPlanOver(plan string, actions []model.PlanCopyAction, volumes ...string) model.PlanRunInput {
	return model.PlanRunInput{
		Plan: plan, Rule: "hourly", Revision: "test",
		SourceRegion: east, ScheduleExpression: "cron(0 * * * ? *)",
		BackupVaultName: "primary", IamRoleArn: role,
		StartWindowMinutes: 1440, CompletionWindowMinutes: 1440,
		CopyActions: actions,
		Selection:   &model.PlanSelection{SelectionName: "volumes", Resources: volumes},
	}
}

// runPlanAt runs a PlanRun with id at its nominal time, as the rule's schedule would
// start it (TemporalScheduledStartTime marks that time), and returns its result.
func runPlanAt(t *testing.T, ctx context.Context, srv *temporaltest.Server, taskQueue, id string, nominal time.Time, in model.PlanRunInput) model.PlanRunResult {
	t.Helper()
	run, err := srv.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: id, TaskQueue: taskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime").ValueSet(nominal)),
	}, model.WorkflowPlanRun, in)
	if err != nil {
		t.Fatal(err)
	}
	var res model.PlanRunResult
	if err := run.Get(ctx, &res); err != nil {
		t.Fatalf("plan run %s: %v", id, err)
	}
	return res
}

func startStack(t *testing.T, ctx context.Context, emuCfg emulator.Config) (*temporaltest.Server, *emulatortest.Server, string) {
	t.Helper()
	srv := temporaltest.Start(t)
	emu := emulatortest.Start(t, emuCfg)
	vaults := map[string]string{east: "primary", "eu-west-1": "dr", "us-west-2": "dr2"}
	for region, name := range vaults {
		if _, err := emu.Client(region).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	awsCfg := emu.AWSConfig(east)
	cfg := worker.DefaultConfig()
	cfg.TaskQueue = "planrun-test"
	cfg.Namespace = srv.Namespace
	cfg.MetricsListen = worker.MetricsOff
	cfg.TimeScale = max(emuCfg.TimeScale, 1)
	cfg.ShutdownGrace = 5 * time.Second
	cfg.AWS = &awsCfg
	running, err := worker.Start(ctx, cfg, srv.Client, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(running.Stop)
	return srv, emu, cfg.TaskQueue
}

// chainRecords waits until the chain of vol into dst holds n completed copies (or 30 s
// pass) and returns its records, oldest source first.
func chainRecords(t *testing.T, ctx context.Context, c client.Client, vol, dst string, n int) (string, []model.CopyRecord) {
	t.Helper()
	id := model.ChainWorkflowID(model.ChainKey{ResourceArn: vol, SourceRegion: east, DestinationRegion: model.RegionFromArn(dst), DestinationBackupVaultArn: dst})
	var records []model.CopyRecord
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		records = nil
		if v, err := c.QueryWorkflow(ctx, id, "", model.QueryCopies); err == nil {
			if err := v.Get(&records); err != nil {
				t.Fatal(err)
			}
		}
		if completed(records) >= n || time.Now().After(deadline) {
			break
		}
	}
	slices.SortFunc(records, func(a, b model.CopyRecord) int { return a.SourceCreationDate.Compare(b.SourceCreationDate) })
	return id, records
}

// TestTriggeredPlanScheduleBacksUpAndCopies applies a plan file as Temporal Schedules,
// triggers its rule as `regioncopy plan trigger` does, and checks that the schedule's
// PlanRun (its nominal time read from the schedule) backed up every selected volume and
// that every backup landed, as a full first copy, in both destination vaults.
func TestTriggeredPlanScheduleBacksUpAndCopies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	srv, emu, taskQueue := startStack(t, ctx, emulator.Config{TimeScale: timeScale})

	volumes := []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000001a",
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000001b",
	}
	destinations := []string{emuVaultArn("eu-west-1", "dr"), emuVaultArn("us-west-2", "dr2")}
	// A yearly rule, so the schedule never fires on its own during the test.
	file := fmt.Sprintf(`{
  "BackupPlan": {
    "BackupPlanName": "triggered",
    "Rules": [{
      "RuleName": "yearly",
      "TargetBackupVaultName": "primary",
      "ScheduleExpression": "cron(0 5 1 1 ? *)",
      "RecoveryPointTags": {"team": "dr"},
      "CopyActions": [
        {"DestinationBackupVaultArn": %q},
        {"DestinationBackupVaultArn": %q}
      ]
    }]
  },
  "BackupSelection": {
    "SelectionName": "volumes",
    "IamRoleArn": %q,
    "Resources": [%q, %q]
  }
}`, destinations[0], destinations[1], role, volumes[0], volumes[1])
	f, err := plan.Parse("plan.json", []byte(file), plan.Options{DefaultRegion: east})
	if err != nil {
		t.Fatal(err)
	}
	m := schedules.NewManager(srv.Client, schedules.Options{TaskQueue: taskQueue, DefaultRegion: east})
	if _, err := m.Apply(ctx, f, false); err != nil {
		t.Fatal(err)
	}
	triggeredAt := time.Now()
	if err := m.Trigger(ctx, "triggered", "yearly"); err != nil {
		t.Fatal(err)
	}

	h := srv.Client.ScheduleClient().GetHandle(ctx, schedules.ScheduleID("triggered", "yearly"))
	var runID string
	for deadline := time.Now().Add(20 * time.Second); runID == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		desc, err := temporalclient.DescribeSchedule(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(desc.Info.RecentActions); n > 0 {
			runID = desc.Info.RecentActions[n-1].StartWorkflowResult.WorkflowID
		}
	}
	if runID == "" {
		t.Fatal("the triggered schedule started no run")
	}
	var res model.PlanRunResult
	if err := srv.Client.GetWorkflow(ctx, runID, "").Get(ctx, &res); err != nil {
		t.Fatalf("run %s: %v", runID, err)
	}
	want := model.PlanRunTally{Resources: 2, BackupsCompleted: 2, CopiesEnqueued: 4}
	if res.State != model.PlanRunCompleted || res.Tally != want || res.Landings != (model.PlanRunLandingTally{Landed: 4}) {
		t.Fatalf("run %s: %+v, want COMPLETED with %+v and every copy landed", runID, res, want)
	}
	if d := res.NominalTime.Sub(triggeredAt); d < -time.Second || d > 10*time.Second {
		t.Errorf("nominal time %s is not the trigger's time %s", res.NominalTime, triggeredAt)
	}
	for _, vol := range volumes {
		for _, dst := range destinations {
			id, records := chainRecords(t, ctx, srv.Client, vol, dst, 1)
			if len(records) != 1 || records[0].State != model.JobCompleted || records[0].Kind != model.CopyFull {
				t.Errorf("chain %s: %+v, want one completed FULL copy", id, records)
			}
		}
	}
	// The rule's RecoveryPointTags reached AWS with each backup.
	for _, c := range res.Copies {
		tags, err := emu.Client(east).ListTags(ctx, &backup.ListTagsInput{ResourceArn: aws.String(c.SourceRecoveryPointArn)})
		if err != nil || tags.Tags["team"] != "dr" || len(tags.Tags) != 1 {
			t.Errorf("recovery point %s of %s carries tags %v (%v), want team=dr", c.SourceRecoveryPointArn, c.ResourceArn, tags, err)
		}
	}
	if c := emu.Emulator.Counters(); c.BackupJobs != 2 || c.FullCopies != 4 {
		t.Errorf("emulator saw %d backup jobs and %d full copies, want 2 and 4", c.BackupJobs, c.FullCopies)
	}
}

// TestCopyOnlyPlanCopiesTheVaultsNewPoints watches a vault a native AWS Backup plan
// fills: a copy-only run copies each recovery point that appeared since the previous
// nominal run to both destinations, and a second run whose window overlaps the first
// hands the same points over again without a second copy job, because the chains
// answer an order for a point they already copied with its record.
//
// The emulator runs on the wall clock here: a copy-only run compares the vault's AWS
// timestamps with its nominal time, which a scaled emulator clock would put apart.
func TestCopyOnlyPlanCopiesTheVaultsNewPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Small volumes and fast links, so that copies take a fraction of a second.
	srv, emu, taskQueue := startStack(t, ctx, emulator.Config{DefaultResourceSize: 16 << 20, CopyBandwidth: 1 << 30, BackupBandwidth: 1 << 30})

	volumes := []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000002a",
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000000000002b",
	}
	// The native plan's backups.
	for i, vol := range volumes {
		out, err := emu.Client(east).StartBackupJob(ctx, &backup.StartBackupJobInput{
			BackupVaultName: aws.String("primary"), ResourceArn: aws.String(vol), IamRoleArn: aws.String(role),
			IdempotencyToken: aws.String(fmt.Sprintf("native-%d", i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			job, err := emu.Client(east).DescribeBackupJob(ctx, &backup.DescribeBackupJobInput{BackupJobId: out.BackupJobId})
			if err != nil {
				t.Fatal(err)
			}
			if job.State == "COMPLETED" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("native backup of %s is %s", vol, job.State)
			}
		}
	}

	destinations := []string{emuVaultArn("eu-west-1", "dr"), emuVaultArn("us-west-2", "dr2")}
	in := model.PlanRunInput{
		Plan: "native-dr", Rule: "hourly", Revision: "test", CopyOnly: true,
		SourceRegion: east, ScheduleExpression: "cron(0 * * * ? *)",
		BackupVaultName: "primary", IamRoleArn: role,
		CopyActions: []model.PlanCopyAction{{DestinationBackupVaultArn: destinations[0]}, {DestinationBackupVaultArn: destinations[1]}},
	}
	for k := range 2 {
		time.Sleep(time.Second)
		nominal := time.Now().UTC().Truncate(time.Second)
		res := runPlanAt(t, ctx, srv, taskQueue, fmt.Sprintf("plan/native-dr/hourly/%d", k), nominal, in)
		want := model.PlanRunTally{Resources: 2, CopiesEnqueued: 4}
		if res.State != model.PlanRunCompleted || res.Tally != want {
			t.Fatalf("run %d: %+v, want COMPLETED with %+v", k, res, want)
		}
		// The second run's orders are answered with the first run's copies: the same
		// FULL copy jobs prove them.
		for _, c := range res.Copies {
			if c.Landing != model.PlanCopyLanded || c.Kind != model.CopyFull || c.CopyJobId == "" {
				t.Errorf("run %d copy %+v, want the landed FULL copy", k, c)
			}
		}
		if len(res.Copies) != 4 {
			t.Errorf("run %d lists %d copies, want 4", k, len(res.Copies))
		}
		for _, vol := range volumes {
			for _, dst := range destinations {
				id, records := chainRecords(t, ctx, srv.Client, vol, dst, 1)
				if len(records) != 1 || records[0].State != model.JobCompleted || records[0].Kind != model.CopyFull {
					t.Errorf("after run %d chain %s holds %+v, want one completed FULL copy", k, id, records)
				}
			}
		}
	}
	if c := emu.Emulator.Counters(); c.BackupJobs != 2 || c.CopyJobs != 4 {
		t.Errorf("emulator saw %d backup jobs and %d copy jobs, want the 2 native backups and 4 copies", c.BackupJobs, c.CopyJobs)
	}
}
