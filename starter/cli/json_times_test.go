package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// A running workflow has no close time: --output json leaves it out instead of writing
// year 1.
func TestJSONLeavesOutUnsetTimes(t *testing.T) {
	started := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for name, v := range map[string]any{
		"list":   listedWorkflow{WorkflowId: "chain/x", StartTime: started},
		"status": workflowStatus{WorkflowId: "chain/x", StartTime: started},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "0001-01-01") {
			t.Errorf("%s: %s", name, b)
		}
	}
}
