package prodstack

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
)

// waitSchedules waits until every schedule in the namespace can be described. A
// schedule is a workflow run by the server's own worker, and describing one queries
// it; after a restart on a kept database that query first goes to the previous
// process's worker and is answered only once the server gives up on it, which takes
// longer than a client's call waits.
func waitSchedules(ctx context.Context, c client.Client) error {
	deadline := time.Now().Add(2 * time.Minute)
	iter, err := c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
	if err != nil {
		return err
	}
	var ids []string
	for iter.HasNext() {
		e, err := iter.Next()
		if err != nil {
			return err
		}
		ids = append(ids, e.ID)
	}
	for _, id := range ids {
		for {
			dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			_, err := c.ScheduleClient().GetHandle(dctx, id).Describe(dctx)
			cancel()
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("schedule %s cannot be described two minutes after the server started: %w", id, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Second):
			}
		}
	}
	return nil
}
