package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// bytesPerGB is AWS's billing GB.
const bytesPerGB = 1 << 30

// PairCost is what the copies of the period from one Region to another moved and cost.
//
// AWS reports a copy job's BackupSizeInBytes, the size of the recovery point, not the
// bytes it moved: a full copy moves all of it, an incremental one only the blocks changed
// since its base, which AWS does not report. So full bytes and their cost are exact;
// incremental ones are at most the figure given.
type PairCost struct {
	SourceRegion           string
	DestinationRegion      string
	FullCopies             int
	FullBytes              int64
	IncrementalCopies      int
	IncrementalBytesAtMost int64
	USDPerGB               float64
	FullCostUSD            float64
	// CostUSDAtMost adds the incremental copies at their whole size.
	CostUSDAtMost float64
}

// Costs sums the copy jobs that completed in the period by Region pair. Each job is
// full or incremental as InferKind says from the vault (when the report read it) and
// from the period's earlier jobs into the same vault.
func Costs(s Snapshot, prices Prices) []PairCost {
	idx := newIndex(s)
	byPair := map[[2]string]*PairCost{}
	for region, jr := range s.Jobs {
		done := completedSince(jr.Jobs, s.Since)
		earlier := map[string][]model.CopyJob{}
		for _, j := range done {
			dst := model.RegionFromArn(j.DestinationBackupVaultArn)
			pc, ok := byPair[[2]string{region, dst}]
			if !ok {
				pc = &PairCost{SourceRegion: region, DestinationRegion: dst, USDPerGB: prices.USDPerGB(region, dst)}
				byPair[[2]string{region, dst}] = pc
			}
			k := requirementKey(j.ResourceArn, region, j.DestinationBackupVaultArn)
			kind := jobKind(j, earlier[k], idx.resourcePoints(j.DestinationBackupVaultArn, j.ResourceArn))
			earlier[k] = append(earlier[k], j)
			if kind == model.CopyIncremental {
				pc.IncrementalCopies++
				pc.IncrementalBytesAtMost += j.BackupSizeInBytes
			} else {
				pc.FullCopies++
				pc.FullBytes += j.BackupSizeInBytes
			}
		}
	}
	out := make([]PairCost, 0, len(byPair))
	for _, pc := range byPair {
		pc.FullCostUSD = float64(pc.FullBytes) / bytesPerGB * pc.USDPerGB
		pc.CostUSDAtMost = float64(pc.FullBytes+pc.IncrementalBytesAtMost) / bytesPerGB * pc.USDPerGB
		out = append(out, *pc)
	}
	slices.SortFunc(out, func(a, b PairCost) int {
		return cmp.Or(cmp.Compare(a.SourceRegion, b.SourceRegion), cmp.Compare(a.DestinationRegion, b.DestinationRegion))
	})
	return out
}

// completedSince are the jobs that completed after since, oldest first.
func completedSince(jobs []model.CopyJob, since time.Time) []model.CopyJob {
	var out []model.CopyJob
	for _, j := range jobs {
		if j.State == model.JobCompleted && j.CompletionDate.After(since) {
			out = append(out, j)
		}
	}
	slices.SortFunc(out, func(a, b model.CopyJob) int { return a.CreationDate.Compare(b.CreationDate) })
	return out
}

// jobKind: incremental when an earlier job of the period (earlier: of the same resource
// and vault) had landed a copy of the
// resource in the same vault before this one started, or the vault holds such a copy.
func jobKind(j model.CopyJob, earlier []model.CopyJob, vault []model.RecoveryPoint) model.CopyKind {
	for _, e := range earlier {
		if e.CompletionDate.Before(j.CreationDate) {
			return model.CopyIncremental
		}
	}
	return InferKind(j.ResourceArn, j.DestinationRecoveryPointArn, j.CreationDate, vault)
}
