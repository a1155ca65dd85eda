package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"strings"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/prodstack"
)

// Kill kinds. Random kills land wherever the worker happens to be; the deliberate ones
// wait for a moment the emulator can see.
const (
	KillRandom = "random"
	// KillStartCopyInFlight: StartCopyJob is delayed by the emulator (added latency) and
	// the worker is killed while the call is in flight, before AWS has answered.
	KillStartCopyInFlight = "start-copy-job-in-flight"
	// KillStartCopyAnswered: killed the moment the emulator has created a copy job, before
	// the activity can report the job id to Temporal.
	KillStartCopyAnswered = "start-copy-job-answered"
	// KillPoll: a DescribeCopyJob poll of a running job is delayed and killed in flight.
	KillPoll = "describe-copy-job-in-flight"
	// KillDelete: the deletion of an expired copy is delayed and killed in flight.
	KillDelete = "delete-recovery-point-in-flight"

	// On the stack topology only, at random moments like KillRandom:
	// KillServer SIGKILLs the Temporal server and starts it again after a pause;
	KillServer = "temporal-server-sigkill"
	// RestartPostgres stops PostgreSQL with a fast shutdown and starts it again on the
	// same data directory after a pause.
	RestartPostgres = "postgres-restart"
)

// inFlightLatency is how long the emulator holds a call chosen for an in-flight kill;
// the kill lands at once, so the call never completes.
const inFlightLatency = 5 * time.Second

// deliberateTimeout bounds the wait for a deliberate kill's moment (a delete comes only
// once a short-lifecycle copy expires, about a day of emulated time after its backup).
const deliberateTimeout = 90 * time.Second

// Kill is one SIGKILL of workers, or on the stack topology of the Temporal server, or one
// restart of PostgreSQL.
type Kill struct {
	Kind string
	// Hit names the processes killed when there is more than one worker: one worker for
	// a random kill, every worker for a deliberate one (the emulator cannot tell which
	// worker made the call it holds), temporal-server, postgres.
	Hit []string `json:",omitempty"`
	// At is the time since the workload began.
	At time.Duration
	// Uptime is how long the killed process (the worker, or the last one started) had run.
	Uptime time.Duration
	// Pause is how long the killed processes were down before their restart began.
	Pause time.Duration
	// Recovery is how long the restarted Temporal server took to serve the namespace
	// again, or PostgreSQL to accept connections.
	Recovery time.Duration `json:",omitempty"`
	// Landed is false when a deliberate kill's moment never came within its timeout.
	Landed bool
	Note   string `json:",omitempty"`
}

// killer SIGKILLs workers on a schedule drawn from the seed and restarts them; on the
// stack topology it SIGKILLs the Temporal server and restarts PostgreSQL too.
type killer struct {
	rng     *rand.Rand
	workers workerSet
	stack   *prodstack.Stack // nil on the dev topology
	emu     *emulator.Emulator
	faults  *faultController
	log     io.Writer
	begin   time.Time
	kills   []Kill
	// started is when each process was last started, by name; a process not in it has
	// run since begin.
	started map[string]time.Time

	deletesFrom time.Time // when expiry deletions are due (zero: unknown)
	deleteDone  bool
}

// schedule is the order of the kills: the in-flight StartCopyJob kill, then the poll
// and the answered StartCopyJob kills in a seeded order, then the random ones. The
// delete kill is not in the list: run places it when expiry deletions are due.
func schedule(rng *rand.Rand, random int) []string {
	kinds := make([]string, random)
	for i := range kinds {
		kinds[i] = KillRandom
	}
	insert := func(at int, k string) {
		kinds = append(kinds[:at], append([]string{k}, kinds[at:]...)...)
	}
	// The chosen moments come first, while copies start and are polled all the time;
	// later, killed activities may hold every chain until their timeouts pass.
	second, third := KillPoll, KillStartCopyAnswered
	if rng.Intn(2) == 0 {
		second, third = third, second
	}
	insert(0, third)
	insert(0, second)
	insert(0, KillStartCopyInFlight)
	return kinds
}

