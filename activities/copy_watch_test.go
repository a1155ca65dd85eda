package activities

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// TestSweepCursorStaysTwoSweepsBehind drives one Region watcher's sweeps by hand with
// scripted lists: each sweep reaches back to the newest end seen two sweeps before, less
// ListLag, so a job that ended while an earlier sweep paged past it is still listed.
func TestSweepCursorStaysTwoSweepsBehind(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	lag := 5 * time.Minute
	ended := func(id string, at time.Time) model.CopyJob {
		return model.CopyJob{CopyJobId: id, Region: east, State: model.JobCompleted, CreationDate: t0, CompletionDate: at}
	}
	var mu sync.Mutex
	var asked []time.Time
	answers := [][]model.CopyJob{
		nil,                                  // nothing has ended yet
		{ended("B", t0.Add(10*time.Minute))}, // B ended; A, ending at +9m, was on a page already served
		nil,                                  // the cursor has not passed A
		{ended("A", t0.Add(9*time.Minute)), ended("B", t0.Add(10*time.Minute))},
	}
	list := func(_ context.Context, _ string, after time.Time) ([]model.CopyJob, int, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, after)
		return answers[len(asked)-1], 1, nil
	}
	ws := newWatchers(CopyWatch{Interval: time.Hour, Keep: time.Hour, Idle: time.Hour, ListLag: lag}, list, nil)
	defer ws.close()
	rw, f := ws.follow(east, "A", time.Time{})
	rw.coverFrom(t0)
	for range answers {
		rw.sweep(context.Background())
	}
	want := []time.Time{t0.Add(-lag), t0.Add(-lag), t0.Add(-lag), t0.Add(10*time.Minute - lag)}
	for i := range want {
		if !asked[i].Equal(want[i]) {
			t.Errorf("sweep %d listed ends after %s, want after %s", i+1, asked[i], want[i])
		}
	}
	select {
	case job := <-f.done:
		if job.CopyJobId != "A" || job.State != model.JobCompleted {
			t.Errorf("follower got %+v", job)
		}
	default:
		t.Fatal("the follower of A was not told of its end")
	}
	// A later follower of B finds it among the ended jobs at once.
	_, g := ws.follow(east, "B", time.Time{})
	select {
	case job := <-g.done:
		if job.CopyJobId != "B" {
			t.Errorf("follower of B got %+v", job)
		}
	default:
		t.Error("a job already listed is not handed to its new follower")
	}
}
