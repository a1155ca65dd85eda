package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/policy"
)

// lateRulesFile is policy's example document following AWS's late-2025 relaxations, in
// which DynamoDB backups may be copied to another Region.
const lateRulesFile = "../../policy/testdata/aws-late-2025.json"

const testDynamoBackup = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01489602797149-73d8d5bc"

func dynamoCopyArgs() []string {
	return []string{"copy", "--region", "us-east-1", "--recovery-point-arn", testDynamoBackup, "--source-backup-vault-name", "Default",
		"--destination-backup-vault-arn", testVaultEU, "--iam-role-arn", testRole}
}

// With the late-2025 rules (flag or environment) the CLI accepts a DynamoDB copy and goes
// on to reach Temporal (here: nothing listens, exit 3); without them it refuses the copy
// (exit 2) before contacting anything.
func TestCopyChecksWithTheRulesFile(t *testing.T) {
	code, _, errOut := runCLI(t, nil, append(dynamoCopyArgs(), closedAddress(t))...)
	if code != ExitUsage || !strings.Contains(errOut, policy.RuleTypeNotCopyable) {
		t.Errorf("without rules: exit %d, stderr %q; want %d naming %s", code, errOut, ExitUsage, policy.RuleTypeNotCopyable)
	}
	for name, run := range map[string]func() (int, string, string){
		"--rules": func() (int, string, string) {
			return runCLI(t, nil, append(dynamoCopyArgs(), "--rules", lateRulesFile, closedAddress(t))...)
		},
		"REGIONCOPY_RULES": func() (int, string, string) {
			return runCLI(t, map[string]string{"REGIONCOPY_RULES": lateRulesFile}, append(dynamoCopyArgs(), closedAddress(t))...)
		},
	} {
		code, _, errOut := run()
		if code != ExitUnavailable {
			t.Errorf("with %s: exit %d, stderr %q; want %d (validated, then Temporal unreachable)", name, code, errOut, ExitUnavailable)
		}
	}
}

// A rules file that does not load is a usage error naming the file and the field, and
// nothing is contacted.
func TestCopyRefusesABadRulesFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "rules.json")
	if err := os.WriteFile(bad, []byte(`{"MaxCopyActionsPerRule": 0}`), 0o600); err != nil {
		t.Fatal(err)
	}
	misspelt := filepath.Join(dir, "misspelt.json")
	if err := os.WriteFile(misspelt, []byte(`{"NotCopyableCrossRegions": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{bad, "MaxCopyActionsPerRule: must be positive"},
		{misspelt, "NotCopyableCrossRegions"},
		{filepath.Join(dir, "absent.json"), "no such file"},
	} {
		code, _, errOut := runCLI(t, nil, append(dynamoCopyArgs(), "--rules", tc.file, closedAddress(t))...)
		if code != ExitUsage || !strings.Contains(errOut, "rules file "+tc.file+" (--rules or REGIONCOPY_RULES)") || !strings.Contains(errOut, tc.want) {
			t.Errorf("--rules %s: exit %d, stderr %q; want %d naming the file and %q", tc.file, code, errOut, ExitUsage, tc.want)
		}
	}
}

// The request carries the rules it was checked with, so the workflow checks it the same
// way; without a rules file it carries none (the workflow's seed rules).
func TestCopyRequestCarriesTheRules(t *testing.T) {
	rules, err := LoadRules(lateRulesFile)
	if err != nil {
		t.Fatal(err)
	}
	f := validCopyFlags()
	f.RecoveryPointArn = testDynamoBackup
	if _, err := f.request("us-east-1", policy.Default()); err == nil {
		t.Fatal("the seed rules accept a DynamoDB copy")
	}
	if _, err := f.request("us-east-1", rules); err != nil {
		t.Fatalf("the late-2025 rules refuse a DynamoDB copy: %v", err)
	}
	got, err := policy.FromJSON(rules.Encode(), "Rules")
	if err != nil || !got.CopyableCrossRegion(policy.TypeDynamoDB) {
		t.Errorf("encoded rules read back as %+v (%v)", got, err)
	}
	if none, err := LoadRules(""); none != nil || err != nil || none.Encode() != nil {
		t.Errorf("no rules file: %v, %v", none, err)
	}
}

// A destination vault in another account than the IAM role's is refused, naming the flag.
func TestCopyRefusesACrossAccountDestination(t *testing.T) {
	f := validCopyFlags()
	f.DestinationVaultArns = []string{testVaultEU, "arn:aws:backup:us-west-2:999999999999:backup-vault:Copies"}
	_, err := f.request("us-east-1", policy.Default())
	vs := policy.Violations(err)
	if len(vs) != 1 || vs[0].Field != "--destination-backup-vault-arn[1]" || vs[0].Rule != policy.RuleUnsupported ||
		!strings.Contains(vs[0].Message, "999999999999") {
		t.Errorf("violations %v, want one %s on --destination-backup-vault-arn[1]", err, policy.RuleUnsupported)
	}

	args := []string{"copy", "--region", "us-east-1", "--recovery-point-arn", testRP, "--source-backup-vault-name", "Default",
		"--destination-backup-vault-arn", "arn:aws:backup:eu-west-1:999999999999:backup-vault:Default", "--iam-role-arn", testRole, closedAddress(t)}
	code, _, errOut := runCLI(t, nil, args...)
	if code != ExitUsage || !strings.Contains(errOut, "--destination-backup-vault-arn: ") || !strings.Contains(errOut, policy.RuleUnsupported) {
		t.Errorf("exit %d, stderr %q; want %d naming --destination-backup-vault-arn and %s", code, errOut, ExitUsage, policy.RuleUnsupported)
	}
}
