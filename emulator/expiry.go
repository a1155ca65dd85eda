package emulator

import (
	"cmp"
	"container/heap"
	"slices"
	"time"
)

// expiry is a scheduled deletion. Entries go stale when the point is deleted or its
// lifecycle changes; they are checked against the point when they come due.
type expiry struct {
	at  time.Time
	arn string
}

type expiryHeap []expiry

func (h expiryHeap) Len() int           { return len(h) }
func (h expiryHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h expiryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)        { *h = append(*h, x.(expiry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// reindex rebuilds the in-memory indexes from the state (at start and after a load).
func (e *Emulator) reindex() {
	e.active = map[string]*job{}
	e.listed = map[string][]*job{}
	for id, j := range e.st.Jobs {
		if j.active() {
			e.active[id] = j
		}
		k := jobListKey(j.Region, j.Kind)
		e.listed[k] = append(e.listed[k], j)
	}
	for _, jobs := range e.listed {
		slices.SortFunc(jobs, func(a, b *job) int { return cmp.Compare(a.Seq, b.Seq) })
	}
	e.expiries = nil
	e.points = newPointIndex()
	for _, p := range e.st.Points {
		e.scheduleExpiry(p)
		e.points.add(p)
	}
}

// scheduleExpiry records when a completed point with a lifecycle is due for deletion.
func (e *Emulator) scheduleExpiry(p *recoveryPoint) {
	if p.Status != pointCompleted {
		return
	}
	if _, del := e.calculatedLifecycle(p); !del.IsZero() {
		heap.Push(&e.expiries, expiry{at: del.Add(e.cfg.LifecycleLag), arn: p.Arn})
	}
}

// current reports whether an entry still describes its point's deletion time.
func (e *Emulator) current(x expiry) bool {
	p, ok := e.st.Points[x.arn]
	if !ok || p.Status != pointCompleted {
		return false
	}
	_, del := e.calculatedLifecycle(p)
	return del.Add(e.cfg.LifecycleLag).Equal(x.at)
}

// nextExpiry is the earliest current deletion time, dropping stale entries on the way.
func (e *Emulator) nextExpiry() (time.Time, bool) {
	for e.expiries.Len() > 0 {
		if x := e.expiries[0]; e.current(x) {
			return x.at, true
		}
		heap.Pop(&e.expiries)
	}
	return time.Time{}, false
}

// expireDue deletes every point whose deletion time (DeleteAt plus LifecycleLag) is at or
// before t.
func (e *Emulator) expireDue(t time.Time) {
	for e.expiries.Len() > 0 && !e.expiries[0].at.After(t) {
		x := heap.Pop(&e.expiries).(expiry)
		if e.current(x) {
			e.deletePoint(e.st.Points[x.arn])
		}
	}
}
