package awscron

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// AWS's documented examples and the special characters, with run times worked out by
// hand from a 2026 calendar (2026-01-01 is a Thursday; February 2026 and March 2026 start
// on a Sunday; August 2026 starts on a Saturday).
func TestNextDocumentedExamples(t *testing.T) {
	d := func(mo time.Month, day, h, mi int) time.Time { return time.Date(2026, mo, day, h, mi, 0, 0, time.UTC) }
	start := d(1, 1, 0, 0)
	cases := []struct {
		expr  string
		after time.Time
		want  []time.Time
	}{
		{"cron(0 10 * * ? *)", start, []time.Time{d(1, 1, 10, 0), d(1, 2, 10, 0)}},
		{"cron(15 12 * * ? *)", start, []time.Time{d(1, 1, 12, 15), d(1, 2, 12, 15)}},
		{"cron(0 18 ? * MON-FRI *)", start, []time.Time{d(1, 1, 18, 0), d(1, 2, 18, 0), d(1, 5, 18, 0)}},
		{"cron(0 8 1 * ? *)", start, []time.Time{d(1, 1, 8, 0), d(2, 1, 8, 0), d(3, 1, 8, 0)}},
		{"cron(0/15 * * * ? *)", start, []time.Time{d(1, 1, 0, 15), d(1, 1, 0, 30), d(1, 1, 0, 45), d(1, 1, 1, 0)}},
		{"cron(0/10 * ? * MON-FRI *)", d(1, 2, 23, 45), []time.Time{d(1, 2, 23, 50), d(1, 5, 0, 0)}},
		{"cron(0/5 8-17 ? * MON-FRI *)", d(1, 1, 17, 55), []time.Time{d(1, 2, 8, 0), d(1, 2, 8, 5)}},
		{"cron(0 9 ? * 2#1 *)", start, []time.Time{d(1, 5, 9, 0), d(2, 2, 9, 0), d(3, 2, 9, 0)}},
		{"cron(0 0 L * ? *)", start, []time.Time{d(1, 31, 0, 0), d(2, 28, 0, 0), d(3, 31, 0, 0), d(4, 30, 0, 0)}},
		{"cron(0 0 L 2 ? *)", start, []time.Time{d(2, 28, 0, 0), time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC), time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)}},
		{"cron(0 0 ? * 6L *)", start, []time.Time{d(1, 30, 0, 0), d(2, 27, 0, 0), d(3, 27, 0, 0)}},
		{"cron(0 12 15W * ? *)", start, []time.Time{d(1, 15, 12, 0), d(2, 16, 12, 0), d(3, 16, 12, 0), d(4, 15, 12, 0)}},
		{"cron(0 12 15W * ? *)", d(8, 1, 0, 0), []time.Time{d(8, 14, 12, 0)}},
		{"cron(0 12 1W * ? *)", d(7, 31, 0, 0), []time.Time{d(8, 3, 12, 0)}},
		{"cron(0 12 1W * ? *)", d(1, 31, 0, 0), []time.Time{d(2, 2, 12, 0)}},
		{"cron(0 12 31W * ? *)", start, []time.Time{d(1, 30, 12, 0), d(3, 31, 12, 0), d(5, 29, 12, 0)}},
		{"cron(0 0 ? * L *)", start, []time.Time{d(1, 3, 0, 0), d(1, 10, 0, 0)}},
		{"cron(0 0 ? * 1#5 *)", start, []time.Time{d(3, 29, 0, 0), d(5, 31, 0, 0)}},
		{"cron(0 0 1 1 ? 2030/5)", start, []time.Time{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"cron(0 0 1 1 ? 2199)", start, []time.Time{time.Date(2199, 1, 1, 0, 0, 0, 0, time.UTC), {}}},
		{"rate(1 hour)", d(1, 1, 0, 30), []time.Time{d(1, 1, 1, 0), d(1, 1, 2, 0)}},
		{"rate(7 days)", start, []time.Time{d(1, 8, 0, 0), d(1, 15, 0, 0)}}, // the epoch was a Thursday
		{"rate(90 minutes)", start, []time.Time{d(1, 1, 1, 30), d(1, 1, 3, 0)}},
	}
	for _, c := range cases {
		e, err := Parse(c.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.expr, err)
		}
		after := c.after
		for i, w := range c.want {
			got := e.Next(after, time.UTC)
			if !got.Equal(w) {
				t.Fatalf("%s: run %d after %s = %s, want %s", c.expr, i, c.after, got, w)
			}
			after = got
		}
	}
}

