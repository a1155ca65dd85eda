package plan

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the parser. Whatever the input: no panic; either a
// plan or an error, never both or neither; every problem has a rule, a message and a
// position inside the file; and an accepted plan, written back out as JSON, is accepted
// again unchanged.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/good.json", "testdata/mistakes.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(minimal))
	f.Add([]byte(`{"BackupPlan": {"Rules": [{"RecoveryPointTags": {"a": "1", "a": "2"}}]}, "X": null}`))
	f.Add([]byte(`{"BackupPlan": {"Rules": [{"StartWindowMinutes": 1e3}]}}`))
	f.Add([]byte(`[[[[{"BackupPlan"`))
	f.Add([]byte("{\"BackupPlan\": {\"BackupPlanName\": \"\u00e9t\u00e9\"}, \"RegionCopy\": {\"CopyOnly\": true}}"))

	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.json", data, Options{DefaultRegion: "us-east-1", Now: opts().Now})
		if (p == nil) == (err == nil) {
			t.Fatalf("want exactly one of plan and error, got %v and %v", p, err)
		}
		if err != nil {
			ps := Problems(err)
			if len(ps) == 0 {
				t.Fatalf("error without problems: %v", err)
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, pr := range ps {
				if pr.Rule == "" || pr.Message == "" {
					t.Fatalf("problem without rule or message: %#v", pr)
				}
				if pr.Line < 1 || pr.Line > lines || pr.Column < 1 {
					t.Fatalf("problem outside the file (%d lines): %v", lines, pr)
				}
			}
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal accepted plan: %v", err)
		}
		again, err := Parse("again.json", out, Options{DefaultRegion: "us-east-1", Now: opts().Now})
		if err != nil {
			t.Fatalf("accepted plan rejected after a round trip: %v\n%s", err, out)
		}
		out2, _ := json.Marshal(again)
		if !bytes.Equal(out, out2) {
			t.Fatalf("round trip changed the plan:\n%s\n%s", out, out2)
		}
	})
}
