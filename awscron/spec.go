package awscron

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
)

// Temporal's scheduler evaluates calendars for the years 2000-2100 only (its calendar
// validation and its search both stop there).
const (
	temporalFirstYear = 2000
	temporalLastYear  = 2100
)

// ErrNeverRuns is returned (wrapped in *Error) by ScheduleSpec when the expression runs
// in no year Temporal can schedule, 2000-2100.
var ErrNeverRuns = errors.New("never runs in 2000-2100, the years a Temporal schedule covers")

// ScheduleSpec converts the expression into a Temporal schedule spec that fires at the
// same instants as AWS (see the package documentation for the one daylight-saving case
// that needs RepeatedWallTime). tz is the rule's ScheduleExpressionTimezone, an IANA name;
// empty means UTC. The spec carries no StartAt, EndAt or Jitter: AWS has none.
func (e Expression) ScheduleSpec(tz string) (client.ScheduleSpec, error) {
	if tz == "" {
		tz = "UTC"
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
		return client.ScheduleSpec{}, &Error{Expression: e.text, Field: FieldTimezone,
			Rule: fmt.Sprintf("%q is not an IANA time zone name such as UTC or Europe/Paris", tz)}
	}
	if e.rate > 0 {
		return client.ScheduleSpec{
			Intervals:    []client.ScheduleIntervalSpec{{Every: e.rate, Offset: e.ratePhase()}},
			TimeZoneName: tz,
		}, nil
	}
	if e.text == "" {
		return client.ScheduleSpec{}, &Error{Field: FieldExpression, Rule: "empty expression; use Parse"}
	}
	cals := e.cron.calendars(e.text)
	if len(cals) == 0 {
		return client.ScheduleSpec{}, &Error{Expression: e.text, Field: FieldYear, Rule: ErrNeverRuns.Error(), cause: ErrNeverRuns}
	}
	return client.ScheduleSpec{Calendars: cals, TimeZoneName: tz}, nil
}

// ratePhase is where in each period the anchor falls, counted from the Unix epoch as
// Temporal counts interval phases.
func (e Expression) ratePhase() time.Duration {
	if e.anchor.IsZero() {
		return 0
	}
	p := time.Duration(e.anchor.Unix()%int64(e.rate/time.Second)) * time.Second
	if p < 0 {
		p += e.rate
	}
	return p
}

// dateSet is one calendar's date part: days of the month AND weekdays (zero = all),
// within months and years.
type dateSet struct {
	days     valueSet
	weekdays valueSet
	months   valueSet
	years    yearSet
	what     string // for the calendar's comment
}

// Month lengths, with the months and years that have them within Temporal's years.
type monthLength struct {
	days   int
	months valueSet
	years  yearSet
}

func monthLengths() []monthLength {
	all := yearSpan(temporalFirstYear, temporalLastYear)
	var leap yearSet
	for y := temporalFirstYear; y <= temporalLastYear; y++ {
		if daysIn(y, time.February) == 29 {
			leap.add(y)
		}
	}
	var common yearSet
	for i := range all {
		common[i] = all[i] &^ leap[i]
	}
	var m31, m30, feb valueSet
	for _, m := range []int{1, 3, 5, 7, 8, 10, 12} {
		m31.add(m)
	}
	for _, m := range []int{4, 6, 9, 11} {
		m30.add(m)
	}
	feb.add(2)
	return []monthLength{
		{days: 31, months: m31, years: all},
		{days: 30, months: m30, years: all},
		{days: 29, months: feb, years: leap},
		{days: 28, months: feb, years: common},
	}
}

// dateSets expresses the AWS day rule as Temporal date parts, OR'ed together.
func (c cronFields) dateSets() []dateSet {
	years := c.years.intersect(yearSpan(temporalFirstYear, temporalLastYear))
	r := c.day
	var out []dateSet
	emit := func(days, weekdays, months valueSet, ys yearSet, what string) {
		months &= c.months
		ys = ys.intersect(years)
		if months.empty() || ys.empty() {
			return
		}
		out = append(out, dateSet{days: days, weekdays: weekdays, months: months, years: ys, what: what})
	}
	all := yearSpan(temporalFirstYear, temporalLastYear)
	switch r.kind {
	case daysOfMonth:
		emit(r.days, 0, c.months, all, "")
	case daysOfWeek:
		emit(0, r.days, c.months, all, "")
	case nthWeekdayOfMonth:
		emit(span(7*r.nth-6, min(7*r.nth, 31)), 1<<r.weekday, c.months, all,
			fmt.Sprintf("%s #%d", time.Weekday(r.weekday), r.nth))
	case lastDayOfMonth:
		for _, ml := range monthLengths() {
			emit(1<<ml.days, 0, ml.months, ml.years, fmt.Sprintf("L, %d-day months", ml.days))
		}
	case lastWeekdayOfMonth:
		for _, ml := range monthLengths() {
			emit(span(ml.days-6, ml.days), 1<<r.weekday, ml.months, ml.years,
				fmt.Sprintf("last %s, %d-day months", time.Weekday(r.weekday), ml.days))
		}
	case nearestWeekday:
		for _, ml := range monthLengths() {
			for _, w := range nearestWeekdayCases(r.day, ml.days) {
				emit(1<<w.day, w.weekdays, ml.months, ml.years,
					fmt.Sprintf("%dW %s, %d-day months", r.day, w.why, ml.days))
			}
		}
	}
	return mergeDateSets(out)
}

