package plancmd

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/plan"
	"github.com/regioncopy/regioncopy/starter/cli"
)

func TestHelpOnEveryPlanCommand(t *testing.T) {
	for _, sub := range []string{"", "apply", "list", "describe", "delete", "pause", "resume", "trigger", "backfill"} {
		args := []string{"plan"}
		if sub != "" {
			args = append(args, sub)
		}
		code, out, errOut := runCLI(t, nil, append(args, "--help")...)
		if code != cli.ExitOK || !strings.Contains(out, "Usage:") {
			t.Errorf("%v --help: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// Invalid command lines exit 2 with a message naming the flag or argument, before any
// connection is tried (the address is closed, so connecting would exit 3).
func TestInvalidCommandLinesAreUsageErrors(t *testing.T) {
	addr := closedAddress(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "nonsense"}, "unknown command"},
		{[]string{"plan", "apply"}, "-f/--filename"},
		{[]string{"plan", "apply", "-f", filepath.Join(t.TempDir(), "missing.json")}, "missing.json"},
		{[]string{"plan", "apply", "-f", "testdata/example-plan.json", "extra"}, "unknown command"},
		{[]string{"plan", "apply", "--bogus"}, "unknown flag"},
		{[]string{"plan", "describe"}, "accepts 1 arg"},
		{[]string{"plan", "describe", "a", "b"}, "accepts 1 arg"},
		{[]string{"plan", "delete", "a/b"}, "BackupPlanName"},
		{[]string{"plan", "pause", "ledger", "--rule", "no spaces"}, "--rule"},
		{[]string{"plan", "resume", "ledger", "--rule", "x/y"}, "--rule"},
		{[]string{"plan", "trigger", "ledger", "--rule", "a b"}, "--rule"},
		{[]string{"plan", "backfill", "ledger", "--end", "2026-01-02T00:00:00Z"}, "--start is required"},
		{[]string{"plan", "backfill", "ledger", "--start", "2026-01-02T00:00:00Z"}, "--end is required"},
		{[]string{"plan", "backfill", "ledger", "--start", "yesterday", "--end", "2026-01-02T00:00:00Z"}, `--start "yesterday"`},
		{[]string{"plan", "backfill", "ledger", "--start", "2026-01-02T00:00:00Z", "--end", "2026-01-01T00:00:00Z"}, "must be after --start"},
		{[]string{"plan", "list", "--output", "yaml"}, "--output"},
		{[]string{"plan", "list", "extra"}, "unknown command"},
	} {
		code, out, errOut := runCLI(t, nil, append(tc.args, addr)...)
		if code != cli.ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, cli.ExitUsage, tc.want)
		}
		if out != "" {
			t.Errorf("%v printed %q on stdout", tc.args, out)
		}
	}
}

func TestUnreachableTemporalExits3(t *testing.T) {
	addr := closedAddress(t)
	for _, args := range [][]string{
		{"plan", "list"},
		{"plan", "describe", "ledger"},
		{"plan", "delete", "ledger"},
		{"plan", "pause", "ledger"},
		{"plan", "trigger", "ledger"},
		{"plan", "apply", "-f", "testdata/example-plan.json"},
	} {
		code, _, errOut := runCLI(t, nil, append(args, addr)...)
		if code != cli.ExitUnavailable || !strings.Contains(errOut, "cannot connect to Temporal") {
			t.Errorf("%v: exit %d, stderr %q; want %d", args, code, errOut, cli.ExitUnavailable)
		}
	}
}

