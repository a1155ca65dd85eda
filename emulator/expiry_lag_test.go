package emulator

import (
	"testing"
	"time"
)

// TestLifecycleLagDelaysTheEmulatorsOwnExpiry: with LifecycleLag a point outlives its
// DeleteAt by the lag, as AWS's lifecycle removes expired points some time after it.
func TestLifecycleLagDelaysTheEmulatorsOwnExpiry(t *testing.T) {
	oneDay := int64(1)
	for _, lag := range []time.Duration{0, 6 * time.Hour} {
		e, err := New(Config{LifecycleLag: lag, StartTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		p := &recoveryPoint{Arn: "arn:aws:backup:us-east-1:123456789012:recovery-point:lag", Status: pointCompleted,
			CreationDate: e.Now(), Lifecycle: &Lifecycle{DeleteAfterDays: &oneDay}}
		e.st.Points[p.Arn] = p
		e.scheduleExpiry(p)
		e.expireDue(e.Now().Add(24*time.Hour + lag - time.Second))
		if _, ok := e.st.Points[p.Arn]; !ok {
			t.Fatalf("lag %v: deleted before DeleteAt plus the lag", lag)
		}
		e.expireDue(e.Now().Add(24*time.Hour + lag))
		if _, ok := e.st.Points[p.Arn]; ok {
			t.Fatalf("lag %v: still there at DeleteAt plus the lag", lag)
		}
	}
	if _, err := New(Config{LifecycleLag: -time.Second}); err == nil {
		t.Error("a negative LifecycleLag was accepted")
	}
}
