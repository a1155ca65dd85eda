package cli

import (
	"reflect"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

const (
	testRP      = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0"
	testRole    = "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole"
	testVaultEU = "arn:aws:backup:eu-west-1:123456789012:backup-vault:Default"
	testVaultUS = "arn:aws:backup:us-west-2:123456789012:backup-vault:Copies"
)

func validCopyFlags() copyFlags {
	return copyFlags{
		RecoveryPointArn:      testRP,
		SourceBackupVaultName: "Default",
		DestinationVaultArns:  []string{testVaultEU, testVaultUS},
		IamRoleArn:            testRole,
		Lifecycle:             "DeleteAfterDays=35",
		TimeScale:             1,
	}
}

func TestCopyRequestFromValidFlags(t *testing.T) {
	req, err := validCopyFlags().request("us-east-1", policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	want := model.CopyRequest{
		SourceRegion:          "us-east-1",
		RecoveryPointArn:      testRP,
		SourceBackupVaultName: "Default",
		Destinations: []model.Destination{
			{BackupVaultArn: testVaultEU, Lifecycle: model.Lifecycle{DeleteAfterDays: 35}},
			{BackupVaultArn: testVaultUS, Lifecycle: model.Lifecycle{DeleteAfterDays: 35}},
		},
		IamRoleArn: testRole,
	}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("request = %+v\nwant      %+v", req, want)
	}
}

func TestCopyRequestTimeScaleOnlyWhenFaster(t *testing.T) {
	f := validCopyFlags()
	f.TimeScale = 600
	req, err := f.request("us-east-1", policy.Default())
	if err != nil || req.TimeScale != 600 {
		t.Fatalf("TimeScale = %v, err %v; want 600", req.TimeScale, err)
	}
}

// Each case breaks one rule; the error must name the flag and the rule.
func TestCopyRequestViolations(t *testing.T) {
	for _, tc := range []struct {
		name      string
		region    string
		change    func(*copyFlags)
		wantField string
		wantRule  string
	}{
		{"malformed recovery point ARN", "us-east-1", func(f *copyFlags) { f.RecoveryPointArn = "snap-0123" }, "--recovery-point-arn", policy.RuleARNSyntax},
		{"recovery point in another Region", "us-east-2", func(f *copyFlags) {}, "--recovery-point-arn", policy.RuleRegionMismatch},
		{"vault ARN given as recovery point", "us-east-1", func(f *copyFlags) { f.RecoveryPointArn = "arn:aws:backup:us-east-1:123456789012:backup-vault:Default" }, "--recovery-point-arn", policy.RuleARNKind},
		{"DynamoDB backup, which AWS cannot copy to another Region", "us-east-1", func(f *copyFlags) {
			f.RecoveryPointArn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01489602797149-73d8d5bc"
		}, "--recovery-point-arn", policy.RuleTypeNotCopyable},
		{"no Region", "", func(f *copyFlags) {}, "--region", policy.RuleRequired},
		{"malformed Region", "useast1", func(f *copyFlags) {}, "--region", policy.RuleRegionSyntax},
		{"source Region without cross-Region copy", "ap-east-1", func(f *copyFlags) {
			f.RecoveryPointArn = "arn:aws:ec2:ap-east-1::snapshot/snap-0123456789abcdef0"
		}, "--region", policy.RuleRegionWithoutCopy},
		{"blocked destination Region", "us-east-1", func(f *copyFlags) {
			f.DestinationVaultArns = []string{"arn:aws:backup:me-south-1:123456789012:backup-vault:Default"}
		}, "--destination-backup-vault-arn", policy.RuleRegionWithoutCopy},
		{"same-Region destination", "us-east-1", func(f *copyFlags) {
			f.DestinationVaultArns = []string{"arn:aws:backup:us-east-1:123456789012:backup-vault:Default"}
		}, "--destination-backup-vault-arn", policy.RuleSameRegion},
		{"malformed destination vault ARN", "us-east-1", func(f *copyFlags) {
			f.DestinationVaultArns = []string{testVaultEU, "arn:aws:backup:eu-west-1:123456789012:vault/Default"}
		}, "--destination-backup-vault-arn[1]", policy.RuleARNSyntax},
		{"duplicate destination", "us-east-1", func(f *copyFlags) { f.DestinationVaultArns = []string{testVaultEU, testVaultEU} }, "--destination-backup-vault-arn[1]", policy.RuleDuplicateDestination},
		{"no destination", "us-east-1", func(f *copyFlags) { f.DestinationVaultArns = nil }, "--destination-backup-vault-arn", policy.RuleRequired},
		{"no source vault", "us-east-1", func(f *copyFlags) { f.SourceBackupVaultName = "" }, "--source-backup-vault-name", policy.RuleRequired},
		{"bad source vault name", "us-east-1", func(f *copyFlags) { f.SourceBackupVaultName = "my vault" }, "--source-backup-vault-name", policy.RuleARNSyntax},
		{"no role", "us-east-1", func(f *copyFlags) { f.IamRoleArn = "" }, "--iam-role-arn", policy.RuleRequired},
		{"user instead of role", "us-east-1", func(f *copyFlags) { f.IamRoleArn = "arn:aws:iam::123456789012:user/bob" }, "--iam-role-arn", policy.RuleARNSyntax},
		{"too few days in cold storage", "us-east-1", func(f *copyFlags) {
			f.RecoveryPointArn = "arn:aws:backup:us-east-1:123456789012:recovery-point:1a2b3c"
			f.Lifecycle = "MoveToColdStorageAfterDays=30,DeleteAfterDays=60"
		}, "--lifecycle.DeleteAfterDays", policy.RuleMinDaysInColdStorage},
		{"lifecycle beyond AWS's maximum", "us-east-1", func(f *copyFlags) { f.Lifecycle = "DeleteAfterDays=40000" }, "--lifecycle.DeleteAfterDays", policy.RuleLifecycleMax},
		{"cold storage for EBS", "us-east-1", func(f *copyFlags) { f.Lifecycle = "MoveToColdStorageAfterDays=30,DeleteAfterDays=120" }, "--lifecycle.MoveToColdStorageAfterDays", policy.RuleColdStorageUnsupported},
		{"lifecycle syntax", "us-east-1", func(f *copyFlags) { f.Lifecycle = "DeleteAfterDays=zero" }, "--lifecycle", "lifecycle-syntax"},
		{"lifecycle of 0 days", "us-east-1", func(f *copyFlags) { f.Lifecycle = "DeleteAfterDays=0" }, "--lifecycle.DeleteAfterDays", policy.RuleLifecycleMinDays},
		{"negative lifecycle", "us-east-1", func(f *copyFlags) { f.Lifecycle = "DeleteAfterDays=-3" }, "--lifecycle.DeleteAfterDays", policy.RuleLifecycleNonNegative},
		{"negative completion window", "us-east-1", func(f *copyFlags) { f.CompletionWindow = -1 }, "--completion-window", policy.RuleWindowNonNegative},
		{"time scale below 1", "us-east-1", func(f *copyFlags) { f.TimeScale = 0.5 }, "--time-scale", "time-scale-min"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validCopyFlags()
			tc.change(&f)
			_, err := f.request(tc.region, policy.Default())
			if err == nil {
				t.Fatal("no error")
			}
			found := false
			for _, v := range policy.Violations(err) {
				if v.Field == tc.wantField && v.Rule == tc.wantRule {
					found = true
				}
			}
			if !found {
				t.Errorf("error %q has no violation of field %s rule %s", err, tc.wantField, tc.wantRule)
			}
		})
	}
}

