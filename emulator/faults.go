package emulator

import (
	"fmt"
	"slices"
	"time"
)

// Faults describes injected failures. Every decision is drawn from the seeded random source
// in request order, so a run is reproducible. Rates are probabilities in [0, 1]; a Limit of 0
// means no limit, otherwise the fault is injected at most Limit times after the faults are set.
type Faults struct {
	// Operations restricts request faults (throttling, server errors, latency) to these
	// operation names; empty means every operation.
	Operations []string `json:",omitempty"`

	// ThrottleRate answers that share of calls with ThrottleCode (ThrottlingException by
	// default, or LimitExceededException).
	ThrottleRate  float64 `json:",omitempty"`
	ThrottleCode  string  `json:",omitempty"`
	ThrottleLimit int64   `json:",omitempty"`

	// ServerErrorRate answers that share of calls with ServiceUnavailableException (503).
	ServerErrorRate  float64 `json:",omitempty"`
	ServerErrorLimit int64   `json:",omitempty"`

	// Latency is wall-clock delay added to LatencyRate of calls (all calls when the rate is 0).
	Latency     Duration `json:",omitempty"`
	LatencyRate float64  `json:",omitempty"`

	// FailJobRate makes that share of new jobs (JobKinds: "backup", "copy"; empty means
	// both) end FAILED with FailReason instead of COMPLETED.
	FailJobRate  float64  `json:",omitempty"`
	FailReason   string   `json:",omitempty"`
	FailJobLimit int64    `json:",omitempty"`
	JobKinds     []string `json:",omitempty"`

	// HoldRate keeps that share of new jobs in CREATED for HoldFor of emulated time before
	// they may start.
	HoldRate  float64  `json:",omitempty"`
	HoldFor   Duration `json:",omitempty"`
	HoldLimit int64    `json:",omitempty"`

	// Errors answer chosen operations with chosen AWS errors for a number of calls, in
	// order (see ErrorFault); they apply whatever Operations says.
	Errors []ErrorFault `json:",omitempty"`
}

// Duration is a time.Duration that reads and writes as a Go duration string ("90s") or as a
// number of seconds.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%q", time.Duration(d).String())), nil
}

func (d *Duration) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		v, err := time.ParseDuration(s[1 : len(s)-1])
		if err != nil {
			return fmt.Errorf("duration %s: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if _, err := fmt.Sscanf(s, "%g", &secs); err != nil {
		return fmt.Errorf("duration %s must be a string such as \"90s\" or a number of seconds", s)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

func (f Faults) validate() error {
	for name, r := range map[string]float64{"ThrottleRate": f.ThrottleRate, "ServerErrorRate": f.ServerErrorRate,
		"LatencyRate": f.LatencyRate, "FailJobRate": f.FailJobRate, "HoldRate": f.HoldRate} {
		if !(r >= 0 && r <= 1) {
			return fmt.Errorf("faults: %s %v must be between 0 and 1", name, r)
		}
	}
	for name, n := range map[string]int64{"ThrottleLimit": f.ThrottleLimit, "ServerErrorLimit": f.ServerErrorLimit,
		"FailJobLimit": f.FailJobLimit, "HoldLimit": f.HoldLimit} {
		if n < 0 {
			return fmt.Errorf("faults: %s %d must not be negative", name, n)
		}
	}
	switch f.ThrottleCode {
	case "", "ThrottlingException", "LimitExceededException":
	default:
		return fmt.Errorf("faults: ThrottleCode %q must be ThrottlingException or LimitExceededException", f.ThrottleCode)
	}
	if f.Latency < 0 || f.HoldFor < 0 {
		return fmt.Errorf("faults: Latency and HoldFor must not be negative")
	}
	if f.HoldRate > 0 && f.HoldFor == 0 {
		return fmt.Errorf("faults: HoldRate needs HoldFor, the time jobs stay in CREATED")
	}
	if err := validateErrorFaults(f.Errors); err != nil {
		return err
	}
	for _, k := range f.JobKinds {
		if k != kindBackup && k != kindCopy {
			return fmt.Errorf("faults: JobKinds entry %q must be \"backup\" or \"copy\"", k)
		}
	}
	return nil
}

// draw decides one fault: true with probability rate until limit (0: none) injections of
// this kind have happened since the faults were last set.
func (e *Emulator) draw(rate float64, limit int64, kind string) bool {
	if rate <= 0 || (limit > 0 && e.st.FaultUses[kind] >= limit) {
		return false
	}
	if e.rng.Float64() >= rate {
		return false
	}
	e.st.FaultUses[kind]++
	e.st.Counters.FaultsInjected[kind]++
	return true
}

// requestFault decides, for one API call, the latency to add and the error to answer with.
func (e *Emulator) requestFault(op string) (time.Duration, *apiError) {
	f := &e.st.Faults
	if err := e.errorFault(op); err != nil {
		return 0, err
	}
	if len(f.Operations) > 0 && !slices.Contains(f.Operations, op) {
		return 0, nil
	}
	var delay time.Duration
	if f.Latency > 0 {
		rate := f.LatencyRate
		if rate == 0 {
			rate = 1
		}
		if e.draw(rate, 0, "Latency") {
			delay = time.Duration(f.Latency)
		}
	}
	if e.draw(f.ThrottleRate, f.ThrottleLimit, "Throttling") {
		code := f.ThrottleCode
		if code == "" {
			code = "ThrottlingException"
		}
		return delay, errThrottling(code)
	}
	if e.draw(f.ServerErrorRate, f.ServerErrorLimit, "ServerError") {
		return delay, errServiceUnavailable("Service is temporarily unavailable (injected fault)")
	}
	return delay, nil
}

// jobFault decides, for one new job, whether it will fail and how long it is held.
func (e *Emulator) jobFault(kind string) (failReason string, hold time.Duration) {
	f := &e.st.Faults
	if len(f.JobKinds) > 0 && !slices.Contains(f.JobKinds, kind) {
		return "", 0
	}
	if e.draw(f.FailJobRate, f.FailJobLimit, "FailedJob") {
		failReason = f.FailReason
		if failReason == "" {
			failReason = "An internal error occurred (injected fault)"
		}
	}
	if e.draw(f.HoldRate, f.HoldLimit, "HeldJob") {
		hold = time.Duration(f.HoldFor)
	}
	return failReason, hold
}
