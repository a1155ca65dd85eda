package planrun

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// Register registers PlanRun and PlanResource under their contract names.
func Register(w worker.WorkflowRegistry) {
	w.RegisterWorkflowWithOptions(PlanRun, workflow.RegisterOptions{Name: model.WorkflowPlanRun})
	w.RegisterWorkflowWithOptions(PlanResource, workflow.RegisterOptions{Name: model.WorkflowPlanResource})
}