// A recovery point ARN of the arn:aws:backup:...:recovery-point:<id> form does not show the
// resource type (EFS points have that form, and EFS is the type with cold storage), so
// the CLI cannot refuse a cold transition for it: the workflow checks it after describing
// the point. The arithmetic is still checked.
func TestCopyRequestColdStorageForAnUntypedRecoveryPoint(t *testing.T) {
	f := validCopyFlags()
	f.RecoveryPointArn = "arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"
	f.Lifecycle = "MoveToColdStorageAfterDays=30,DeleteAfterDays=120"
	req, err := f.request("us-east-1", policy.Default())
	if err != nil {
		t.Fatalf("cold storage for a recovery point of unknown type refused: %v", err)
	}
	if got := req.Destinations[0].Lifecycle; got != (model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120}) {
		t.Errorf("lifecycle = %+v", got)
	}
}

func TestCopyRequestReportsEveryViolationAtOnce(t *testing.T) {
	_, err := copyFlags{TimeScale: 1}.request("", policy.Default())
	var fields []string
	for _, v := range policy.Violations(err) {
		fields = append(fields, v.Field)
	}
	got := strings.Join(fields, " ")
	for _, want := range []string{"--region", "--recovery-point-arn", "--source-backup-vault-name", "--iam-role-arn", "--destination-backup-vault-arn"} {
		if !strings.Contains(got, want) {
			t.Errorf("violations %q do not name %s", got, want)
		}
	}
	// A missing Region is reported once, not again for every destination.
	if n := strings.Count(got, "--region"); n != 1 {
		t.Errorf("--region reported %d times in %q", n, got)
	}
}
