package plancmd

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// After a backfill of the past, the schedule's last action is an old run; list shows the
// run for the latest nominal time.
func TestLastRunIsTheLatestNominalTime(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 25, h, 0, 0, 0, time.UTC) }
	run := func(h int) client.ScheduleActionResult {
		return client.ScheduleActionResult{ScheduleTime: at(h), StartWorkflowResult: &client.ScheduleWorkflowExecution{WorkflowID: "planrun/p/r-" + at(h).Format(time.RFC3339)}}
	}
	// Taken in this order: the 10:00 run, then a backfill of 07:00 and 08:00.
	got, ok := latestNominal([]client.ScheduleActionResult{run(10), run(7), run(8)})
	if !ok || !got.ScheduleTime.Equal(at(10)) {
		t.Errorf("latest nominal = %v (%v), want the 10:00 run", got.ScheduleTime, ok)
	}
	if _, ok := latestNominal(nil); ok {
		t.Error("a schedule with no runs has a last run")
	}
}

// A paused rule's schedule still reports its next action time, but no run starts then:
// the text says paused in the NEXT RUN column; the JSON keeps the time and Paused.
func TestListShowsNoNextRunForAPausedRule(t *testing.T) {
	next := time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	err := printList(&out, []listedSchedule{
		{Plan: "ledger", Rule: "daily", Paused: true, NextRun: next},
		{Plan: "ledger", Rule: "hourly", NextRun: next},
	})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("list printed:\n%s", out.String())
	}
	if f := strings.Fields(lines[1]); len(f) < 4 || f[1] != "daily" || f[2] != "yes" || f[3] != "paused" {
		t.Errorf("paused rule's row %q, want NEXT RUN paused", lines[1])
	}
	if f := strings.Fields(lines[2]); len(f) < 4 || f[1] != "hourly" || f[3] != "2026-11-25T11:00:00Z" {
		t.Errorf("running rule's row %q, want its next run", lines[2])
	}
}
