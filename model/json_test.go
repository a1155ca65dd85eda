package model

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// A time that is not set is left out of JSON (`--output json`, query results), not
// written as year 1; a set one is kept and round-trips.
func TestUnsetTimesAreLeftOutOfJSON(t *testing.T) {
	// A record always has its source's creation date and the time it was asked for.
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	b, err := json.Marshal(CopyRecord{SourceRecoveryPointArn: "rp", SourceCreationDate: now, RequestedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "0001-01-01") {
		t.Errorf("unset times written: %s", b)
	}
	at := time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC)
	b, err = json.Marshal(CopyRecord{DeleteAt: at})
	if err != nil {
		t.Fatal(err)
	}
	var back CopyRecord
	if err := json.Unmarshal(b, &back); err != nil || !back.DeleteAt.Equal(at) {
		t.Errorf("DeleteAt round-trips as %v (%v) from %s", back.DeleteAt, err, b)
	}
}
