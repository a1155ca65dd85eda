package activities

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/model"
)

// RegisterPlan registers the plan-run activities under their model.PlanAct* names (see
// Register for why names are explicit).
func RegisterPlan(w worker.ActivityRegistry, p *Plans) {
	for name, fn := range planActivityFuncs(p) {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}

func planActivityFuncs(p *Plans) map[string]any {
	return map[string]any{
		model.PlanActResolveSelection:   p.ResolvePlanSelection,
		model.PlanActListRecoveryPoints: p.ListPlanRecoveryPoints,
	}
}
