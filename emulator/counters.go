package emulator

import (
	"maps"
	"strings"
)

// Counters are what tests and benchmarks read to check the orchestrator's behaviour.
type Counters struct {
	// Calls counts API calls per operation name (UnknownOperation for unknown routes),
	// including those answered with an error.
	Calls map[string]int64
	// StartCopyJobCalls counts StartCopyJob calls per idempotency token.
	StartCopyJobCalls map[string]int64
	// CopyJobsPerToken counts the distinct copy jobs created per idempotency token
	// (1 when idempotency held).
	CopyJobsPerToken map[string]int64
	// BytesTransferred counts bytes moved by completed copy jobs per "source>destination"
	// Region pair.
	BytesTransferred map[string]int64
	// FullCopies and IncrementalCopies count completed copy jobs by kind.
	FullCopies        int64
	IncrementalCopies int64
	// CopyJobs and BackupJobs count created jobs.
	CopyJobs   int64
	BackupJobs int64
	// RecoveryPointsPerVault is the current number of recovery points per vault ARN.
	RecoveryPointsPerVault map[string]int64
	// FaultsInjected counts injected faults per kind (Throttling, ServerError, FailedJob,
	// HeldJob, Latency).
	FaultsInjected map[string]int64
}

// counterState is the persisted part of Counters.
type counterState struct {
	Calls             map[string]int64
	StartCopyJobCalls map[string]int64
	CopyJobsPerToken  map[string]int64
	BytesTransferred  map[string]int64
	FullCopies        int64
	IncrementalCopies int64
	CopyJobs          int64
	BackupJobs        int64
	FaultsInjected    map[string]int64
}

func newCounterState() counterState {
	return counterState{
		Calls:             map[string]int64{},
		StartCopyJobCalls: map[string]int64{},
		CopyJobsPerToken:  map[string]int64{},
		BytesTransferred:  map[string]int64{},
		FaultsInjected:    map[string]int64{},
	}
}

// fill makes the maps of a state loaded from an older or hand-written file usable.
func (c *counterState) fill() {
	for _, m := range []*map[string]int64{&c.Calls, &c.StartCopyJobCalls, &c.CopyJobsPerToken, &c.BytesTransferred, &c.FaultsInjected} {
		orEmpty(m)
	}
}

// Counters returns a snapshot of the counters, after applying everything due by now.
func (e *Emulator) Counters() Counters {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.settle(e.clock.now())
	c := e.st.Counters
	out := Counters{
		Calls:                  maps.Clone(c.Calls),
		StartCopyJobCalls:      maps.Clone(c.StartCopyJobCalls),
		CopyJobsPerToken:       maps.Clone(c.CopyJobsPerToken),
		BytesTransferred:       maps.Clone(c.BytesTransferred),
		FullCopies:             c.FullCopies,
		IncrementalCopies:      c.IncrementalCopies,
		CopyJobs:               c.CopyJobs,
		BackupJobs:             c.BackupJobs,
		RecoveryPointsPerVault: map[string]int64{},
		FaultsInjected:         maps.Clone(c.FaultsInjected),
	}
	for _, v := range e.st.Vaults {
		out.RecoveryPointsPerVault[v.Arn] = 0
	}
	for _, p := range e.st.Points {
		out.RecoveryPointsPerVault[p.VaultArn]++
	}
	return out
}

func pairKey(src, dst string) string { return src + ">" + dst }

// splitPair splits a "source>destination" Region pair key.
func splitPair(key string) (src, dst string, ok bool) {
	src, dst, ok = strings.Cut(key, ">")
	return src, dst, ok && regionPattern.MatchString(src) && regionPattern.MatchString(dst)
}