func TestNextInTimeZone(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	e, _ := Parse("cron(0 10 * * ? *)")
	if got, want := e.Next(utc(2026, 1, 1), ny), time.Date(2026, 1, 1, 15, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("winter: %s, want %s (10:00 EST)", got, want)
	}
	if got, want := e.Next(utc(2026, 7, 1), ny), time.Date(2026, 7, 1, 14, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("summer: %s, want %s (10:00 EDT)", got, want)
	}
	r, _ := Parse("rate(1 day)")
	if got, want := r.Next(utc(2026, 7, 1), ny), utc(2026, 7, 2); !got.Equal(want) {
		t.Fatalf("rate(1 day) ignores the zone: %s, want %s", got, want)
	}
}

func TestRateAnchor(t *testing.T) {
	e, _ := Parse("rate(12 hours)")
	created := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	a := e.AnchoredAt(created)
	if got, want := a.Next(created, nil), time.Date(2026, 3, 4, 17, 6, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("anchored Next = %s, want %s", got, want)
	}
	spec, err := a.ScheduleSpec("")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := spec.Intervals[0].Offset, 5*time.Hour+6*time.Minute; got != want || spec.Intervals[0].Every != 12*time.Hour {
		t.Fatalf("interval = %+v, want every 12h offset %s", spec.Intervals[0], want)
	}
	if got := checkExactAnchored(t, a); got == 0 {
		t.Fatal("no runs compared")
	}
}

// checkExactAnchored compares an anchored rate's interval with Next over a week.
func checkExactAnchored(t *testing.T, e Expression) int {
	spec, _ := e.ScheduleSpec("Europe/Paris")
	from, to := utc(2026, 3, 20), utc(2026, 4, 3)
	got, want := specFireTimes(t, spec, from, to), nextTimes(e, from, to, nil)
	if len(got) != len(want) {
		t.Fatalf("%d spec runs, %d AWS runs", len(got), len(want))
	}
	for i := range got {
		if !got[i].Equal(want[i]) {
			t.Fatalf("run %d: spec %s, AWS %s", i, got[i], want[i])
		}
	}
	return len(got)
}

