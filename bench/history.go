package main

import (
	"context"
	"fmt"
	"math"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// The history scenario copies from its own source Region, so its jobs share nothing
// with the bytes scenario's.
const (
	historySource      = "ca-central-1"
	historyDestination = "eu-west-1"
	// workerPollFloor is the shortest wait the worker puts between two looks at a job
	// however fast the emulator clock runs (worker.pollSchedule), which bounds the
	// DescribeCopyJob calls a time-compressed job can cost.
	workerPollFloor = 100 * time.Millisecond
)

// CopyHistory is one copy of the history scenario: a full copy whose job lasts JobLength
// of emulated time, alone in its chain.
type CopyHistory struct {
	JobLength Duration
	// JobTook is the job's emulated duration as AWS reported it (start to completion).
	JobTook         Duration
	Bytes           int64
	ChainWorkflowID string
	// ChainEvents is the chain's history length once the copy is recorded; ChainEventsNoTasks
	// leaves out workflow task events, whose batching depends on timing, not on the code.
	ChainEvents        int
	ChainEventsNoTasks int
	// RequestEvents is the CopyRecoveryPoint workflow's history length, and
	// RequestEventsNoTasks the same without workflow task events.
	RequestEvents        int
	RequestEventsNoTasks int
	// DescribeCopyJobCalls is the attempts of the chain's PollCopyJob activities: each
	// attempt is one DescribeCopyJob call, and retries add no history events.
	DescribeCopyJobCalls int
	// CallsBound is the most calls the worker's poll floor allows at this time scale.
	CallsBound int
	// RealTimeCalls is what the default poll schedule would cost the same job on AWS's
	// real clock, computed from activities.DefaultPollSchedule (not measured).
	RealTimeCalls int
}

// HistoryResult is the history scenario's figures.
type HistoryResult struct {
	Copies []CopyHistory
	// EventsRatio and EventsNoTasksRatio are longest job's events over the shortest's.
	EventsRatio        float64
	EventsNoTasksRatio float64
	// CallsRatio is the longest job's DescribeCopyJob calls over the shortest's.
	CallsRatio float64
	// DescribeCopyJobCounted is the emulator's DescribeCopyJob counter over the scenario,
	// which the per-copy attempts must add up to.
	DescribeCopyJobCounted int64
}

// runHistory starts one copy per job length side by side and counts what each cost.
func runHistory(ctx context.Context, e *env, o Options) (HistoryResult, error) {
	var res HistoryResult
	if err := e.createVaults(ctx, historySource, historyDestination); err != nil {
		return res, err
	}
	seeds := make([]emulator.ResourceSeed, len(o.JobLengths))
	for i, l := range o.JobLengths {
		// A full copy moves the whole resource: its size sets the job's length.
		seeds[i] = emulator.ResourceSeed{ResourceArn: volumeArn(historySource, 0x1000+i), SizeBytes: int64(l.Seconds() * copyBandwidth), DailyWriteRate: 0.05}
	}
	if err := e.emu.SeedResources(seeds); err != nil {
		return res, err
	}
	points := make([]point, len(seeds))
	for i, s := range seeds {
		p, err := e.backup(ctx, historySource, s.ResourceArn, "bench-history-"+s.ResourceArn)
		if err != nil {
			return res, err
		}
		points[i] = p
	}
	before := e.emu.Counters()
	reqs := newRequests()
	for _, p := range points {
		run, err := e.requestCopy(ctx, historySource, p, []string{historyDestination}, false)
		if err != nil {
			return res, err
		}
		reqs.follow(ctx, run)
	}
	longest := o.JobLengths[len(o.JobLengths)-1]
	wait := 2*time.Minute + time.Duration(float64(longest)/e.timeScale)
	if !reqs.wait(ctx, wait) {
		return res, fmt.Errorf("history: %d of %d copies still running after %s", reqs.started-len(reqs.all), reqs.started, wait)
	}
	byPoint := map[string]outcome{}
	for _, out := range reqs.all {
		if out.Err != nil {
			return res, fmt.Errorf("history: copy request %s: %w", out.WorkflowID, out.Err)
		}
		byPoint[out.Result.RecoveryPoint.RecoveryPointArn] = out
	}
	for i, p := range points {
		out, ok := byPoint[p.Arn]
		if !ok || len(out.Result.Results) != 1 || out.Result.Results[0].Record == nil || out.Result.Results[0].Record.State != model.JobCompleted {
			return res, fmt.Errorf("history: the copy of %s did not complete: %+v", p.Arn, out.Result)
		}
		rec := out.Result.Results[0].Record
		chain := out.Result.Results[0].ChainWorkflowId
		h, err := settledHistory(ctx, e, chain)
		if err != nil {
			return res, err
		}
		rh, err := settledHistory(ctx, e, out.WorkflowID)
		if err != nil {
			return res, err
		}
		l := o.JobLengths[i]
		c := CopyHistory{JobLength: Duration(l), JobTook: Duration(rec.CompletedAt.Sub(rec.StartedAt)), Bytes: p.Size, ChainWorkflowID: chain,
			ChainEvents: len(h.Events), RequestEvents: len(rh.Events),
			CallsBound:    int(math.Ceil(float64(l)/e.timeScale/float64(workerPollFloor))) + 3,
			RealTimeCalls: realTimeCalls(l)}
		c.ChainEventsNoTasks = countNoTasks(h)
		c.RequestEventsNoTasks = countNoTasks(rh)
		c.DescribeCopyJobCalls = pollAttempts(h)
		res.Copies = append(res.Copies, c)
	}
	after := e.emu.Counters()
	res.DescribeCopyJobCounted = after.Calls["DescribeCopyJob"] - before.Calls["DescribeCopyJob"]
	first, last := res.Copies[0], res.Copies[len(res.Copies)-1]
	res.EventsRatio = ratio(int64(last.ChainEvents), int64(first.ChainEvents))
	res.EventsNoTasksRatio = ratio(int64(last.ChainEventsNoTasks), int64(first.ChainEventsNoTasks))
	res.CallsRatio = ratio(int64(last.DescribeCopyJobCalls), int64(first.DescribeCopyJobCalls))
	return res, nil
}

// settledHistory fetches a workflow's history once it has stopped growing: a chain
// records the requester's receipt of its result a moment after the request ends.
func settledHistory(ctx context.Context, e *env, id string) (*historypb.History, error) {
	var prev int
	deadline := time.Now().Add(30 * time.Second)
	for {
		h, err := fetchHistory(ctx, e, id)
		if err != nil {
			return nil, err
		}
		if len(h.Events) == prev || time.Now().After(deadline) {
			return h, nil
		}
		prev = len(h.Events)
		time.Sleep(300 * time.Millisecond)
	}
}

func fetchHistory(ctx context.Context, e *env, id string) (*historypb.History, error) {
	it := e.client.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", id, err)
		}
		h.Events = append(h.Events, ev)
	}
	return h, nil
}

// countNoTasks counts a history's events other than workflow task events.
func countNoTasks(h *historypb.History) int {
	n := 0
	for _, ev := range h.Events {
		if !isWorkflowTaskEvent(ev.GetEventType()) {
			n++
		}
	}
	return n
}

func isWorkflowTaskEvent(t enumspb.EventType) bool {
	switch t {
	case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, enumspb.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
		enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
		return true
	}
	return false
}

// pollAttempts adds up the attempts of the PollCopyJob activities in a history: the
// server writes an activity's started event once, with the attempt that ended it.
func pollAttempts(h *historypb.History) int {
	polls := map[int64]bool{}
	n := 0
	for _, ev := range h.Events {
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == model.ActPollCopyJob {
			polls[ev.GetEventId()] = true
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && polls[a.GetScheduledEventId()] {
			n += int(a.GetAttempt())
		}
	}
	return n
}

// realTimeCalls is how many looks the default poll schedule takes at a job of length l
// on AWS's own clock: one at once, then one after each delay until the job has ended.
func realTimeCalls(l time.Duration) int {
	s := activities.DefaultPollSchedule
	calls, age := 1, time.Duration(0)
	for age < l {
		age += s.Delay(age)
		calls++
	}
	return calls
}
