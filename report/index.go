package report

import "github.com/regioncopy/regioncopy/model"

// index groups what the sources read by resource, so the join of 10,000 resources and
// their vaults is linear, not a scan of every vault for every row.
type index struct {
	// points by vault ARN, then resource ARN.
	points map[string]map[string][]model.RecoveryPoint
	// jobs by requirementKey(resource, source Region, destination vault).
	jobs map[string][]model.CopyJob
}

func newIndex(s Snapshot) index {
	idx := index{points: map[string]map[string][]model.RecoveryPoint{}, jobs: map[string][]model.CopyJob{}}
	for arn, vr := range s.Vaults {
		byResource := map[string][]model.RecoveryPoint{}
		for _, p := range vr.Points {
			byResource[p.ResourceArn] = append(byResource[p.ResourceArn], p)
		}
		idx.points[arn] = byResource
	}
	for region, jr := range s.Jobs {
		for _, j := range jr.Jobs {
			k := requirementKey(j.ResourceArn, region, j.DestinationBackupVaultArn)
			idx.jobs[k] = append(idx.jobs[k], j)
		}
	}
	return idx
}

// resourcePoints are the points of one resource in one vault.
func (x index) resourcePoints(vaultArn, resourceArn string) []model.RecoveryPoint {
	return x.points[vaultArn][resourceArn]
}
