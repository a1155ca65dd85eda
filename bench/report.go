package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/plan"
	"github.com/regioncopy/regioncopy/report"
	"github.com/regioncopy/regioncopy/schedules"
	rccli "github.com/regioncopy/regioncopy/starter/cli"
)

// The report scenario's Regions: its source has no other scenario's jobs.
const reportSource = "ca-central-1"

var reportDestinations = []string{"eu-west-1", "us-west-2", "ap-southeast-1"}

// reportChainDestination is where the scenario's chains copy: a Region of their own, so
// that a report on it holds the chains' rows alone.
const reportChainDestination = "us-east-2"

// maxReportTook is the report scenario's target: `regioncopy report` over 10,000
// resources and 3 destinations within 10 s on the emulator (the one wall-clock target).
const maxReportTook = 10 * time.Second

// ReportResult is the report scenario's figures: `regioncopy report` over a plan whose
// selection covers Resources tagged volumes, each copied once to every destination.
type ReportResult struct {
	Resources    int
	Destinations int
	Rows         int
	States       map[string]int
	ExitCode     int
	// AWSCalls are the emulator's calls per operation during the report alone.
	AWSCalls map[string]int64
	// RecordsRead counts the chains whose records the report read.
	RecordsRead int
	SeedTook    Duration
	ReportTook  Duration
	// ReportCPU is the CPU time this process spent meanwhile: the report and the
	// emulator answering it (both run here), a figure the shared machine's load
	// inflates less than the wall time.
	ReportCPU Duration
	// JSONBytes is the size of the report's JSON.
	JSONBytes int
	// Chains copied one volume each through regioncopy (a chain each); the report over
	// their destination read SuspectRecordsRead chains' records by the cheap check in
	// SuspectTook, and every chain's (--records all) in AllRecordsTook.
	Chains             int
	ChainRows          int
	ChainFindings      int
	SuspectRecordsRead int
	SuspectTook        Duration
	AllRecordsRead     int
	AllRecordsTook     Duration
}

// runReport seeds o.ReportResources tagged volumes in reportSource, backs each up once
// and copies it to every destination through the AWS Backup API (as AWS Backup itself
// would), applies a plan selecting them by tag with an RPO on every destination, and
// times `regioncopy report --output json`.
func runReport(ctx context.Context, e *env, o Options) (ReportResult, error) {
	res := ReportResult{Resources: o.ReportResources, Destinations: len(reportDestinations)}
	seeded := time.Now()
	if err := e.createVaults(ctx, append([]string{reportSource}, reportDestinations...)...); err != nil {
		return res, err
	}
	seeds := make([]emulator.ResourceSeed, o.ReportResources)
	for i := range seeds {
		seeds[i] = emulator.ResourceSeed{ResourceArn: volumeArn(reportSource, 0xe000000+i), SizeBytes: 1 << 20, Tags: map[string]string{"report": "bench"}}
	}
	if err := e.emu.SeedResources(seeds); err != nil {
		return res, err
	}
	// One transport for the scenario's parallel calls, whose idle connections are closed
	// at the end: a connection dialled for a call that another took over is never used,
	// and the emulator's shutdown would wait for it as for a call in flight.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	awsConfig := func(region string) aws.Config {
		cfg := e.stack.Emulator.AWSConfig(region)
		cfg.HTTPClient = &http.Client{Transport: transport}
		return cfg
	}
	src := backup.NewFromConfig(awsConfig(reportSource))
	points := make([]string, len(seeds))
	if err := parallel(ctx, len(seeds), func(i int) error {
		out, err := src.StartBackupJob(ctx, &backup.StartBackupJobInput{BackupVaultName: aws.String(vaultName),
			ResourceArn: aws.String(seeds[i].ResourceArn), IamRoleArn: aws.String(iamRole), IdempotencyToken: aws.String(fmt.Sprint("report-", i))})
		if err == nil {
			points[i] = aws.ToString(out.RecoveryPointArn)
		}
		return err
	}); err != nil {
		return res, fmt.Errorf("back up: %w", err)
	}
	e.emu.Advance(time.Minute)
	if err := parallel(ctx, len(seeds)*len(reportDestinations), func(i int) error {
		_, err := src.StartCopyJob(ctx, &backup.StartCopyJobInput{RecoveryPointArn: aws.String(points[i/len(reportDestinations)]),
			SourceBackupVaultName: aws.String(vaultName), DestinationBackupVaultArn: aws.String(vaultArn(reportDestinations[i%len(reportDestinations)])),
			IamRoleArn: aws.String(iamRole), IdempotencyToken: aws.String(fmt.Sprint("report-copy-", i))})
		return err
	}); err != nil {
		return res, fmt.Errorf("copy: %w", err)
	}
	e.emu.Advance(time.Hour)
	// The emulator ends jobs on the first call after its clock moves: one call here, so
	// that ending 30,000 copy jobs is seeding, not part of the report's time.
	if _, err := src.DescribeBackupVault(ctx, &backup.DescribeBackupVaultInput{BackupVaultName: aws.String(vaultName)}); err != nil {
		return res, err
	}
	if err := applyReportPlan(ctx, e); err != nil {
		return res, err
	}
	res.SeedTook = Duration(time.Since(seeded).Round(time.Millisecond))

	before := e.emu.Counters()
	var out, errOut bytes.Buffer
	env := &rccli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" },
		AWSConfig: func(context.Context) (aws.Config, error) { return awsConfig(reportSource), nil }}
	cpuBefore := selfCPU()
	began := time.Now()
	res.ExitCode = rccli.Run(ctx, []string{"--address", e.stack.Temporal.Address, "report", "--plan", "bench-report",
		"--now", e.emu.Now().Format(time.RFC3339Nano), "--output", "json"}, env)
	res.ReportTook = Duration(time.Since(began).Round(time.Millisecond))
	res.ReportCPU = Duration((selfCPU() - cpuBefore).Round(time.Millisecond))
	after := e.emu.Counters()
	res.AWSCalls = map[string]int64{}
	for op, n := range after.Calls {
		if d := n - before.Calls[op]; d > 0 {
			res.AWSCalls[op] = d
		}
	}
	var rep report.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return res, fmt.Errorf("report exit %d, stderr %q: %w", res.ExitCode, errOut.String(), err)
	}
	res.Rows, res.States, res.RecordsRead, res.JSONBytes = len(rep.Rows), rep.Summary, rep.RecordsRead, out.Len()
	if err := reportChains(ctx, e, o, points, awsConfig, &res); err != nil {
		return res, err
	}
	return res, nil
}