// withStackKills places the Temporal server's SIGKILLs and PostgreSQL's restarts at
// seeded places after the three deliberate kills at the head of kinds.
func withStackKills(rng *rand.Rand, kinds []string, serverKills, postgresRestarts int) []string {
	kinds = slices.Clone(kinds)
	add := func(kind string, n int) {
		for range n {
			at := 3 + rng.Intn(len(kinds)-3+1)
			kinds = slices.Insert(kinds, at, kind)
		}
	}
	add(KillServer, serverKills)
	add(RestartPostgres, postgresRestarts)
	return kinds
}

// errPreempted ends a wait when the delete kill's time has come.
var errPreempted = errors.New("preempted by the delete kill")

// run carries out the schedule, then keeps killing at random until soakUntil. The delete
// kill preempts whatever kill is being prepared once deletesFrom has passed, since
// expiry deletions come in a short burst; that kill is then made afterwards. With no
// deletesFrom, the delete kill comes last.
func (k *killer) run(ctx context.Context, kinds []string, deletesFrom, soakUntil time.Time) error {
	k.deletesFrom = deletesFrom
	for _, kind := range kinds {
		if err := k.once(ctx, kind); err != nil {
			return err
		}
	}
	if !k.deleteDone {
		if err := k.once(ctx, KillDelete); err != nil {
			return err
		}
	}
	for time.Now().Before(soakUntil) {
		if err := k.once(ctx, KillRandom); err != nil {
			return err
		}
	}
	return nil
}

// deleteDue reports whether the delete kill must be made now.
func (k *killer) deleteDue() bool {
	return !k.deleteDone && !k.deletesFrom.IsZero() && time.Now().After(k.deletesFrom)
}

// once waits for the kill's moment, SIGKILLs the workers it hits (or the server, or
// stops PostgreSQL), pauses and starts them again.
func (k *killer) once(ctx context.Context, kind string) error {
	if kind == KillDelete {
		k.deleteDone = true
	}
	kill := Kill{Kind: kind, Landed: true}
	var err error
	switch kind {
	case KillRandom, KillServer, RestartPostgres:
		d := between(k.rng, 100*time.Millisecond, 2500*time.Millisecond)
		if !k.deleteDone && !k.deletesFrom.IsZero() && time.Now().Add(d).After(k.deletesFrom) {
			d, err = time.Until(k.deletesFrom), errPreempted
		}
		if !sleep(ctx, max(d, 0)) {
			return ctx.Err()
		}
	case KillStartCopyInFlight:
		kill.Landed, err = k.inFlight(ctx, "StartCopyJob")
	case KillPoll:
		kill.Landed, err = k.inFlight(ctx, "DescribeCopyJob")
	case KillDelete:
		kill.Landed, err = k.inFlight(ctx, "DeleteRecoveryPoint")
	case KillStartCopyAnswered:
		before := k.emu.Counters().CopyJobs
		kill.Landed, err = k.waitFor(ctx, func(c emulator.Counters) bool { return c.CopyJobs > before })
	}
	if errors.Is(err, errPreempted) {
		if err := k.once(ctx, KillDelete); err != nil {
			return err
		}
		return k.once(ctx, kind)
	}
	if err != nil {
		return err
	}
	kill.At = time.Since(k.begin)
	if !kill.Landed {
		kill.Note = fmt.Sprintf("its moment did not come within %s; the worker was not killed", deliberateTimeout)
		k.kills = append(k.kills, kill)
		fmt.Fprintf(k.log, "chaos: %6.1fs %s kill did not land: %s\n", kill.At.Seconds(), kind, kill.Note)
		return nil
	}
	if stackKill(kind) {
		return k.restartStackProcess(ctx, kill)
	}
	hit := k.targets(kind)
	names := k.workers.names()
	var hitNames []string
	for _, i := range hit {
		if err := k.workers.kill(i); err != nil {
			return err
		}
		hitNames = append(hitNames, names[i])
	}
	kill.Uptime = k.uptime(hitNames...)
	if len(names) > 1 || k.stack != nil {
		kill.Hit = hitNames
	}
	// The in-flight call has been abandoned with its caller; later calls run at once.
	if err := k.faults.undelay(); err != nil {
		return err
	}
	kill.Pause = between(k.rng, 200*time.Millisecond, 1500*time.Millisecond)
	fmt.Fprintf(k.log, "chaos: %6.1fs SIGKILL (%s%s) after %.1fs up; restart in %.1fs\n",
		kill.At.Seconds(), kind, hitNote(kill.Hit), kill.Uptime.Seconds(), kill.Pause.Seconds())
	k.kills = append(k.kills, kill)
	if !sleep(ctx, kill.Pause) {
		return ctx.Err()
	}
	for _, i := range hit {
		if err := k.workers.start(ctx, i); err != nil {
			return err
		}
		k.markStarted(names[i])
	}
	return nil
}

