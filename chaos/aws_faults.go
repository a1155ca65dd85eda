package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AWSFaults are the AWS faults injected from the first kill until every request has
// finished. Error bursts are drawn from the run's seed; which copy jobs fail or are held
// is drawn by the emulator's random source, seeded with it too, in the order the jobs
// are created.
type AWSFaults struct {
	// BurstCalls bounds an error burst: the next 1 to BurstCalls calls of one operation
	// are answered with one error code. 0 turns the bursts off.
	BurstCalls int
	// BurstGap bounds the pause between two bursts (each drawn from [BurstGap/10, BurstGap)).
	BurstGap time.Duration
	// Operations are the AWS Backup operations a burst may hit.
	Operations []string
	// Codes are the error codes a burst may answer with: throttling and service faults,
	// which regioncopy must retry, never turn into a failed copy.
	Codes []string
	// FailJobs is the share of copy jobs that end FAILED with failedJobReason.
	FailJobs float64
	// HoldJobs is the share of copy jobs held in CREATED for HoldFor of emulated time.
	HoldJobs float64
	HoldFor  time.Duration
}

// failedJobReason is the StatusMessage of a copy job the run makes fail, as AWS words
// an internal failure; a copy reported FAILED must carry it.
const failedJobReason = "Copy job failed because of an internal error in AWS Backup (injected by the chaos run)"

// The codes a burst may use: each is retried by regioncopy (activities/classify.go).
var (
	throttlingCodes   = []string{"ThrottlingException", "TooManyRequestsException", "LimitExceededException"}
	serviceFaultCodes = []string{"ServiceUnavailableException", "ServiceUnavailable", "InternalFailure", "DependencyFailureException"}
)

// faultableOperations are the AWS Backup operations the worker calls while it copies.
var faultableOperations = []string{"StartCopyJob", "DescribeCopyJob", "ListCopyJobs", "DescribeRecoveryPoint",
	"ListRecoveryPointsByBackupVault", "DeleteRecoveryPoint", "UpdateRecoveryPointLifecycle", "DescribeBackupVault"}

// DefaultAWSFaults are on at a moderate rate: bursts of up to four errors 0.3 to 3 s
// apart, one copy job in ten failed and one in ten held four emulated hours.
func DefaultAWSFaults() AWSFaults {
	return AWSFaults{
		BurstCalls: 4,
		BurstGap:   3 * time.Second,
		Operations: []string{"StartCopyJob", "DescribeCopyJob", "ListCopyJobs", "DescribeRecoveryPoint", "ListRecoveryPointsByBackupVault"},
		Codes:      []string{"ThrottlingException", "TooManyRequestsException", "ServiceUnavailableException", "ServiceUnavailable", "InternalFailure"},
		FailJobs:   0.1,
		HoldJobs:   0.1,
		HoldFor:    4 * time.Hour,
	}
}

// none reports whether no fault is asked for.
func (f AWSFaults) none() bool {
	return f.BurstCalls == 0 && f.FailJobs == 0 && f.HoldJobs == 0
}

func (f AWSFaults) validate() error {
	var errs []error
	if f.BurstCalls < 0 || f.BurstCalls > 20 {
		errs = append(errs, fmt.Errorf("burst-calls %d must be between 0 and 20", f.BurstCalls))
	}
	if f.BurstCalls > 0 {
		if f.BurstGap < 100*time.Millisecond {
			errs = append(errs, fmt.Errorf("burst-gap %s must be at least 100ms", f.BurstGap))
		}
		if len(f.Operations) == 0 || len(f.Codes) == 0 {
			errs = append(errs, errors.New("fault-ops and fault-codes must each name at least one when bursts are on"))
		}
	}
	for _, op := range f.Operations {
		if !slices.Contains(faultableOperations, op) {
			errs = append(errs, fmt.Errorf("fault-ops: %q is not an operation the worker calls while copying (%s)", op, strings.Join(faultableOperations, ", ")))
		}
	}
	for _, c := range f.Codes {
		if !slices.Contains(throttlingCodes, c) && !slices.Contains(serviceFaultCodes, c) {
			errs = append(errs, fmt.Errorf("fault-codes: %q is neither a throttling code (%s) nor a service fault (%s)",
				c, strings.Join(throttlingCodes, ", "), strings.Join(serviceFaultCodes, ", ")))
		}
	}
	for name, r := range map[string]float64{"fail-jobs": f.FailJobs, "hold-jobs": f.HoldJobs} {
		if !(r >= 0 && r <= 0.5) {
			errs = append(errs, fmt.Errorf("%s %v must be between 0 and 0.5", name, r))
		}
	}
	// A held copy of a short-lifecycle volume must still land within its one day.
	if f.HoldJobs > 0 && (f.HoldFor <= 0 || f.HoldFor > 12*time.Hour) {
		errs = append(errs, fmt.Errorf("hold-for %s must be more than 0 and at most 12h", f.HoldFor))
	}
	return errors.Join(errs...)
}

// faultClass is how a code is counted in the figures.
func faultClass(code string) string {
	if slices.Contains(throttlingCodes, code) {
		return "throttling"
	}
	return "service fault"
}
