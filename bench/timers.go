package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/workflows"
)

const (
	timersSource      = "us-east-1"
	timersDestination = "eu-west-1"
	// timersParallel is how many starts (and, later, history reads) are in flight at once.
	timersParallel = 16
	// timersLiveCopies is the other live copies each chain is started with (a 90-day
	// hourly chain), which only its count and next due time stand for.
	timersLiveCopies = 2159
	// timersStatusSample is how many chains are asked their status at the end.
	timersStatusSample = 50
	// Sanity bounds, not targets: the worker caches every chain it runs (the SDK's sticky
	// cache holds 10,000 workflows by default), and a pending chain's history is a handful
	// of events with a few-KiB input. A chain costing more than 256 KiB of worker memory
	// or 256 KiB of database would put a 10,000-chain account past 2.5 GiB of either.
	maxWorkerBytesPerChain = 256 << 10
	maxDBBytesPerChain     = 256 << 10
)

// TimersResult is the timers scenario's figures: TimerChains chains started with
// carried state, each waiting on its expiry timer.
type TimersResult struct {
	Chains int
	// StartTook is the wall time to start them all; SettleTook until every chain's
	// history shows its timer started and not fired.
	StartTook  Duration
	SettleTook Duration
	// Running is the visibility count of running CopyChain workflows at the end;
	// TimersPending the chains whose history shows a pending timer.
	Running       int64
	TimersPending int
	// StatusSampled chains answered the status query with NextExpiry at their carried
	// NextDueAt; StatusMatched of them did.
	StatusSampled int
	StatusMatched int
	// AWSCalls is what starting the chains cost in AWS calls (none: they carry their state).
	AWSCalls int64
	// The worker runs in the benchmark's process: HeapBefore/After are the Go heap in use
	// after a GC (runtime.MemStats.HeapInuse), RSSBefore/After the process's VmRSS
	// (/proc/self/status; 0 where there is none). Per chain: the growth over Chains.
	HeapBefore, HeapAfter int64
	RSSBefore, RSSAfter   int64
	HeapPerChain          float64
	RSSPerChain           float64
	// DBBefore/After are the dev server's SQLite database size (the file and its WAL).
	DBBefore, DBAfter int64
	DBBytesPerChain   float64
}

