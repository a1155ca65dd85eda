package activities

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/model"
)

// CopyWatch sets how a worker watches the copy jobs it follows. Instead of one
// DescribeCopyJob per job and look, a watcher per Region lists the copy jobs that ended
// since its last sweep (ListCopyJobs by completion date, paged), so the AWS calls per
// minute stay the same however many jobs are followed, and a job's end is seen within
// about one Interval. Durations are on the wall clock, except ListLag, which is on AWS's.
type CopyWatch struct {
	// Interval is the time between two sweeps of a Region.
	Interval time.Duration
	// MaxWait bounds how long one PollCopyJob attempt waits for its job (the activity's
	// StartToClose bounds it too).
	MaxWait time.Duration
	// Recheck is how long a followed job goes without a DescribeCopyJob of its own: the
	// backstop should a list ever leave a job out.
	Recheck time.Duration
	// Keep is how long the jobs a sweep listed stay known, so that an attempt starting
	// after the sweep (a retry, a short attempt) still finds its job there.
	Keep time.Duration
	// Idle is how long a Region's watcher keeps sweeping once nothing follows a job there,
	// so that the next attempt of a job finds the same watcher (and needs no describe).
	Idle time.Duration
	// ListLag is how far behind AWS's lists may be (AWS's clock): each sweep reaches back
	// that far before the newest end seen two sweeps ago.
	ListLag time.Duration
}

// DefaultCopyWatch sweeps every 20 seconds and lets an attempt wait up to an hour.
var DefaultCopyWatch = CopyWatch{
	Interval: 20 * time.Second,
	MaxWait:  time.Hour,
	Recheck:  6 * time.Hour,
	Keep:     time.Hour,
	Idle:     10 * time.Minute,
	ListLag:  5 * time.Minute,
}

// Scaled returns w for an AWS clock running timeScale times faster than the wall clock.
// Floors keep a fast clock from becoming a busy loop: 100ms between sweeps, attempts of
// a minute, a minute of memory, 5s of idling.
func (w CopyWatch) Scaled(timeScale float64) CopyWatch {
	if timeScale <= 1 {
		return w
	}
	div := func(d, floor time.Duration) time.Duration { return max(time.Duration(float64(d)/timeScale), floor) }
	w.Interval = div(w.Interval, 100*time.Millisecond)
	w.MaxWait = div(w.MaxWait, time.Minute)
	w.Recheck = div(w.Recheck, w.Interval)
	w.Keep = div(w.Keep, time.Minute)
	w.Idle = div(w.Idle, 5*time.Second)
	return w
}

// watchers holds a Backup's Region watchers. Each worker process has its own: they share
// nothing, so any number of workers can serve one task queue.
type watchers struct {
	cfg  CopyWatch
	list listEnded
	log  *zap.Logger

	mu      sync.Mutex
	regions map[string]*regionWatch
	closed  bool
	wg      sync.WaitGroup
}

// listEnded lists the copy jobs of region that ended after the given time (AWS's clock)
// and returns them with the number of pages it took.
type listEnded func(ctx context.Context, region string, after time.Time) ([]model.CopyJob, int, error)

// regionWatch sweeps one Region while any of its jobs is followed.
type regionWatch struct {
	w      *watchers
	region string
	// id names this run of the watcher: a job looked at under the same id has been
	// covered by its sweeps since.
	id   string
	stop chan struct{}

	mu        sync.Mutex
	followers map[string]map[*follower]struct{}
	count     int
	idleSince time.Time
	ended     map[string]seenJob
	// cursor is the completeAfter of the next sweep; seenMax the newest completion date
	// listed so far. After each sweep the cursor moves to the seenMax of the sweep
	// before (less ListLag): a job that ends while a sweep pages is still listed by the
	// next one.
	cursor   time.Time
	seenMax  time.Time
	swept    bool
	failures int
}

type seenJob struct {
	job  model.CopyJob
	seen time.Time
}

// follower is one PollCopyJob attempt waiting for its job.
type follower struct {
	jobID string
	done  chan model.CopyJob
}

func newWatchers(cfg CopyWatch, list listEnded, log *zap.Logger) *watchers {
	if log == nil {
		log = zap.NewNop()
	}
	return &watchers{cfg: cfg, list: list, log: log, regions: map[string]*regionWatch{}}
}

// follow registers a follower of jobID in region, starting the Region's watcher if none
// runs. notBefore (AWS's clock, zero when unknown) is a time before which the job cannot
// have ended, its creation date: a watcher that has not swept yet starts from there.
// The follower is told of the job's end if a sweep lists it, or at once if one did.
func (ws *watchers) follow(region, jobID string, notBefore time.Time) (*regionWatch, *follower) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	rw := ws.regions[region]
	if rw == nil {
		rw = &regionWatch{w: ws, region: region, id: newWatchID(), stop: make(chan struct{}),
			followers: map[string]map[*follower]struct{}{}, ended: map[string]seenJob{}}
		if !ws.closed {
			ws.regions[region] = rw
			ws.wg.Add(1)
			go rw.run()
		}
	}
	f := &follower{jobID: jobID, done: make(chan model.CopyJob, 1)}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.followers[jobID] == nil {
		rw.followers[jobID] = map[*follower]struct{}{}
	}
	rw.followers[jobID][f] = struct{}{}
	rw.count++
	rw.startFrom(notBefore)
	if s, ok := rw.ended[jobID]; ok {
		f.done <- s.job
	}
	return rw, f
}

