package main

import (
	"context"
	"fmt"
	"time"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// The follow scenario copies from a source Region of its own.
const (
	followSource      = "ap-southeast-2"
	followDestination = "eu-central-1"
	// followTimeScale makes the worker's sweep interval (20s at real speed) exactly its
	// 100ms floor, so a sweep stands for the same stretch of AWS time as at real speed and
	// the ListCopyJobs calls per emulated hour are those of real speed.
	followTimeScale = 200
	// followHold keeps every copy job in CREATED until all are started and followed; the
	// clock is then moved past it, and they all run at once.
	followHold = 30 * 24 * time.Hour
	// maxReadsPerCopy is the target of AWS read calls per landed copy.
	maxReadsPerCopy = 2.0
	// maxNotice is the target for seeing a job's end.
	maxNotice = 60 * time.Second
	// listPageLatency is the time allowed for one ListCopyJobs page in the computed
	// notice time.
	listPageLatency = time.Second
)

// FollowResult is the follow scenario's figures: many copies in flight at once, followed
// by the worker's Region watcher.
type FollowResult struct {
	Copies int
	// ShortestJob and LongestJob bound the emulated job lengths, spread evenly between.
	ShortestJob, LongestJob Duration
	// InFlight is the copy jobs started and followed before any could end.
	InFlight int
	Landed   int
	// DescribeCopyJob counts the calls from the first request to the last landing;
	// ListCopyJobs those from the jobs' release to the last landing (the watcher's sweeps
	// while the requests start run on the wall clock, stretched by the compressed clock,
	// and are reported apart as ListCopyJobsWhileStarting).
	DescribeCopyJob           int64
	ListCopyJobs              int64
	ListCopyJobsWhileStarting int64
	ReadsPerCopy              float64
	// NoticeComputed is the longest a job's end goes unseen at real speed: the sweep
	// interval plus one sweep of a page (computed, not measured).
	NoticeComputed Duration
	WallSeconds    float64
}

// runFollow starts o.FollowCopies copies at once, holds them until every one is followed,
// lets them all run, and counts the AWS read calls it took to see them end.
func runFollow(ctx context.Context, e *env, o Options) (FollowResult, error) {
	began := time.Now()
	res := FollowResult{Copies: o.FollowCopies, ShortestJob: Duration(o.FollowLengths[0]), LongestJob: Duration(o.FollowLengths[1])}
	if err := e.createVaults(ctx, followSource, followDestination); err != nil {
		return res, err
	}
	n := o.FollowCopies
	seeds := make([]emulator.ResourceSeed, n)
	for i := range seeds {
		l := o.FollowLengths[0]
		if n > 1 {
			l += (o.FollowLengths[1] - o.FollowLengths[0]) * time.Duration(i) / time.Duration(n-1)
		}
		seeds[i] = emulator.ResourceSeed{ResourceArn: volumeArn(followSource, 0x2000+i), SizeBytes: int64(l.Seconds() * copyBandwidth), DailyWriteRate: 0.05}
	}
	if err := e.emu.SeedResources(seeds); err != nil {
		return res, err
	}
	points := make([]point, n)
	for i, s := range seeds {
		p, err := e.backup(ctx, followSource, s.ResourceArn, "bench-follow-"+s.ResourceArn)
		if err != nil {
			return res, err
		}
		points[i] = p
	}
	if err := e.emu.SetFaults(emulator.Faults{HoldRate: 1, HoldFor: emulator.Duration(followHold), JobKinds: []string{"copy"}}); err != nil {
		return res, err
	}

	before := e.emu.Counters()
	reqs := newRequests()
	for _, p := range points {
		run, err := e.requestCopy(ctx, followSource, p, []string{followDestination}, false)
		if err != nil {
			return res, err
		}
		reqs.follow(ctx, run)
	}
	// Every copy job exists and has had its first look: all are followed.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		c := e.emu.Counters()
		if c.CopyJobs-before.CopyJobs >= int64(n) && c.Calls["DescribeCopyJob"]-before.Calls["DescribeCopyJob"] >= int64(n) {
			break
		}
		if time.Now().After(deadline) {
			return res, fmt.Errorf("follow: %d copy jobs and %d first looks after 5 minutes, want %d", c.CopyJobs-before.CopyJobs,
				c.Calls["DescribeCopyJob"]-before.Calls["DescribeCopyJob"], n)
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	res.InFlight = n
	released := e.emu.Counters()
	e.emu.Advance(followHold)
	o.logf("bench: follow: %d copies in flight after %s; released", n, time.Since(began).Round(time.Second))

	wait := 3*time.Minute + time.Duration(float64(o.FollowLengths[1])/e.timeScale)
	if !reqs.wait(ctx, wait) {
		return res, fmt.Errorf("follow: %d of %d copies still running after %s", reqs.started-len(reqs.all), reqs.started, wait)
	}
	after := e.emu.Counters()
	for _, out := range reqs.all {
		if out.Err != nil {
			return res, fmt.Errorf("follow: copy request %s: %w", out.WorkflowID, out.Err)
		}
		if len(out.Result.Results) == 1 && out.Result.Results[0].Record != nil && out.Result.Results[0].Record.State == model.JobCompleted {
			res.Landed++
		}
	}
	res.DescribeCopyJob = after.Calls["DescribeCopyJob"] - before.Calls["DescribeCopyJob"]
	res.ListCopyJobs = after.Calls["ListCopyJobs"] - released.Calls["ListCopyJobs"]
	res.ListCopyJobsWhileStarting = released.Calls["ListCopyJobs"] - before.Calls["ListCopyJobs"]
	if res.Landed > 0 {
		res.ReadsPerCopy = float64(res.DescribeCopyJob+res.ListCopyJobs) / float64(res.Landed)
	}
	res.NoticeComputed = Duration(activities.DefaultCopyWatch.Interval + listPageLatency)
	res.WallSeconds = time.Since(began).Seconds()
	return res, nil
}

// followChecks are the follow scenario's targets.
func (f FollowResult) checks() []Check {
	return []Check{
		{Name: fmt.Sprintf("copies in flight at once, all landed (%d asked)", f.Copies), Target: fmt.Sprint(f.Copies),
			Measured: fmt.Sprintf("%d in flight, %d landed", f.InFlight, f.Landed), Pass: f.InFlight == f.Copies && f.Landed == f.Copies},
		{Name: fmt.Sprintf("AWS read calls per landed copy with %d copies in flight", f.Copies), Target: fmt.Sprintf("<= %.0f", maxReadsPerCopy),
			Measured: fmt.Sprintf("%.2f (%d DescribeCopyJob + %d ListCopyJobs for %d copies)", f.ReadsPerCopy, f.DescribeCopyJob, f.ListCopyJobs, f.Landed),
			Pass:     f.Landed > 0 && f.ReadsPerCopy <= maxReadsPerCopy},
		{Name: "completion noticed within (computed: sweep interval + one page)", Target: fmt.Sprintf("<= %s", maxNotice),
			Measured: f.NoticeComputed.String(), Pass: time.Duration(f.NoticeComputed) <= maxNotice},
	}
}
