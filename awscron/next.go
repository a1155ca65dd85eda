package awscron

import "time"

// Next returns the first instant strictly after `after` at which AWS would run the
// expression, read in loc (UTC when nil), or the zero time when it never runs again
// (its years have passed). It follows AWS's documentation directly, day by day, and does
// not use the Temporal conversion: tests hold the two against each other.
//
// Daylight saving time: a wall time the clock skips does not run; a wall time the clock
// shows twice runs once, at its first instant. Rate expressions run every period from the
// anchor (see AnchoredAt), whatever loc is.
func (e Expression) Next(after time.Time, loc *time.Location) time.Time {
	if e.rate > 0 {
		return e.nextRate(after)
	}
	if loc == nil {
		loc = time.UTC
	}
	c := e.cron
	// Wall times whose instant cannot be after `after` even at the zone's smallest offset
	// nearby are passed over without resolving them (that keeps enumeration linear).
	minOffset := 24 * time.Hour
	for k := -3; k <= 3; k++ {
		_, off := after.Add(time.Duration(k) * 13 * time.Hour).In(loc).Zone()
		minOffset = min(minOffset, time.Duration(off)*time.Second)
	}
	start := after.In(loc)
	y, mo, d := start.Date()
	for y <= lastYear {
		if !c.years.has(y) {
			y, mo, d = y+1, time.January, 1
			continue
		}
		if !c.months.has(int(mo)) {
			y, mo, d = nextMonth(y, mo)
			continue
		}
		if d > daysIn(y, mo) {
			y, mo, d = nextMonth(y, mo)
			continue
		}
		if c.day.runsOn(y, mo, d) {
			if t, ok := c.firstOnDay(y, mo, d, after, minOffset, loc); ok {
				return t
			}
		}
		d++
	}
	return time.Time{}
}

// firstOnDay returns the first run on one local day that is after `after`. Wall times
// are tried in increasing order; resolved to their first instants they increase too.
func (c cronFields) firstOnDay(y int, mo time.Month, d int, after time.Time, minOffset time.Duration, loc *time.Location) (time.Time, bool) {
	for h := 0; h < 24; h++ {
		if !c.hours.has(h) {
			continue
		}
		for mi := 0; mi < 60; mi++ {
			if !c.minutes.has(mi) {
				continue
			}
			if !time.Date(y, mo, d, h, mi, 0, 0, time.UTC).Add(-minOffset).After(after) {
				continue
			}
			t, ok := firstInstant(y, mo, d, h, mi, loc)
			if ok && t.After(after) {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func (e Expression) nextRate(after time.Time) time.Time {
	anchor := e.anchor
	if anchor.IsZero() {
		anchor = time.Unix(0, 0)
	}
	if after.Before(anchor) {
		return anchor.UTC()
	}
	n := after.Sub(anchor)/e.rate + 1
	return anchor.Add(n * e.rate).UTC()
}

// runsOn says whether AWS runs on this date, by AWS's definitions of the day fields.
func (r dayRule) runsOn(y int, mo time.Month, d int) bool {
	last := daysIn(y, mo)
	wd := int(time.Date(y, mo, d, 12, 0, 0, 0, time.UTC).Weekday())
	switch r.kind {
	case daysOfMonth:
		return r.days.has(d)
	case daysOfWeek:
		return r.days.has(wd)
	case lastDayOfMonth:
		return d == last
	case lastWeekdayOfMonth:
		return wd == r.weekday && d+7 > last
	case nthWeekdayOfMonth:
		return wd == r.weekday && (d-1)/7+1 == r.nth
	case nearestWeekday:
		return nearestWeekdayOf(y, mo, r.day) == d
	}
	return false
}

// nearestWeekdayOf returns the day AWS runs nW in a month: day n itself from Monday to
// Friday; a Saturday moves back to Friday, or on to Monday the 3rd when n is the 1st; a
// Sunday moves on to Monday, or back to Friday when n is the last day. A month shorter
// than n has no such day (0).
func nearestWeekdayOf(y int, mo time.Month, n int) int {
	last := daysIn(y, mo)
	if n > last {
		return 0
	}
	switch time.Date(y, mo, n, 12, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday:
		if n == 1 {
			return 3
		}
		return n - 1
	case time.Sunday:
		if n == last {
			return n - 2
		}
		return n + 1
	}
	return n
}

func daysIn(y int, mo time.Month) int {
	return time.Date(y, mo+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

func nextMonth(y int, mo time.Month) (int, time.Month, int) {
	if mo == time.December {
		return y + 1, time.January, 1
	}
	return y, mo + 1, 1
}
