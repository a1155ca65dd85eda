package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/workflows"
)

// copyJobs are the emulator's copy jobs, listed once every request has finished (every
// job a chain recorded has ended by then).
type copyJobs struct {
	all    []types.CopyJob
	byID   map[string]types.CopyJob
	byPair map[string][]types.CopyJob // by jobPair
}

// jobPair keys the jobs of one recovery point to one destination vault: a chain's attempts
// at one order.
func jobPair(sourcePointArn, destVaultArn string) string {
	return sourcePointArn + " > " + destVaultArn
}

// copyJobs lists the emulator's copy jobs the first time it is asked.
func (v *verifier) copyJobs(ctx context.Context) (*copyJobs, error) {
	if v.jobs != nil {
		return v.jobs, nil
	}
	all, err := v.listCopyJobs(ctx)
	if err != nil {
		return nil, err
	}
	j := &copyJobs{all: all, byID: map[string]types.CopyJob{}, byPair: map[string][]types.CopyJob{}}
	for _, job := range all {
		j.byID[aws.ToString(job.CopyJobId)] = job
		k := jobPair(aws.ToString(job.SourceRecoveryPointArn), aws.ToString(job.DestinationBackupVaultArn))
		j.byPair[k] = append(j.byPair[k], job)
	}
	v.jobs = j
	return j, nil
}

// failedInAWS reports whether a job is one the run made fail: FAILED with its reason.
func failedInAWS(j types.CopyJob) bool {
	return j.State == types.CopyJobStateFailed && aws.ToString(j.StatusMessage) == failedJobReason
}

// attemptsProblem checks a record against its order's jobs in AWS: one job per attempt,
// every one before the recorded job FAILED by the run (a chain retries only a job that
// AWS ended without a copy, never a call's error), and nothing else.
func attemptsProblem(r model.CopyRecord, jobs []types.CopyJob) string {
	if len(jobs) != r.Attempts {
		return fmt.Sprintf("copy of %s: %d copy jobs in AWS for %d attempts", r.SourceRecoveryPointArn, len(jobs), r.Attempts)
	}
	for _, j := range jobs {
		if id := aws.ToString(j.CopyJobId); id != r.CopyJobId && !failedInAWS(j) {
			return fmt.Sprintf("copy of %s: earlier attempt's job %s is %s (%s), want FAILED with the injected reason",
				r.SourceRecoveryPointArn, id, j.State, aws.ToString(j.StatusMessage))
		}
	}
	return ""
}

// failedCopyProblem says why a record in state FAILED is not justified, or "" when it
// is: every one of the chain's attempts made a copy job that AWS ended FAILED, and the
// record carries AWS's reason. A copy failed by a throttled or faulted call is a problem.
func failedCopyProblem(r model.CopyRecord, jobs []types.CopyJob) string {
	if r.CopyJobId == "" {
		return fmt.Sprintf("copy of %s FAILED without a copy job: %s", r.SourceRecoveryPointArn, r.StatusMessage)
	}
	if r.Attempts != workflows.CopyAttempts {
		return fmt.Sprintf("copy of %s FAILED after %d attempts, want %d: %s", r.SourceRecoveryPointArn, r.Attempts, workflows.CopyAttempts, r.StatusMessage)
	}
	for _, j := range jobs {
		if !failedInAWS(j) {
			return fmt.Sprintf("copy of %s FAILED but its job %s is %s (%s)", r.SourceRecoveryPointArn, aws.ToString(j.CopyJobId), j.State, aws.ToString(j.StatusMessage))
		}
	}
	if why := attemptsProblem(r, jobs); why != "" {
		return why
	}
	if !strings.Contains(r.StatusMessage, failedJobReason) {
		return fmt.Sprintf("copy of %s FAILED with %q, which does not carry AWS's reason %q", r.SourceRecoveryPointArn, r.StatusMessage, failedJobReason)
	}
	return ""
}
