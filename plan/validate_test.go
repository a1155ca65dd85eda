package plan

import (
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/policy"
)

// edit returns minimal with each old string replaced by its new one; it fails the test
// when an old string is missing, so a test never silently checks the unedited file.
func edit(t *testing.T, pairs ...string) []byte {
	t.Helper()
	doc := minimal
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(doc, pairs[i]) {
			t.Fatalf("minimal has no %q", pairs[i])
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return []byte(doc)
}

const (
	ruleHead = `"RuleName": "r",`
	copyHead = `"CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:123456789012:backup-vault:dst"}]`
	resource = `"Resources": ["arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"]`
	region   = `"RegionCopy": {"SourceRegion": "us-east-1"}`
	dst      = "arn:aws:backup:us-west-2:123456789012:backup-vault:dst"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   []byte
		opts  Options
		wants []want
	}{
		{"minimal", edit(t), opts(), nil},
		{"Region from the options", edit(t, region, `"RegionCopy": {}`), Options{DefaultRegion: "us-east-1", Now: opts().Now}, nil},
		{"no Region anywhere", edit(t, region, `"RegionCopy": {}`), opts(),
			[]want{{"RegionCopy.SourceRegion", policy.RuleRequired, 0, 0}}},
		{"names", edit(t, `"BackupPlanName": "p"`, `"BackupPlanName": ""`, ruleHead, `"RuleName": "has space",`, `"TargetBackupVaultName": "src"`, `"TargetBackupVaultName": "x"`, `"SelectionName": "s"`, `"SelectionName": "`+strings.Repeat("s", 51)+`"`), opts(),
			[]want{{"BackupPlan.BackupPlanName", policy.RuleRequired, 0, 0}, {"BackupPlan.Rules[0].RuleName", RuleNameSyntax, 0, 0},
				{"BackupPlan.Rules[0].TargetBackupVaultName", RuleNameSyntax, 0, 0}, {"BackupSelection.SelectionName", RuleNameSyntax, 0, 0}}},
		{"time zone", edit(t, ruleHead, ruleHead+` "ScheduleExpressionTimezone": "Local",`), opts(),
			[]want{{"BackupPlan.Rules[0].ScheduleExpressionTimezone", RuleTimezone, 0, 0}}},
		{"time zone accepted", edit(t, ruleHead, ruleHead+` "ScheduleExpressionTimezone": "Asia/Tokyo",`), opts(), nil},
		{"windows", edit(t, ruleHead, ruleHead+` "StartWindowMinutes": 59, "CompletionWindowMinutes": 100,`), opts(),
			[]want{{"BackupPlan.Rules[0].StartWindowMinutes", policy.RuleStartWindowMin, 0, 0}, {"BackupPlan.Rules[0].CompletionWindowMinutes", policy.RuleCompletionWindowMin, 0, 0}}},
		{"rule lifecycle", edit(t, ruleHead, ruleHead+` "Lifecycle": {"MoveToColdStorageAfterDays": 10, "DeleteAfterDays": 36501, "DeleteAfterEvent": "DELETE_AFTER_COPY"},`), opts(),
			[]want{{"BackupPlan.Rules[0].Lifecycle.MoveToColdStorageAfterDays", policy.RuleColdStorageUnsupported, 0, 0},
				{"BackupPlan.Rules[0].Lifecycle.DeleteAfterDays", policy.RuleLifecycleMax, 0, 0},
				{"BackupPlan.Rules[0].Lifecycle.DeleteAfterEvent", RuleNotValidAsInput, 0, 0}}},
		// AWS refuses 0 days; decoded, 0 would mean "keep forever". Reported at the value.
		{"lifecycle days written as 0", edit(t, ruleHead, ruleHead+` "Lifecycle": {"DeleteAfterDays": 0},`,
			copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "`+dst+`", "Lifecycle": {"MoveToColdStorageAfterDays": 0, "DeleteAfterDays": 35}}]`), opts(),
			[]want{{"BackupPlan.Rules[0].Lifecycle.DeleteAfterDays", policy.RuleLifecycleMinDays, 5, 57},
				{"BackupPlan.Rules[0].CopyActions[0].Lifecycle.MoveToColdStorageAfterDays", policy.RuleLifecycleMinDays, 0, 0}}},
		// Accepted and then dropped on the way to AWS would change the retention silently.
		{"archive opt-in", edit(t, ruleHead, ruleHead+` "Lifecycle": {"DeleteAfterDays": 35, "OptInToArchiveForSupportedResources": true},`,
			copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "`+dst+`", "Lifecycle": {"DeleteAfterDays": 35, "OptInToArchiveForSupportedResources": true}}]`), opts(),
			[]want{{"BackupPlan.Rules[0].Lifecycle.OptInToArchiveForSupportedResources", RuleUnsupported, 0, 0},
				{"BackupPlan.Rules[0].CopyActions[0].Lifecycle.OptInToArchiveForSupportedResources", RuleUnsupported, 0, 0}}},
		{"archive opt-in false", edit(t, ruleHead, ruleHead+` "Lifecycle": {"DeleteAfterDays": 35, "OptInToArchiveForSupportedResources": false},`), opts(), nil},
		{"unsupported AWS members", edit(t, ruleHead, ruleHead+` "EnableContinuousBackup": true, "IndexActions": [{"ResourceTypes": ["EBS"]}], "ScanActions": [{"MalwareScanner": "GUARDDUTY"}], "TargetLogicallyAirGappedBackupVaultArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:lag",`,
			`"BackupPlanName": "p"`, `"BackupPlanName": "p", "AdvancedBackupSettings": [{"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}]`), opts(),
			[]want{{"BackupPlan.AdvancedBackupSettings", RuleUnsupported, 0, 0}, {"BackupPlan.Rules[0].EnableContinuousBackup", RuleUnsupported, 0, 0},
				{"BackupPlan.Rules[0].IndexActions", RuleUnsupported, 0, 0}, {"BackupPlan.Rules[0].ScanActions", RuleUnsupported, 0, 0},
				{"BackupPlan.Rules[0].TargetLogicallyAirGappedBackupVaultArn", RuleUnsupported, 0, 0}}},
		{"too many rules", func() []byte {
			rules := make([]string, 11)
			for i := range rules {
				rules[i] = `{"RuleName": "r` + string(rune('a'+i)) + `", "TargetBackupVaultName": "src"}`
			}
			return edit(t, `"Rules": [{`, `"Rules": [`+strings.Join(rules, ",")+`, {`, ruleHead, `"RuleName": "last",`)
		}(), opts(), []want{{"BackupPlan.Rules", policy.RuleRulesPerPlan, 0, 0}}},
		{"no rules", []byte(`{"BackupPlan": {"BackupPlanName": "p", "Rules": [], "X": 1}, "BackupSelection": {"SelectionName": "s",
			"IamRoleArn": "arn:aws:iam::123456789012:role/backup", "Resources": ["arn:aws:s3:::b"]}, "RegionCopy": {"SourceRegion": "us-east-1"}}`), opts(),
			[]want{{"BackupPlan.Rules", policy.RuleRequired, 1, 49}, {"BackupPlan.X", RuleUnknownMember, 1, 53}}},
		{"selection missing", edit(t, `"BackupSelection": {`, `"Selection": {`), opts(),
			[]want{{"BackupSelection", policy.RuleRequired, 1, 1}, {"Selection", RuleUnknownMember, 10, 3}}},
		{"selection details", edit(t, `"IamRoleArn": "arn:aws:iam::123456789012:role/backup"`, `"IamRoleArn": "arn:aws:iam::123456789012:user/backup"`,
			resource, `"Resources": ["arn:aws:ec2:us-west-2:123456789012:volume/vol-0123456789abcdef0", "arn:aws:s3:::*-logs"],
			"ListOfTags": [{"ConditionType": "StringEquals", "ConditionKey": "", "ConditionValue": "x"}],
			"Conditions": {"StringLike": [{"ConditionKey": "backup", "ConditionValue": "d*"}]}`), opts(),
			[]want{{"BackupSelection.IamRoleArn", policy.RuleARNSyntax, 0, 0},
				{"BackupSelection.Resources[0]", RuleResourceNotRegion, 0, 0}, {"BackupSelection.Resources[1]", policy.RuleARNSyntax, 0, 0},
				{"BackupSelection.ListOfTags[0].ConditionType", RuleConditionType, 0, 0}, {"BackupSelection.ListOfTags[0].ConditionKey", policy.RuleRequired, 0, 0},
				{"BackupSelection.Conditions.StringLike[0].ConditionKey", RuleConditionKey, 0, 0}}},
		{"too many wildcard ARNs", edit(t, resource, `"Resources": [`+strings.TrimSuffix(strings.Repeat(`"arn:aws:ec2:*:*:volume/*",`, 31), ",")+`]`), opts(),
			[]want{{"BackupSelection.Resources", RuleSelectionLimit, 0, 0}}},
		{"DynamoDB selected", edit(t, resource, `"Resources": ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"]`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions[0]", policy.RuleTypeNotCopyable, 0, 0}}},
		{"DynamoDB left out by a destination's ResourceTypes", edit(t, resource, `"Resources": ["arn:aws:dynamodb:us-east-1:123456789012:table/orders", "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"]`,
			region, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [{"DestinationBackupVaultArn": "`+dst+`", "ResourceTypes": ["EBS"]}]}`), opts(), nil},
		{"RDS cross-Region and cross-account", edit(t, resource, `"Resources": ["arn:aws:rds:us-east-1:123456789012:db:orders"]`,
			copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:999999999999:backup-vault:dst"}]`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleUnsupported, 0, 0},
				{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", policy.RuleMixedCrossRegionAndAcct, 0, 0}}},
		{"EBS cross-account", edit(t, copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:999999999999:backup-vault:dst"}]`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleUnsupported, 0, 0}}},
		{"destination settings", edit(t, region, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [
			{"DestinationBackupVaultArn": "`+dst+`", "RpoMinutes": -5},
			{"DestinationBackupVaultArn": "`+dst+`"},
			{"DestinationBackupVaultArn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:other"},
			{"DestinationBackupVaultArn": "dst"}]}`), opts(),
			[]want{{"RegionCopy.Destinations[0].RpoMinutes", RuleRPO, 0, 0}, {"RegionCopy.Destinations[1].DestinationBackupVaultArn", policy.RuleDuplicateDestination, 0, 0},
				{"RegionCopy.Destinations[2].DestinationBackupVaultArn", RuleUnknownDest, 0, 0}, {"RegionCopy.Destinations[3].DestinationBackupVaultArn", policy.RuleARNSyntax, 0, 0}}},
		{"destination settings keep their own index", edit(t, resource, `"Resources": ["arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0", "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123abcd"]`,
			region, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [{"DestinationBackupVaultArn": "bad"}, {"DestinationBackupVaultArn": "`+dst+`", "ResourceTypes": ["EBS"]}]}`), opts(),
			[]want{{"RegionCopy.Destinations[0].DestinationBackupVaultArn", policy.RuleARNSyntax, 0, 0}, {"RegionCopy.Destinations[1].ResourceTypes", policy.RuleWholePlanCopy, 0, 0}}},
		// A misspelt copy action ARN is one mistake: the settings naming the vault it
		// meant are not also reported as settings for a vault nothing copies to.
		{"misspelt copy action ARN, settings for the vault it meant", edit(t, copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:123456789012:backup-vualt:dst"}]`,
			region, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [{"DestinationBackupVaultArn": "`+dst+`"}]}`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", policy.RuleARNSyntax, 0, 0}}},
		{"misspelt copy action Region, settings for the vault it meant", edit(t, copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west2:123456789012:backup-vault:dst"}]`,
			region, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [{"DestinationBackupVaultArn": "`+dst+`"}]}`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", policy.RuleRegionSyntax, 0, 0}}},
		// Settings that differ from the misspelt ARN in more than its mistake stay wrong
		// once it is fixed, so they are still reported; so are both of two settings either
		// of which the misspelt ARN may have meant, since at most one of them can match.
		{"misspelt copy action ARN, settings for another vault", edit(t, copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:123456789012:backup-vualt:dst"}]`,
			region, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [{"DestinationBackupVaultArn": "arn:aws:backup:eu-west-1:123456789012:backup-vault:dst"}]}`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", policy.RuleARNSyntax, 0, 0},
				{"RegionCopy.Destinations[0].DestinationBackupVaultArn", RuleUnknownDest, 0, 0}}},
		{"misspelt copy action Region, settings for two vaults it may have meant", edit(t, copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west2:123456789012:backup-vault:dst"}]`,
			region, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [{"DestinationBackupVaultArn": "`+dst+`"}, {"DestinationBackupVaultArn": "arn:aws:backup:eu-west-2:123456789012:backup-vault:dst"}]}`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", policy.RuleRegionSyntax, 0, 0},
				{"RegionCopy.Destinations[0].DestinationBackupVaultArn", RuleUnknownDest, 0, 0},
				{"RegionCopy.Destinations[1].DestinationBackupVaultArn", RuleUnknownDest, 0, 0}}},
		{"misspelt copy action Region, settings for a vault another copy action may be meant to share", edit(t, copyHead, `"CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west2:123456789012:backup-vault:dst"}, {"DestinationBackupVaultArn": "arn:aws:backup:eu-west-2:123456789012:backup-vault:dst"}]`,
			region, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": [{"DestinationBackupVaultArn": "`+dst+`"}]}`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn", policy.RuleRegionSyntax, 0, 0},
				{"RegionCopy.Destinations[0].DestinationBackupVaultArn", RuleUnknownDest, 0, 0}}},
		{"copy-only without selection needs a role", edit(t, `"BackupSelection": {`, `"BackupSelectionX": {`, region, `"RegionCopy": {"SourceRegion": "us-east-1", "CopyOnly": true}`), opts(),
			[]want{{"BackupSelectionX", RuleUnknownMember, 0, 0}, {"RegionCopy.IamRoleArn", policy.RuleRequired, 0, 0}}},
		{"copy-only rule without copy actions", edit(t, `,
      `+copyHead, ``, region, `"RegionCopy": {"SourceRegion": "us-east-1", "CopyOnly": true}`), opts(),
			[]want{{"BackupPlan.Rules[0].CopyActions", policy.RuleRequired, 0, 0}}},
		{"schedule syntax", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "cron(0 * * * * *)",`), opts(),
			[]want{{"BackupPlan.Rules[0].ScheduleExpression", RuleScheduleSyntax, 0, 0}}},
		{"schedule not cron or rate", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "every hour",`), opts(),
			[]want{{"BackupPlan.Rules[0].ScheduleExpression", RuleScheduleSyntax, 0, 0}}},
		{"rate more often than hourly", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "rate(30 minutes)",`), opts(),
			[]want{{"BackupPlan.Rules[0].ScheduleExpression", policy.RuleScheduleInterval, 0, 0}}},
		{"cron more often than hourly", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "cron(0,30 9 ? * MON-FRI *)",`), opts(),
			[]want{{"BackupPlan.Rules[0].ScheduleExpression", policy.RuleScheduleInterval, 0, 0}}},
		{"cron whose years have passed", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "cron(0 5 ? * * 2020-2025)",`), opts(),
			[]want{{"BackupPlan.Rules[0].ScheduleExpression", RuleScheduleSyntax, 0, 0}}},
		{"cron only in years a Temporal schedule cannot cover", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "cron(0 5 ? * * 2101-2150)",`), opts(),
			[]want{{"BackupPlan.Rules[0].ScheduleExpression", RuleScheduleTemporal, 5, 46}}},
		{"cron reaching past Temporal's years still runs before them", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "cron(0 5 ? * * 2099-2150)",`), opts(), nil},
		{"hourly cron in a time zone", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "cron(15 * ? * * *)", "ScheduleExpressionTimezone": "America/New_York",`), opts(), nil},
		{"last day of the month, hourly rate", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "cron(0 3 L * ? *)",`,
			`"Rules": [{`, `"Rules": [{"RuleName": "h", "TargetBackupVaultName": "src", "ScheduleExpression": "rate(1 hour)"}, {`), opts(), nil},
		{"bad schedule and bad time zone both reported", edit(t, ruleHead, ruleHead+` "ScheduleExpression": "cron(61 * ? * * *)", "ScheduleExpressionTimezone": "Mars/Olympus",`), opts(),
			[]want{{"BackupPlan.Rules[0].ScheduleExpression", RuleScheduleSyntax, 0, 0}, {"BackupPlan.Rules[0].ScheduleExpressionTimezone", RuleTimezone, 0, 0}}},
		{"updated rules are honoured", edit(t, resource, `"Resources": ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"]`),
			Options{Now: opts().Now, Rules: func() *policy.Rules { r := policy.Default(); r.NotCopyableCrossRegion = nil; return r }()}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("f.json", tc.doc, tc.opts)
			assertProblems(t, err, tc.wants...)
			if (f == nil) == (err == nil) {
				t.Fatalf("Parse must return a plan or an error, got %v and %v", f, err)
			}
		})
	}
}
