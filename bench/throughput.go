package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"golang.org/x/sync/errgroup"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	rcworker "github.com/regioncopy/regioncopy/worker"
)

const (
	throughputSource      = "us-east-1"
	throughputDestination = "eu-west-1"
	// throughputResourceSize makes every (full) copy job instant (10 µs at the emulator's
	// 100 MiB/s), ended before the worker's first look at it: the scenario measures the
	// system, not AWS, and a job still running at that look is seen ended only at the
	// Region watcher's next sweep, 20 s later.
	throughputResourceSize = 1 << 10
	// floorTaskQueue is the floor worker's queue, beside regioncopy's on the same server.
	floorTaskQueue = taskQueue + "-floor"
	// minThroughputRatio is the target: copies per second at least half the floor's
	// workflows per second.
	minThroughputRatio = 0.5
)

// throughputRounds is how many times the scenario measures the floor and then the copies,
// alternately on the same server: one burst of 500 lasts seconds, and a single round's
// ratio moved from 0.16 to 0.85 between rounds of the same run on the same code; the
// median of five is reported, with every round.
const throughputRounds = 5

// throughputLaterRounds is how many rounds measure later copies, to chains already
// running (see ThroughputResult.LaterRounds).
const throughputLaterRounds = 3

// ThroughputResult is the throughput scenario's figures: N on-demand copies of distinct
// resources to one Region, all asked at once, against N two-activity workflows run the
// same way on the same server, in throughputRounds alternating rounds.
type ThroughputResult struct {
	// Server is the Temporal server the scenario ran on.
	Server string
	// Copies is the copies asked per round; Landed counts, over all rounds, the copies
	// whose request ended with a COMPLETED record.
	Copies int
	Landed int
	Rounds []ThroughputRound
	// The median round's figures (by Ratio).
	CopiesTook      Duration
	FloorTook       Duration
	CopiesPerSecond float64
	FloorPerSecond  float64
	Ratio           float64
	// CPURatio is the median of the rounds' CPURatio.
	CPURatio float64
	// LaterRounds measure copies of the next recovery point of resources whose chains
	// are running, as most copies of a copy program are: the first copy of a resource
	// to a vault also starts its chain. LaterLanded, LaterRatio and LaterCPURatio are
	// theirs; they are reported beside the target, which is on first copies.
	LaterRounds   []ThroughputRound
	LaterLanded   int
	LaterRatio    float64
	LaterCPURatio float64
	// RequestEvents and ChainEvents are the requests' and chains' history lengths summed
	// over all rounds; EventsPerCopy is their sum over all copies. FloorEvents is one
	// floor workflow's.
	RequestEvents int
	ChainEvents   int
	EventsPerCopy float64
	FloorEvents   int
}

// ThroughputRound is one round: the floor's burst, then the copies' burst. Took is the
// wall time from the first start to the last end.
type ThroughputRound struct {
	CopiesTook      Duration
	FloorTook       Duration
	CopiesPerSecond float64
	FloorPerSecond  float64
	Ratio           float64
	// ServerCPUPerCopy and ServerCPUPerFloor are the dev server's CPU time over each
	// burst divided by its copies or workflows; WorkerCPUPerCopy and WorkerCPUPerFloor
	// are this process's (worker, emulator, client). CPURatio is ServerCPUPerFloor /
	// ServerCPUPerCopy: what the ratio would be if the server's CPU alone set the pace.
	ServerCPUPerCopy  Duration
	ServerCPUPerFloor Duration
	WorkerCPUPerCopy  Duration
	WorkerCPUPerFloor Duration
	CPURatio          float64
}

