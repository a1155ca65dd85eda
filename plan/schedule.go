package plan

import (
	"time"

	"github.com/regioncopy/regioncopy/awscron"
	"github.com/regioncopy/regioncopy/policy"
)

// scheduleSamples is how many runs checkSchedule looks at to find the shortest gap. AWS
// cron fields repeat every hour, day, month or year, so a gap shorter than an hour shows up
// within the first hour that runs at all; the sample only has to span one such hour.
const scheduleSamples = 120

// checkSchedule checks a rule's ScheduleExpression in its time zone with awscron: the
// syntax, that it still runs after now, that it converts to a Temporal schedule, and that runs are at least AWS's minimum interval
// apart. loc is nil when the time zone is itself invalid (reported separately); the
// syntax is still checked.
func (r *report) checkSchedule(expr string, loc *time.Location, now time.Time, rules *policy.Rules, field string) {
	e, err := awscron.Parse(expr)
	if err != nil {
		r.add(field, RuleScheduleSyntax, "%v", err)
		return
	}
	if loc == nil {
		return
	}
	var first time.Time
	if !e.IsRate() {
		first = e.Next(now, loc)
		if first.IsZero() {
			r.add(field, RuleScheduleSyntax, "%s never runs after %s: every year it names has passed", expr, now.UTC().Format(time.DateOnly))
			return
		}
	}
	// Apply turns every rule into a Temporal schedule; a rule Temporal cannot express (only
	// years after 2100, say) is refused here, where the file can point at it, not at apply.
	if _, err := e.ScheduleSpec(loc.String()); err != nil {
		r.add(field, RuleScheduleTemporal, "%v (regioncopy runs each rule as a Temporal schedule)", err)
		return
	}
	if e.IsRate() {
		r.addErr(rules.CheckScheduleInterval(int64(e.Rate()/time.Minute), field))
		return
	}
	gap := time.Duration(-1)
	prev := first
	for range scheduleSamples {
		next := e.Next(prev, loc)
		if next.IsZero() {
			break
		}
		if d := next.Sub(prev); gap < 0 || d < gap {
			gap = d
		}
		prev = next
	}
	if gap >= 0 {
		r.addErr(rules.CheckScheduleInterval(int64(gap/time.Minute), field))
	}
}
