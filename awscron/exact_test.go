package awscron

import (
	"fmt"
	"testing"
	"time"
)

// nextTimes enumerates Next over [from, to).
func nextTimes(e Expression, from, to time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	for t := e.Next(from.Add(-time.Second), loc); !t.IsZero() && t.Before(to); t = e.Next(t, loc) {
		out = append(out, t.UTC())
	}
	return out
}

// checkExact holds the converted spec against Next over [from, to): the instants must be
// the same, once the spec's second firing of a repeated wall time is dropped as the
// schedule's action does (ShouldRun); any other extra firing fails. It returns how many
// repeated wall times it dropped.
func checkExact(t *testing.T, expr, tz string, from, to time.Time) int {
	t.Helper()
	e, err := Parse(expr)
	if err != nil {
		t.Fatalf("Parse(%q): %v", expr, err)
	}
	spec, err := e.ScheduleSpec(tz)
	if err != nil {
		t.Fatalf("%q.ScheduleSpec(%q): %v", expr, tz, err)
	}
	loc, _ := time.LoadLocation(spec.TimeZoneName)
	var got []time.Time
	repeated := 0
	for _, ts := range specFireTimes(t, spec, from, to) {
		if !e.ShouldRun(ts, loc) {
			if !repeatedWallTime(ts, loc) || !e.IsDSTRepeat(ts, loc) {
				t.Fatalf("%s in %s: the Temporal spec fires at %s, where AWS does not run", expr, tz, fmtLocal(ts, loc))
			}
			repeated++
			continue
		}
		got = append(got, ts)
	}
	want := nextTimes(e, from, to, loc)
	if len(want) == 0 {
		t.Fatalf("%s in %s: Next finds no run in [%s, %s); pick a span where it runs", expr, tz, from, to)
	}
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w time.Time
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if !g.Equal(w) {
			t.Fatalf("%s in %s: run #%d differs: Temporal spec %s, AWS (Next) %s (%d vs %d runs in [%s, %s))",
				expr, tz, i, fmtLocal(g, loc), fmtLocal(w, loc), len(got), len(want), from.Format(time.DateOnly), to.Format(time.DateOnly))
		}
	}
	return repeated
}

func fmtLocal(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "none"
	}
	return fmt.Sprintf("%s (%s)", t.UTC().Format(time.RFC3339), t.In(loc).Format("Mon 2006-01-02 15:04 MST"))
}

func utc(y int, mo time.Month, d int) time.Time { return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC) }

