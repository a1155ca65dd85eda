package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// TestPlanRunScenarioStartsEveryBackupInItsWindow runs the plan run scenario at a
// reduced size on the real dev server, emulator and worker: 200 volumes, four times the
// backups a run lets fly at once, whose copies take 4 hours against AWS's default start
// window of 8. Every backup must start within the window and none be missed, every copy
// land and the run end COMPLETED. (Had copies still waiting to land held the backups'
// slots, the resources after the first hundred would have been taken up 8 hours late.)
func TestPlanRunScenarioStartsEveryBackupInItsWindow(t *testing.T) {
	if testing.Short() || temporaltest.Binary() == "" {
		t.Skip("needs the Temporal dev server: set REGIONCOPY_TEMPORAL_BIN (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := DefaultOptions()
	o.Scenarios = []string{ScenarioPlanRun}
	o.PlanResources = 200
	o.PlanTimeScale = planRunTestTimeScale
	o.Out = ""
	res, err := Run(ctx, o, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Failed() {
		t.Errorf("target missed: %s: want %s, measured %s", c.Name, c.Target, c.Measured)
	}
	p := res.PlanRun
	if p == nil || len(res.Checks) != 3 {
		t.Fatalf("plan run figures %+v, %d checks", p, len(res.Checks))
	}
	if p.BackupJobs != 200 || p.StartedInWindow != 200 || p.BackupsMissed != 0 || p.BackupsCompleted != 200 || p.CopiesLanded != 200 {
		t.Errorf("figures %+v, want all 200 backups in the window and 200 copies landed", *p)
	}
	// The copies took their 4 hours: the run ended after them, not before.
	if time.Duration(p.RunTook) < 4*time.Hour {
		t.Errorf("the run took %s of emulated time, less than one copy", p.RunTook)
	}
	if md := res.markdown(); !strings.Contains(md, "missed = 0. PASS.") {
		t.Errorf("the Markdown lacks the pass line:\n%s", md)
	}
}

// planRunTestTimeScale makes the 8-hour start window 40 wall seconds and a 4-hour copy
// 20, so the test takes under a minute.
const planRunTestTimeScale = 720
