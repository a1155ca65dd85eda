package temporalclient

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// flakyHandle answers Describe with the given errors, then with a description.
type flakyHandle struct {
	client.ScheduleHandle
	errs  []error
	calls int
}

func (h *flakyHandle) Describe(context.Context) (*client.ScheduleDescription, error) {
	h.calls++
	if len(h.errs) > 0 {
		err := h.errs[0]
		h.errs = h.errs[1:]
		return nil, err
	}
	return &client.ScheduleDescription{}, nil
}

func TestDescribeScheduleWaitsForTheServersPoller(t *testing.T) {
	noPoller := serviceerror.NewFailedPrecondition("no poller seen for task queue recently, worker may be down")
	h := &flakyHandle{errs: []error{noPoller, noPoller}}
	d, err := DescribeSchedule(context.Background(), h)
	if err != nil || d == nil || h.calls != 3 {
		t.Fatalf("got %v, %v after %d calls; want a description on the third", d, err, h.calls)
	}

	notFound := serviceerror.NewNotFound("schedule not found")
	h = &flakyHandle{errs: []error{notFound}}
	if _, err := DescribeSchedule(context.Background(), h); !errors.Is(err, notFound) || h.calls != 1 {
		t.Errorf("got %v after %d calls; want NotFound at once", err, h.calls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h = &flakyHandle{errs: []error{noPoller, noPoller, noPoller}}
	if _, err := DescribeSchedule(ctx, h); err == nil || h.calls != 1 {
		t.Errorf("canceled: got %v after %d calls; want the server's error after one call", err, h.calls)
	}
}