// weekdayCase: in a month of a given length, nW runs on `day` when that day falls on
// one of `weekdays`. The cases exclude each other (they follow the weekday of day n).
type weekdayCase struct {
	day      int
	weekdays valueSet
	why      string
}

func nearestWeekdayCases(n, length int) []weekdayCase {
	if n > length {
		return nil
	}
	mon, fri := valueSet(1<<time.Monday), valueSet(1<<time.Friday)
	cases := []weekdayCase{{day: n, weekdays: span(int(time.Monday), int(time.Friday)), why: "on a weekday"}}
	if n == 1 {
		cases = append(cases, weekdayCase{day: 3, weekdays: mon, why: "on Saturday the 1st"})
	} else {
		cases = append(cases, weekdayCase{day: n - 1, weekdays: fri, why: "on a Saturday"})
	}
	if n == length {
		cases = append(cases, weekdayCase{day: n - 2, weekdays: fri, why: "on Sunday, the last day"})
	} else {
		cases = append(cases, weekdayCase{day: n + 1, weekdays: mon, why: "on a Sunday"})
	}
	return cases
}

// mergeDateSets joins parts that differ only in their months (same years) or only in
// their years (same months), until nothing more joins, so that rules such as 15W stay
// one calendar per case where month lengths do not matter.
func mergeDateSets(in []dateSet) []dateSet {
	for {
		out := mergeOnce(in)
		if len(out) == len(in) {
			return out
		}
		in = out
	}
}

func mergeOnce(in []dateSet) []dateSet {
	var out []dateSet
	for _, ds := range in {
		merged := false
		for i := range out {
			o := &out[i]
			if o.days != ds.days || o.weekdays != ds.weekdays {
				continue
			}
			switch {
			case o.years == ds.years:
				o.months |= ds.months
				merged = true
			case o.months == ds.months:
				o.years = o.years.union(ds.years)
				merged = true
			}
			if merged {
				if o.what != ds.what {
					o.what = commonPrefix(o.what, ds.what)
				}
				break
			}
		}
		if !merged {
			out = append(out, ds)
		}
	}
	return out
}

func commonPrefix(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	for i > 0 && (a[i-1] == ',' || a[i-1] == ' ') {
		i--
	}
	return a[:i]
}

// calendars builds one Temporal calendar per date part, all with the expression's minutes
// and hours at second 0.
func (c cronFields) calendars(text string) []client.ScheduleCalendarSpec {
	var out []client.ScheduleCalendarSpec
	fullYears := yearSpan(temporalFirstYear, temporalLastYear)
	for _, ds := range c.dateSets() {
		cal := client.ScheduleCalendarSpec{
			Second: []client.ScheduleRange{{Start: 0}},
			Minute: toRanges(c.minutes.values()),
			Hour:   toRanges(c.hours.values()),
		}
		// A nil field is "every value" to Temporal; set a field only when it restricts.
		if ds.days != 0 && ds.days != span(1, 31) {
			cal.DayOfMonth = toRanges(ds.days.values())
		}
		if ds.weekdays != 0 && ds.weekdays != span(0, 6) {
			cal.DayOfWeek = toRanges(ds.weekdays.values())
		}
		if ds.months != span(1, 12) {
			cal.Month = toRanges(ds.months.values())
		}
		if ds.years != fullYears {
			cal.Year = toRanges(ds.years.values())
		}
		cal.Comment = text
		if ds.what != "" {
			cal.Comment += " (" + ds.what + ")"
		}
		if len(cal.Comment) > 200 { // Temporal's limit on a calendar comment
			cal.Comment = cal.Comment[:200]
		}
		out = append(out, cal)
	}
	return out
}