// runThroughput measures the floor, then the copies, throughputRounds times on the same
// server and emulator, each round's copies of resources of their own.
func runThroughput(ctx context.Context, e *env, o Options) (ThroughputResult, error) {
	n := o.ThroughputCopies
	res := ThroughputResult{Server: e.server, Copies: n}
	if err := e.createVaults(ctx, throughputSource, throughputDestination); err != nil {
		return res, err
	}
	seeds := make([]emulator.ResourceSeed, n*throughputRounds)
	for i := range seeds {
		seeds[i] = emulator.ResourceSeed{ResourceArn: volumeArn(throughputSource, 0x3000+i), SizeBytes: throughputResourceSize, DailyWriteRate: 0.05}
	}
	if err := e.emu.SeedResources(seeds); err != nil {
		return res, err
	}
	points := make([]point, len(seeds))
	for i, s := range seeds {
		p, err := e.backup(ctx, throughputSource, s.ResourceArn, "bench-throughput-"+s.ResourceArn)
		if err != nil {
			return res, err
		}
		points[i] = p
	}
	meter := e.meter
	for r := range throughputRounds {
		round, landed, err := measureRound(ctx, e, meter, r, points[r*n:(r+1)*n], &res)
		if err != nil {
			return res, err
		}
		res.Landed += landed
		res.Rounds = append(res.Rounds, round)
	}
	m := median(res.Rounds, byRatio)
	res.CopiesTook, res.FloorTook, res.CopiesPerSecond, res.FloorPerSecond, res.Ratio = m.CopiesTook, m.FloorTook, m.CopiesPerSecond, m.FloorPerSecond, m.Ratio
	res.CPURatio = median(res.Rounds, byCPURatio).CPURatio

	// Later copies: the next recovery point of the first rounds' resources, whose chains
	// are running. Their events are not counted: a chain's history holds both copies.
	for r := range throughputLaterRounds {
		later := make([]point, n)
		for i, seed := range seeds[r*n : (r+1)*n] {
			p, err := e.backup(ctx, throughputSource, seed.ResourceArn, "bench-throughput-later-"+seed.ResourceArn)
			if err != nil {
				return res, err
			}
			later[i] = p
		}
		round, landed, err := measureRound(ctx, e, meter, throughputRounds+r, later, nil)
		if err != nil {
			return res, fmt.Errorf("later copies: %w", err)
		}
		res.LaterLanded += landed
		res.LaterRounds = append(res.LaterRounds, round)
	}
	res.LaterRatio = median(res.LaterRounds, byRatio).Ratio
	res.LaterCPURatio = median(res.LaterRounds, byCPURatio).CPURatio
	res.EventsPerCopy = float64(res.RequestEvents+res.ChainEvents) / float64(n*throughputRounds)
	return res, nil
}

// measureRound runs round's floor burst, then the copies of points, and returns the
// round's figures and how many copies landed. With events, it counts the requests' and
// chains' history events into it, and a floor workflow's once.
func measureRound(ctx context.Context, e *env, meter cpuMeter, round int, points []point, events *ThroughputResult) (ThroughputRound, int, error) {
	n := len(points)
	floorTook, floorCPU, floorEvents, err := runFloor(ctx, e, meter, n, round, events != nil && events.FloorEvents == 0)
	if err != nil {
		return ThroughputRound{}, 0, fmt.Errorf("floor: %w", err)
	}
	if floorEvents > 0 {
		events.FloorEvents = floorEvents
	}
	copiesTook, copiesCPU, landed, err := runCopies(ctx, e, meter, points, events)
	if err != nil {
		return ThroughputRound{}, 0, err
	}
	r := ThroughputRound{CopiesTook: Duration(copiesTook), FloorTook: Duration(floorTook),
		CopiesPerSecond: float64(n) / copiesTook.Seconds(), FloorPerSecond: float64(n) / floorTook.Seconds(),
		ServerCPUPerCopy: perItem(copiesCPU.server, n), ServerCPUPerFloor: perItem(floorCPU.server, n),
		WorkerCPUPerCopy: perItem(copiesCPU.self, n), WorkerCPUPerFloor: perItem(floorCPU.self, n)}
	r.Ratio = r.CopiesPerSecond / r.FloorPerSecond
	r.CPURatio = ratio(int64(floorCPU.server), int64(copiesCPU.server))
	return r, landed, nil
}

// median is the round whose key is the median of the rounds'.
func median(rounds []ThroughputRound, key func(ThroughputRound) float64) ThroughputRound {
	sorted := slices.Clone(rounds)
	slices.SortFunc(sorted, func(a, b ThroughputRound) int { return cmp.Compare(key(a), key(b)) })
	return sorted[len(sorted)/2]
}

func byRatio(r ThroughputRound) float64    { return r.Ratio }
func byCPURatio(r ThroughputRound) float64 { return r.CPURatio }

// perItem is d shared over n items, to the microsecond.
func perItem(d time.Duration, n int) Duration {
	return Duration((d / time.Duration(n)).Round(time.Microsecond))
}

