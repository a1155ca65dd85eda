package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// Register registers both workflows under their contract names (model.Workflow*), so
// clients and signal-with-start refer to them by name only. It takes the workflow half of
// a registry, so a worker, the SDK test environment and a history replayer all fit.
func Register(w worker.WorkflowRegistry) {
	w.RegisterWorkflowWithOptions(CopyRecoveryPoint, workflow.RegisterOptions{Name: model.WorkflowCopyRecoveryPoint})
	w.RegisterWorkflowWithOptions(CopyChain, workflow.RegisterOptions{Name: model.WorkflowCopyChain})
}
