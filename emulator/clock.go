package emulator

import (
	"sync"
	"time"
)

// clock is the emulator's time: it runs scale times faster than the wall clock (measured on
// the monotonic clock) and jumps forward on Advance.
type clock struct {
	mu       sync.Mutex
	scale    float64
	wallBase time.Time // monotonic reading when emuBase was taken
	emuBase  time.Time
}

func newClock(start time.Time, scale float64) *clock {
	return &clock{scale: scale, wallBase: time.Now(), emuBase: start.UTC()}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *clock) nowLocked() time.Time {
	elapsed := time.Since(c.wallBase)
	return c.emuBase.Add(time.Duration(float64(elapsed) * c.scale))
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emuBase = c.nowLocked().Add(d)
	c.wallBase = time.Now()
}