// runCopies asks for a copy of every point at once and waits for all to end. It returns
// the wall time from the first start to the last end, the burst's CPU and the copies
// landed; with events, it counts the requests' and chains' history events into it.
func runCopies(ctx context.Context, e *env, meter cpuMeter, points []point, events *ThroughputResult) (time.Duration, cpuReading, int, error) {
	cpuBefore := meter.read()
	began := time.Now()
	runs, err := startAll(ctx, len(points), func(i int) (client.WorkflowRun, error) {
		return e.requestCopy(ctx, throughputSource, points[i], []string{throughputDestination}, false)
	})
	if err != nil {
		return 0, cpuReading{}, 0, err
	}
	outs, err := awaitInOrder(ctx, runs, time.Minute+time.Duration(len(points))*time.Second)
	if err != nil {
		return 0, cpuReading{}, 0, err
	}
	took := time.Since(began)
	// A chain records its requester's receipt a moment after the request ends: the CPU
	// reading waits for that, as the floor's waits for its trailing work.
	time.Sleep(burstSettle)
	cpu := meter.read().since(cpuBefore)
	landed := 0
	var chains []string
	for _, out := range outs {
		if out.Err != nil {
			return 0, cpuReading{}, 0, fmt.Errorf("copy request %s: %w", out.WorkflowID, out.Err)
		}
		for _, d := range out.Result.Results {
			if d.Record != nil && d.Record.State == model.JobCompleted {
				landed++
			}
			chains = append(chains, d.ChainWorkflowId)
		}
	}
	if events == nil {
		return took, cpu, landed, nil
	}
	for _, out := range outs {
		h, err := fetchHistory(ctx, e, out.WorkflowID)
		if err != nil {
			return 0, cpuReading{}, 0, err
		}
		events.RequestEvents += len(h.Events)
	}
	for _, id := range chains {
		h, err := fetchHistory(ctx, e, id)
		if err != nil {
			return 0, cpuReading{}, 0, err
		}
		events.ChainEvents += len(h.Events)
	}
	return took, cpu, landed, nil
}

// awaitInOrder waits for each copy request in start order, one after the other, as
// runFloor waits for its workflows: either side's client then holds one long poll at a
// time, so neither figure includes the server's work for hundreds of waiting clients
// (each open poll is woken by every event its workflow records).
func awaitInOrder(ctx context.Context, runs []client.WorkflowRun, wait time.Duration) ([]outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	outs := make([]outcome, len(runs))
	for i, run := range runs {
		var res model.CopyRequestResult
		err := run.Get(ctx, &res)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%d of %d copies still running after %s", len(runs)-i, len(runs), wait)
		}
		outs[i] = outcome{WorkflowID: run.GetID(), Result: res, Err: err}
	}
	return outs, nil
}

// burstSettle is how long after a burst's last result its CPU is read: the work a burst
// leaves behind (a chain's last workflow task, visibility records) counts as its own.
const burstSettle = 2 * time.Second

// runFloor runs n two-activity workflows, all started at once as the copies are, on a
// worker in this process configured as regioncopy's (rcworker.SDKOptions), and
// returns how long they took, the burst's CPU and, with countEvents, one's history
// length.
func runFloor(ctx context.Context, e *env, meter cpuMeter, n, round int, countEvents bool) (time.Duration, cpuReading, int, error) {
	w := sdkworker.New(e.client, floorTaskQueue, rcworker.SDKOptions(rcworker.DefaultConfig()))
	w.RegisterWorkflow(floorWorkflow)
	w.RegisterActivity(floorActivity)
	if err := w.Start(); err != nil {
		return 0, cpuReading{}, 0, err
	}
	defer w.Stop()
	cpuBefore := meter.read()
	began := time.Now()
	runs, err := startAll(ctx, n, func(i int) (client.WorkflowRun, error) {
		return e.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("bench-floor-%d-%d", round, i), TaskQueue: floorTaskQueue},
			floorWorkflow)
	})
	if err != nil {
		return 0, cpuReading{}, 0, err
	}
	for _, run := range runs {
		if err := run.Get(ctx, nil); err != nil {
			return 0, cpuReading{}, 0, fmt.Errorf("floor workflow %s: %w", run.GetID(), err)
		}
	}
	took := time.Since(began)
	time.Sleep(burstSettle)
	cpu := meter.read().since(cpuBefore)
	if !countEvents {
		return took, cpu, 0, nil
	}
	h, err := fetchHistory(ctx, e, runs[0].GetID())
	if err != nil {
		return 0, cpuReading{}, 0, err
	}
	return took, cpu, len(h.Events), nil
}

// concurrentStarts is how many workflow starts the scenario has in flight at once, for
// the copies and the floor alike: "all asked at once" as many clients would, so the
// figure measures the system rather than one client's round trips.
const concurrentStarts = 32

// startAll runs start(0..n-1) with concurrentStarts at once and returns the runs in order.
func startAll(ctx context.Context, n int, start func(i int) (client.WorkflowRun, error)) ([]client.WorkflowRun, error) {
	runs := make([]client.WorkflowRun, n)
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(concurrentStarts)
	for i := range runs {
		g.Go(func() error {
			run, err := start(i)
			runs[i] = run
			return err
		})
	}
	return runs, g.Wait()
}

// floorWorkflow is the least a copy could cost Temporal: two activities one after the
// other (a copy starts its job, then follows it), each doing nothing.
func floorWorkflow(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3}})
	for range 2 {
		if err := workflow.ExecuteActivity(ctx, floorActivity).Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

func floorActivity(context.Context) error { return nil }
