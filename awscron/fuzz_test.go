package awscron

import (
	"errors"
	"testing"
	"time"
)

// FuzzParse: Parse never panics; whatever it accepts converts without error (unless the
// expression runs in no year 2000-2100, which Next must confirm), and the converted spec
// agrees with Next over the days around its first run after 2026 in UTC and New York.
func FuzzParse(f *testing.F) {
	for _, c := range exactCases {
		f.Add(c.expr)
	}
	for _, s := range []string{"cron(0 0 ? * 1#5 2027)", "cron(* * * * ? *)", "cron(59 23 31 12 ? 2100)",
		"cron(0 0 30 2 ? *)", "cron(0 0 ? * 7L 2101)", "rate(1 day)", "cron(1-5/2,7 0/7 ? * MON,WED-FRI *)"} {
		f.Add(s)
	}
	ny, _ := time.LoadLocation("America/New_York")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Field == "" || pe.Rule == "" {
				t.Fatalf("Parse(%q) error %v names no field and rule", s, err)
			}
			return
		}
		for _, tz := range []string{"UTC", "America/New_York"} {
			loc := time.UTC
			if tz != "UTC" {
				loc = ny
			}
			_, err := e.ScheduleSpec(tz)
			if err != nil && !errors.Is(err, ErrNeverRuns) {
				t.Fatalf("%q in %s: ScheduleSpec failed for another reason than ErrNeverRuns: %v", s, tz, err)
			}
			if err != nil {
				if first := e.Next(utc(1999, 12, 31), loc); !first.IsZero() && first.Year() <= temporalLastYear {
					t.Fatalf("%q in %s: ScheduleSpec failed (%v) but AWS runs it at %s", s, tz, err, first)
				}
				continue
			}
			first := e.Next(utc(2026, 1, 1), loc)
			if first.IsZero() || first.Year() > temporalLastYear-1 {
				continue // runs only outside the years a Temporal schedule covers
			}
			from := first.Truncate(24 * time.Hour).Add(-24 * time.Hour)
			checkExact(t, s, tz, from, from.Add(4*24*time.Hour))
		}
	})
}
