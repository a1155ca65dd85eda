package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// settleTimeout bounds the wait, after the last kill, for every request to finish. An
// activity whose worker was killed is retried only when its one-minute StartToClose
// timeout passes, so recovery takes at least that.
const settleTimeout = 5 * time.Minute

// Run starts the topology o asks for (the dev server, or PostgreSQL and the Temporal
// server of package prodstack) with the emulator in this process, runs the workers as
// processes it SIGKILLs and restarts on a schedule drawn from o.Seed while the workload
// asks for copies (on the stack topology it SIGKILLs and restarts the server and
// restarts PostgreSQL too), then leaves the workers running until every request has
// finished and checks the end state. An error means the run could not be carried out;
// failed checks are in the results.
func Run(ctx context.Context, o Options, command string) (res Results, err error) {
	if err := o.validate(); err != nil {
		return res, err
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	res = Results{Command: command, Seed: o.Seed, StartedAt: time.Now().UTC(), Options: ResultOptions{
		Resources: o.Resources, Points: o.Points, ShortLifecycle: o.ShortLifecycle, LateShort: o.LateShort, RandomKills: o.RandomKills, TimeScale: o.TimeScale,
		Faults: resultFaults(o.Faults)}}
	if o.Topology == TopologyStack {
		res.Options.Topology = &ResultTopology{Name: TopologyStack, Workers: o.Workers, ServerKills: o.ServerKills, PostgresRestarts: o.PostgresRestarts}
	}
	if o.Soak > 0 {
		res.Options.Soak = o.Soak.String()
	}
	fmt.Fprintf(log, "chaos: seed %d (repeat with -seed %d)\n", o.Seed, o.Seed)
	began := time.Now()
	defer func() { res.WallSeconds = time.Since(began).Seconds() }()

	logDir, err := os.MkdirTemp("", "regioncopy-chaos-*")
	if err != nil {
		return res, err
	}
	defer func() {
		if err == nil && res.OK() {
			_ = os.RemoveAll(logDir)
			return
		}
		res.LogDir = logDir
		fmt.Fprintf(log, "chaos: logs kept in %s\n", logDir)
	}()
	var sys *system
	if o.Topology == TopologyStack {
		sys, err = startStack(ctx, o, logDir, log)
	} else {
		sys, err = startDev(ctx, o, logDir)
	}
	if err != nil {
		return res, err
	}
	defer func() { err = errors.Join(err, sys.stop()) }()

	w := &workload{emu: sys.emu, client: sys.client, timeScale: o.TimeScale, log: log}
	if err := w.prepare(ctx, o); err != nil {
		return res, err
	}
	if err := sys.startWorkers(); err != nil {
		return res, err
	}

	rng := rand.New(rand.NewSource(o.Seed))
	faults := newFaultController(sys.emu.Emulator, o.Faults, log)
	k := &killer{rng: rng, workers: sys.workers, stack: sys.stack, emu: sys.emu.Emulator, faults: faults, log: log, begin: time.Now()}
	kinds := schedule(rng, o.RandomKills)
	if sys.stack != nil {
		kinds = withStackKills(rng, kinds, o.ServerKills, o.PostgresRestarts)
	}
	var killsDone atomic.Bool
	workDone := make(chan error, 1)
	during := w.resources
	var deletesFrom time.Time
	if !o.LateShort && o.ShortLifecycle > 0 {
		// The first copies expire one emulated day after the first backup below.
		day := time.Duration(float64(24*time.Hour) / o.TimeScale)
		deletesFrom = time.Now().Add(day - 3*time.Second)
		// The short-lifecycle volumes are the first ShortLifecycle resources.
		fmt.Fprintf(log, "chaos: copying %d short-lifecycle volumes before the first kill\n", o.ShortLifecycle)
		if err := w.prefill(ctx, o.Seed, o.Points, w.resources[:o.ShortLifecycle]); err != nil {
			return res, err
		}
		during = w.resources[o.ShortLifecycle:]
	}
	k.begin = time.Now()
	// The AWS faults come with the kills and last until every request has finished: most
	// copy jobs start after the last kill, once the killed activities' timeouts pass.
	if err := faults.start(); err != nil {
		return res, err
	}
	burstCtx, stopBursts := context.WithCancel(ctx)
	defer stopBursts()
	burstsDone := make(chan error, 1)
	go func() {
		if o.Faults.BurstCalls == 0 {
			burstsDone <- nil
			return
		}
		burstsDone <- faults.runBursts(burstCtx, newBurstSource(o.Seed+3000, o.Faults))
	}()
	go func() {
		workDone <- w.run(ctx, o.Seed+1000, during, o.Points, 1500*time.Millisecond, 4*time.Second, func() bool { return !killsDone.Load() })
	}()
	killErr := k.run(ctx, kinds, deletesFrom, time.Now().Add(o.Soak))
	killsDone.Store(true)
	if werr := <-workDone; werr != nil {
		res.Problems = append(res.Problems, "workload: "+werr.Error())
	}
	if killErr != nil {
		return res, fmt.Errorf("kill schedule: %w", killErr)
	}
	fmt.Fprintf(log, "chaos: %6.1fs kills done; waiting for %d requests with the workers running\n", time.Since(k.begin).Seconds(), len(w.requests))

	settle, cancel := context.WithTimeout(ctx, settleTimeout)
	defer cancel()
	w.awaitRequests(settle)
	stopBursts()
	berr := <-burstsDone
	var serr error
	res.Figures.Faults, serr = faults.stop()
	if err := errors.Join(berr, serr); err != nil {
		return res, fmt.Errorf("AWS faults: %w", err)
	}
	v := &verifier{w: w, fig: &res.Figures}
	v.waitRequests(settle)
	fmt.Fprintf(log, "chaos: %6.1fs requests finished; checking\n", time.Since(k.begin).Seconds())
	chains, err := v.queryChains(ctx)
	if err != nil {
		return res, err
	}
	if err := v.checkChains(ctx, chains); err != nil {
		return res, err
	}
	if err := v.checkJobs(ctx, chains); err != nil {
		return res, err
	}
	v.checkFull(chains)
	if err := v.checkExistence(ctx, chains); err != nil {
		return res, err
	}
	v.checkKills(k.kills, o)
	v.checkFaults(o.Faults)
	if sys.stack != nil {
		v.checkStack(k.kills, sys.stack, o)
	}

	res.Kills, res.Checks = k.kills, v.checks
	if sys.dev != nil {
		res.Problems = append(res.Problems, sys.dev.problems()...)
	}
	f := &res.Figures
	f.WorkerStarts = sys.workers.startCount()
	f.Requests = len(w.requests)
	f.SendsRetried = w.sendsRetried
	for _, r := range w.requests {
		if r.Sends > 1 {
			f.RequestsSentTwice++
		}
	}
	return res, nil
}

// checkKills: every deliberate kill landed, and expiry deletions happened while the
// worker was being killed when some lifecycles are short.
func (v *verifier) checkKills(kills []Kill, o Options) {
	var problems []string
	workerKills := 0
	for _, k := range kills {
		if stackKill(k.Kind) {
			continue // checked with the stack
		}
		workerKills++
		if !k.Landed {
			problems = append(problems, k.Kind+": "+k.Note)
			continue
		}
		v.fig.Kills++
		if k.Kind != KillRandom {
			v.fig.DeliberateKills++
		}
	}
	v.check("every kill landed (random and deliberate)", strconv.Itoa(workerKills), v.fig.Kills, problems)
	if o.ShortLifecycle > 0 {
		var none []string
		if v.fig.Deleted == 0 {
			none = []string{"no copy was deleted at expiry: the short lifecycles did not expire within the run"}
		}
		v.check("expiry deletions happened during the run", "> 0", v.fig.Deleted, none)
	}
}

// checkFaults: each kind of AWS fault asked for was injected, and the copy jobs made to
// fail are the ones AWS lists FAILED (how each was survived is checked with the copies).
func (v *verifier) checkFaults(f AWSFaults) {
	if f.none() {
		return
	}
	ff := v.fig.Faults
	var problems []string
	if f.BurstCalls > 0 && slices.ContainsFunc(f.Codes, func(c string) bool { return faultClass(c) == "throttling" }) && ff.Throttled == 0 {
		problems = append(problems, "no call was answered with a throttling error")
	}
	if f.BurstCalls > 0 && slices.ContainsFunc(f.Codes, func(c string) bool { return faultClass(c) != "throttling" }) && ff.ServiceFaults == 0 {
		problems = append(problems, "no call was answered with a service fault")
	}
	if f.FailJobs > 0 && ff.FailedJobs == 0 {
		problems = append(problems, "no copy job was made to fail")
	}
	if ff.FailedJobs != ff.FailedJobsListed {
		problems = append(problems, fmt.Sprintf("%d copy jobs were made to fail, AWS lists %d FAILED", ff.FailedJobs, ff.FailedJobsListed))
	}
	if f.HoldJobs > 0 && ff.HeldJobs == 0 {
		problems = append(problems, "no copy job was held in CREATED")
	}
	v.check("AWS faults injected: throttling, service faults, failed and held copy jobs",
		"> 0 of each asked for", fmt.Sprintf("%d throttled, %d service faults, %d failed jobs, %d held jobs",
			ff.Throttled, ff.ServiceFaults, ff.FailedJobs, ff.HeldJobs), problems)
}