// reportChains copies o.ReportChains of the volumes to reportChainDestination through
// regioncopy (a chain each) and times the report over that destination: by the cheap
// check, then reading every chain's records.
func reportChains(ctx context.Context, e *env, o Options, points []string, awsConfig func(string) aws.Config, res *ReportResult) error {
	res.Chains = min(o.ReportChains, len(points))
	if res.Chains == 0 {
		return nil
	}
	if err := e.createVaults(ctx, reportChainDestination); err != nil {
		return err
	}
	reqs := newRequests()
	for _, arn := range points[:res.Chains] {
		run, err := e.requestCopy(ctx, reportSource, point{Arn: arn}, []string{reportChainDestination}, false)
		if err != nil {
			return err
		}
		reqs.follow(ctx, run)
	}
	if wait := time.Minute + time.Duration(res.Chains)*time.Second; !reqs.wait(ctx, wait) {
		return fmt.Errorf("%d of %d chain copies still running after %s", reqs.started-len(reqs.all), reqs.started, wait)
	}
	for _, out := range reqs.all {
		if out.Err != nil {
			return fmt.Errorf("copy request %s: %w", out.WorkflowID, out.Err)
		}
	}
	run := func(extra ...string) (report.Report, Duration, error) {
		var out, errOut bytes.Buffer
		env := &rccli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" },
			AWSConfig: func(context.Context) (aws.Config, error) { return awsConfig(reportSource), nil }}
		began := time.Now()
		code := rccli.Run(ctx, append([]string{"--address", e.stack.Temporal.Address, "report", "--destination-region", reportChainDestination,
			"--now", e.emu.Now().Format(time.RFC3339Nano), "--output", "json"}, extra...), env)
		took := Duration(time.Since(began).Round(time.Millisecond))
		var rep report.Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			return rep, took, fmt.Errorf("report on the chains: exit %d, stderr %q: %w", code, errOut.String(), err)
		}
		return rep, took, nil
	}
	// Visibility shows the chains' last search attributes a moment after their copies land.
	deadline := time.Now().Add(30 * time.Second)
	for {
		rep, took, err := run()
		if err != nil {
			return err
		}
		res.ChainRows, res.SuspectRecordsRead, res.SuspectTook = len(rep.Rows), rep.RecordsRead, took
		res.ChainFindings = 0
		for _, r := range rep.Rows {
			res.ChainFindings += len(r.Findings)
		}
		if (res.ChainRows == res.Chains && res.SuspectRecordsRead == 0) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	rep, took, err := run("--records", "all")
	if err != nil {
		return err
	}
	res.AllRecordsRead, res.AllRecordsTook = rep.RecordsRead, took
	return nil
}

