package schedules

import (
	"os"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/regioncopy/regioncopy/awscron"
	"github.com/regioncopy/regioncopy/plan"
)

// east is how the CLI builds schedules when it runs against us-east-1.
var east = Options{DefaultRegion: "us-east-1"}

// loadPlan reads testdata/plan.json through package plan, optionally edited first.
func loadPlan(t *testing.T, edit func(string) string) *plan.File {
	t.Helper()
	data, err := os.ReadFile("testdata/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if edit != nil {
		text = edit(text)
	}
	f, err := plan.Parse("plan.json", []byte(text), plan.Options{
		DefaultRegion: "us-east-1",
		Now:           func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatalf("plan.Parse: %v", err)
	}
	return f
}

func TestBuildMapsEveryRule(t *testing.T) {
	rules, err := Build(loadPlan(t, nil), east)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || rules[0].ID != "plan/ledger/hourly" || rules[1].ID != "plan/ledger/month-end" {
		t.Fatalf("rules %+v, want plan/ledger/hourly and plan/ledger/month-end", rules)
	}
	h, m := rules[0], rules[1]
	in := h.Input
	if in.SourceRegion != "us-east-1" || in.BackupVaultName != "ledger" || in.StartWindowMinutes != 60 ||
		in.CompletionWindowMinutes != 180 || in.Lifecycle.DeleteAfterDays != 7 || in.ScheduleExpressionTimezone != "America/New_York" ||
		!strings.HasSuffix(in.IamRoleArn, "AWSBackupDefaultServiceRole") || h.TaskQueue != "regioncopy" {
		t.Fatalf("hourly input %+v", in)
	}
	if ca := in.CopyActions[0]; !ca.Coalesce || ca.Lifecycle.DeleteAfterDays != 14 || ca.RpoMinutes != 0 {
		t.Fatalf("hourly copy action %+v: want the plan's Coalesce, its own lifecycle, no RPO", ca)
	}
	if ca := m.Input.CopyActions[0]; ca.Coalesce || ca.RpoMinutes != 2880 {
		t.Fatalf("month-end copy action %+v: want the destination's Coalesce=false and RPO 2880", ca)
	}
	if s := in.Selection; s == nil || len(s.Resources) != 1 || len(s.ListOfTags) != 1 || s.ListOfTags[0].ConditionKey != "backup" {
		t.Fatalf("selection %+v", in.Selection)
	}
	if h.Policies.Overlap != enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL || h.Policies.CatchupWindow != time.Hour || h.Policies.PauseOnFailure {
		t.Fatalf("hourly policies %+v: want ALLOW_ALL, catch-up = the 60-minute start window, no pause on failure", h.Policies)
	}
	if m.Policies.CatchupWindow != DefaultStartWindowMinutes*time.Minute {
		t.Fatalf("month-end catch-up %s, want AWS's default start window", m.Policies.CatchupWindow)
	}
	e, _ := awscron.Parse("cron(0 3 L * ? *)")
	want, _ := e.ScheduleSpec("")
	if len(m.Spec.Calendars) != len(want.Calendars) || m.Spec.TimeZoneName != "UTC" {
		t.Fatalf("month-end spec %+v, want awscron's %+v", m.Spec, want)
	}
}

func TestRevisionChangesWithTheRuleOnly(t *testing.T) {
	a, _ := Build(loadPlan(t, nil), east)
	b, _ := Build(loadPlan(t, nil), east)
	if a[0].Input.Revision == "" || a[0].Input.Revision != b[0].Input.Revision {
		t.Fatalf("the same file gives revisions %q and %q", a[0].Input.Revision, b[0].Input.Revision)
	}
	c, _ := Build(loadPlan(t, func(s string) string { return strings.Replace(s, `"DeleteAfterDays": 14`, `"DeleteAfterDays": 21`, 1) }), east)
	if c[0].Input.Revision == a[0].Input.Revision || c[1].Input.Revision != a[1].Input.Revision {
		t.Fatalf("changing hourly's copy lifecycle: revisions %q->%q (hourly), %q->%q (month-end)",
			a[0].Input.Revision, c[0].Input.Revision, a[1].Input.Revision, c[1].Input.Revision)
	}
	d, _ := Build(loadPlan(t, nil), Options{TaskQueue: "other", DefaultRegion: "us-east-1"})
	if d[0].Input.Revision == a[0].Input.Revision {
		t.Fatal("changing the task queue kept the revision")
	}
	lines := diff(a[0].Input, c[0].Input)
	if len(lines) != 1 || lines[0] != "CopyActions[0].Lifecycle.DeleteAfterDays: 14 -> 21" {
		t.Fatalf("diff = %q", lines)
	}
}

func TestBuildRejectsAPlanWithoutRegion(t *testing.T) {
	f := loadPlan(t, nil)
	f.RegionCopy = nil
	if _, err := Build(f, Options{}); err == nil || !strings.Contains(err.Error(), "SourceRegion") {
		t.Fatalf("Build without any Region = %v, want an error naming SourceRegion", err)
	}
}
