package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/model"
)

// TestEnqueuedReadsBothVersions: a request hands its order over as an activity
// (v0.1.0) or as a local activity (later); enqueued sees either end, and not a history
// cut before it.
func TestEnqueuedReadsBothVersions(t *testing.T) {
	for _, f := range []string{
		filepath.Join("..", "workflows", "testdata", "v0.1.0", "request.json"),
		filepath.Join("..", "workflows", "testdata", "request.json"),
	} {
		t.Run(f, func(t *testing.T) {
			h := loadHistory(t, f)
			assert.True(t, enqueued(h, 1), "the whole history")
			cut := cutBefore(h, func(ev *historypb.HistoryEvent) bool {
				return localActivityType(ev) == model.ActEnqueueCopy ||
					ev.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == model.ActEnqueueCopy
			})
			require.Less(t, len(cut.Events), len(h.Events), "the history hands an order over")
			assert.False(t, enqueued(cut, 1), "cut before the hand-over")
			open := cutBefore(h, func(ev *historypb.HistoryEvent) bool { return ev.GetWorkflowExecutionCompletedEventAttributes() != nil })
			require.Less(t, len(open.Events), len(h.Events), "the request completes")
			assert.True(t, enqueued(open, 1), "handed over, still running")
			assert.False(t, enqueued(open, 2), "one hand-over is not two")
		})
	}
}

func loadHistory(t *testing.T, path string) *historypb.History {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	require.NoError(t, err)
	return h
}

// cutBefore is h up to, not including, the first event where at holds.
func cutBefore(h *historypb.History, at func(*historypb.HistoryEvent) bool) *historypb.History {
	for i, ev := range h.Events {
		if at(ev) {
			return &historypb.History{Events: h.Events[:i]}
		}
	}
	return h
}
