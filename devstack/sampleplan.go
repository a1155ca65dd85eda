package devstack

import (
	"context"
	_ "embed"
	"fmt"

	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/plan"
	"github.com/regioncopy/regioncopy/schedules"
)

// samplePlanFile is the plan the stack applies over the sample: the volume backed up
// every hour into the source vault and copied to both destination vaults. It is the
// same file as the plan command's example (a test keeps the two identical), so the
// walk-through in its README describes what `regioncopy dev` runs.
//
//go:embed sample-plan.json
var samplePlanFile []byte

// SamplePlan is the sample plan as applied: its name and the id of each rule's schedule.
type SamplePlan struct {
	Name        string
	ScheduleIDs []string
}

// applySamplePlan validates the embedded sample plan and applies it as Temporal
// Schedules whose runs go to taskQueue. The schedule runs: an hourly backup and its two
// copies landing in the emulator is the demo. Applying is idempotent and never
// unpauses, so a restarted stack keeps a schedule the user paused.
func applySamplePlan(ctx context.Context, c client.Client, taskQueue string, s Sample) (SamplePlan, error) {
	f, err := plan.Parse("sample-plan.json", samplePlanFile, plan.Options{DefaultRegion: s.SourceRegion})
	if err != nil {
		return SamplePlan{}, fmt.Errorf("sample plan: %w", err)
	}
	m := schedules.NewManager(c, schedules.Options{TaskQueue: taskQueue, DefaultRegion: s.SourceRegion})
	changes, err := m.Apply(ctx, f, false)
	if err != nil {
		return SamplePlan{}, fmt.Errorf("apply sample plan %s: %w", f.BackupPlan.BackupPlanName, err)
	}
	p := SamplePlan{Name: f.BackupPlan.BackupPlanName}
	for _, ch := range changes {
		if ch.Kind != schedules.Deleted {
			p.ScheduleIDs = append(p.ScheduleIDs, ch.ScheduleID)
		}
	}
	return p, nil
}