// A file with several mistakes is refused before connecting: every problem is listed
// with its file:line:column, in text and in JSON.
func TestPlanWithMistakesListsEveryProblem(t *testing.T) {
	addr := closedAddress(t)
	wantLines := []string{
		"mistakes.json:8:31: BackupPlan.Rules[0].ScheduleExpression:",
		"mistakes.json:9:31: BackupPlan.Rules[0].StartWindowMinutes:",
		"mistakes.json:13:58: BackupPlan.Rules[0].CopyActions[0].Lifecycle.MoveToColdStorageAfterDays:",
		"mistakes.json:13:81: BackupPlan.Rules[0].CopyActions[0].Lifecycle.DeleteAfterDays:",
		"mistakes.json:16:9: BackupPlan.Rules[0].CopyActionz: unknown member",
	}
	code, out, errOut := runCLI(t, nil, "plan", "apply", "-f", "testdata/mistakes.json", addr)
	if code != cli.ExitUsage || out != "" || !strings.Contains(errOut, "has 5 problems; nothing was applied") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 and the count", code, out, errOut)
	}
	for _, l := range wantLines {
		if !strings.Contains(errOut, "testdata/"+l) {
			t.Errorf("stderr lacks %q:\n%s", l, errOut)
		}
	}

	code, out, _ = runCLI(t, nil, "plan", "apply", "-f", "testdata/mistakes.json", "--output", "json", addr)
	if code != cli.ExitUsage {
		t.Fatalf("--output json: exit %d", code)
	}
	var doc invalidPlan
	mustJSON(t, out, &doc)
	var fields []string
	for _, p := range doc.Problems {
		if p.Line == 0 || p.Rule == "" {
			t.Errorf("problem without a place or rule: %+v", p)
		}
		fields = append(fields, p.Field)
	}
	if doc.Applied || len(doc.Problems) != len(wantLines) || !slices.Contains(fields, "BackupPlan.Rules[0].StartWindowMinutes") {
		t.Errorf("JSON report %+v", doc)
	}
}

// The source Region comes from --region, AWS_REGION or AWS_DEFAULT_REGION when the plan
// names none: without any, the file is refused naming the missing Region.
func TestApplyTakesTheSourceRegionFromFlagsAndEnvironment(t *testing.T) {
	addr := closedAddress(t)
	data, err := os.ReadFile("testdata/example-plan.json")
	if err != nil {
		t.Fatal(err)
	}
	noRegion := strings.Replace(string(data), `"SourceRegion": "us-east-1",`, "", 1)
	file := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(file, []byte(noRegion), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "none")
	noProfile := map[string]string{"AWS_CONFIG_FILE": missing, "AWS_SHARED_CREDENTIALS_FILE": missing}
	code, _, errOut := runCLI(t, noProfile, "plan", "apply", "-f", file, addr)
	if code != cli.ExitUsage || !strings.Contains(errOut, "Region") {
		t.Errorf("no Region anywhere: exit %d, %q; want 2 naming the Region", code, errOut)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
	}{
		{noProfile, []string{"--region", "us-east-1"}},
		{map[string]string{"AWS_REGION": "us-east-1"}, nil},
		{map[string]string{"AWS_DEFAULT_REGION": "us-east-1"}, nil},
	} {
		// Valid with the Region: it gets as far as connecting (exit 3).
		code, _, errOut := runCLI(t, tc.env, append([]string{"plan", "apply", "-f", file, addr}, tc.args...)...)
		if code != cli.ExitUnavailable {
			t.Errorf("env %v args %v: exit %d, %q; want 3 (valid, then no server)", tc.env, tc.args, code, errOut)
		}
	}
	// A Region the plan's resources are not in is a validation problem.
	code, _, errOut = runCLI(t, nil, "plan", "apply", "-f", file, "--region", "eu-west-1", addr)
	if code != cli.ExitUsage || !strings.Contains(errOut, "nothing was applied") {
		t.Errorf("--region eu-west-1: exit %d, %q; want 2", code, errOut)
	}
}

// The README's example plan is valid and names what `regioncopy dev` seeds: its volume,
// role, source vault and the vaults of both destination Regions.
func TestExamplePlanFitsTheDevSample(t *testing.T) {
	f, err := plan.Load("testdata/example-plan.json", plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := devstack.DefaultSample()
	if len(f.BackupPlan.Rules) != 1 {
		t.Fatalf("%d rules, want the one hourly rule", len(f.BackupPlan.Rules))
	}
	r := f.BackupPlan.Rules[0]
	var dests []string
	for _, ca := range r.CopyActions {
		dests = append(dests, ca.DestinationBackupVaultArn)
	}
	if r.ScheduleExpression != "cron(0 * ? * * *)" || r.TargetBackupVaultName != s.VaultName || !slices.Equal(dests, s.DestinationVaultArns) {
		t.Errorf("rule %+v does not copy hourly from %s to %v", r, s.VaultName, s.DestinationVaultArns)
	}
	sel := f.BackupSelection
	if f.RegionCopy.SourceRegion != s.SourceRegion || sel.IamRoleArn != s.IamRoleArn || !slices.Equal(sel.Resources, []string{s.VolumeArn}) {
		t.Errorf("selection %+v / Region %q do not name the sample volume %s in %s", sel, f.RegionCopy.SourceRegion, s.VolumeArn, s.SourceRegion)
	}
}
