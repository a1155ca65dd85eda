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
	// PollAttempts is the attempts of the chain's PollCopyJob activities (retries add no
	// history events).
	PollAttempts int
	// DescribeBound is the most DescribeCopyJob calls following the job may cost at this
	// time scale: its first look, its rechecks, and one more should an attempt end on the
	// way.
	DescribeBound int
	// RealTimeDescribes is what following the same job costs in DescribeCopyJob calls on
	// AWS's real clock, and RealTimeSweeps the ListCopyJobs sweeps of its Region while it
	// runs, shared by every job in flight there; both computed from
	// activities.DefaultCopyWatch (not measured).
	RealTimeDescribes int
	RealTimeSweeps    int
}

// HistoryResult is the history scenario's figures.
type HistoryResult struct {
	Copies []CopyHistory
	// EventsRatio and EventsNoTasksRatio are longest job's events over the shortest's.
	EventsRatio        float64
	EventsNoTasksRatio float64
	// DescribeCopyJobCounted and ListCopyJobsCounted are the emulator's counters over
	// the scenario.
	DescribeCopyJobCounted int64
	ListCopyJobsCounted    int64
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
			DescribeBound:     describeBound(l, e.timeScale),
			RealTimeDescribes: realTimeDescribes(l), RealTimeSweeps: realTimeSweeps(l)}
		c.ChainEventsNoTasks = countNoTasks(h)
		c.RequestEventsNoTasks = countNoTasks(rh)
		c.PollAttempts = pollAttempts(h)
		res.Copies = append(res.Copies, c)
	}
	after := e.emu.Counters()
	res.DescribeCopyJobCounted = after.Calls["DescribeCopyJob"] - before.Calls["DescribeCopyJob"]
	res.ListCopyJobsCounted = after.Calls["ListCopyJobs"] - before.Calls["ListCopyJobs"]
	first, last := res.Copies[0], res.Copies[len(res.Copies)-1]
	res.EventsRatio = ratio(int64(last.ChainEvents), int64(first.ChainEvents))
	res.EventsNoTasksRatio = ratio(int64(last.ChainEventsNoTasks), int64(first.ChainEventsNoTasks))
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

// realTimeDescribes is the DescribeCopyJob calls of following a job of length l on
// AWS's own clock: the first look, then one every Recheck while it runs.
func realTimeDescribes(l time.Duration) int {
	return 1 + int(l/activities.DefaultCopyWatch.Recheck)
}

// realTimeSweeps is the sweeps of the job's Region while a job of length l runs on AWS's
// own clock: each one ListCopyJobs page or more, shared by every job followed there.
func realTimeSweeps(l time.Duration) int {
	return int(math.Ceil(float64(l) / float64(activities.DefaultCopyWatch.Interval)))
}

// describeBound is the most DescribeCopyJob calls a job of length l may cost under a
// clock timeScale times faster: the first look, a recheck per scaled Recheck, and one
// more should an attempt end on the way.
func describeBound(l time.Duration, timeScale float64) int {
	w := activities.DefaultCopyWatch.Scaled(timeScale)
	return 2 + int(time.Duration(float64(l)/timeScale)/w.Recheck)
}
