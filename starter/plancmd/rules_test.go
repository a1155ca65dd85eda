package plancmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
	"github.com/regioncopy/regioncopy/schedules"
	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// lateRulesFile is policy's example document following AWS's late-2025 relaxations, in
// which DynamoDB backups may be copied to another Region.
const lateRulesFile = "../../policy/testdata/aws-late-2025.json"

// withTable selects a DynamoDB table too, which the seed rules cannot copy.
func withTable(s string) string {
	return strings.Replace(s, `"arn:aws:ec2:us-east-1:123456789012:volume/vol-0a1b2c3d4e5f60718"`,
		`"arn:aws:ec2:us-east-1:123456789012:volume/vol-0a1b2c3d4e5f60718", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"`, 1)
}

// Validation follows --rules: the plan with a DynamoDB table is refused by the seed
// rules and accepted (then Temporal is unreachable: exit 3) with the late-2025 rules; a
// bad rules file is a usage error naming it.
func TestApplyValidatesWithTheRulesFile(t *testing.T) {
	file := writePlan(t, withTable)
	code, _, errOut := runCLI(t, nil, "plan", "apply", "-f", file, closedAddress(t))
	if code != cli.ExitUsage || !strings.Contains(errOut, policy.RuleTypeNotCopyable) {
		t.Errorf("without rules: exit %d, stderr %q; want %d naming %s", code, errOut, cli.ExitUsage, policy.RuleTypeNotCopyable)
	}
	code, _, errOut = runCLI(t, nil, "plan", "apply", "-f", file, "--rules", lateRulesFile, closedAddress(t))
	if code != cli.ExitUnavailable {
		t.Errorf("with --rules: exit %d, stderr %q; want %d (valid, then Temporal unreachable)", code, errOut, cli.ExitUnavailable)
	}
	code, _, errOut = runCLI(t, map[string]string{"REGIONCOPY_RULES": "testdata/mistakes.json"}, "plan", "apply", "-f", file, closedAddress(t))
	if code != cli.ExitUsage || !strings.Contains(errOut, "rules file testdata/mistakes.json (--rules or REGIONCOPY_RULES)") {
		t.Errorf("a plan file as rules: exit %d, stderr %q; want %d naming the rules file", code, errOut, cli.ExitUsage)
	}
}

// A cross-account copy action is refused, naming the copy action's vault.
func TestApplyRefusesACrossAccountCopyAction(t *testing.T) {
	file := writePlan(t, func(s string) string {
		return strings.Replace(s, "arn:aws:backup:us-west-2:123456789012:", "arn:aws:backup:us-west-2:999999999999:", 1)
	})
	code, _, errOut := runCLI(t, nil, "plan", "apply", "-f", file, closedAddress(t))
	if code != cli.ExitUsage || !strings.Contains(errOut, "BackupPlan.Rules[0].CopyActions[1].DestinationBackupVaultArn") ||
		!strings.Contains(errOut, policy.RuleUnsupported) {
		t.Errorf("exit %d, stderr %q; want %d naming the copy action and %s", code, errOut, cli.ExitUsage, policy.RuleUnsupported)
	}
}

// Against a dev server: the schedule's PlanRunInput carries the rules the plan was
// applied with, and applying the same file with other rules is a change.
func TestApplyCarriesTheRulesIntoTheSchedule(t *testing.T) {
	srv, addr := startTemporal(t)
	const queue = "plancmd-rules-test-no-worker"
	file := writePlan(t, withTable)
	id := schedules.ScheduleID(examplePlan, exampleRule)

	must(t, "plan", "apply", "-f", file, "--rules", lateRulesFile, "--task-queue", queue, addr)
	in := appliedInput(t, srv.Client, id)
	rules, err := policy.FromJSON(in.Rules, "Rules")
	if in.Rules == nil || err != nil || !rules.CopyableCrossRegion(policy.TypeDynamoDB) {
		t.Fatalf("the schedule's input carries rules %s (%v), want the late-2025 rules", in.Rules, err)
	}
	out := must(t, "plan", "apply", "-f", file, "--rules", lateRulesFile, "--task-queue", queue, addr)
	if !strings.Contains(out, "no changes") {
		t.Errorf("re-apply with the same rules printed %q, want no changes", out)
	}

	// The same file with other rules that still accept it: an update, shown by field.
	otherRules := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(otherRules, []byte(`{"NotCopyableCrossRegion": [], "MaxCopyActionsPerRule": 4}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out = must(t, "plan", "apply", "-f", file, "--rules", otherRules, "--task-queue", queue, addr)
	if !strings.Contains(out, "update") || !strings.Contains(out, "Rules.MaxCopyActionsPerRule: 5 -> 4") {
		t.Errorf("apply with other rules printed %q, want an update naming Rules.MaxCopyActionsPerRule", out)
	}
	if in := appliedInput(t, srv.Client, id); !strings.Contains(string(in.Rules), `"MaxCopyActionsPerRule":4`) {
		t.Errorf("the schedule's input carries rules %s after the update", in.Rules)
	}
}

// appliedInput reads the PlanRunInput a schedule starts its runs with.
func appliedInput(t *testing.T, c client.Client, id string) model.PlanRunInput {
	t.Helper()
	desc, err := temporalclient.DescribeSchedule(context.Background(), c.ScheduleClient().GetHandle(context.Background(), id))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok || len(a.Args) != 1 {
		t.Fatalf("schedule action %+v", desc.Schedule.Action)
	}
	p, ok := a.Args[0].(*commonpb.Payload)
	if !ok {
		t.Fatalf("schedule argument is a %T", a.Args[0])
	}
	var in model.PlanRunInput
	if err := converter.GetDefaultDataConverter().FromPayload(p, &in); err != nil {
		t.Fatal(err)
	}
	return in
}
