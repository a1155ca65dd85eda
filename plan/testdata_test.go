package plan

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/regioncopy/regioncopy/policy"
)

func TestGoodPlanFile(t *testing.T) {
	f, err := Load("testdata/good.json", opts())
	if err != nil {
		t.Fatalf("good.json: %v", err)
	}
	if n := len(f.BackupPlan.Rules); n != 2 {
		t.Fatalf("rules: %d", n)
	}
	d := f.RegionCopy.Destinations[1]
	if d.RpoMinutes != 1440 || d.Coalesce == nil || *d.Coalesce {
		t.Fatalf("destination options decoded wrongly: %+v", d)
	}
	if f.BackupPlan.Rules[0].RecoveryPointTags["team"] != "orders" {
		t.Fatalf("tags decoded wrongly: %v", f.BackupPlan.Rules[0].RecoveryPointTags)
	}
}

// TestPlanFileWithMistakes: every mistake planted in mistakes.json is reported, with its
// path and position, in one error.
func TestPlanFileWithMistakes(t *testing.T) {
	f, err := Load("testdata/mistakes.json", opts())
	if f != nil {
		t.Fatal("a plan with mistakes must not be returned")
	}
	assertProblems(t, err,
		want{"BackupPlan.BackupPlanName", RuleNameSyntax, 3, 23},
		want{"BackupPlan.Rules[0].ScheduleExpression", RuleScheduleSyntax, 8, 31},
		want{"BackupPlan.Rules[0].ScheduleExpressionTimezone", RuleTimezone, 9, 39},
		want{"BackupPlan.Rules[0].StartWindowMinutes", policy.RuleStartWindowMin, 10, 31},
		want{"BackupPlan.Rules[0].CompletionWindowMinutes", policy.RuleCompletionWindowMin, 11, 36},
		want{"BackupPlan.Rules[0].CopyActions[0]", policy.RuleTypeNotCopyable, 14, 11},
		want{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", policy.RuleSameRegion, 15, 42},
		want{"BackupPlan.Rules[0].CopyActions[1].Lifecycle.DeleteAfterDays", policy.RuleMinDaysInColdStorage, 20, 81},
		want{"BackupPlan.Rules[0].CopyActions[2]", policy.RuleTypeNotCopyable, 22, 11},
		want{"BackupPlan.Rules[0].CopyActions[2].DestinationBackupVaultArn", policy.RuleRegionWithoutCopy, 23, 42},
		want{"BackupPlan.Rules[1].RuleName", RuleDuplicateName, 28, 21},
		want{"BackupPlan.Rules[1].CopyActions[0]", policy.RuleTypeNotCopyable, 32, 11},
		want{"BackupPlan.Rules[1].CopyActions[0].DestinationBackupVaultArn", policy.RuleARNSyntax, 32, 42},
		want{"BackupPlan.Rules[1].CopyActions[0].Lifecycle.DeleteAfterDays", policy.RuleLifecycleNonNegative, 32, 89},
		want{"BackupPlan.Rules[1].CopyActionz", RuleUnknownMember, 34, 9},
		want{"RegionCopy.Destinations[0].RpoMinutes", RuleRPO, 52, 23},
		want{"RegionCopy.Destinations[0].ResourceTypes", policy.RuleWholePlanCopy, 53, 26},
	)
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load("testdata/absent.json", opts()); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("want a not-exist error, got %v", err)
	}
}
