package main

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"sync"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
)

// burst answers the next Calls calls of Operation with Code, after a pause of Gap.
type burst struct {
	Gap       time.Duration
	Operation string
	Code      string
	Calls     int
}

// burstSource draws the bursts of a run, one after the other, from its own seeded
// source, so the sequence is the seed's whatever the kills do.
type burstSource struct {
	rng *rand.Rand
	f   AWSFaults
}

func newBurstSource(seed int64, f AWSFaults) *burstSource {
	return &burstSource{rng: rand.New(rand.NewSource(seed)), f: f}
}

func (s *burstSource) next() burst {
	return burst{
		Gap:       between(s.rng, s.f.BurstGap/10, s.f.BurstGap),
		Operation: s.f.Operations[s.rng.Intn(len(s.f.Operations))],
		Code:      s.f.Codes[s.rng.Intn(len(s.f.Codes))],
		Calls:     1 + s.rng.Intn(s.f.BurstCalls),
	}
}

// faultController is the one writer of the emulator's faults from the first kill until
// every request has finished: the job faults stay on throughout, one error burst at a
// time comes and goes, and an in-flight kill lays its added latency on top. Replacing the emulator's faults restarts
// their counts, so a burst ends whenever the faults are replaced for anything else; the
// calls each burst answered are read from the emulator's counters when it ends.
type faultController struct {
	emu   *emulator.Emulator
	jobs  emulator.Faults // the job faults, on until stop
	log   io.Writer
	begin time.Time

	mu      sync.Mutex
	latency *emulator.Faults // an in-flight kill's added latency (Operations, Latency)
	cur     *burst
	base    int64 // the emulator's count of cur.Code when cur began
	stopped bool
	fig     FaultFigures
}

func newFaultController(emu *emulator.Emulator, f AWSFaults, log io.Writer) *faultController {
	c := &faultController{emu: emu, log: log, begin: time.Now(), fig: FaultFigures{Injected: map[string]int64{}}}
	c.jobs = emulator.Faults{JobKinds: []string{"copy"}}
	if f.FailJobs > 0 {
		c.jobs.FailJobRate, c.jobs.FailReason = f.FailJobs, failedJobReason
	}
	if f.HoldJobs > 0 {
		c.jobs.HoldRate, c.jobs.HoldFor = f.HoldJobs, emulator.Duration(f.HoldFor)
	}
	return c
}

// start turns the job faults on.
func (c *faultController) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.begin = time.Now()
	return c.applyLocked()
}

// runBursts opens the source's bursts one after the other until ctx ends.
func (c *faultController) runBursts(ctx context.Context, src *burstSource) error {
	for {
		b := src.next()
		if !sleep(ctx, b.Gap) {
			return nil
		}
		if err := c.open(b); err != nil {
			return err
		}
	}
}

// open ends the current burst and begins b, unless an in-flight kill holds b's operation:
// an error would answer the call the kill waits for at once.
func (c *faultController) open(b burst) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	if err := c.endBurstLocked(); err != nil {
		return err
	}
	if c.latency != nil && c.latency.Operations[0] == b.Operation {
		return nil
	}
	c.base = c.emu.Counters().FaultsInjected[b.Code]
	c.cur = &b
	c.fig.Bursts++
	fmt.Fprintf(c.log, "chaos: %6.1fs burst: the next %d %s calls answer %s\n", time.Since(c.begin).Seconds(), b.Calls, b.Operation, b.Code)
	return c.applyLocked()
}

// delay holds every call of op for d (an in-flight kill), ending the current burst.
func (c *faultController) delay(op string, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.endBurstLocked(); err != nil {
		return err
	}
	c.latency = &emulator.Faults{Operations: []string{op}, Latency: emulator.Duration(d)}
	return c.applyLocked()
}

// undelay removes the in-flight kill's latency: later calls run at once.
func (c *faultController) undelay() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.latency == nil {
		return nil // replacing the faults would restart the current burst's count
	}
	c.latency = nil
	return c.applyLocked()
}

// stop turns every fault off and returns the figures. Calls after it are answered normally.
func (c *faultController) stop() (FaultFigures, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.endBurstLocked()
	c.stopped, c.latency = true, nil
	if serr := c.emu.SetFaults(emulator.Faults{}); err == nil {
		err = serr
	}
	injected := c.emu.Counters().FaultsInjected
	c.fig.FailedJobs, c.fig.HeldJobs = injected["FailedJob"], injected["HeldJob"]
	return c.fig, err
}

// endBurstLocked takes the current burst off and counts the calls it answered: no other
// burst is on, so the growth of its code's count since it began is its own.
func (c *faultController) endBurstLocked() error {
	b := c.cur
	if b == nil {
		return nil
	}
	c.cur = nil
	if err := c.applyLocked(); err != nil {
		return err
	}
	n := c.emu.Counters().FaultsInjected[b.Code] - c.base
	if n > 0 {
		c.fig.Injected[b.Operation+" "+b.Code] += n
		if faultClass(b.Code) == "throttling" {
			c.fig.Throttled += n
		} else {
			c.fig.ServiceFaults += n
		}
	}
	return nil
}

func (c *faultController) applyLocked() error {
	if c.stopped {
		return c.emu.SetFaults(emulator.Faults{})
	}
	f := c.jobs
	if c.latency != nil {
		f.Operations, f.Latency = c.latency.Operations, c.latency.Latency
	}
	if c.cur != nil {
		f.Errors = []emulator.ErrorFault{{Operation: c.cur.Operation, Code: c.cur.Code, Count: int64(c.cur.Calls),
			Message: fmt.Sprintf("%s answered %s (injected by the chaos run)", c.cur.Operation, c.cur.Code)}}
	}
	return c.emu.SetFaults(f)
}