// runTimers starts TimerChains chains as a chain continues as new: with a carried state
// (a newest copy kept 90 days, other live copies due in a day), so each arms its expiry
// timer at once without surveying the vault or copying, and measures what they cost.
func runTimers(ctx context.Context, e *env, o Options, dbFile string) (TimersResult, error) {
	res := TimersResult{Chains: o.TimerChains}
	res.HeapBefore, res.RSSBefore = memory()
	res.DBBefore = fileBytes(dbFile)
	before := e.emu.Counters()
	now := time.Now().UTC().Truncate(time.Second)
	nextDue := func(i int) time.Time { return now.Add(24*time.Hour + time.Duration(i)*time.Second) }
	ids := make([]string, o.TimerChains)

	t := time.Now()
	err := parallel(ctx, o.TimerChains, func(i int) error {
		in := timerChainInput(i, now, nextDue(i))
		ids[i] = model.ChainWorkflowID(in.Key)
		_, err := e.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: ids[i], TaskQueue: taskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, model.WorkflowCopyChain, in)
		return err
	})
	if err != nil {
		return res, fmt.Errorf("start the chains: %w", err)
	}
	res.StartTook = Duration(time.Since(t))
	o.logf("bench: timers: %d chains started in %s", o.TimerChains, res.StartTook)

	// Every chain's history must show its timer started and not fired; chains whose
	// first workflow task has not run yet are read again.
	waiting := make([]bool, o.TimerChains)
	for i := range waiting {
		waiting[i] = true
	}
	deadline := time.Now().Add(5*time.Minute + time.Duration(o.TimerChains)*50*time.Millisecond)
	for {
		var left atomic.Int64
		err := parallel(ctx, o.TimerChains, func(i int) error {
			if !waiting[i] {
				return nil
			}
			h, err := fetchRunHistory(ctx, e, ids[i], "")
			if err != nil {
				return err
			}
			if timerPending(h) {
				waiting[i] = false
			} else {
				left.Add(1)
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res.TimersPending = o.TimerChains - int(left.Load())
		if left.Load() == 0 {
			break
		}
		if err := pause(ctx, deadline, time.Second); err != nil {
			return res, fmt.Errorf("%d of %d chains with a pending timer: %w", res.TimersPending, o.TimerChains, err)
		}
	}
	res.SettleTook = Duration(time.Since(t))

	for i := 0; i < o.TimerChains; i += max(1, o.TimerChains/timersStatusSample) {
		_, raw, err := queryBytes(ctx, e, ids[i], "", model.QueryStatus)
		if err != nil {
			return res, err
		}
		var st model.ChainStatus
		if err := json.Unmarshal(raw, &st); err != nil {
			return res, err
		}
		res.StatusSampled++
		if st.NextExpiry.Equal(nextDue(i)) && st.LiveCopies == timersLiveCopies+1 {
			res.StatusMatched++
		}
	}
	res.Running, err = countRunning(ctx, e, int64(o.TimerChains))
	if err != nil {
		return res, err
	}
	after := e.emu.Counters()
	for op, n := range after.Calls {
		res.AWSCalls += n - before.Calls[op]
	}
	res.HeapAfter, res.RSSAfter = memory()
	res.DBAfter = fileBytes(dbFile)
	n := float64(o.TimerChains)
	res.HeapPerChain = float64(res.HeapAfter-res.HeapBefore) / n
	res.RSSPerChain = float64(res.RSSAfter-res.RSSBefore) / n
	res.DBBytesPerChain = float64(res.DBAfter-res.DBBefore) / n
	return res, nil
}

// timerChainInput is chain i's carried state: its newest copy kept 90 days, and
// timersLiveCopies other copies, the first due at nextDue.
func timerChainInput(i int, now, nextDue time.Time) workflows.ChainInput {
	resource := volumeArn(timersSource, 0x100000+i)
	key := model.ChainKey{ResourceArn: resource, ResourceType: "EBS", SourceRegion: timersSource,
		DestinationRegion: timersDestination, DestinationBackupVaultArn: vaultArn(timersDestination)}
	created := now.Add(-time.Hour)
	rec := model.CopyRecord{
		SourceRecoveryPointArn: fmt.Sprintf("arn:aws:ec2:%s::snapshot/snap-%017x", timersSource, i),
		SourceCreationDate:     created, ResourceArn: resource, ResourceType: "EBS",
		SourceRegion: timersSource, DestinationRegion: timersDestination, DestinationBackupVaultArn: key.DestinationBackupVaultArn,
		DestinationRecoveryPointArn: fmt.Sprintf("arn:aws:ec2:%s::snapshot/snap-%017x", timersDestination, i),
		CopyJobId:                   fmt.Sprintf("BENCH-%08d", i), Kind: model.CopyIncremental, State: model.JobCompleted,
		BackupSizeInBytes: 1 << 30, Attempts: 1, RequestedAt: created, StartedAt: created, CompletedAt: created,
		Lifecycle: model.Lifecycle{DeleteAfterDays: chainKeepDays}, DeleteAt: created.Add(chainKeepDays * 24 * time.Hour),
	}
	return workflows.ChainInput{
		ChainStart: model.ChainStart{Key: key, TaskQueue: taskQueue},
		State: &workflows.ChainState{Newest: &workflows.TrackedCopy{Record: rec}, OtherLive: timersLiveCopies,
			NextDueAt: nextDue, TokenSeq: timersLiveCopies + 1, CopiesTotal: timersLiveCopies + 1, FullCopies: 1,
			LastCopyAt: created, Plan: "bench", Recent: []model.CopyRecord{rec}},
	}
}

// timerPending reports whether a history shows a timer started and neither fired nor
// canceled, on a run still open.
func timerPending(h *historypb.History) bool {
	open := map[int64]bool{}
	for _, ev := range h.GetEvents() {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			open[ev.GetEventId()] = true
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			delete(open, ev.GetTimerFiredEventAttributes().GetStartedEventId())
		case enumspb.EVENT_TYPE_TIMER_CANCELED:
			delete(open, ev.GetTimerCanceledEventAttributes().GetStartedEventId())
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
			return false
		}
	}
	return len(open) > 0
}

// countRunning counts the running CopyChain workflows in visibility, waiting (a while)
// for it to reach want, since visibility lags the starts.
func countRunning(ctx context.Context, e *env, want int64) (int64, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := e.client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowType = %q AND ExecutionStatus = 'Running'", model.WorkflowCopyChain)})
		if err != nil {
			return 0, fmt.Errorf("count the running chains: %w", err)
		}
		if resp.GetCount() >= want || time.Now().After(deadline) {
			return resp.GetCount(), nil
		}
		if err := pause(ctx, deadline.Add(time.Second), time.Second); err != nil {
			return resp.GetCount(), nil
		}
	}
}

// parallel runs fn(0..n-1), timersParallel at a time, and returns the first error.
func parallel(ctx context.Context, n int, fn func(int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	for range timersParallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					errOnce.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// memory is this process's Go heap in use after a collection, and its resident set size
// (0 where /proc is absent).
func memory() (heap, rss int64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return int64(m.HeapInuse), 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			rss = kb << 10
		}
	}
	return int64(m.HeapInuse), rss
}

// fileBytes is the size of a SQLite database with its write-ahead log and shared memory
// files (0 for those absent).
func fileBytes(db string) int64 {
	var n int64
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}
