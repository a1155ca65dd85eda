package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/regioncopy/regioncopy/prodstack"
)

// The same run on the production topology: PostgreSQL, the Temporal server on it and
// three worker processes. Each worker is SIGKILLed at random moments and all three at
// the four chosen ones, the Temporal server is SIGKILLed and started again, PostgreSQL
// is stopped (fast shutdown) and started again, while AWS throttles, answers 5xx, fails
// and holds copy jobs; every request completes as on the dev topology, nothing is
// doubled, and no process of the stack ends on its own.
func TestStackSIGKILLedServerAndPostgresRestartedNoCopyLostOrDoubled(t *testing.T) {
	skipUnlessIntegration(t)
	if _, err := os.Stat(filepath.Join(prodstack.PostgresBinDir, "postgres")); err != nil {
		t.Fatalf("PostgreSQL 15 is not installed (apt-get install postgresql): %v", err)
	}
	o := DefaultOptions()
	o.Topology = TopologyStack
	res := runChaos(t, o)
	f := res.Figures
	checkKillsAndCopies(t, o, f)
	killed := 0
	for name, n := range f.WorkerKills {
		if n < 4 {
			t.Errorf("%s SIGKILLed %d times, want at least the 4 deliberate kills", name, n)
		}
		killed += n
	}
	if len(f.WorkerKills) != o.Workers || f.WorkerStarts != o.Workers+killed {
		t.Errorf("%d workers started %d times, %d SIGKILLs: want %d workers, each started once and again after every SIGKILL",
			len(f.WorkerKills), f.WorkerStarts, killed, o.Workers)
	}
	if f.ServerKills != o.ServerKills || f.PostgresRestarts != o.PostgresRestarts {
		t.Errorf("%d server SIGKILLs and %d PostgreSQL restarts, want %d and %d", f.ServerKills, f.PostgresRestarts, o.ServerKills, o.PostgresRestarts)
	}
}
