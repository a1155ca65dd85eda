package devserver_test

import (
	"context"
	"testing"
	"time"

	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// The dev server keeps one partition per task queue (see dynamicConfig); its default of
// four lists every queue with partitions /_sys/<queue>/1 to 3 beside the root.
func TestDevServerTaskQueuesHaveOnePartition(t *testing.T) {
	srv := temporaltest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := srv.Client.WorkflowService().ListTaskQueuePartitions(ctx, &workflowservice.ListTaskQueuePartitionsRequest{
		Namespace: srv.Namespace, TaskQueue: &taskqueuepb.TaskQueue{Name: "regioncopy"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for kind, parts := range map[string][]*taskqueuepb.TaskQueuePartitionMetadata{
		"workflow": resp.GetWorkflowTaskQueuePartitions(), "activity": resp.GetActivityTaskQueuePartitions(),
	} {
		if len(parts) != 1 || parts[0].GetKey() != "regioncopy" {
			t.Errorf("%s task queue partitions = %v, want the root partition alone", kind, parts)
		}
	}
}
