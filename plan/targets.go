package plan

import (
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// CopyTarget is one copy action of a rule with regioncopy's settings for its vault
// (RegionCopy.Destinations) merged in: what a plan run hands to the destination chains.
type CopyTarget struct {
	DestinationBackupVaultArn string
	DestinationRegion         string
	Lifecycle                 model.Lifecycle
	// RPO is the destination's recovery point objective; zero means none.
	RPO time.Duration
	// Coalesce is the destination's setting, else the plan's.
	Coalesce bool
	// ResourceTypes limits the copy to these types; empty means every selected type.
	ResourceTypes []string
}

// CopyTargets returns the copy targets of BackupPlan.Rules[rule], in the file's order.
// Use it on a validated plan.
func (f *File) CopyTargets(rule int) []CopyTarget {
	var rc RegionCopy
	if f.RegionCopy != nil {
		rc = *f.RegionCopy
	}
	var out []CopyTarget
	for _, ca := range f.BackupPlan.Rules[rule].CopyActions {
		t := CopyTarget{
			DestinationBackupVaultArn: ca.DestinationBackupVaultArn,
			DestinationRegion:         model.RegionFromArn(ca.DestinationBackupVaultArn),
			Lifecycle:                 ca.Lifecycle.model(),
			Coalesce:                  rc.Coalesce,
		}
		for _, d := range rc.Destinations {
			if d.DestinationBackupVaultArn != ca.DestinationBackupVaultArn {
				continue
			}
			t.RPO = time.Duration(d.RpoMinutes) * time.Minute
			if d.Coalesce != nil {
				t.Coalesce = *d.Coalesce
			}
			t.ResourceTypes = d.ResourceTypes
			break
		}
		out = append(out, t)
	}
	return out
}

// SourceRegion is the Region the plan runs in: RegionCopy.SourceRegion, else def (the
// Region the CLI runs against).
func (f *File) SourceRegion(def string) string {
	if f.RegionCopy != nil && f.RegionCopy.SourceRegion != "" {
		return f.RegionCopy.SourceRegion
	}
	return def
}
