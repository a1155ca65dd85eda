package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// stackRows are the stack topology's figures: kills by worker, the Temporal server's
// SIGKILLs and PostgreSQL's restarts, and requests the workload had to send again.
func (r Results) stackRows() []row {
	f := r.Figures
	var byWorker []string
	total := 0
	for _, name := range slices.Sorted(maps.Keys(f.WorkerKills)) {
		byWorker = append(byWorker, fmt.Sprintf("%s %d", name, f.WorkerKills[name]))
		total += f.WorkerKills[name]
	}
	return []row{
		{fmt.Sprintf("worker processes SIGKILLed, by worker (a deliberate kill hits all %d)", r.Options.Topology.Workers),
			fmt.Sprintf("%s (%d)", strings.Join(byWorker, ", "), total)},
		{"Temporal server SIGKILLs (longest until it served again)", fmt.Sprintf("%d (%.1fs)", f.ServerKills, f.ServerRecoverySeconds)},
		{"PostgreSQL restarts, fast shutdown and start (longest until it accepted connections)", fmt.Sprintf("%d (%.1fs)", f.PostgresRestarts, f.PostgresRecoverySeconds)},
		{"requests sent again after the Temporal server failed to take them", f.SendsRetried},
	}
}

// stackKillTable lists every kill with what it hit and, for the server and PostgreSQL,
// how long they were down and took to come back.
func (r Results) stackKillTable() string {
	var b strings.Builder
	b.WriteString("\n| # | at | kill | hit | up | down | back in |\n|---|---|---|---|---|---|---|\n")
	for i, k := range r.Kills {
		kind := k.Kind
		if !k.Landed {
			kind += " (did not land)"
		}
		back := ""
		if k.Recovery > 0 {
			back = fmt.Sprintf("%.2fs", k.Recovery.Seconds())
		}
		fmt.Fprintf(&b, "| %d | %.1fs | %s | %s | %.2fs | %.2fs | %s |\n",
			i+1, k.At.Seconds(), kind, strings.Join(k.Hit, ", "), k.Uptime.Seconds(), k.Pause.Seconds(), back)
	}
	return b.String()
}
