package plan

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// want is one expected problem: JSON path, rule, and (when non-zero) line and column.
type want struct {
	Path      string
	Rule      string
	Line, Col int
}

// assertProblems checks that err lists exactly the wanted problems in order, and that
// each message names its path and rule.
func assertProblems(t *testing.T, err error, wants ...want) {
	t.Helper()
	ps := Problems(err)
	if len(wants) == 0 {
		if err != nil {
			t.Fatalf("want no problems, got:\n%v", err)
		}
		return
	}
	var got []want
	for i, p := range ps {
		w := want{Path: p.Field, Rule: p.Rule}
		if i < len(wants) && wants[i].Line != 0 {
			w.Line, w.Col = p.Line, p.Column
		}
		got = append(got, w)
		msg := p.Error()
		if !strings.Contains(msg, p.Field) || !strings.Contains(msg, p.Rule) {
			t.Errorf("problem %q does not name path %q and rule %q", msg, p.Field, p.Rule)
		}
	}
	if !slices.Equal(got, wants) {
		t.Fatalf("problems:\n got  %v\n want %v\nerror:\n%v", got, wants, err)
	}
}

// minimal is a valid plan file body; tests change one thing in it.
const minimal = `{
  "BackupPlan": {
    "BackupPlanName": "p",
    "Rules": [{
      "RuleName": "r",
      "TargetBackupVaultName": "src",
      "CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:us-west-2:123456789012:backup-vault:dst"}]
    }]
  },
  "BackupSelection": {
    "SelectionName": "s",
    "IamRoleArn": "arn:aws:iam::123456789012:role/backup",
    "Resources": ["arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"]
  },
  "RegionCopy": {"SourceRegion": "us-east-1"}
}`

// opts fixes the clock, so "a schedule that never runs again" does not depend on the day
// the tests run.
func opts() Options {
	return Options{Now: func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }}
}
