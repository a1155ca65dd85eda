package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/report"
	"github.com/regioncopy/regioncopy/starter/cli"
	_ "github.com/regioncopy/regioncopy/starter/plancmd" // regioncopy plan ...
)

// reportCLI runs `regioncopy report` in-process against the stack, at the emulator's
// clock (it runs timeScale times faster than the wall clock).
func reportCLI(t *testing.T, args ...string) (result, report.Report) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Idle connections are closed after the report: one dialled for a call another
	// connection took over is never used, and the stack's shutdown would wait for it.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	var out, errOut bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" },
		AWSConfig: func(context.Context) (aws.Config, error) {
			cfg := stack.Emulator.AWSConfig("us-east-1")
			cfg.HTTPClient = &http.Client{Transport: transport}
			return cfg, nil
		}}
	full := append([]string{"--address", stack.Temporal.Address, "report", "--now", stack.Emulator.Emulator.Now().Format(time.RFC3339Nano)}, args...)
	r := result{cli.Run(ctx, full, env), out.String(), errOut.String()}
	var rep report.Report
	if strings.Contains(strings.Join(args, " "), "--output json") {
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("report %v: exit %d, printed %q (stderr %q): %v", args, r.code, r.stdout, r.stderr, err)
		}
	}
	return r, rep
}

// awsBackup runs the AWS CLI v2 (REGIONCOPY_AWSCLI, default /usr/bin/aws) against the
// stack's emulator, behind regioncopy's back; the test is skipped without it.
func awsBackup(t *testing.T, region string, args ...string) map[string]any {
	t.Helper()
	bin := os.Getenv("REGIONCOPY_AWSCLI")
	if bin == "" {
		bin = "/usr/bin/aws"
	}
	if v, err := exec.Command(bin, "--version").CombinedOutput(); err != nil || !strings.HasPrefix(string(v), "aws-cli/2") {
		t.Skipf("AWS CLI v2 not found at %s (set REGIONCOPY_AWSCLI)", bin)
	}
	home := t.TempDir()
	cmd := exec.Command(bin, append([]string{"--endpoint-url", stack.Emulator.URL, "--region", region, "--output", "json", "backup"}, args...)...)
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=" + devstack.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + devstack.SecretAccessKey, "AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"), "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws backup %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var v map[string]any
	if bytes.TrimSpace(stdout.Bytes()) != nil && len(bytes.TrimSpace(stdout.Bytes())) > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
			t.Fatalf("aws backup %s printed %q: %v", args[0], stdout.String(), err)
		}
	}
	return v
}

