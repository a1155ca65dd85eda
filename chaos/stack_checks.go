package main

import (
	"fmt"

	"github.com/regioncopy/regioncopy/prodstack"
)

// checkStack: on the stack topology, the Temporal server was SIGKILLed and PostgreSQL
// restarted as often as asked, and every process of the stack that ended (workers,
// server, PostgreSQL, restarted ones included) was ended by the run, not on its own.
func (v *verifier) checkStack(kills []Kill, st *prodstack.Stack, o Options) {
	f := v.fig
	f.WorkerKills = map[string]int{}
	for _, name := range (&stackWorkers{st: st}).names() {
		f.WorkerKills[name] = 0
	}
	for _, k := range kills {
		switch {
		case k.Kind == KillServer:
			f.ServerKills++
			f.ServerRecoverySeconds = max(f.ServerRecoverySeconds, k.Recovery.Seconds())
		case k.Kind == RestartPostgres:
			f.PostgresRestarts++
			f.PostgresRecoverySeconds = max(f.PostgresRecoverySeconds, k.Recovery.Seconds())
		case k.Landed:
			for _, name := range k.Hit {
				f.WorkerKills[name]++
			}
		}
	}
	var problems []string
	if f.ServerKills != o.ServerKills {
		problems = append(problems, fmt.Sprintf("the Temporal server was SIGKILLed %d times, want %d", f.ServerKills, o.ServerKills))
	}
	if f.PostgresRestarts != o.PostgresRestarts {
		problems = append(problems, fmt.Sprintf("PostgreSQL was restarted %d times, want %d", f.PostgresRestarts, o.PostgresRestarts))
	}
	ended := st.EndedOnTheirOwn()
	problems = append(problems, ended...)
	v.check("the Temporal server SIGKILLed and PostgreSQL restarted as asked; no process of the stack ended on its own",
		fmt.Sprintf("%d server SIGKILLs, %d PostgreSQL restarts, 0 ended on their own", o.ServerKills, o.PostgresRestarts),
		fmt.Sprintf("%d, %d, %d", f.ServerKills, f.PostgresRestarts, len(ended)), problems)
}
