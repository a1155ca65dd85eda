package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/workflows"
)

func failedJob(id string) types.CopyJob {
	return types.CopyJob{CopyJobId: aws.String(id), State: types.CopyJobStateFailed, StatusMessage: aws.String(failedJobReason)}
}

func completedJob(id string) types.CopyJob {
	return types.CopyJob{CopyJobId: aws.String(id), State: types.CopyJobStateCompleted}
}

// A copy that landed on its third attempt needs two FAILED jobs before it, and no other
// job; a copy reported FAILED needs every attempt's job FAILED by AWS, with AWS's reason
// in its record. A copy failed by a call's error (no job, a throttled StartCopyJob) is
// never justified.
func TestFailedJobsJustifyRetriesAndFailedCopies(t *testing.T) {
	landed := model.CopyRecord{SourceRecoveryPointArn: "rp", CopyJobId: "c", Attempts: 3, State: model.JobCompleted}
	failed := model.CopyRecord{SourceRecoveryPointArn: "rp", CopyJobId: "c", Attempts: workflows.CopyAttempts, State: model.JobFailed,
		StatusMessage: "copy job c ended FAILED after 3 attempts: " + failedJobReason}
	cases := []struct {
		name    string
		problem func() string
		want    string // "" or a part of the problem
	}{
		{"landed after two failed jobs", func() string {
			return attemptsProblem(landed, []types.CopyJob{failedJob("a"), failedJob("b"), completedJob("c")})
		}, ""},
		{"an attempt without its job", func() string {
			return attemptsProblem(landed, []types.CopyJob{failedJob("a"), completedJob("c")})
		}, "2 copy jobs in AWS for 3 attempts"},
		{"an earlier job that completed", func() string {
			return attemptsProblem(landed, []types.CopyJob{failedJob("a"), completedJob("b"), completedJob("c")})
		}, "earlier attempt's job b is COMPLETED"},
		{"an earlier job failed for another reason", func() string {
			other := failedJob("b")
			other.StatusMessage = aws.String("The source recovery point rp no longer exists")
			return attemptsProblem(landed, []types.CopyJob{failedJob("a"), other, completedJob("c")})
		}, "earlier attempt's job b is FAILED"},
		{"every job failed", func() string {
			return failedCopyProblem(failed, []types.CopyJob{failedJob("a"), failedJob("b"), failedJob("c")})
		}, ""},
		{"failed by a throttled StartCopyJob", func() string {
			r := failed
			r.CopyJobId, r.Attempts, r.StatusMessage = "", 1, "StartCopyJob failed: ThrottlingException"
			return failedCopyProblem(r, nil)
		}, "FAILED without a copy job"},
		{"failed before the last attempt", func() string {
			r := failed
			r.Attempts = 2
			return failedCopyProblem(r, []types.CopyJob{failedJob("a"), failedJob("c")})
		}, "FAILED after 2 attempts"},
		{"its own job completed", func() string {
			return failedCopyProblem(failed, []types.CopyJob{failedJob("a"), failedJob("b"), completedJob("c")})
		}, "its job c is COMPLETED"},
		{"without AWS's reason", func() string {
			r := failed
			r.StatusMessage = "copy failed"
			return failedCopyProblem(r, []types.CopyJob{failedJob("a"), failedJob("b"), failedJob("c")})
		}, "does not carry AWS's reason"},
	}
	for _, c := range cases {
		got := c.problem()
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: problem %q, want %q", c.name, got, c.want)
		}
	}
}

// Only faults regioncopy must retry may be injected: a code that fails a call outright
// or an operation the worker does not call while copying is refused, as are rates that
// would fail most copies and holds longer than half a short lifecycle.
func TestAWSFaultOptionsRefuseWhatCannotBeSurvived(t *testing.T) {
	if err := DefaultAWSFaults().validate(); err != nil {
		t.Fatalf("defaults refused: %v", err)
	}
	cases := map[string]func(*AWSFaults){
		`"AccessDeniedException" is neither`:   func(f *AWSFaults) { f.Codes = []string{"AccessDeniedException"} },
		`"StartBackupJob" is not an operation`: func(f *AWSFaults) { f.Operations = append(f.Operations, "StartBackupJob") },
		"fail-jobs 0.9":                        func(f *AWSFaults) { f.FailJobs = 0.9 },
		"hold-for 24h0m0s":                     func(f *AWSFaults) { f.HoldFor = 24 * time.Hour },
		"burst-gap 0s":                         func(f *AWSFaults) { f.BurstGap = 0 },
	}
	for want, change := range cases {
		f := DefaultAWSFaults()
		change(&f)
		if err := f.validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
	if err := (AWSFaults{}).validate(); err != nil {
		t.Errorf("no faults refused: %v", err)
	}
}
