package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

// saveLocked writes the state atomically (temporary file, fsync, rename) when a state file
// is configured and something changed, so a crash leaves the old or the new state, never a
// torn one.
func (e *Emulator) saveLocked() error {
	if e.cfg.StateFile == "" || !e.dirty {
		e.dirty = false
		return nil
	}
	e.st.Clock = e.clock.now()
	if e.st.Clock.Before(e.st.SettledAt) {
		e.st.Clock = e.st.SettledAt
	}
	rng, err := e.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("emulator: saving random source: %w", err)
	}
	e.st.RNG = rng
	b, err := json.MarshalIndent(e.st, "", " ")
	if err != nil {
		return fmt.Errorf("emulator: encoding state: %w", err)
	}
	dir := filepath.Dir(e.cfg.StateFile)
	tmp, err := os.CreateTemp(dir, filepath.Base(e.cfg.StateFile)+".tmp-*")
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
	if err := os.Rename(tmp.Name(), e.cfg.StateFile); err != nil {
		return fmt.Errorf("emulator: saving state: %w", err)
	}
	e.dirty = false
	return nil
}
