package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// The plan run scenario backs up from a Region of its own into one destination.
const (
	planRunSource      = "ap-northeast-1"
	planRunDestination = "eu-west-1"
	// planStartWindow is AWS's default start window, which the scenario's rule keeps.
	planStartWindow = 8 * time.Hour
)

// PlanRunResult is the plan run scenario's figures: one nominal run of a rule over
// Resources volumes whose copies each take CopyLength, under AWS's default windows.
type PlanRunResult struct {
	Resources  int
	CopyLength Duration
	// StartWindow is the rule's start window (AWS's default).
	StartWindow Duration
	// BackupJobs are the backup jobs the emulator holds for the scenario's volumes;
	// StartedInWindow those created before the nominal time plus the start window, on
	// the emulator's clock. LastStart is the latest creation after the nominal time.
	BackupJobs      int
	StartedInWindow int
	LastStart       Duration
	// The run's own tallies.
	State            string
	BackupsCompleted int
	BackupsMissed    int
	CopiesLanded     int
	Failed           int
	// RunTook is the run's length on the emulator's clock: its copies had landed then.
	RunTook Duration
	// ResultBytes is the size of the run's JSON result, which lists at most
	// model.MaxPlanRunCopies copies and model.MaxPlanRunFailures failures.
	ResultBytes int
}

// runPlanRun runs one PlanRun over o.PlanResources volumes as a schedule would start it
// and counts the backups AWS started within the start window.
func runPlanRun(ctx context.Context, e *env, o Options) (PlanRunResult, error) {
	res := PlanRunResult{Resources: o.PlanResources, CopyLength: Duration(o.PlanCopyLength), StartWindow: Duration(planStartWindow)}
	if err := e.createVaults(ctx, planRunSource, planRunDestination); err != nil {
		return res, err
	}
	// A full copy moves the whole volume at copyBandwidth: its size sets the copy's length.
	// Backups run at backupBandwidth and take a second or two of emulated time.
	seeds := make([]emulator.ResourceSeed, o.PlanResources)
	arns := make([]string, o.PlanResources)
	for i := range seeds {
		arns[i] = volumeArn(planRunSource, i)
		seeds[i] = emulator.ResourceSeed{ResourceArn: arns[i], SizeBytes: int64(o.PlanCopyLength.Seconds() * copyBandwidth), DailyWriteRate: 0.05}
	}
	if err := e.emu.SeedResources(seeds); err != nil {
		return res, err
	}
	in := model.PlanRunInput{
		Plan: "bench", Rule: "scale", Revision: "bench",
		SourceRegion: planRunSource, ScheduleExpression: "cron(0 5 * * ? *)",
		BackupVaultName: vaultName, IamRoleArn: iamRole,
		CopyActions: []model.PlanCopyAction{{DestinationBackupVaultArn: vaultArn(planRunDestination)}},
		Selection:   &model.PlanSelection{SelectionName: "volumes", Resources: arns},
	}
	nominal := time.Now().UTC().Truncate(time.Second)
	emuNominal := e.emu.Now()
	run, err := e.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                    fmt.Sprintf("bench/planrun/%d", o.PlanResources),
		TaskQueue:             taskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime").ValueSet(nominal)),
		StaticSummary:         fmt.Sprintf("bench: plan run of %d volumes with %s copies", o.PlanResources, o.PlanCopyLength),
	}, model.WorkflowPlanRun, in)
	if err != nil {
		return res, fmt.Errorf("start the plan run: %w", err)
	}
	var out model.PlanRunResult
	if err := run.Get(ctx, &out); err != nil {
		return res, fmt.Errorf("plan run: %w", err)
	}
	res.RunTook = Duration(e.emu.Now().Sub(emuNominal).Round(time.Minute))
	res.State, res.BackupsCompleted, res.BackupsMissed = out.State, out.Tally.BackupsCompleted, out.Tally.BackupsMissed
	res.CopiesLanded, res.Failed = out.Landings.Landed, out.Tally.Failed
	if b, err := json.Marshal(out); err == nil {
		res.ResultBytes = len(b)
	}

	windowEnd := emuNominal.Add(planStartWindow)
	pages := backup.NewListBackupJobsPaginator(e.stack.Emulator.Client(planRunSource), &backup.ListBackupJobsInput{ByBackupVaultName: aws.String(vaultName)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return res, fmt.Errorf("list the backup jobs: %w", err)
		}
		for _, j := range page.BackupJobs {
			created := aws.ToTime(j.CreationDate)
			res.BackupJobs++
			if created.Before(windowEnd) {
				res.StartedInWindow++
			}
			if d := Duration(created.Sub(emuNominal).Round(time.Second)); d > res.LastStart {
				res.LastStart = d
			}
		}
	}
	return res, nil
}

// maxPlanRunResultBytes is Temporal's payload size warning, which a run's result (and
// the progress it carries across continue-as-new) must stay under.
const maxPlanRunResultBytes = 256 << 10

// checks are the scenario's targets: every backup started within the start window,
// none missed, every copy landed and the run COMPLETED with a small result.
func (p PlanRunResult) checks() []Check {
	name := fmt.Sprintf("plan run of %d resources with %s copies", p.Resources, p.CopyLength)
	return []Check{
		{Name: name + ": backups started within the start window", Target: fmt.Sprint(p.Resources),
			Measured: fmt.Sprintf("%d of %d jobs (last %s after the nominal time)", p.StartedInWindow, p.BackupJobs, p.LastStart),
			Pass:     p.StartedInWindow == p.Resources && p.BackupJobs == p.Resources},
		{Name: name + ": backups missed", Target: "0", Measured: fmt.Sprint(p.BackupsMissed), Pass: p.BackupsMissed == 0},
		{Name: name + ": copies landed, run COMPLETED", Target: fmt.Sprintf("%d, COMPLETED", p.Resources),
			Measured: fmt.Sprintf("%d, %s", p.CopiesLanded, p.State), Pass: p.CopiesLanded == p.Resources && p.State == model.PlanRunCompleted},
		{Name: name + ": size of the run's result", Target: fmt.Sprintf("< %d B (Temporal's payload warning)", maxPlanRunResultBytes),
			Measured: fmt.Sprintf("%d B", p.ResultBytes), Pass: p.ResultBytes > 0 && p.ResultBytes < maxPlanRunResultBytes},
	}
}

// markdown is the scenario's table and its pass/fail line.
func (p PlanRunResult) markdown() string {
	verdict := "PASS"
	for _, c := range p.checks() {
		if !c.Pass {
			verdict = "FAIL"
		}
	}
	return fmt.Sprintf("## Plan run of %d resources with %s copies (start window %s)\n\n"+
		"| backup jobs | started within the start window | last start after the nominal time | missed | backups completed | copies landed | failed | run | run took (emulated) | result size |\n|---|---|---|---|---|---|---|---|---|---|\n"+
		"| %d | %d | %s | %d | %d | %d | %d | %s | %s | %d B |\n\n"+
		"Target: every backup started within the start window, missed = 0. %s.\n\n",
		p.Resources, p.CopyLength, p.StartWindow, p.BackupJobs, p.StartedInWindow, p.LastStart, p.BackupsMissed,
		p.BackupsCompleted, p.CopiesLanded, p.Failed, p.State, p.RunTook, p.ResultBytes, verdict)
}
