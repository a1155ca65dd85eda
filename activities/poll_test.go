package activities

import (
	"testing"
	"time"
)

func TestPollScheduleDelay(t *testing.T) {
	s := DefaultPollSchedule
	cases := []struct {
		age  time.Duration
		want time.Duration
	}{
		{-time.Second, 3 * time.Second}, // clock skew: never below Min
		{0, 3 * time.Second},
		{10 * time.Second, 3 * time.Second},
		{time.Minute, 12 * time.Second},
		{10 * time.Minute, 2 * time.Minute},
		{time.Hour, 5 * time.Minute},
		{48 * time.Hour, 5 * time.Minute},
	}
	for _, c := range cases {
		if got := s.Delay(c.age); got != c.want {
			t.Errorf("Delay(%s) = %s, want %s", c.age, got, c.want)
		}
	}
}

// TestPollScheduleCallCount simulates the poll loop for jobs of different lengths and
// checks the two promises of the schedule: few calls for long jobs, and detection of
// the end within max(Min, Fraction of the job's duration).
func TestPollScheduleCallCount(t *testing.T) {
	s := DefaultPollSchedule
	cases := []struct {
		job      time.Duration
		maxCalls int
	}{
		{5 * time.Second, 3},
		{time.Minute, 14},
		{time.Hour, 40},
		{12 * time.Hour, 40 + 11*12 + 1},
	}
	for _, c := range cases {
		calls, at := 0, time.Duration(0)
		for {
			calls++
			if at >= c.job {
				break
			}
			at += s.Delay(at)
		}
		if calls > c.maxCalls {
			t.Errorf("job of %s: %d polls, want at most %d", c.job, calls, c.maxCalls)
		}
		late := at - c.job
		if limit := max(s.Min, time.Duration(float64(c.job)*s.Fraction)); late > limit {
			t.Errorf("job of %s: end seen %s late, want at most %s", c.job, late, limit)
		}
	}
}

// TestCopyWatchFollowsTheTimeScale: a faster AWS clock sweeps more often, floored so a
// fast clock is no busy loop; ListLag is on AWS's clock and stays.
func TestCopyWatchFollowsTheTimeScale(t *testing.T) {
	if w := DefaultCopyWatch.Scaled(1); w != DefaultCopyWatch {
		t.Errorf("unscaled = %+v", w)
	}
	w := DefaultCopyWatch.Scaled(200)
	if w.Interval != 100*time.Millisecond || w.MaxWait != time.Minute || w.Recheck != 108*time.Second ||
		w.Keep != time.Minute || w.Idle != 5*time.Second || w.ListLag != DefaultCopyWatch.ListLag {
		t.Errorf("at 200x = %+v", w)
	}
	if w := DefaultCopyWatch.Scaled(1e6); w.Interval != 100*time.Millisecond || w.MaxWait != time.Minute {
		t.Errorf("at 1e6x = %+v, want the floors", w)
	}
}