func TestParseRejects(t *testing.T) {
	cases := []struct {
		expr, field, says string
	}{
		{"", FieldExpression, "cron("},
		{"every 5 minutes", FieldExpression, "cron("},
		{"cron(0 0 1 * ? *", FieldExpression, "cron("},
		{"cron(0 10 * * *)", FieldExpression, "six fields"},
		{"cron(0 10 * * ? * *)", FieldExpression, "six fields"},
		{"cron(0 10 * * * *)", FieldDayOfMonth, "must be ?"},
		{"cron(0 10 1 * MON *)", FieldDayOfMonth, "must be ?"},
		{"cron(0 10 ? * ? *)", FieldDayOfMonth, "only one"},
		{"cron(60 10 * * ? *)", FieldMinutes, "0-59"},
		{"cron(-1 0 * * ? *)", FieldMinutes, "not a number"},
		{"cron(5-1 0 * * ? *)", FieldMinutes, "backwards"},
		{"cron(0/0 0 * * ? *)", FieldMinutes, "step"},
		{"cron(0/61 0 * * ? *)", FieldMinutes, "step"},
		{"cron(0 24 * * ? *)", FieldHours, "0-23"},
		{"cron(0 ? * * ? *)", FieldHours, "? is only"},
		{"cron(0 0 32 * ? *)", FieldDayOfMonth, "1-31"},
		{"cron(0 0 0 * ? *)", FieldDayOfMonth, "1-31"},
		{"cron(0 0 1, * ? *)", FieldDayOfMonth, "empty item"},
		{"cron(0 0 LW * ? *)", FieldDayOfMonth, "stands alone"},
		{"cron(0 0 W * ? *)", FieldDayOfMonth, "W follows"},
		{"cron(0 0 L,15 * ? *)", FieldDayOfMonth, "stands alone"},
		{"cron(0 0 L-2 * ? *)", FieldDayOfMonth, "stands alone"},
		{"cron(0 0 1,15W * ? *)", FieldDayOfMonth, "W follows"},
		{"cron(0 0 32W * ? *)", FieldDayOfMonth, "W follows"},
		{"cron(0 0 1-5W * ? *)", FieldDayOfMonth, "W follows"},
		{"cron(0 0 1#2 * ? *)", FieldDayOfMonth, "# belongs"},
		{"cron(0 0 * 13 ? *)", FieldMonth, "1-12"},
		{"cron(0 0 * FOO ? *)", FieldMonth, "JAN-DEC"},
		{"cron(0 0 * DEC-JAN ? *)", FieldMonth, "backwards"},
		{"cron(0 0 ? * 0 *)", FieldDayOfWeek, "1-7"},
		{"cron(0 0 ? * 8 *)", FieldDayOfWeek, "1-7"},
		{"cron(0 0 ? * FUNDAY *)", FieldDayOfWeek, "SUN-SAT"},
		{"cron(0 0 ? * 1/2 *)", FieldDayOfWeek, "/ is not allowed"},
		{"cron(0 0 ? * 2#6 *)", FieldDayOfWeek, "1-5"},
		{"cron(0 0 ? * 2#0 *)", FieldDayOfWeek, "1-5"},
		{"cron(0 0 ? * 9#1 *)", FieldDayOfWeek, "# follows"},
		{"cron(0 0 ? * 8L *)", FieldDayOfWeek, "L follows"},
		{"cron(0 0 ? * L,2 *)", FieldDayOfWeek, "stands alone"},
		{"cron(0 0 ? * 2W *)", FieldDayOfWeek, "W belongs"},
		{"cron(0 0 * * ? 1969)", FieldYear, "1970-2199"},
		{"cron(0 0 * * ? 2200)", FieldYear, "1970-2199"},
		{"rate(5)", FieldExpression, "two parts"},
		{"rate(0 hours)", FieldRateValue, "at least 1"},
		{"rate(-5 minutes)", FieldRateValue, "at least 1"},
		{"rate(1 hours)", FieldRateUnit, "singular"},
		{"rate(5 hour)", FieldRateUnit, "plural"},
		{"rate(5 weeks)", FieldRateUnit, "minute(s), hour(s) or day(s)"},
		{"rate(99999999 days)", FieldRateValue, "100 years"},
	}
	for _, c := range cases {
		_, err := Parse(c.expr)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want an *Error", c.expr, err)
			continue
		}
		if pe.Field != c.field || !strings.Contains(err.Error(), c.says) {
			t.Errorf("Parse(%q): field %q, message %q; want field %q saying %q", c.expr, pe.Field, err, c.field, c.says)
		}
	}
}

func TestParseAccepts(t *testing.T) {
	for _, s := range []string{
		"cron(0 5 ? * * *)", "cron(0 5 * * ? *)", " cron(0  5 * * ?  *) ", "cron(*/5 * * * ? *)",
		"cron(0 0 ? * wed-Sat *)", "cron(0 0 ? * WED *)", "cron(0 0 ? * FRIL *)", "cron(0 0 1 jan,Mar ? *)",
		"cron(0 0 1-31/2 * ? 1970-2199)", "cron(0 0 ? * SUN#2 *)", "rate(1 minute)", "rate(15 days)",
	} {
		if _, err := Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
}

func TestScheduleSpecRejects(t *testing.T) {
	e, _ := Parse("cron(0 10 * * ? *)")
	for _, tz := range []string{"Mars/Olympus_Mons", "Local", "+02:00"} {
		_, err := e.ScheduleSpec(tz)
		var pe *Error
		if !errors.As(err, &pe) || pe.Field != FieldTimezone {
			t.Errorf("ScheduleSpec(%q) = %v, want a %s error", tz, err, FieldTimezone)
		}
	}
	for _, s := range []string{"cron(0 0 * * ? 2150)", "cron(0 0 1 1 ? 1999)", "cron(0 0 ? * 6L 1970-1999,2101-2199)"} {
		e, _ := Parse(s)
		_, err := e.ScheduleSpec("UTC")
		var pe *Error
		if !errors.As(err, &pe) || pe.Field != FieldYear || !strings.Contains(err.Error(), "never runs") || !errors.Is(err, ErrNeverRuns) {
			t.Errorf("%s: ScheduleSpec = %v, want a Year error saying it never runs", s, err)
		}
	}
	if _, err := (Expression{}).ScheduleSpec("UTC"); err == nil {
		t.Error("the zero Expression converted without error")
	}
}
