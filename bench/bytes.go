package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// bytesTimeScale is the bytes scenario's emulator clock speed. Its hours are stepped
// with Advance, so the clock's own running only has to end a copy job (megabytes, or a
// 1 GiB full copy in ten emulated seconds) before the worker's first look at it, while
// adding no more than seconds to an emulated hour.
const bytesTimeScale = 60

// bytesDestinations are the two destination Regions of every bytes variant.
var bytesDestinations = []string{"eu-west-1", "us-west-2"}

// bytesVariant is one run of the bytes scenario. Each variant has a source Region of its
// own, so the emulator's per-pair byte counters are its alone.
type bytesVariant struct {
	Name         string
	SourceRegion string
	Resources    int
	Coalesce     bool
	BacklogHours int
}

// PairBytes is what one source>destination Region pair moved against its minimum.
type PairBytes struct {
	Pair    string
	Moved   int64
	Minimum int64
	Ratio   float64
}

// BytesResult is one variant's figures.
type BytesResult struct {
	Name         string
	SourceRegion string
	Resources    int
	Backups      int
	Coalesce     bool
	BacklogHours int `json:",omitempty"`
	// Pairs: per destination, bytes the emulator counted as moved by completed copy jobs,
	// and the minimum: each resource's full size once plus, for every later recovery
	// point, its change since the previous one (what its backup job moved). With
	// coalescing the minimum is that of copying every point, which coalescing beats.
	Pairs          []PairBytes
	Moved, Minimum int64
	Ratio          float64
	// IncrementalMoved and IncrementalMinimum leave out the full copies (each resource's
	// size once per destination), which dominate the totals: their ratio shows what
	// coalescing saves on the copies that follow.
	IncrementalMoved, IncrementalMinimum int64
	IncrementalRatio                     float64
	FullCopies                           int64
	IncrementalCopies                    int64
	// Superseded counts destination orders coalesced away (a newer point copied instead).
	Superseded int
	// Failed counts destination orders that ended without a copy.
	Failed int
}

func bytesVariants(o Options) []bytesVariant {
	return []bytesVariant{
		{Name: "1 resource", SourceRegion: "us-east-1", Resources: 1},
		{Name: fmt.Sprintf("%d resources", o.Resources), SourceRegion: "us-east-2", Resources: o.Resources},
		// One resource is enough to show coalescing, and keeps a full run within minutes.
		{Name: fmt.Sprintf("1 resource, coalescing, %dh backlog", o.BacklogHours), SourceRegion: "us-west-1",
			Resources: 1, Coalesce: true, BacklogHours: o.BacklogHours},
	}
}

// bytesRun is one variant in progress.
type bytesRun struct {
	v           bytesVariant
	seeds       []emulator.ResourceSeed
	before      emulator.Counters // read for this variant's own pairs only
	reqs        *requests
	perResource []int64 // the minimum per destination, per resource
	fullSize    int64   // every resource's first point, once
}

