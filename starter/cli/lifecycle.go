package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// Lifecycle keys regioncopy accepts, exactly as AWS spells them.
const (
	keyMoveToCold  = "MoveToColdStorageAfterDays"
	keyDeleteAfter = "DeleteAfterDays"
	// keyOptInArchive is a real AWS key that regioncopy does not model; it is refused
	// with its own message rather than as an unknown key.
	keyOptInArchive = "OptInToArchiveForSupportedResources"
)

// parseLifecycle reads --lifecycle in the forms the AWS CLI accepts: its shorthand
// (MoveToColdStorageAfterDays=30,DeleteAfterDays=120), JSON
// ({"MoveToColdStorageAfterDays":30,"DeleteAfterDays":120}) or file://<path> holding
// JSON. It checks syntax only; the arithmetic between the values is policy's job.
func parseLifecycle(s string) (model.Lifecycle, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return model.Lifecycle{}, fmt.Errorf("--lifecycle: empty value (expected MoveToColdStorageAfterDays=N,DeleteAfterDays=N or JSON)")
	}
	if path, ok := strings.CutPrefix(s, "file://"); ok {
		data, err := os.ReadFile(path)
		if err != nil {
			return model.Lifecycle{}, fmt.Errorf("--lifecycle: %v", err)
		}
		return parseLifecycleJSON(data)
	}
	if strings.HasPrefix(s, "{") {
		return parseLifecycleJSON([]byte(s))
	}
	return parseLifecycleShorthand(s)
}

func parseLifecycleShorthand(s string) (model.Lifecycle, error) {
	values := map[string]int64{}
	for _, part := range strings.Split(s, ",") {
		key, raw, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return model.Lifecycle{}, fmt.Errorf("--lifecycle: %q is not Key=Value (expected MoveToColdStorageAfterDays=N,DeleteAfterDays=N)", part)
		}
		key = strings.TrimSpace(key)
		if err := checkLifecycleKey(key); err != nil {
			return model.Lifecycle{}, err
		}
		if _, dup := values[key]; dup {
			return model.Lifecycle{}, fmt.Errorf("--lifecycle: %s given twice", key)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil {
			return model.Lifecycle{}, fmt.Errorf("--lifecycle: %s=%s: the value must be a whole number of days", key, raw)
		}
		values[key] = n
	}
	return lifecycleFromValues(values)
}

func parseLifecycleJSON(data []byte) (model.Lifecycle, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return model.Lifecycle{}, fmt.Errorf("--lifecycle: not valid JSON: %v", err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // report the same first error on every run
	values := map[string]int64{}
	for _, key := range keys {
		if err := checkLifecycleKey(key); err != nil {
			return model.Lifecycle{}, err
		}
		// Unmarshalling into int64 refuses strings ("7") and fractions (1.5) alike.
		var n int64
		if err := json.Unmarshal(raw[key], &n); err != nil {
			return model.Lifecycle{}, fmt.Errorf("--lifecycle: %s: the value must be a whole number of days, not %s", key, raw[key])
		}
		values[key] = n
	}
	return lifecycleFromValues(values)
}

func checkLifecycleKey(key string) error {
	switch key {
	case keyMoveToCold, keyDeleteAfter:
		return nil
	case keyOptInArchive:
		return fmt.Errorf("--lifecycle: %s is not supported by regioncopy (use %s and %s)", key, keyMoveToCold, keyDeleteAfter)
	}
	return fmt.Errorf("--lifecycle: unknown key %q (known keys: %s, %s)", key, keyMoveToCold, keyDeleteAfter)
}

// lifecycleFromValues builds the lifecycle. A value of 0 would mean "unset" in
// model.Lifecycle and so silently drop what the user wrote: it is refused by policy's
// rule for written day counts, the one plan files follow too (a *policy.Violation naming
// --lifecycle.<key>). Negative values pass to the lifecycle checks, which refuse them.
func lifecycleFromValues(values map[string]int64) (model.Lifecycle, error) {
	if len(values) == 0 {
		return model.Lifecycle{}, fmt.Errorf("--lifecycle: no value given (expected MoveToColdStorageAfterDays=N,DeleteAfterDays=N)")
	}
	var errs []error
	for _, key := range []string{keyMoveToCold, keyDeleteAfter} {
		if n, ok := values[key]; ok {
			errs = append(errs, policy.CheckLifecycleDaysGiven(flagLifecycle+"."+key, n))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return model.Lifecycle{}, err
	}
	return model.Lifecycle{MoveToColdStorageAfterDays: values[keyMoveToCold], DeleteAfterDays: values[keyDeleteAfter]}, nil
}
