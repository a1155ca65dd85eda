package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// The chain scenario's one chain.
const (
	chainSource      = "us-east-1"
	chainDestination = "eu-west-1"
	// chainKeepDays is how long every copy is kept (DeleteAfterDays).
	chainKeepDays = 90
	// maxChainCopies is the most hourly points a chain keeps live at chainKeepDays: the
	// first copy expires an emulated hour after the last point is taken.
	maxChainCopies = chainKeepDays * 24
	// minChainCopies is the fewest copies after which the chain has continued as new (a
	// run continues once it has logged 30 records), so that it has carried a state to
	// measure.
	minChainCopies = 31
	// chainResourceSize keeps every copy job shorter than the worker's first look at it.
	chainResourceSize = 1 << 20
	// chainOrdersAhead is how many orders the benchmark keeps waiting in the chain ahead
	// of its copies: enough that it never idles, few enough that the carried state
	// measures the chain's own state rather than a backlog the benchmark made.
	chainOrdersAhead = 3
	// chainQueryEvery is how often the status and copies queries are sampled while the
	// chain copies.
	chainQueryEvery = time.Second
	// maxPayloadBytes is the target for what a chain carries and answers: far under
	// Temporal's 2 MB payload limit, and the same whatever the vault holds.
	maxPayloadBytes = 32 << 10
)

// ChainResult is the chain scenario's figures: one chain copying ChainCopies hourly
// recovery points, every copy kept live.
type ChainResult struct {
	ChainWorkflowID string
	Copies          int
	Runs            int
	// CopyJobs, FullCopies and IncrementalCopies are the emulator's counters over the
	// scenario; MaxJobsPerToken the most copy jobs any idempotency token started.
	CopyJobs          int64
	FullCopies        int64
	IncrementalCopies int64
	MaxJobsPerToken   int64
	// MaxCarriedInputBytes is the largest continue-as-new input among the chain's runs.
	MaxCarriedInputBytes int
	// MaxStatusBytes and MaxCopiesPageBytes are the largest answers to the status query
	// and to one page of the copies query, sampled while the chain copied and at the end.
	MaxStatusBytes     int
	MaxCopiesPageBytes int
	QuerySamples       int
	// Events is every run's history length; EventsPerCopy divides it by Copies.
	Events        int
	EventsPerCopy float64
	// AWSCalls counts the AWS calls from the first order to the end, per operation;
	// AWSCallsPerCopy divides their sum by Copies.
	AWSCalls        map[string]int64
	AWSCallsPerCopy float64
	// ReadAllRecords is how long reading every page of every run's copies query took
	// (model.AllCopies per run, as `regioncopy copies` reads them), and RecordsRead how
	// many distinct copies those pages name.
	ReadAllRecords Duration
	RecordsRead    int
	// VaultLive is the destination vault's recovery points at the end; ChainLive the
	// chain's LiveCopies.
	VaultLive int64
	ChainLive int
	// CopyTook is the wall time from the first order to the last copy recorded.
	CopyTook Duration
}

