// Package emulator is a multi-Region AWS Backup API emulator: a real HTTP service speaking
// restJson1 (and optionally verifying SigV4) for every Region of one account at once. It
// models vaults, backup and copy jobs on a scalable clock, incremental copies, lifecycle and
// expiry, AWS's quotas and rules, and injects reproducible faults. On the same endpoint it
// serves the Resource Groups Tagging API (awsJson1.1) over the protected resources' tags,
// which is how backup selections find resources by tag. It imports nothing from the rest
// of regioncopy: it stands in for AWS.
package emulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Emulator is one emulated AWS account. It is safe for concurrent use.
type Emulator struct {
	cfg   Config
	clock *clock

	mu  sync.Mutex // guards everything below
	st  *state
	pcg *rand.PCG
	rng *rand.Rand
	// active indexes the CREATED and RUNNING jobs and expiries the points' deletion times,
	// so settling costs what is in flight, not everything ever created.
	active   map[string]*job
	expiries expiryHeap
	points   pointIndex
	// listed holds each Region's jobs of each kind in creation order (jobListKey), so a
	// list call walks that Region's jobs newest first without sorting them all.
	listed    map[string][]*job
	dirty     bool // st changed since the last save
	closed    bool
	saveErr   error
	kick      chan struct{} // wakes the background saver (nil without a state file)
	closing   chan struct{} // closed by Close, ends the saver's wait between saves
	saverDone chan struct{}

	writeMu sync.Mutex // orders state file writes
}

// New builds an emulator from cfg, loading cfg.StateFile when it exists.
func New(cfg Config) (*Emulator, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	e := &Emulator{cfg: cfg, st: newState()}
	e.pcg = rand.NewPCG(uint64(cfg.Seed), 0x9e3779b97f4a7c15)
	e.rng = rand.New(e.pcg)
	start := cfg.StartTime
	if start.IsZero() {
		start = time.Now()
	}
	start = start.UTC().Truncate(time.Millisecond)
	e.st.Faults = cfg.Faults
	loaded, err := e.load()
	if err != nil {
		return nil, err
	}
	if loaded {
		start = e.st.Clock
		// An emulator on the wall clock (time scale 1, no StartTime) resumes at the wall
		// clock, as AWS's time passes while a client is away: jobs end and recovery
		// points expire on the first call after the restart, and AWS timestamps stay
		// comparable with the caller's (a plan's nominal times). A scaled or pinned clock
		// stands still while the emulator is down, so a restart does not fast-forward
		// days of emulated time.
		if wall := time.Now().UTC().Truncate(time.Millisecond); cfg.TimeScale == 1 && cfg.StartTime.IsZero() && wall.After(start) {
			start = wall
		}
	} else {
		e.st.SettledAt = start
	}
	e.clock = newClock(start, cfg.TimeScale)
	e.reindex()
	for _, r := range cfg.Resources {
		if apiErr := e.seedResource(r, loaded); apiErr != nil {
			return nil, fmt.Errorf("emulator config: Resources: %s", apiErr.Message)
		}
	}
	e.dirty = true
	if err := e.Save(); err != nil {
		return nil, err
	}
	if cfg.StateFile != "" {
		e.kick = make(chan struct{}, 1)
		e.closing = make(chan struct{})
		e.saverDone = make(chan struct{})
		go e.saveLoop()
	}
	return e, nil
}

// Now is the emulator clock.
func (e *Emulator) Now() time.Time { return e.clock.now() }

// Advance jumps the emulator clock forward by d: jobs progress and recovery points expire
// as if d had passed.
func (e *Emulator) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	e.clock.advance(d)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settle(e.clock.now())
	e.dirty = true
	e.requestSaveLocked()
}

// Handler serves the AWS Backup API and the Resource Groups Tagging API for every Region,
// and the admin API under /_emulator/.
func (e *Emulator) Handler() http.Handler { return http.HandlerFunc(e.serveHTTP) }

// Close stops the background saver and saves the state (when a state file is configured).
// Calls after the first do nothing.
func (e *Emulator) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.settle(e.clock.now())
	e.dirty = true
	if e.kick != nil {
		close(e.closing)
		close(e.kick)
	}
	e.mu.Unlock()
	if e.saverDone != nil {
		<-e.saverDone
	}
	err := e.Save()
	e.mu.Lock()
	defer e.mu.Unlock()
	return errors.Join(e.saveErr, err)
}