// stackKill reports whether a kill of kind stops the Temporal server or PostgreSQL
// rather than workers.
func stackKill(kind string) bool { return kind == KillServer || kind == RestartPostgres }

// uptime is how long the last started of the named processes had run.
func (k *killer) uptime(names ...string) time.Duration {
	last := k.begin
	for _, n := range names {
		if t, ok := k.started[n]; ok && t.After(last) {
			last = t
		}
	}
	return time.Since(last)
}

func (k *killer) markStarted(name string) {
	if k.started == nil {
		k.started = map[string]time.Time{}
	}
	k.started[name] = time.Now()
}

// targets are the workers a kill hits: the only one; with several, one drawn from the
// seed for a random kill, and all of them for a deliberate kill, since the emulator
// cannot tell which worker made the call it holds or was answering.
func (k *killer) targets(kind string) []int {
	n := len(k.workers.names())
	if n == 1 {
		return []int{0}
	}
	if kind == KillRandom {
		return []int{k.rng.Intn(n)}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	return all
}

func hitNote(hit []string) string {
	if len(hit) == 0 {
		return ""
	}
	return " of " + strings.Join(hit, ", ")
}

// restartStackProcess SIGKILLs the Temporal server or stops PostgreSQL with a fast
// shutdown, pauses, starts it again and waits until it serves.
func (k *killer) restartStackProcess(ctx context.Context, kill Kill) error {
	down, restart, hit := k.stack.KillServer, k.stack.RestartServer, "temporal-server"
	if kill.Kind == RestartPostgres {
		down, restart, hit = k.stack.StopPostgres, k.stack.RestartPostgres, "postgres"
	}
	kill.Hit = []string{hit}
	kill.Uptime = k.uptime(hit)
	if err := down(); err != nil {
		return fmt.Errorf("%s: %w", kill.Kind, err)
	}
	kill.Pause = between(k.rng, time.Second, 5*time.Second)
	if !sleep(ctx, kill.Pause) {
		return ctx.Err()
	}
	began := time.Now()
	if err := restart(ctx); err != nil {
		return fmt.Errorf("%s: restart: %w", kill.Kind, err)
	}
	kill.Recovery = time.Since(began)
	k.markStarted(hit)
	fmt.Fprintf(k.log, "chaos: %6.1fs %s after %.1fs; down %.1fs, back in %.1fs\n",
		kill.At.Seconds(), kill.Kind, kill.Uptime.Seconds(), kill.Pause.Seconds(), kill.Recovery.Seconds())
	k.kills = append(k.kills, kill)
	return nil
}

// inFlight delays every call of op and waits for the next one to arrive.
func (k *killer) inFlight(ctx context.Context, op string) (bool, error) {
	before := k.emu.Counters().Calls[op]
	if err := k.faults.delay(op, inFlightLatency); err != nil {
		return false, err
	}
	landed, err := k.waitFor(ctx, func(c emulator.Counters) bool { return c.Calls[op] > before })
	if !landed {
		return false, errors.Join(err, k.faults.undelay())
	}
	return true, err
}

// waitFor polls the emulator's counters every two milliseconds until cond holds.
func (k *killer) waitFor(ctx context.Context, cond func(emulator.Counters) bool) (bool, error) {
	deadline := time.Now().Add(deliberateTimeout)
	for time.Now().Before(deadline) {
		if cond(k.emu.Counters()) {
			return true, nil
		}
		if k.deleteDue() {
			return false, errPreempted
		}
		if !sleep(ctx, 2*time.Millisecond) {
			return false, ctx.Err()
		}
	}
	return false, nil
}
