package integration

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/devstack"
)

// waitFor polls cond every half second until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func decodeJSON(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// backupNow takes a completed backup of v's resource with the given idempotency token.
func backupNow(v *volume, token string) (string, error) {
	return devstack.Backup(context.Background(), stack.Emulator, v.Sample, token)
}
