package integration

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/starter/cli"
)

// The same copy requested twice at once (and again, waiting) is one workflow and one
// copy job: the emulator counts one job for the request's idempotency token.
func TestSameCopyTwiceStartsOneCopyJob(t *testing.T) {
	v := newVolume(t)
	rp := v.backup(t)
	dest := []string{vaultArn("eu-west-1")}
	before := counters()

	// Two requests at the same instant, as two schedulers or two operators would send.
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = regioncopy(t, 30*time.Second, v.copyArgs(rp, dest, "--output", "json")...)
		}()
	}
	wg.Wait()
	var ids []string
	for _, r := range results {
		if r.code != cli.ExitOK {
			t.Fatalf("copy: exit %d: %s", r.code, r.stderr)
		}
		var started struct{ WorkflowId, RunId string }
		if err := json.Unmarshal([]byte(r.stdout), &started); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, started.WorkflowId+" "+started.RunId)
	}
	if ids[0] != ids[1] {
		t.Errorf("two requests, two runs: %v", ids)
	}
	r := regioncopy(t, 2*time.Minute, v.copyArgs(rp, dest, "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("copy --wait: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	out := decodeOutcome(t, r)
	if out.WorkflowId+" "+out.RunId != ids[0] {
		t.Errorf("the waiting request followed %s %s, want %s", out.WorkflowId, out.RunId, ids[0])
	}
	// Once it has completed, asking again reports the same run instead of copying again.
	r = regioncopy(t, 30*time.Second, v.copyArgs(rp, dest, "--output", "json")...)
	if r.code != cli.ExitOK || !strings.Contains(r.stdout, `"Existing": true`) {
		t.Errorf("asking after completion: exit %d, %s %s", r.code, r.stdout, r.stderr)
	}

	// Text output, as a person reads it: the result table of the completed run.
	r = regioncopy(t, 30*time.Second, v.copyArgs(rp, dest, "--wait")...)
	if r.code != cli.ExitOK {
		t.Errorf("copy --wait (text) after completion: exit %d: %s", r.code, r.stderr)
	}
	mustContain(t, "copy --wait text output", r.stdout, "already requested and has completed", "DESTINATION", dest[0], "COMPLETED", "FULL", "1.0 GiB")

	after := counters()
	if got := after.CopyJobs - before.CopyJobs; got != 1 {
		t.Errorf("copy jobs created: %d, want 1", got)
	}
	newTokens := 0
	for token, jobs := range after.CopyJobsPerToken {
		if _, seen := before.CopyJobsPerToken[token]; seen {
			continue
		}
		newTokens++
		if jobs != 1 {
			t.Errorf("token %s made %d copy jobs, want 1", token, jobs)
		}
	}
	if newTokens != 1 {
		t.Errorf("new idempotency tokens: %d, want 1", newTokens)
	}
	if out.Result == nil || out.Result.Results[0].Record == nil || out.Result.Results[0].Record.State != model.JobCompleted {
		t.Errorf("result %+v", out.Result)
	}
}
