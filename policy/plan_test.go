package policy

import (
	"testing"

	"github.com/regioncopy/regioncopy/model"
)

func TestCheckWindows(t *testing.T) {
	r := Default()
	for _, tc := range []struct {
		name              string
		start, completion int64
		wants             []want
	}{
		{"unset", 0, 0, nil},
		{"minimums", 60, 120, nil},
		{"start below minimum", 59, 0, []want{{"R.StartWindowMinutes", RuleStartWindowMin}}},
		{"completion too close to start", 60, 119, []want{{"R.CompletionWindowMinutes", RuleCompletionWindowMin}}},
		{"completion alone, compared with AWS's 8-hour default start", 0, 539, []want{{"R.CompletionWindowMinutes", RuleCompletionWindowMin}}},
		{"completion alone, long enough", 0, 540, nil},
		{"both too small", 30, 60, []want{{"R.StartWindowMinutes", RuleStartWindowMin}, {"R.CompletionWindowMinutes", RuleCompletionWindowMin}}},
		{"negative", -1, -1, []want{{"R.StartWindowMinutes", RuleWindowNonNegative}, {"R.CompletionWindowMinutes", RuleWindowNonNegative}}},
		{"over 100 years", 52_560_001, 0, []want{{"R.StartWindowMinutes", RuleWindowMax}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertViolations(t, r.CheckWindows(tc.start, tc.completion, "R"), tc.wants...)
		})
	}
}

func TestCheckCounts(t *testing.T) {
	r := Default()
	assertViolations(t, r.CheckRuleCount(10, "Rules"))
	assertViolations(t, r.CheckRuleCount(11, "Rules"), want{"Rules", RuleRulesPerPlan})
	assertViolations(t, r.CheckRuleCount(0, "Rules"), want{"Rules", RuleRequired})
	assertViolations(t, r.CheckCopyActionCount(5, "CopyActions"))
	assertViolations(t, r.CheckCopyActionCount(6, "CopyActions"), want{"CopyActions", RuleCopyActionsPerRule})
}

// planWith builds a one-rule plan in us-east-1, account 111111111111.
func planWith(types []string, complete bool, actions ...PlanCopyAction) PlanCheck {
	for i := range actions {
		actions[i].Field = "Rules[0].CopyActions[" + string(rune('0'+i)) + "]"
		actions[i].ResourceTypesField = actions[i].Field + ".ResourceTypes"
	}
	return PlanCheck{
		SourceRegion: "us-east-1", SourceRegionField: "SourceRegion", SourceAccount: "111111111111",
		ResourceTypes: types, ResourceTypesComplete: complete, ResourceTypesField: "Selection.Resources",
		RulesField: "Rules",
		Rules:      []PlanRule{{Field: "Rules[0]", CopyActions: actions}},
	}
}