// applyReportPlan applies the scenario's plan: every volume tagged report=bench, copied
// to each destination with a one-day RPO, on a schedule that does not come due.
func applyReportPlan(ctx context.Context, e *env) error {
	var actions, dests []map[string]any
	for _, d := range reportDestinations {
		actions = append(actions, map[string]any{"DestinationBackupVaultArn": vaultArn(d), "Lifecycle": map[string]any{"DeleteAfterDays": 35}})
		dests = append(dests, map[string]any{"DestinationBackupVaultArn": vaultArn(d), "RpoMinutes": 24 * 60})
	}
	doc, err := json.Marshal(map[string]any{
		"BackupPlan": map[string]any{"BackupPlanName": "bench-report", "Rules": []any{map[string]any{
			"RuleName": "yearly", "TargetBackupVaultName": vaultName, "ScheduleExpression": "cron(0 0 1 1 ? *)", "CopyActions": actions}}},
		"BackupSelection": map[string]any{"SelectionName": "tagged", "IamRoleArn": iamRole,
			"ListOfTags": []any{map[string]any{"ConditionType": "STRINGEQUALS", "ConditionKey": "report", "ConditionValue": "bench"}}},
		"RegionCopy": map[string]any{"SourceRegion": reportSource, "Destinations": dests},
	})
	if err != nil {
		return err
	}
	f, err := plan.Parse("bench-report.json", doc, plan.Options{})
	if err != nil {
		return fmt.Errorf("the report scenario's plan: %w", err)
	}
	if _, err := schedules.NewManager(e.client, schedules.Options{TaskQueue: taskQueue}).Apply(ctx, f, false); err != nil {
		return fmt.Errorf("apply the report scenario's plan: %w", err)
	}
	return nil
}

// checks are the report scenario's targets.
func (r ReportResult) checks() []Check {
	want := r.Resources * r.Destinations
	return []Check{
		{Name: "report: rows", Target: fmt.Sprintf("%d (every resource and destination), all OK", want),
			Measured: fmt.Sprintf("%d rows, %d OK", r.Rows, r.States[model.RpoOK]), Pass: r.Rows == want && r.States[model.RpoOK] == want},
		{Name: "report: exit status", Target: "0", Measured: fmt.Sprint(r.ExitCode), Pass: r.ExitCode == 0},
		{Name: "report: vault listings and copy job listings", Target: fmt.Sprintf("one DescribeBackupVault per vault (%d)", r.Destinations),
			Measured: fmt.Sprintf("%d DescribeBackupVault, %d ListRecoveryPointsByBackupVault, %d ListCopyJobs", r.AWSCalls["DescribeBackupVault"],
				r.AWSCalls["ListRecoveryPointsByBackupVault"], r.AWSCalls["ListCopyJobs"]),
			Pass: r.AWSCalls["DescribeBackupVault"] == int64(r.Destinations)},
		{Name: "report: chains' records read by the cheap check when every chain agrees with its vault", Target: fmt.Sprintf("0 of %d, and no finding", r.Chains),
			Measured: fmt.Sprintf("%d of %d rows, %d findings", r.SuspectRecordsRead, r.ChainRows, r.ChainFindings),
			Pass:     r.ChainRows == r.Chains && r.SuspectRecordsRead == 0 && r.ChainFindings == 0},
		{Name: "report: chains' records read with --records all", Target: fmt.Sprintf("all %d", r.Chains),
			Measured: fmt.Sprint(r.AllRecordsRead), Pass: r.AllRecordsRead == r.Chains},
		{Name: reportTookCheck, Target: fmt.Sprintf("< %s", maxReportTook), Measured: r.ReportTook.String(), Pass: time.Duration(r.ReportTook) < maxReportTook},
	}
}

const reportTookCheck = "report: wall time of regioncopy report"

func (r ReportResult) markdown() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "## regioncopy report over %d resources × %d destinations\n\n", r.Resources, r.Destinations)
	b.WriteString("| rows | OK | took | CPU (report and emulator) | AWS calls | chains' records read | JSON | seeding took |\n|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d | %d | %s | %s | %s | %d | %s | %s |\n\n", r.Rows, r.States[model.RpoOK], r.ReportTook, r.ReportCPU, callsText(r.AWSCalls), r.RecordsRead, binary(int64(r.JSONBytes)), r.SeedTook)
	if r.Chains > 0 {
		fmt.Fprintf(&b, "| chains (one copy each) | report by the cheap check: records read, took | --records all: records read, took | per chain read |\n|---|---|---|---|\n")
		fmt.Fprintf(&b, "| %d | %d, %s | %d, %s | %s |\n\n", r.Chains, r.SuspectRecordsRead, r.SuspectTook, r.AllRecordsRead, r.AllRecordsTook,
			(time.Duration(r.AllRecordsTook-r.SuspectTook) / time.Duration(max(r.AllRecordsRead, 1))).Round(time.Microsecond))
	}
	b.WriteString("The copies are made through the AWS Backup API, not by regioncopy chains, so every row carries an UNRECORDED_COPY finding and no chain's records are read. The chains' table copies some volumes to another Region through regioncopy: reading a chain's records costs a visibility list and one copies query per page of each of its latest runs, 16 chains at a time, paid by default only for the chains whose search attributes disagree with their vault.\n\n")
	return b.String()
}

func callsText(calls map[string]int64) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(calls)) {
		parts = append(parts, fmt.Sprintf("%s %d", op, calls[op]))
	}
	return strings.Join(parts, ", ")
}
