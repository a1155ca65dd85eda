package workflows

import (
	"testing"
	"time"
)

// A lost poll attempt is retried after at most MaximumInterval, which must stay well
// inside the window at every time scale: the server ends the activity as timed out at
// once when the next retry would fall after ScheduleToClose. At real speed the
// intervals are what they always were.
func TestPollRetryIntervalsFollowTheTimeScale(t *testing.T) {
	real := pollOptions(DefaultCompletionWindow, 1, "").RetryPolicy
	if real.InitialInterval != 5*time.Second || real.MaximumInterval != 5*time.Minute {
		t.Errorf("at real speed: %s..%s, want 5s..5m", real.InitialInterval, real.MaximumInterval)
	}
	for _, scale := range []float64{60, 600, 3600, 7200, 86400} {
		window := Scaled(DefaultCompletionWindow, scale)
		p := pollOptions(window, scale, "").RetryPolicy
		if p.MaximumInterval > window/10 || p.InitialInterval > p.MaximumInterval {
			t.Errorf("time scale %g: retries %s..%s against a window of %s", scale, p.InitialInterval, p.MaximumInterval, window)
		}
	}
}
