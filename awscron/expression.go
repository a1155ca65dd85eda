package awscron

import (
	"fmt"
	"time"
)

// Field names as AWS's documentation spells them; every error names one of them.
const (
	FieldExpression = "ScheduleExpression"
	FieldTimezone   = "ScheduleExpressionTimezone"
	FieldMinutes    = "Minutes"
	FieldHours      = "Hours"
	FieldDayOfMonth = "Day-of-month"
	FieldMonth      = "Month"
	FieldDayOfWeek  = "Day-of-week"
	FieldYear       = "Year"
	FieldRateValue  = "rate Value"
	FieldRateUnit   = "rate Unit"
)

// Error explains why an expression was refused: the field, the rule it breaks, and the
// expression as written.
type Error struct {
	Expression string
	Field      string
	Rule       string
	cause      error // a sentinel such as ErrNeverRuns, for errors.Is
}

func (e *Error) Error() string {
	return fmt.Sprintf("schedule expression %q: %s: %s", e.Expression, e.Field, e.Rule)
}

func (e *Error) Unwrap() error { return e.cause }

// Expression is a parsed AWS schedule expression, either cron(...) or rate(...). The zero
// value is not a valid expression; use Parse.
type Expression struct {
	text   string
	cron   cronFields
	rate   time.Duration // > 0 for rate(...)
	anchor time.Time     // where a rate's count starts; zero means the Unix epoch
}

// String returns the expression as it was written (trimmed).
func (e Expression) String() string { return e.text }

// IsRate reports whether the expression is rate(...).
func (e Expression) IsRate() bool { return e.rate > 0 }

// Rate returns the period of a rate(...) expression, zero for cron(...).
func (e Expression) Rate() time.Duration { return e.rate }

// AnchoredAt returns a copy whose rate count starts at t (truncated to the minute, the
// precision of AWS schedules) instead of the Unix epoch. Use the plan's own, stored
// creation time, never time.Now at apply: re-applying a plan must not move its schedule.
// It has no effect on cron(...).
func (e Expression) AnchoredAt(t time.Time) Expression {
	e.anchor = t.UTC().Truncate(time.Minute)
	return e
}

// cronFields is a cron(...) expression resolved to sets of values.
type cronFields struct {
	minutes valueSet // 0..59
	hours   valueSet // 0..23
	months  valueSet // 1..12
	years   yearSet  // 1970..2199
	day     dayRule
}

type dayKind int

const (
	daysOfMonth        dayKind = iota + 1 // Day-of-week is ?; days holds 1..31
	daysOfWeek                            // Day-of-month is ?; days holds 0..6, 0 = Sunday
	lastDayOfMonth                        // L in Day-of-month
	nearestWeekday                        // nW: day = n
	lastWeekdayOfMonth                    // dL: weekday = d
	nthWeekdayOfMonth                     // d#k: weekday = d, nth = k
)

// dayRule says which days of a month fire. Weekdays use Go's numbering (0 = Sunday),
// which is also Temporal's; AWS's 1..7 is converted when parsed.
type dayRule struct {
	kind    dayKind
	days    valueSet
	day     int
	weekday int
	nth     int
}
