package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// load reads the state file when one is configured and exists.
func (e *Emulator) load() (bool, error) {
	if e.cfg.StateFile == "" {
		return false, nil
	}
	b, err := os.ReadFile(e.cfg.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("emulator: reading state file: %w", err)
	}
	st := newState()
	if err := json.Unmarshal(b, st); err != nil {
		return false, fmt.Errorf("emulator: state file %s is not a saved emulator state: %w", e.cfg.StateFile, err)
	}
	if st.Clock.IsZero() || st.SettledAt.IsZero() {
		return false, fmt.Errorf("emulator: state file %s has no clock reading", e.cfg.StateFile)
	}
	st.Counters.fill()
	orEmpty(&st.Vaults)
	orEmpty(&st.Points)
	orEmpty(&st.Jobs)
	orEmpty(&st.Resources)
	orEmpty(&st.Plans)
	orEmpty(&st.Selections)
	orEmpty(&st.Tokens)
	orEmpty(&st.FaultUses)
	if len(st.RNG) > 0 {
		if err := e.pcg.UnmarshalBinary(st.RNG); err != nil {
			return false, fmt.Errorf("emulator: state file %s: random source: %w", e.cfg.StateFile, err)
		}
	}
	e.st = st
	return true, nil
}

// orEmpty makes a map missing from a hand-written or older state file usable.
func orEmpty[V any](m *map[string]V) {
	if *m == nil {
		*m = map[string]V{}
	}
}

// snapshotLocked encodes the state for saving, or returns nil when nothing changed since
// the last snapshot. Callers hold e.mu.
func (e *Emulator) snapshotLocked() ([]byte, error) {
	if e.cfg.StateFile == "" || !e.dirty {
		return nil, nil
	}
	e.st.Clock = e.clock.now()
	if e.st.Clock.Before(e.st.SettledAt) {
		e.st.Clock = e.st.SettledAt
	}
	rng, err := e.pcg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("emulator: saving random source: %w", err)
	}
	e.st.RNG = rng
	b, err := json.Marshal(e.st)
	if err != nil {
		return nil, fmt.Errorf("emulator: encoding state: %w", err)
	}
	e.dirty = false
	return b, nil
}

// Save writes the current state to the state file now (changes are otherwise saved in the
// background within saveInterval, and at Close).
func (e *Emulator) Save() error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.mu.Lock()
	b, err := e.snapshotLocked()
	e.mu.Unlock()
	if err != nil || b == nil {
		return err
	}
	if err := writeAtomic(e.cfg.StateFile, b); err != nil {
		e.mu.Lock()
		e.dirty = true
		e.mu.Unlock()
		return err
	}
	return nil
}

// requestSaveLocked asks the background saver to save a changed state. Saves coalesce: a
// burst of calls costs one write, so requests never wait for the disk. Callers hold e.mu.
func (e *Emulator) requestSaveLocked() {
	if e.kick == nil || !e.dirty || e.closed {
		return
	}
	select {
	case e.kick <- struct{}{}:
	default: // a save is already pending; it will include this change
	}
}

// saveInterval is the least time between two background saves. A save encodes the whole
// state under the emulator's lock and writes it with an fsync: with thousands of jobs that
// costs far more than the calls that changed it, and saving after each change would keep
// the emulator saving while it is busy. Changes within an interval go out in one save.
const saveInterval = time.Second

// saveLoop is the background saver; it ends when Close closes closing and kick (Close
// then saves the final state itself).
func (e *Emulator) saveLoop() {
	defer close(e.saverDone)
	for range e.kick {
		if err := e.Save(); err != nil {
			e.mu.Lock()
			if e.saveErr == nil {
				e.saveErr = err
			}
			e.mu.Unlock()
		}
		select {
		case <-e.closing:
			return
		case <-time.After(saveInterval):
		}
	}
}

// writeAtomic replaces path with b through a temporary file, fsync and rename, so a crash
// leaves the old or the new state, never a torn one.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("emulator: saving state: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("emulator: saving state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("emulator: saving state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("emulator: saving state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("emulator: saving state: %w", err)
	}
	return nil
}
