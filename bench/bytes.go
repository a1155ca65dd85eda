package main

import (
	"context"
	"fmt"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

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
		{Name: fmt.Sprintf("%d resources, coalescing, %dh backlog", o.Resources, o.BacklogHours), SourceRegion: "us-west-1",
			Resources: o.Resources, Coalesce: true, BacklogHours: o.BacklogHours},
	}
}

// runBytes backs up every resource of the variant once an emulated hour, o.Backups
// times, and asks regioncopy to copy each recovery point to both destinations.
//
// Variants with different source Regions may run at once: bytes are read from their own
// pairs' counters and full and incremental copies from their own requests' records
// (Run checks those against the emulator's counters).
func runBytes(ctx context.Context, e *env, o Options, v bytesVariant, firstVolume int) (BytesResult, error) {
	res := BytesResult{Name: v.Name, SourceRegion: v.SourceRegion, Resources: v.Resources, Backups: o.Backups,
		Coalesce: v.Coalesce, BacklogHours: v.BacklogHours}
	if err := e.createVaults(ctx, append([]string{v.SourceRegion}, bytesDestinations...)...); err != nil {
		return res, err
	}
	seeds := make([]emulator.ResourceSeed, v.Resources)
	for i := range seeds {
		seeds[i] = emulator.ResourceSeed{ResourceArn: volumeArn(v.SourceRegion, firstVolume+i), SizeBytes: 1 << 30, DailyWriteRate: 0.05}
	}
	if err := e.emu.SeedResources(seeds); err != nil {
		return res, err
	}
	if v.BacklogHours > 0 {
		// AWS holds the first copy job of every chain in CREATED for the backlog hours (as
		// when the copy quota is taken): the hourly points taken meanwhile pile up.
		if err := e.emu.SetFaults(emulator.Faults{HoldRate: 1, HoldFor: emulator.Duration(time.Duration(v.BacklogHours) * time.Hour),
			HoldLimit: int64(v.Resources * len(bytesDestinations)), JobKinds: []string{"copy"}}); err != nil {
			return res, err
		}
		defer func() { _ = e.emu.SetFaults(emulator.Faults{}) }()
	}
	before := e.emu.Counters() // for this variant's own pairs only
	reqs := newRequests()
	perResource := make([]int64, v.Resources) // minimum per destination, per resource
	var fullSize int64                        // every resource's first point, once
	start := e.emu.Now()
	for k := range o.Backups {
		e.advanceTo(start.Add(time.Duration(k) * time.Hour))
		var ids []string
		for i, s := range seeds {
			p, err := e.backup(ctx, v.SourceRegion, s.ResourceArn, fmt.Sprintf("bench-%s-%d", s.ResourceArn, k))
			if err != nil {
				return res, err
			}
			if k == 0 {
				perResource[i] += p.Size
				fullSize += p.Size
			} else {
				perResource[i] += p.Change
			}
			run, err := e.requestCopy(ctx, v.SourceRegion, p, bytesDestinations, v.Coalesce)
			if err != nil {
				return res, err
			}
			reqs.follow(ctx, run)
			ids = append(ids, run.GetID())
		}
		// The next hour starts once this hour's orders are with their chains; the copies
		// themselves may still be running, or (with coalescing) waiting behind held jobs.
		if err := e.waitEnqueued(ctx, ids); err != nil {
			return res, fmt.Errorf("%s, hour %d: %w", v.Name, k, err)
		}
	}
	if !reqs.wait(ctx, 2*time.Minute) {
		return res, fmt.Errorf("%s: %d of %d copy requests still running two minutes after the last backup", v.Name, reqs.started-len(reqs.all), reqs.started)
	}
	after := e.emu.Counters()

	var minimum int64
	for _, m := range perResource {
		minimum += m
	}
	for _, d := range bytesDestinations {
		pair := v.SourceRegion + ">" + d
		moved := after.BytesTransferred[pair] - before.BytesTransferred[pair]
		res.Pairs = append(res.Pairs, PairBytes{Pair: pair, Moved: moved, Minimum: minimum, Ratio: ratio(moved, minimum)})
		res.Moved += moved
		res.Minimum += minimum
	}
	res.Ratio = ratio(res.Moved, res.Minimum)
	fulls := fullSize * int64(len(bytesDestinations))
	res.IncrementalMoved, res.IncrementalMinimum = res.Moved-fulls, res.Minimum-fulls
	res.IncrementalRatio = ratio(res.IncrementalMoved, res.IncrementalMinimum)
	for _, out := range reqs.all {
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
			case d.Record == nil || d.Record.State != model.JobCompleted:
				res.Failed++
			}
		}
	}
	return res, nil
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
