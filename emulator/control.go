package emulator

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// Faults returns the faults currently injected.
func (e *Emulator) Faults() Faults {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.Faults
}

// SetFaults replaces the injected faults (Faults{} turns them off) and restarts their limits.
func (e *Emulator) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.Faults = f
	e.st.FaultUses = map[string]int64{}
	e.dirty = true
	e.requestSaveLocked()
	return nil
}

// SeedResources declares resources with their sizes, write rates and tags (replacing the
// sizes and rates of resources already known, and setting the tags they name).
func (e *Emulator) SeedResources(seeds []ResourceSeed) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for _, s := range seeds {
		if err := e.seedResource(s, false); err != nil {
			errs = append(errs, errors.New(err.Message))
		}
	}
	e.dirty = true
	e.requestSaveLocked()
	return errors.Join(errs...)
}

// ParseResourceSeeds reads a seed document: a JSON array of ResourceSeed, or an object with
// a "Resources" array.
func ParseResourceSeeds(b []byte) ([]ResourceSeed, error) {
	b = bytes.TrimSpace(b)
	var seeds []ResourceSeed
	if len(b) > 0 && b[0] == '[' {
		if err := decodeStrict(b, &seeds); err != nil {
			return nil, fmt.Errorf("resource seeds: %w", err)
		}
		return seeds, nil
	}
	var doc struct{ Resources []ResourceSeed }
	if err := decodeStrict(b, &doc); err != nil {
		return nil, fmt.Errorf(`resource seeds: want [{"ResourceArn":...,"SizeBytes":...,"DailyWriteRate":...,"Tags":{...}}] or {"Resources":[...]}: %w`, err)
	}
	return doc.Resources, nil
}

// LoadResourceSeeds reads a seed file (see ParseResourceSeeds).
func LoadResourceSeeds(path string) ([]ResourceSeed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("resource seed file: %w", err)
	}
	return ParseResourceSeeds(b)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
