package plancmd

import (
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
