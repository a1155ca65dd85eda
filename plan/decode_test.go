package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/policy"
)

func TestParseMinimal(t *testing.T) {
	f, err := Parse("p.json", []byte(minimal), opts())
	if err != nil {
		t.Fatal(err)
	}
	if f.BackupPlan.BackupPlanName != "p" || len(f.BackupPlan.Rules) != 1 ||
		f.BackupPlan.Rules[0].CopyActions[0].DestinationBackupVaultArn != "arn:aws:backup:us-west-2:123456789012:backup-vault:dst" ||
		f.BackupSelection.IamRoleArn != "arn:aws:iam::123456789012:role/backup" || f.RegionCopy.SourceRegion != "us-east-1" {
		t.Fatalf("decoded wrongly: %+v", f)
	}
	if got := f.BackupPlan.Rules[0].Schedule(); got != DefaultScheduleExpression {
		t.Fatalf("default schedule = %q", got)
	}
}

func TestDecodeStructuralProblems(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		wants     []want
	}{
		{"unknown top-level member", `{"BackupPlan": {}, "Extra": 1}`,
			[]want{{"Extra", RuleUnknownMember, 1, 20}}},
		{"wrong case is unknown, with a hint", "{\n  \"backupPlan\": {}\n}",
			[]want{{"backupPlan", RuleUnknownMember, 2, 3}}},
		{"unknown nested member keeps its path", `{"BackupPlan": {"Rules": [{}, {"Lifecycle": {"DeleteAfterDay": 3}}]}}`,
			[]want{{"BackupPlan.Rules[1].Lifecycle.DeleteAfterDay", RuleUnknownMember, 1, 46}}},
		{"duplicate member", `{"BackupPlan": {"BackupPlanName": "a", "BackupPlanName": "b"}}`,
			[]want{{"BackupPlan.BackupPlanName", RuleDuplicateMember, 1, 40}}},
		{"duplicate tag", `{"BackupPlan": {"Rules": [{"RecoveryPointTags": {"a": "1", "a": "2"}}]}}`,
			[]want{{`BackupPlan.Rules[0].RecoveryPointTags["a"]`, RuleDuplicateMember, 1, 60}}},
		{"string for a number", `{"BackupPlan": {"Rules": [{"StartWindowMinutes": "60"}]}}`,
			[]want{{"BackupPlan.Rules[0].StartWindowMinutes", RuleJSONType, 1, 50}}},
		{"fraction for a number", `{"BackupPlan": {"Rules": [{"StartWindowMinutes": 60.5}]}}`,
			[]want{{"BackupPlan.Rules[0].StartWindowMinutes", RuleJSONType, 1, 50}}},
		{"huge number", `{"BackupPlan": {"Rules": [{"StartWindowMinutes": 99999999999999999999}]}}`,
			[]want{{"BackupPlan.Rules[0].StartWindowMinutes", RuleJSONType, 1, 50}}},
		{"object for an array", `{"BackupPlan": {"Rules": {}}}`,
			[]want{{"BackupPlan.Rules", RuleJSONType, 1, 26}}},
		{"number for a bool", `{"RegionCopy": {"CopyOnly": 1}}`,
			[]want{{"RegionCopy.CopyOnly", RuleJSONType, 1, 29}}},
		{"several at once", "{\"BackupPlan\": {\"Rulez\": [], \"BackupPlanName\": 5},\n \"RegionCopy\": {\"RPO\": 1}}",
			[]want{{"BackupPlan.Rulez", RuleUnknownMember, 1, 17}, {"BackupPlan.BackupPlanName", RuleJSONType, 1, 48}, {"RegionCopy.RPO", RuleUnknownMember, 2, 17}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("f.json", []byte(tc.doc))
			assertProblems(t, err, tc.wants...)
		})
	}
}

func TestDecodeSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		line, col int
	}{
		{"empty", ``, 1, 1},
		{"truncated", "{\n  \"BackupPlan\": {", 2, 18},
		{"bad token", "{\n  \"BackupPlan\": nope}", 2, 17},
		{"trailing data", `{} {}`, 1, 4},
		{"array at the top", `[]`, 1, 1},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("f.json", []byte(tc.doc), opts())
			if f != nil || err == nil {
				t.Fatalf("want an error, got %v, %v", f, err)
			}
			ps := Problems(err)
			if len(ps) != 1 {
				t.Fatalf("want one problem, got %v", err)
			}
			if tc.line != 0 && (ps[0].Line != tc.line || ps[0].Column != tc.col) {
				t.Fatalf("position %d:%d, want %d:%d (%v)", ps[0].Line, ps[0].Column, tc.line, tc.col, err)
			}
			if !strings.HasPrefix(err.Error(), "f.json:") {
				t.Fatalf("message %q does not start with the file name", err)
			}
		})
	}
}

func TestNullIsAbsent(t *testing.T) {
	doc := strings.Replace(minimal, `"RegionCopy": {"SourceRegion": "us-east-1"}`, `"RegionCopy": {"SourceRegion": "us-east-1", "Destinations": null, "IamRoleArn": null}`, 1)
	if _, err := Parse("f.json", []byte(doc), opts()); err != nil {
		t.Fatal(err)
	}
}

func TestProblemsAreViolations(t *testing.T) {
	_, err := Parse("f.json", []byte(`{"BackupPlan": {}, "Oops": true}`), opts())
	vs := policy.Violations(err)
	if len(vs) == 0 || len(vs) != len(Problems(err)) {
		t.Fatalf("policy.Violations sees %d, Problems %d", len(vs), len(Problems(err)))
	}
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatal("errors.As finds no *Problem")
	}
}
