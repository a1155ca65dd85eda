package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// TestPlanRunScenarioStartsEveryBackupInItsWindow runs the plan run scenario at a
// reduced size on the real dev server, emulator and worker: 150 volumes, three times
// the backups a run lets fly at once, whose copies take 4 hours against AWS's default
// start window of 8. Every backup must start within the window and none be missed, every copy
// land and the run end COMPLETED. (Had copies still waiting to land held the backups'
// slots, the last fifty would have been taken up 8 hours late.)
func TestPlanRunScenarioStartsEveryBackupInItsWindow(t *testing.T) {
	if testing.Short() || temporaltest.Binary() == "" {
		t.Skip("needs the Temporal dev server: set REGIONCOPY_TEMPORAL_BIN (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := DefaultOptions()
	o.Scenarios = []string{ScenarioPlanRun}
	o.PlanResources = planRunTestResources
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
	if p == nil || len(res.Checks) != 4 {
		t.Fatalf("plan run figures %+v, %d checks", p, len(res.Checks))
	}
	t.Logf("%d of %d backups started within the window, the last %s after the nominal time; %d missed; %d copies landed; run %s after %s",
		p.StartedInWindow, p.BackupJobs, p.LastStart, p.BackupsMissed, p.CopiesLanded, p.State, p.RunTook)
	n := planRunTestResources
	if p.BackupJobs != n || p.StartedInWindow != n || p.BackupsMissed != 0 || p.BackupsCompleted != n || p.CopiesLanded != n {
		t.Errorf("figures %+v, want all %d backups in the window and %d copies landed", *p, n, n)
	}
	// The copies took their 4 hours: the run ended after them, not before.
	if time.Duration(p.RunTook) < 4*time.Hour {
		t.Errorf("the run took %s of emulated time, less than one copy", p.RunTook)
	}
	if md := res.markdown(); !strings.Contains(md, "missed = 0. PASS.") {
		t.Errorf("the Markdown lacks the pass line:\n%s", md)
	}
}

// At planRunTestTimeScale the 8-hour start window is 48 wall seconds, more than twice
// what starting planRunTestResources backups takes on two loaded cores (where the
// chains' polls of the copies compete for the dev server), and a 4-hour copy 24.
const (
	planRunTestResources = 150
	planRunTestTimeScale = 600
)