// startFrom lowers the first sweep's cursor to t less ListLag; after the first sweep the
// cursor only moves forward.
func (rw *regionWatch) startFrom(t time.Time) {
	if rw.swept || t.IsZero() {
		return
	}
	t = t.Add(-rw.w.cfg.ListLag)
	if rw.cursor.IsZero() || t.Before(rw.cursor) {
		rw.cursor = t
	}
}

// coverFrom records that the follower's job had not ended at its creation date t: needed
// when the follower registered before knowing it.
func (rw *regionWatch) coverFrom(t time.Time) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	rw.startFrom(t)
}

// leave unregisters a follower.
func (rw *regionWatch) leave(f *follower) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if fs := rw.followers[f.jobID]; fs != nil {
		if _, ok := fs[f]; ok {
			delete(fs, f)
			rw.count--
		}
		if len(fs) == 0 {
			delete(rw.followers, f.jobID)
		}
	}
	if rw.count == 0 {
		rw.idleSince = time.Now()
	}
}

// failing reports whether the last sweep failed, so followers should look for
// themselves.
func (rw *regionWatch) failing() bool {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return rw.failures > 0
}

func (rw *regionWatch) run() {
	defer rw.w.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-rw.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTimer(rw.w.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-rw.stop:
			return
		case <-t.C:
		}
		if rw.retireIfIdle() {
			return
		}
		rw.sweep(ctx)
		t.Reset(rw.w.cfg.Interval)
	}
}

// retireIfIdle ends the watcher once nothing has followed a job for Idle. It takes the
// registry's lock first, as follow does, so a follower never joins a retired watcher.
func (rw *regionWatch) retireIfIdle() bool {
	rw.w.mu.Lock()
	defer rw.w.mu.Unlock()
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.count > 0 || time.Since(rw.idleSince) < rw.w.cfg.Idle {
		return false
	}
	if rw.w.regions[rw.region] == rw {
		delete(rw.w.regions, rw.region)
	}
	return true
}

// sweep lists the jobs ended since the cursor, remembers them, and hands each followed
// one to its followers.
func (rw *regionWatch) sweep(ctx context.Context) {
	rw.mu.Lock()
	after := rw.cursor
	rw.mu.Unlock()
	if after.IsZero() {
		return // no follower has said where to start yet
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(ctx, max(time.Minute, 3*rw.w.cfg.Interval))
	jobs, pages, err := rw.w.list(ctx, rw.region, after)
	cancel()
	now := time.Now()

	rw.mu.Lock()
	defer rw.mu.Unlock()
	if err != nil {
		rw.failures++
		rw.w.log.Debug("copy job sweep failed", zap.String("region", rw.region), zap.Time("complete_after", after),
			zap.Int("consecutive_failures", rw.failures), zap.Int("followed", rw.count), zap.Error(err))
		return
	}
	rw.failures = 0
	newest, handed := time.Time{}, 0
	for _, j := range jobs {
		if !jobEnded(j.State) {
			continue
		}
		rw.ended[j.CopyJobId] = seenJob{job: j, seen: now}
		if j.CompletionDate.After(newest) {
			newest = j.CompletionDate
		}
		for f := range rw.followers[j.CopyJobId] {
			select {
			case f.done <- j:
				handed++
			default:
			}
		}
	}
	if !rw.seenMax.IsZero() {
		if c := rw.seenMax.Add(-rw.w.cfg.ListLag); c.After(rw.cursor) {
			rw.cursor = c
		}
	}
	if newest.After(rw.seenMax) {
		rw.seenMax = newest
	}
	rw.swept = true
	for id, s := range rw.ended {
		if now.Sub(s.seen) > rw.w.cfg.Keep {
			delete(rw.ended, id)
		}
	}
	rw.w.log.Debug("copy job sweep", zap.String("region", rw.region), zap.Time("complete_after", after),
		zap.Int("pages", pages), zap.Int("listed", len(jobs)), zap.Int("handed", handed),
		zap.Int("followed", rw.count), zap.Int("known_ended", len(rw.ended)), zap.Duration("took", now.Sub(began)))
}

// close stops every watcher and waits for them.
func (ws *watchers) close() {
	ws.mu.Lock()
	ws.closed = true
	for r, rw := range ws.regions {
		close(rw.stop)
		delete(ws.regions, r)
	}
	ws.mu.Unlock()
	ws.wg.Wait()
}

// jobEnded reports whether a copy job state is final.
func jobEnded(state string) bool {
	return state != "" && state != model.JobCreated && state != model.JobRunning
}

func newWatchID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// listEndedCopyJobs is the watchers' ListCopyJobs: every page of the Region's copy jobs
// completed after the given time, whatever their final state.
func (b *Backup) listEndedCopyJobs(ctx context.Context, region string, after time.Time) ([]model.CopyJob, int, error) {
	in := &backup.ListCopyJobsInput{ByCompleteAfter: aws.Time(after)}
	if b.pageSize > 0 {
		in.MaxResults = aws.Int32(b.pageSize)
	}
	p := backup.NewListCopyJobsPaginator(b.client(region), in)
	var out []model.CopyJob
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		pages++
		if err != nil {
			return nil, pages, classify(ctx, awsCall{"ListCopyJobs", region}, err)
		}
		for i := range page.CopyJobs {
			out = append(out, copyJobFromSDK(region, &page.CopyJobs[i]))
		}
	}
	return out, pages, nil
}
