package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
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
)

// inFlightLatency is how long the emulator holds a call chosen for an in-flight kill;
// the kill lands at once, so the call never completes.
const inFlightLatency = 5 * time.Second

// deliberateTimeout bounds the wait for a deliberate kill's moment (a delete comes only
// once a short-lifecycle copy expires, about a day of emulated time after its backup).
const deliberateTimeout = 90 * time.Second

// Kill is one SIGKILL of the worker.
type Kill struct {
	Kind string
	// At is the time since the workload began.
	At time.Duration
	// Uptime is how long the killed worker had run.
	Uptime time.Duration
	// Pause is how long no worker ran before the restart.
	Pause time.Duration
	// Landed is false when a deliberate kill's moment never came within its timeout.
	Landed bool
	Note   string `json:",omitempty"`
}

// killer SIGKILLs the worker on a schedule drawn from the seed and restarts it.
type killer struct {
	rng    *rand.Rand
	worker *workerProcess
	emu    *emulator.Emulator
	faults *faultController
	log    io.Writer
	begin  time.Time
	kills  []Kill

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

// once waits for the kill's moment, SIGKILLs the worker, pauses and starts it again.
func (k *killer) once(ctx context.Context, kind string) error {
	if kind == KillDelete {
		k.deleteDone = true
	}
	up := time.Now()
	kill := Kill{Kind: kind, Landed: true}
	var err error
	switch kind {
	case KillRandom:
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
	kill.Uptime = time.Since(up)
	kill.At = time.Since(k.begin)
	if !kill.Landed {
		kill.Note = fmt.Sprintf("its moment did not come within %s; the worker was not killed", deliberateTimeout)
		k.kills = append(k.kills, kill)
		fmt.Fprintf(k.log, "chaos: %6.1fs %s kill did not land: %s\n", kill.At.Seconds(), kind, kill.Note)
		return nil
	}
	if _, err := k.worker.kill(); err != nil {
		return err
	}
	// The in-flight call has been abandoned with its caller; later calls run at once.
	if err := k.faults.undelay(); err != nil {
		return err
	}
	kill.Pause = between(k.rng, 200*time.Millisecond, 1500*time.Millisecond)
	fmt.Fprintf(k.log, "chaos: %6.1fs SIGKILL (%s) after %.1fs up; restart in %.1fs\n",
		kill.At.Seconds(), kind, kill.Uptime.Seconds(), kill.Pause.Seconds())
	k.kills = append(k.kills, kill)
	if !sleep(ctx, kill.Pause) {
		return ctx.Err()
	}
	return k.worker.start()
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
