package awscron

import "time"

// firstInstant returns the earliest instant whose wall clock in loc reads the given date,
// hour and minute, and false when daylight saving time skips that wall time. Go's
// time.Date picks either instant of a repeated wall time depending on the zone, so the
// candidates are built from the zone's offsets around that moment and checked one by one.
func firstInstant(y int, mo time.Month, d, h, mi int, loc *time.Location) (time.Time, bool) {
	naive := time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
	var best time.Time
	found := false
	// A real instant lies within a day of the naive one (offsets are under 15 hours), and
	// zones change their offset at most once in that span.
	for _, probe := range []time.Duration{-26 * time.Hour, -13 * time.Hour, 0, 13 * time.Hour, 26 * time.Hour} {
		_, off := naive.Add(probe).In(loc).Zone()
		cand := naive.Add(-time.Duration(off) * time.Second)
		l := cand.In(loc)
		if l.Year() != y || l.Month() != mo || l.Day() != d || l.Hour() != h || l.Minute() != mi {
			continue
		}
		if !found || cand.Before(best) {
			best, found = cand, true
		}
	}
	return best, found
}

// repeatedWallTime reports whether t's wall clock in loc already showed the same minute
// earlier, that is whether t falls in the second pass of an hour repeated when daylight
// saving time ends.
func repeatedWallTime(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	first, ok := firstInstant(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), loc)
	return ok && first.Before(t.Truncate(time.Minute))
}

// ShouldRun reports whether AWS runs the expression at nominal, the (unjittered) time a
// schedule from ScheduleSpec started an action, in the rule's time zone loc (UTC when
// nil). Temporal's calendars fire at every instant whose wall clock matches, so where
// the clock repeats an hour at the end of daylight saving time they fire twice; AWS runs
// once. The action drops a start for which ShouldRun is false, which makes schedule and
// action together run exactly when AWS would.
func (e Expression) ShouldRun(nominal time.Time, loc *time.Location) bool {
	if loc == nil {
		loc = time.UTC
	}
	return e.Next(nominal.Add(-time.Second), loc).Equal(nominal)
}

// IsDSTRepeat reports whether a run that a schedule from ScheduleSpec started at nominal
// is an extra one caused by daylight saving time: the wall time of nominal occurs twice
// in loc and AWS does not run at this instant (ShouldRun is false). The action started
// by the schedule ends at once when it is true. Unlike ShouldRun it is false for runs at
// ordinary times that AWS's schedule does not name, such as manual triggers and backfills.
func (e Expression) IsDSTRepeat(nominal time.Time, loc *time.Location) bool {
	if loc == nil {
		loc = time.UTC
	}
	return e.rate == 0 && wallTimeRepeats(nominal, loc) && !e.ShouldRun(nominal, loc)
}

// wallTimeRepeats reports whether another instant within three hours of t shows the same
// wall-clock minute in loc: t is either pass of an hour repeated when DST ends.
func wallTimeRepeats(t time.Time, loc *time.Location) bool {
	l := t.In(loc)
	y, mo, d := l.Date()
	for _, delta := range []time.Duration{-3 * time.Hour, 3 * time.Hour} {
		_, off := t.Add(delta).In(loc).Zone()
		cand := time.Date(y, mo, d, l.Hour(), l.Minute(), 0, 0, time.UTC).Add(-time.Duration(off) * time.Second)
		if !cand.Equal(t.Truncate(time.Minute)) && cand.In(loc).Format(time.DateTime) == l.Truncate(time.Minute).Format(time.DateTime) {
			return true
		}
	}
	return false
}
