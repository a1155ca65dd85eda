package awscron

import (
	"sort"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// specFireTimes lists the instants in [from, to) at which a Temporal ScheduleSpec fires,
// by the semantics Temporal documents, written from the SDK's and server's descriptions
// rather than from this package's converter:
//   - a calendar matches an instant when every field has a range containing the
//     instant's value on the wall clock of TimeZoneName; an unset field takes the SDK's
//     default (Second, Minute, Hour: 0; DayOfMonth 1-31; Month 1-12; DayOfWeek 0-6 with
//     0 = Sunday; Year: every year);
//   - a range is Start..End (End below Start means Start alone) by Step (0 means 1);
//   - calendars and intervals are OR'ed; an instant matched by a Skip calendar does not fire;
//   - an interval fires at every epoch second s with (s - Offset) mod Every == 0;
//   - the wall clock is read literally: a skipped wall time never matches, a repeated one
//     matches at both instants;
//   - the scheduler fires nothing after the year 2100.
//
// Only whole minutes are examined: every spec this package builds fires at second 0.
func specFireTimes(t *testing.T, spec client.ScheduleSpec, from, to time.Time) []time.Time {
	t.Helper()
	tz := spec.TimeZoneName
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatalf("spec time zone %q: %v", tz, err)
	}
	cals := make([]calendarMatcher, len(spec.Calendars))
	for i, c := range spec.Calendars {
		cals[i] = newCalendarMatcher(c)
	}
	skips := make([]calendarMatcher, len(spec.Skip))
	for i, c := range spec.Skip {
		skips[i] = newCalendarMatcher(c)
	}
	seen := map[int64]bool{}
	var out []time.Time
	add := func(ts time.Time) {
		if ts.Year() > 2100 || seen[ts.Unix()] {
			return
		}
		l := ts.In(loc)
		for _, s := range skips {
			if s.matches(l) {
				return
			}
		}
		seen[ts.Unix()] = true
		out = append(out, ts.UTC())
	}
	from = from.UTC().Truncate(time.Minute)
	// Calendars: walk UTC hours; look at minutes only in hours whose wall-clock date and
	// hour can match (a UTC hour spans two wall hours in zones offset by 30 or 45 minutes).
	for h := from.Truncate(time.Hour); h.Before(to); h = h.Add(time.Hour) {
		a, b := h.In(loc), h.Add(59*time.Minute).In(loc)
		possible := false
		for _, c := range cals {
			if c.matchesHour(a) || c.matchesHour(b) {
				possible = true
				break
			}
		}
		if !possible {
			continue
		}
		for m := 0; m < 60; m++ {
			ts := h.Add(time.Duration(m) * time.Minute)
			if ts.Before(from) || !ts.Before(to) {
				continue
			}
			l := ts.In(loc)
			for _, c := range cals {
				if c.matches(l) {
					add(ts)
					break
				}
			}
		}
	}
	for _, iv := range spec.Intervals {
		every, off := int64(iv.Every/time.Second), int64(iv.Offset/time.Second)
		s := from.Unix()
		k := (s - off) / every
		for ts := k*every + off; ts < to.Unix(); ts += every {
			if ts >= s {
				add(time.Unix(ts, 0))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

type rangeMatcher func(int) bool

func newRangeMatcher(rs []client.ScheduleRange, def []client.ScheduleRange) rangeMatcher {
	if rs == nil {
		rs = def
	}
	return func(v int) bool {
		for _, r := range rs {
			end, step := r.End, r.Step
			if end < r.Start {
				end = r.Start
			}
			if step == 0 {
				step = 1
			}
			if v >= r.Start && v <= end && (v-r.Start)%step == 0 {
				return true
			}
		}
		return false
	}
}

type calendarMatcher struct {
	second, minute, hour, dom, month, dow rangeMatcher
	year                                  rangeMatcher // nil: every year
}

func newCalendarMatcher(c client.ScheduleCalendarSpec) calendarMatcher {
	zero := []client.ScheduleRange{{Start: 0}}
	m := calendarMatcher{
		second: newRangeMatcher(c.Second, zero),
		minute: newRangeMatcher(c.Minute, zero),
		hour:   newRangeMatcher(c.Hour, zero),
		dom:    newRangeMatcher(c.DayOfMonth, []client.ScheduleRange{{Start: 1, End: 31}}),
		month:  newRangeMatcher(c.Month, []client.ScheduleRange{{Start: 1, End: 12}}),
		dow:    newRangeMatcher(c.DayOfWeek, []client.ScheduleRange{{Start: 0, End: 6}}),
	}
	if len(c.Year) > 0 {
		m.year = newRangeMatcher(c.Year, nil)
	}
	return m
}

func (c calendarMatcher) matchesHour(l time.Time) bool {
	return (c.year == nil || c.year(l.Year())) && c.month(int(l.Month())) && c.dom(l.Day()) &&
		c.dow(int(l.Weekday())) && c.hour(l.Hour())
}

func (c calendarMatcher) matches(l time.Time) bool {
	return c.matchesHour(l) && c.minute(l.Minute()) && c.second(l.Second())
}