// exactCases are AWS's documented examples plus the constructions that need several
// calendars, each over a span that crosses leap years, month ends and DST changes.
var exactCases = []struct {
	expr     string
	from, to time.Time
}{
	{"cron(0 10 * * ? *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"cron(15 12 * * ? *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"cron(0 18 ? * MON-FRI *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"cron(0 8 1 * ? *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0/15 * * * ? *)", utc(2026, 1, 1), utc(2027, 1, 1)},
	{"cron(0/10 * ? * MON-FRI *)", utc(2026, 1, 1), utc(2027, 1, 1)},
	{"cron(0/5 8-17 ? * MON-FRI *)", utc(2026, 1, 1), utc(2027, 1, 1)},
	{"cron(0 9 ? * 2#1 *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 0 L * ? *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 0 ? * 6L *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 12 15W * ? *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(15 * ? * * *)", utc(2026, 1, 1), utc(2028, 6, 1)},
	{"cron(0 12 * * ? *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"cron(0 5 1W * ? *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 5 28W * ? *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 5 29W * ? *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 5 30W * ? *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 5 31W * ? *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 6 ? * 1#5 *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 6 ? * SAT#5 *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 3 ? * 1L *)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(45 23 ? * L *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"cron(0 0 29 2 ? *)", utc(2026, 1, 1), utc(2041, 1, 1)},
	{"cron(0 0 L 2 ? 2027-2033)", utc(2026, 1, 1), utc(2036, 1, 1)},
	{"cron(0 0 ? FEB 7L *)", utc(2026, 1, 1), utc(2041, 1, 1)},
	{"cron(5,35 */6 1-10/3 JAN-JUN/2 ? *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"cron(0 0 1 1 ? 2030/5)", utc(2026, 1, 1), utc(2101, 1, 1)},
	{"cron(0 0 L * ? *)", utc(2096, 1, 1), utc(2101, 1, 1)},
	{"cron(0 0 ? * 6L *)", utc(2096, 1, 1), utc(2101, 1, 1)},
	{"cron(0 9 28W FEB ? *)", utc(2096, 1, 1), utc(2101, 1, 1)},
	// Wall times inside the DST changes of the zones below.
	{"cron(30 2 * * ? *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"cron(30 1 * * ? *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"cron(0/20 0-3 ? * SUN *)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"rate(1 hour)", utc(2026, 1, 1), utc(2027, 1, 1)},
	{"rate(12 hours)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"rate(7 days)", utc(2026, 1, 1), utc(2031, 1, 1)},
	{"rate(45 minutes)", utc(2026, 1, 1), utc(2027, 1, 1)},
}

// Zones with DST in either hemisphere, one whose DST shift is 30 minutes, and one
// offset by a fraction of an hour.
var exactZones = []string{"", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata"}

func TestScheduleSpecMatchesAWS(t *testing.T) {
	for _, tz := range exactZones {
		for _, c := range exactCases {
			name := fmt.Sprintf("%s in %s", c.expr, tz)
			t.Run(name, func(t *testing.T) {
				if testing.Short() && tz != "" && tz != "America/New_York" {
					t.Skip("short: UTC and one DST zone only")
				}
				checkExact(t, c.expr, tz, c.from, c.to)
			})
		}
	}
}

// The hour repeated when DST ends: AWS runs 01:30 once, Temporal's calendar matches both
// instants, and ShouldRun is what tells the action to drop the second.
func TestRepeatedHourRunsOnce(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	e, _ := Parse("cron(30 1 * * ? *)")
	spec, err := e.ScheduleSpec("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	from, to := utc(2026, 11, 1), utc(2026, 11, 2)
	fires := specFireTimes(t, spec, from, to)
	first := time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)  // 01:30 EDT
	second := time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC) // 01:30 EST
	if len(fires) != 2 || !fires[0].Equal(first) || !fires[1].Equal(second) {
		t.Fatalf("spec fires %v on 2026-11-01, want %s and %s", fires, first, second)
	}
	if got := nextTimes(e, from, to, ny); len(got) != 1 || !got[0].Equal(first) {
		t.Fatalf("Next runs %v on 2026-11-01, want only %s", got, first)
	}
	if !e.ShouldRun(first, ny) || e.ShouldRun(second, ny) || e.IsDSTRepeat(first, ny) || !e.IsDSTRepeat(second, ny) {
		t.Fatalf("ShouldRun(first, second) = %v, %v, want true, false; IsDSTRepeat = %v, %v, want false, true",
			e.ShouldRun(first, ny), e.ShouldRun(second, ny), e.IsDSTRepeat(first, ny), e.IsDSTRepeat(second, ny))
	}
	if manual := time.Date(2026, 11, 1, 9, 17, 0, 0, time.UTC); e.IsDSTRepeat(manual, ny) || e.ShouldRun(manual, ny) {
		t.Fatalf("a manual run at %s: IsDSTRepeat must be false (it is no repeat), ShouldRun false (AWS has no run then)", manual)
	}
	if n := checkExact(t, "cron(0/15 * * * ? *)", "America/New_York", from, to); n != 4 {
		t.Fatalf("every 15 minutes drops %d repeated runs on 2026-11-01, want 4 (01:00-01:45 EST)", n)
	}
}

// The hour skipped when DST starts runs neither on AWS nor on Temporal.
func TestSkippedHourDoesNotRun(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	e, _ := Parse("cron(30 2 * * ? *)")
	got := e.Next(time.Date(2026, 3, 8, 0, 0, 0, 0, ny), ny)
	want := time.Date(2026, 3, 9, 2, 30, 0, 0, ny)
	if !got.Equal(want) {
		t.Fatalf("Next after the start of 2026-03-08 = %s, want %s (02:30 does not exist that day)", got.In(ny), want)
	}
	spec, _ := e.ScheduleSpec("America/New_York")
	if fires := specFireTimes(t, spec, utc(2026, 3, 8), utc(2026, 3, 9)); len(fires) != 0 {
		t.Fatalf("spec fires %v on 2026-03-08, want nothing", fires)
	}
}