// runBytesGroup backs up every resource of the variants once an emulated hour,
// o.Backups times, and asks regioncopy to copy each recovery point to both destinations.
// Variants in one group advance hour by hour together, so every point is exactly an hour
// after the previous one; they share no Region pair, so bytes are read from their own
// pairs' counters, and full and incremental copies from their own requests' records,
// which are checked, together, against the emulator's counters.
func runBytesGroup(ctx context.Context, e *env, o Options, group []bytesVariant, firstVolume int) ([]BytesResult, Check, error) {
	// Variants with a backlog run first in every hour (see the first hour below).
	order := group
	group = slices.Clone(group)
	slices.SortStableFunc(group, func(a, b bytesVariant) int { return cmp.Compare(b.BacklogHours, a.BacklogHours) })
	heldRuns := 0
	runs := make([]*bytesRun, len(group))
	var holds int64
	var hold time.Duration
	for i, v := range group {
		r := &bytesRun{v: v, reqs: newRequests(), perResource: make([]int64, v.Resources)}
		if err := e.createVaults(ctx, append([]string{v.SourceRegion}, bytesDestinations...)...); err != nil {
			return nil, Check{}, err
		}
		for j := range v.Resources {
			r.seeds = append(r.seeds, emulator.ResourceSeed{ResourceArn: volumeArn(v.SourceRegion, firstVolume+j), SizeBytes: 1 << 30, DailyWriteRate: 0.05})
		}
		firstVolume += v.Resources
		if err := e.emu.SeedResources(r.seeds); err != nil {
			return nil, Check{}, err
		}
		if v.BacklogHours > 0 {
			heldRuns++
			holds += int64(v.Resources * len(bytesDestinations))
			hold = max(hold, time.Duration(v.BacklogHours)*time.Hour)
		}
		runs[i] = r
	}
	if holds > 0 {
		// AWS holds the first copy job of every chain in CREATED for the backlog hours (as
		// when the copy quota is taken): the hourly points taken meanwhile pile up.
		if err := e.emu.SetFaults(emulator.Faults{HoldRate: 1, HoldFor: emulator.Duration(hold), HoldLimit: holds, JobKinds: []string{"copy"}}); err != nil {
			return nil, Check{}, err
		}
		defer func() { _ = e.emu.SetFaults(emulator.Faults{}) }()
	}
	before := e.emu.Counters()
	for _, r := range runs {
		r.before = before
	}
	start := e.emu.Now()
	for k := range o.Backups {
		e.advanceTo(start.Add(time.Duration(k) * time.Hour))
		var ids []string
		for i, r := range runs {
			hourIDs, err := r.hour(ctx, e, k)
			if err != nil {
				return nil, Check{}, fmt.Errorf("%s, hour %d: %w", r.v.Name, k, err)
			}
			ids = append(ids, hourIDs...)
			if k == 0 && holds > 0 && i == heldRuns-1 {
				// The held variants come first: their first copy jobs take every hold
				// before the other variants' first jobs exist.
				if err := e.waitCopyJobs(ctx, before.CopyJobs+holds); err != nil {
					return nil, Check{}, err
				}
			}
		}
		// The next hour starts once this hour's orders are with their chains; the copies
		// themselves may still be running, or (with coalescing) waiting behind held jobs.
		if err := e.waitEnqueued(ctx, ids, len(bytesDestinations)); err != nil {
			return nil, Check{}, fmt.Errorf("hour %d: %w", k, err)
		}
	}
	results := make([]BytesResult, len(runs))
	for _, r := range runs {
		i := slices.IndexFunc(order, func(v bytesVariant) bool { return v.Name == r.v.Name })
		if !r.reqs.wait(ctx, 2*time.Minute) {
			return nil, Check{}, fmt.Errorf("%s: %d of %d copy requests still running two minutes after the last backup",
				r.v.Name, r.reqs.started-len(r.reqs.all), r.reqs.started)
		}
		results[i] = r.result(o, e.emu.Counters())
	}
	after := e.emu.Counters()
	var full, incr int64
	names := make([]string, len(results))
	for i, b := range results {
		full += b.FullCopies
		incr += b.IncrementalCopies
		names[i] = b.Name
	}
	countedFull, countedIncr := after.FullCopies-before.FullCopies, after.IncrementalCopies-before.IncrementalCopies
	return results, Check{
		Name:     strings.Join(names, " + ") + ": full/incremental copies in the requests' records vs the emulator's counters",
		Target:   "equal",
		Measured: fmt.Sprintf("%d/%d vs %d/%d", full, incr, countedFull, countedIncr),
		Pass:     full == countedFull && incr == countedIncr,
	}, nil
}

// hour takes the hour's backup of every resource and asks for its copies; it returns the
// requests' workflow ids.
func (r *bytesRun) hour(ctx context.Context, e *env, k int) ([]string, error) {
	var ids []string
	for i, s := range r.seeds {
		p, err := e.backup(ctx, r.v.SourceRegion, s.ResourceArn, fmt.Sprintf("bench-%s-%d", s.ResourceArn, k))
		if err != nil {
			return nil, err
		}
		if k == 0 {
			r.perResource[i] += p.Size
			r.fullSize += p.Size
		} else {
			r.perResource[i] += p.Change
		}
		run, err := e.requestCopy(ctx, r.v.SourceRegion, p, bytesDestinations, r.v.Coalesce)
		if err != nil {
			return nil, err
		}
		r.reqs.follow(ctx, run)
		ids = append(ids, run.GetID())
	}
	return ids, nil
}

// result reads the variant's figures once its requests have ended.
func (r *bytesRun) result(o Options, after emulator.Counters) BytesResult {
	v := r.v
	res := BytesResult{Name: v.Name, SourceRegion: v.SourceRegion, Resources: v.Resources, Backups: o.Backups,
		Coalesce: v.Coalesce, BacklogHours: v.BacklogHours}
	var minimum int64
	for _, m := range r.perResource {
		minimum += m
	}
	for _, d := range bytesDestinations {
		pair := v.SourceRegion + ">" + d
		moved := after.BytesTransferred[pair] - r.before.BytesTransferred[pair]
		res.Pairs = append(res.Pairs, PairBytes{Pair: pair, Moved: moved, Minimum: minimum, Ratio: ratio(moved, minimum)})
		res.Moved += moved
		res.Minimum += minimum
	}
	res.Ratio = ratio(res.Moved, res.Minimum)
	fulls := r.fullSize * int64(len(bytesDestinations))
	res.IncrementalMoved, res.IncrementalMinimum = res.Moved-fulls, res.Minimum-fulls
	res.IncrementalRatio = ratio(res.IncrementalMoved, res.IncrementalMinimum)
	for _, out := range r.reqs.all {
		if out.Err != nil {
			res.Failed += len(bytesDestinations)
			continue
		}
		for _, d := range out.Result.Results {
			switch {
			case d.Record != nil && d.Record.State == model.RecordSuperseded:
				res.Superseded++
			case d.Record != nil && d.Record.State == model.JobCompleted && d.Record.Kind == model.CopyFull:
				res.FullCopies++
			case d.Record != nil && d.Record.State == model.JobCompleted && d.Record.Kind == model.CopyIncremental:
				res.IncrementalCopies++
			default:
				res.Failed++
			}
		}
	}
	return res
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
