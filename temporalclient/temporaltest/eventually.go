package temporaltest

import (
	"testing"
	"time"
)

// Eventually retries check until it passes, or fails the test with its last error after
// 20 s: what Temporal's visibility store lists (workflows, schedules) follows a change
// after a moment.
func Eventually(t testing.TB, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