// runChain takes ChainCopies hourly backups of one resource, then orders their copies
// into one chain, oldest first, a few ahead of the chain, and measures what the chain
// carries, answers and costs.
func runChain(ctx context.Context, e *env, o Options) (ChainResult, error) {
	var res ChainResult
	if err := e.createVaults(ctx, chainSource, chainDestination); err != nil {
		return res, err
	}
	resource := volumeArn(chainSource, 0x2000)
	if err := e.emu.SeedResources([]emulator.ResourceSeed{{ResourceArn: resource, SizeBytes: chainResourceSize, DailyWriteRate: 0.05}}); err != nil {
		return res, err
	}
	// Points an hour apart on the emulator clock, taken in moments: the last is taken
	// ChainCopies-1 hours after the first, so at 90 days each the first copy is due an
	// emulated (here: wall-clock) hour after the last point.
	points := make([]point, o.ChainCopies)
	start := e.emu.Now()
	for k := range points {
		e.advanceTo(start.Add(time.Duration(k) * time.Hour))
		p, err := e.backup(ctx, chainSource, resource, fmt.Sprintf("bench-chain-%d", k))
		if err != nil {
			return res, err
		}
		points[k] = p
	}
	o.logf("bench: chain: %d hourly recovery points taken", len(points))

	key := model.ChainKey{ResourceArn: resource, ResourceType: "EBS", SourceRegion: chainSource,
		DestinationRegion: chainDestination, DestinationBackupVaultArn: vaultArn(chainDestination)}
	id := model.ChainWorkflowID(key)
	res.ChainWorkflowID, res.Copies = id, len(points)
	enqueue := &activities.Chains{Client: e.client}
	before := e.emu.Counters()
	landed := func() int64 {
		c := e.emu.Counters()
		return c.FullCopies + c.IncrementalCopies - before.FullCopies - before.IncrementalCopies
	}

	sampler := startQuerySampler(ctx, e, id)
	began := time.Now()
	deadline := began.Add(time.Minute + time.Duration(len(points))*time.Second) // a copy takes a fraction of a second
	lastLog := time.Now()
	for k, p := range points {
		if time.Since(lastLog) > 10*time.Second {
			o.logf("bench: chain: %d of %d copies landed after %s", landed(), len(points), time.Since(began).Round(time.Second))
			lastLog = time.Now()
		}
		for int64(k)-landed() >= chainOrdersAhead {
			if err := pause(ctx, deadline, 10*time.Millisecond); err != nil {
				return res, fmt.Errorf("%d of %d copies landed: %w", landed(), len(points), err)
			}
		}
		// An order as a request's EnqueueCopy activity hands it over, with no requester
		// to answer: the chain's records and the emulator's counters are what is measured.
		_, err := enqueue.EnqueueCopy(ctx, model.EnqueueCopyInput{Key: key, TaskQueue: taskQueue, TimeScale: e.timeScale,
			Order: model.CopyOrder{SourceRecoveryPointArn: p.Arn, SourceBackupVaultName: vaultName, SourceCreationDate: p.Created,
				IamRoleArn: iamRole, Lifecycle: model.Lifecycle{DeleteAfterDays: chainKeepDays}, Plan: "bench"}})
		if err != nil {
			return res, fmt.Errorf("order the copy of point %d: %w", k, err)
		}
	}
	var status model.ChainStatus
	for {
		n, raw, err := queryBytes(ctx, e, id, "", model.QueryStatus)
		if err == nil {
			sampler.note(n, 0)
			status = model.ChainStatus{} // fields the answer omits are zero
			if err := json.Unmarshal(raw, &status); err != nil {
				return res, err
			}
			if status.CopiesTotal >= len(points) && status.PendingCount == 0 && status.Current == nil {
				break
			}
		}
		if err := pause(ctx, deadline, 100*time.Millisecond); err != nil {
			return res, fmt.Errorf("the chain has recorded %d of %d copies, state %s, %d orders waiting: %w", status.CopiesTotal, len(points), status.State, status.PendingCount, err)
		}
	}
	res.CopyTook = Duration(time.Since(began))
	res.MaxStatusBytes, res.MaxCopiesPageBytes, res.QuerySamples = sampler.stop()
	after := e.emu.Counters()
	res.CopyJobs = after.CopyJobs - before.CopyJobs
	res.FullCopies = after.FullCopies - before.FullCopies
	res.IncrementalCopies = after.IncrementalCopies - before.IncrementalCopies
	for tok, n := range after.CopyJobsPerToken {
		if before.CopyJobsPerToken[tok] == 0 {
			res.MaxJobsPerToken = max(res.MaxJobsPerToken, n)
		}
	}
	res.AWSCalls = map[string]int64{}
	var calls int64
	for op, n := range after.Calls {
		if d := n - before.Calls[op]; d > 0 {
			res.AWSCalls[op] = d
			calls += d
		}
	}
	res.AWSCallsPerCopy = float64(calls) / float64(res.Copies)
	res.VaultLive = after.RecoveryPointsPerVault[vaultArn(chainDestination)]
	res.ChainLive = status.LiveCopies

	runs, err := allRuns(ctx, e, id)
	if err != nil {
		return res, err
	}
	res.Runs = len(runs)
	for _, r := range runs {
		res.Events += len(r.History.Events)
		res.MaxCarriedInputBytes = max(res.MaxCarriedInputBytes, carriedInputBytes(r.History))
	}
	res.EventsPerCopy = float64(res.Events) / float64(res.Copies)

	// Every run's pages, newest run first, as `regioncopy copies` reads them; each answer
	// counts toward the largest page too.
	t := time.Now()
	seen := map[string]bool{}
	for i := len(runs) - 1; i >= 0; i-- {
		recs, err := model.AllCopies(func(page model.CopiesPage, into *[]model.CopyRecord) error {
			n, raw, err := queryBytes(ctx, e, id, runs[i].RunID, model.QueryCopies, page)
			if err != nil {
				return err
			}
			res.MaxCopiesPageBytes = max(res.MaxCopiesPageBytes, n)
			return json.Unmarshal(raw, into)
		})
		if err != nil {
			return res, fmt.Errorf("read the copies of run %s: %w", runs[i].RunID, err)
		}
		for _, r := range recs {
			if r.DestinationRecoveryPointArn != "" {
				seen[r.DestinationRecoveryPointArn] = true
			}
		}
	}
	res.ReadAllRecords = Duration(time.Since(t))
	res.RecordsRead = len(seen)
	return res, nil
}

// pause waits d, or fails when deadline has passed or ctx is done.
func pause(ctx context.Context, deadline time.Time, d time.Duration) error {
	if time.Now().After(deadline) {
		return fmt.Errorf("still waiting at the deadline %s", deadline.Format(time.TimeOnly))
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// querySampler asks a chain's latest run its status and every page of its copies, once
// a chainQueryEvery, and keeps the largest answers.
type querySampler struct {
	mu                      sync.Mutex
	maxStatus, maxPage, all int
	cancel                  context.CancelFunc
	done                    chan struct{}
}

func startQuerySampler(ctx context.Context, e *env, id string) *querySampler {
	ctx, cancel := context.WithCancel(ctx)
	s := &querySampler{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(chainQueryEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			// The chain may not exist yet, or be between runs: a failed sample is skipped.
			if n, _, err := queryBytes(ctx, e, id, "", model.QueryStatus); err == nil {
				s.note(n, 0)
			}
			_, _ = model.AllCopies(func(page model.CopiesPage, into *[]model.CopyRecord) error {
				n, raw, err := queryBytes(ctx, e, id, "", model.QueryCopies, page)
				if err != nil {
					return err
				}
				s.note(0, n)
				return json.Unmarshal(raw, into)
			})
		}
	}()
	return s
}

func (s *querySampler) note(status, page int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxStatus, s.maxPage = max(s.maxStatus, status), max(s.maxPage, page)
	s.all++
}

// stop ends the sampling and returns the largest status answer, the largest copies page
// and how many answers were sampled.
func (s *querySampler) stop() (status, page, samples int) {
	s.cancel()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxStatus, s.maxPage, s.all
}