func hasFinding(r report.Row, code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// The report proves copies from AWS's own records: a copy regioncopy made is OK; a copy
// deleted behind regioncopy's back, and one made behind its back, are flagged on the
// row; a selected resource never copied is in BREACH and the report exits 4.
func TestReportFromAWSRecords(t *testing.T) {
	t.Parallel()
	const dst = "eu-west-1"
	copied, never := newVolume(t), newVolume(t)
	planName := fmt.Sprintf("report-e2e-%d", time.Now().UnixNano())
	planFile := filepath.Join(t.TempDir(), "plan.json")
	plan := fmt.Sprintf(`{
  "BackupPlan": {"BackupPlanName": %q, "Rules": [{"RuleName": "yearly", "TargetBackupVaultName": %q,
    "ScheduleExpression": "cron(0 0 1 1 ? *)", "Lifecycle": {"DeleteAfterDays": 35},
    "CopyActions": [{"DestinationBackupVaultArn": %q, "Lifecycle": {"DeleteAfterDays": 35}}]}]},
  "BackupSelection": {"SelectionName": "two-volumes", "IamRoleArn": %q, "Resources": [%q, %q]},
  "RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [{"DestinationBackupVaultArn": %q, "RpoMinutes": 43200}]}
}`, planName, copied.VaultName, vaultArn(dst), copied.IamRoleArn, copied.VolumeArn, never.VolumeArn, vaultArn(dst))
	if err := os.WriteFile(planFile, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := regioncopy(t, time.Minute, "--address", stack.Temporal.Address, "plan", "apply", "-f", planFile, "--task-queue", stack.TaskQueue); r.code != cli.ExitOK {
		t.Fatalf("plan apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	copyOnce := func() string {
		t.Helper()
		r := regioncopy(t, 2*time.Minute, copied.copyArgs(copied.backup(t), []string{vaultArn(dst)}, "--lifecycle", "DeleteAfterDays=35", "--wait", "--output", "json")...)
		out := decodeOutcome(t, r)
		if r.code != cli.ExitOK || out.Result == nil || out.Result.Results[0].Record == nil {
			t.Fatalf("copy: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		return out.Result.Results[0].Record.DestinationRecoveryPointArn
	}
	row := func(rep report.Report) report.Row {
		t.Helper()
		if len(rep.Rows) != 1 {
			t.Fatalf("%d rows, want 1: %+v", len(rep.Rows), rep.Rows)
		}
		return rep.Rows[0]
	}

	// Copied by regioncopy: OK, nothing flagged, exit 0.
	first := copyOnce()
	r, rep := reportCLI(t, "--plan", planName, "--resource-arn", copied.VolumeArn, "--output", "json")
	got := row(rep)
	if r.code != cli.ExitOK || got.State != model.RpoOK || len(got.Findings) != 0 || got.NewestCopy == nil ||
		got.NewestCopy.DestinationRecoveryPointArn != first || got.NewestCopy.Kind != model.CopyFull || got.NewestCopy.CopyJobId == "" {
		t.Fatalf("after a copy by regioncopy: exit %d, row %+v (stderr %s)", r.code, got, r.stderr)
	}

	// The chain's search attributes agree with its vault, so its records need no reading
	// (once visibility has the attributes the copy set).
	waitFor(t, 10*time.Second, "a report that reads no chain's records", func() bool {
		_, rep = reportCLI(t, "--plan", planName, "--resource-arn", copied.VolumeArn, "--output", "json")
		return rep.RecordsRead == 0
	})
	// A second copy, then the first deleted with the AWS CLI: regioncopy recorded it.
	second := copyOnce()
	awsBackup(t, dst, "delete-recovery-point", "--backup-vault-name", copied.VaultName, "--recovery-point-arn", first)
	r, rep = reportCLI(t, "--plan", planName, "--resource-arn", copied.VolumeArn, "--output", "json")
	got = row(rep)
	if got.State != model.RpoOK || !hasFinding(got, report.FindingRecordedCopyMissing) || got.NewestCopy.DestinationRecoveryPointArn != second ||
		got.NewestCopy.Kind != model.CopyIncremental || !strings.Contains(fmt.Sprint(got.Findings), first) {
		t.Fatalf("after deleting %s behind regioncopy's back: exit %d, row %+v", first, r.code, got)
	}

	// A third backup copied with the AWS CLI: AWS holds a copy regioncopy never recorded.
	rp := copied.backup(t)
	job := awsBackup(t, copied.SourceRegion, "start-copy-job", "--recovery-point-arn", rp, "--source-backup-vault-name", copied.VaultName,
		"--destination-backup-vault-arn", vaultArn(dst), "--iam-role-arn", copied.IamRoleArn, "--lifecycle", "DeleteAfterDays=35")
	jobID, _ := job["CopyJobId"].(string)
	waitFor(t, time.Minute, "the AWS CLI's copy job", func() bool {
		j := awsBackup(t, copied.SourceRegion, "describe-copy-job", "--copy-job-id", jobID)
		cj, _ := j["CopyJob"].(map[string]any)
		return cj["State"] == model.JobCompleted
	})
	r, rep = reportCLI(t, "--plan", planName, "--resource-arn", copied.VolumeArn, "--output", "json")
	got = row(rep)
	if !hasFinding(got, report.FindingUnrecordedCopy) || got.NewestCopy.CopyJobId != jobID || rep.RecordsRead != 1 {
		t.Fatalf("after a copy behind regioncopy's back (job %s): exit %d, row %+v, %d chains' records read", jobID, r.code, got, rep.RecordsRead)
	}

	// The whole plan: the volume never copied is in BREACH, first, and the report exits 4.
	r, rep = reportCLI(t, "--plan", planName, "--output", "json")
	if r.code != cli.ExitNotProven || len(rep.Rows) != 2 || rep.Rows[0].ResourceArn != never.VolumeArn ||
		rep.Rows[0].State != model.RpoBreach || rep.Summary[model.RpoBreach] != 1 {
		t.Fatalf("whole plan: exit %d, rows %+v, stderr %s", r.code, rep.Rows, r.stderr)
	}
	if len(rep.Costs) == 0 {
		t.Error("no transfer cost for the copies of the period")
	}
	r, _ = reportCLI(t, "--plan", planName, "--output", "html")
	if r.code != cli.ExitNotProven || !strings.Contains(r.stdout, "<!DOCTYPE html>") || strings.Index(r.stdout, never.VolumeArn) > strings.Index(r.stdout, copied.VolumeArn) {
		t.Errorf("HTML report: exit %d, the BREACH row is not first", r.code)
	}

	// Bad input: one error naming it, exit 2, nothing on stdout.
	for _, args := range [][]string{{"--plan", "no-such-plan"}, {"--destination-region", "ap-northeast-3", "--plan", planName}} {
		r, _ = reportCLI(t, args...)
		if r.code != cli.ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, args[1]) {
			t.Errorf("report %v: exit %d, stdout %q, stderr %q; want exit 2 naming %s", args, r.code, r.stdout, r.stderr, args[1])
		}
	}
}
