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

// A followed copy job's attempt waits up to an hour in the worker, so a killed worker
// is noticed by the heartbeat timeout, which must stay well inside the window at every
// time scale; backup polls keep their one-minute attempts.
func TestFollowAttemptsHeartbeatWithinTheWindow(t *testing.T) {
	real := pollOptions(DefaultCompletionWindow, 1, "")
	if real.StartToCloseTimeout != time.Hour || real.HeartbeatTimeout != 5*time.Minute {
		t.Errorf("at real speed: attempt %s, heartbeat %s, want 1h and 5m", real.StartToCloseTimeout, real.HeartbeatTimeout)
	}
	for _, scale := range []float64{60, 600, 3600, 7200} {
		window := Scaled(DefaultCompletionWindow, scale)
		o := pollOptions(window, scale, "")
		if o.HeartbeatTimeout <= 0 || o.HeartbeatTimeout > window/4 || o.HeartbeatTimeout > o.StartToCloseTimeout {
			t.Errorf("time scale %g: heartbeat %s, attempt %s against a window of %s", scale, o.HeartbeatTimeout, o.StartToCloseTimeout, window)
		}
	}
	if b := shortPollOptions(DefaultCompletionWindow, 1, ""); b.StartToCloseTimeout != time.Minute || b.HeartbeatTimeout != 0 {
		t.Errorf("backup polls: attempt %s, heartbeat %s, want 1m and none", b.StartToCloseTimeout, b.HeartbeatTimeout)
	}
}