func TestCheckPlan(t *testing.T) {
	const (
		west        = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr"
		eu          = "arn:aws:backup:eu-west-1:111111111111:backup-vault:dr"
		otherAcct   = "arn:aws:backup:eu-west-1:222222222222:backup-vault:dr"
		sameRegion  = "arn:aws:backup:us-east-1:111111111111:backup-vault:dr"
		blockedDest = "arn:aws:backup:eu-south-1:111111111111:backup-vault:dr"
	)
	cold := model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120}
	for _, tc := range []struct {
		name  string
		p     PlanCheck
		wants []want
	}{
		{"good", planWith([]string{TypeEBS, TypeEFS}, true, PlanCopyAction{DestinationBackupVaultArn: west, Lifecycle: cold}), nil},
		{"cold lifecycle with EFS selected by tags", planWith(nil, false, PlanCopyAction{DestinationBackupVaultArn: west, Lifecycle: cold}), nil},
		{"cold lifecycle for EBS only", planWith([]string{TypeEBS}, true, PlanCopyAction{DestinationBackupVaultArn: west, Lifecycle: cold}),
			[]want{{"Rules[0].CopyActions[0].Lifecycle.MoveToColdStorageAfterDays", RuleColdStorageUnsupported}}},
		{"DynamoDB selected", planWith([]string{TypeEBS, TypeDynamoDB}, true, PlanCopyAction{DestinationBackupVaultArn: west}, PlanCopyAction{DestinationBackupVaultArn: eu}),
			[]want{{"Rules[0].CopyActions[0]", RuleTypeNotCopyable}, {"Rules[0].CopyActions[1]", RuleTypeNotCopyable}}},
		{"DynamoDB filtered out of the action", planWith([]string{TypeEBS, TypeDynamoDB}, true, PlanCopyAction{DestinationBackupVaultArn: west, ResourceTypes: []string{TypeEBS}}), nil},
		{"EFS cannot be filtered out", planWith([]string{TypeEBS, TypeEFS}, true, PlanCopyAction{DestinationBackupVaultArn: west, ResourceTypes: []string{TypeEBS}}),
			[]want{{"Rules[0].CopyActions[0].ResourceTypes", RuleWholePlanCopy}}},
		{"EFS may be selected by tags, filter leaves it out", planWith([]string{TypeEBS}, false, PlanCopyAction{DestinationBackupVaultArn: west, ResourceTypes: []string{TypeEBS}}),
			[]want{{"Rules[0].CopyActions[0].ResourceTypes", RuleWholePlanCopy}}},
		{"unknown type in filter", planWith([]string{TypeEBS}, true, PlanCopyAction{DestinationBackupVaultArn: west, ResourceTypes: []string{"ebs"}}),
			[]want{{"Rules[0].CopyActions[0].ResourceTypes[0]", RuleUnknownResourceTypeInRule}}},
		{"same Region and blocked Region", planWith([]string{TypeEBS}, true, PlanCopyAction{DestinationBackupVaultArn: sameRegion}, PlanCopyAction{DestinationBackupVaultArn: blockedDest}),
			[]want{{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleSameRegion}, {"Rules[0].CopyActions[1].DestinationBackupVaultArn", RuleRegionWithoutCopy}}},
		{"duplicate destination", planWith([]string{TypeEBS}, true, PlanCopyAction{DestinationBackupVaultArn: west}, PlanCopyAction{DestinationBackupVaultArn: west}),
			[]want{{"Rules[0].CopyActions[1].DestinationBackupVaultArn", RuleDuplicateDestination}}},
		// regioncopy refuses every cross-account copy action (unsupported-by-regioncopy);
		// AWS's own mixing rule is still reported, after it.
		{"RDS cross-Region and cross-account", planWith([]string{TypeRDS}, true, PlanCopyAction{DestinationBackupVaultArn: west}, PlanCopyAction{DestinationBackupVaultArn: otherAcct}),
			[]want{{"Rules[0].CopyActions[1].DestinationBackupVaultArn", RuleUnsupported}, {"Rules[0].CopyActions[1].DestinationBackupVaultArn", RuleMixedCrossRegionAndAcct}}},
		{"RDS selected, the cross-account action copies EBS only", planWith([]string{TypeRDS, TypeEBS}, true, PlanCopyAction{DestinationBackupVaultArn: west}, PlanCopyAction{DestinationBackupVaultArn: otherAcct, ResourceTypes: []string{TypeEBS}}),
			[]want{{"Rules[0].CopyActions[1].DestinationBackupVaultArn", RuleUnsupported}}},
		{"RDS may be selected by tags, cross-account", planWith([]string{TypeEBS}, false, PlanCopyAction{DestinationBackupVaultArn: otherAcct}),
			[]want{{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleUnsupported}, {"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleMixedCrossRegionAndAcct}}},
		{"selection by tags, the cross-account action copies EBS only", planWith(nil, false, PlanCopyAction{DestinationBackupVaultArn: otherAcct, ResourceTypes: []string{TypeEBS, TypeEFS}}),
			[]want{{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleUnsupported}}},
		{"Aurora filter on a selection by tags, cross-account", planWith(nil, false, PlanCopyAction{DestinationBackupVaultArn: otherAcct, ResourceTypes: []string{TypeAurora, TypeEFS}}),
			[]want{{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleUnsupported}, {"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleMixedCrossRegionAndAcct}}},
		{"EBS cross-account: only regioncopy's refusal", planWith([]string{TypeEBS}, true, PlanCopyAction{DestinationBackupVaultArn: west}, PlanCopyAction{DestinationBackupVaultArn: otherAcct}),
			[]want{{"Rules[0].CopyActions[1].DestinationBackupVaultArn", RuleUnsupported}}},
		{"account unknown: nothing to compare with", func() PlanCheck {
			p := planWith([]string{TypeRDS}, true, PlanCopyAction{DestinationBackupVaultArn: otherAcct})
			p.SourceAccount = ""
			return p
		}(), nil},
		{"too many copy actions", planWith([]string{TypeEBS}, true,
			PlanCopyAction{DestinationBackupVaultArn: west}, PlanCopyAction{DestinationBackupVaultArn: eu},
			PlanCopyAction{DestinationBackupVaultArn: "arn:aws:backup:eu-west-2:111111111111:backup-vault:dr"},
			PlanCopyAction{DestinationBackupVaultArn: "arn:aws:backup:eu-west-3:111111111111:backup-vault:dr"},
			PlanCopyAction{DestinationBackupVaultArn: "arn:aws:backup:eu-north-1:111111111111:backup-vault:dr"},
			PlanCopyAction{DestinationBackupVaultArn: "arn:aws:backup:ca-central-1:111111111111:backup-vault:dr"}),
			[]want{{"Rules[0].CopyActions", RuleCopyActionsPerRule}}},
		{"missing vault", planWith([]string{TypeEBS}, true, PlanCopyAction{}),
			[]want{{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleRequired}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertViolations(t, Default().CheckPlan(tc.p), tc.wants...)
		})
	}
}

func TestCheckPlanRuleLevel(t *testing.T) {
	p := planWith([]string{TypeEBS}, true, PlanCopyAction{DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111111111111:backup-vault:dr"})
	p.SourceRegion = "ap-east-1"
	p.Rules[0].StartWindowMinutes = 30
	p.Rules[0].Lifecycle = model.Lifecycle{DeleteAfterDays: -3}
	assertViolations(t, Default().CheckPlan(p),
		want{"SourceRegion", RuleRegionWithoutCopy},
		want{"Rules[0].StartWindowMinutes", RuleStartWindowMin},
		want{"Rules[0].Lifecycle.DeleteAfterDays", RuleLifecycleNonNegative},
	)

	empty := PlanCheck{RulesField: "Rules", SourceRegionField: "SourceRegion"}
	assertViolations(t, Default().CheckPlan(empty), want{"SourceRegion", RuleRequired}, want{"Rules", RuleRequired})

	relaxed := Default()
	relaxed.NoMixedCrossRegionAndCrossAccount = nil
	mixed := planWith([]string{TypeAurora}, true, PlanCopyAction{DestinationBackupVaultArn: "arn:aws:backup:eu-west-1:222222222222:backup-vault:dr"})
	assertViolations(t, Default().CheckPlan(mixed), want{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleUnsupported},
		want{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleMixedCrossRegionAndAcct})
	assertViolations(t, relaxed.CheckPlan(mixed), want{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleUnsupported})
}

func TestCheckPlanColdFollowsCoveredTypes(t *testing.T) {
	cold := model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120}
	west := "arn:aws:backup:us-west-2:111111111111:backup-vault:dr"
	// EBS-only filter, EBS-only selection: nothing can go cold.
	assertViolations(t, Default().CheckPlan(planWith([]string{TypeEBS, TypeDynamoDB}, true,
		PlanCopyAction{DestinationBackupVaultArn: west, ResourceTypes: []string{TypeEBS}, Lifecycle: cold})),
		want{"Rules[0].CopyActions[0].Lifecycle.MoveToColdStorageAfterDays", RuleColdStorageUnsupported})
	// A filter that tries to leave EFS out still copies EFS, so cold storage applies.
	assertViolations(t, Default().CheckPlan(planWith([]string{TypeEBS, TypeEFS}, true,
		PlanCopyAction{DestinationBackupVaultArn: west, ResourceTypes: []string{TypeEBS}, Lifecycle: cold})),
		want{"Rules[0].CopyActions[0].ResourceTypes", RuleWholePlanCopy})
}

func TestCheckScheduleInterval(t *testing.T) {
	assertViolations(t, Default().CheckScheduleInterval(60, "ScheduleExpression"))
	assertViolations(t, Default().CheckScheduleInterval(15, "ScheduleExpression"), want{"ScheduleExpression", RuleScheduleInterval})
}
