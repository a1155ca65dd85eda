package planrun

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/awscron"
)

// scheduledStartTimeKey is the search attribute a Temporal Schedule sets on every
// workflow it starts: the nominal time of that run (before jitter, and the original
// time for a catch-up or backfill).
var scheduledStartTimeKey = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")

// nominalTime is the run's nominal time: the schedule's TemporalScheduledStartTime, or
// the workflow's start time when the run was started by hand.
func nominalTime(ctx workflow.Context) time.Time {
	if t, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStartTimeKey); ok && !t.IsZero() {
		return t.UTC()
	}
	return workflow.GetInfo(ctx).WorkflowStartTime.UTC()
}

// schedule is a rule's parsed expression and time zone.
type schedule struct {
	expr awscron.Expression
	loc  *time.Location
}

func parseSchedule(expr, zone string) (schedule, error) {
	e, err := awscron.Parse(expr)
	if err != nil {
		return schedule{}, fmt.Errorf("ScheduleExpression: %w", err)
	}
	loc := time.UTC
	if zone != "" {
		if loc, err = time.LoadLocation(zone); err != nil {
			return schedule{}, fmt.Errorf("ScheduleExpressionTimezone %q: %w", zone, err)
		}
	}
	return schedule{expr: e, loc: loc}, nil
}

// isDSTRepeat reports whether the run exists only because the wall-clock hour repeated
// when daylight saving time ended (AWS fires once; a Temporal calendar twice).
func (s schedule) isDSTRepeat(nominal time.Time) bool {
	return s.expr.IsDSTRepeat(nominal, s.loc)
}

// previous returns the latest time before nominal at which the schedule fires, searching
// back at most five years (an expression firing less often than that has no previous
// run worth copying from; the caller then starts from nominal minus a day).
func (s schedule) previous(nominal time.Time) (time.Time, bool) {
	if s.expr.IsRate() {
		return nominal.Add(-s.expr.Rate()), true
	}
	for _, back := range []time.Duration{time.Hour, 24 * time.Hour, 8 * 24 * time.Hour, 32 * 24 * time.Hour, 367 * 24 * time.Hour, 5 * 366 * 24 * time.Hour} {
		t := s.expr.Next(nominal.Add(-back), s.loc)
		if t.IsZero() || !t.Before(nominal) {
			continue
		}
		for {
			n := s.expr.Next(t, s.loc)
			if n.IsZero() || !n.Before(nominal) {
				return t, true
			}
			t = n
		}
	}
	return time.Time{}, false
}
