package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/model"
)

// landedExpiredProblem says why a record in state EXPIRED_ON_LANDING is not justified, or
// "" when it is: its copy job, as the emulator reports it, COMPLETED at or after the
// copy's own DeleteAt. The DeleteAt is computed here from the record's source creation
// date and lifecycle (or the guard's extension, when later), not taken from the chain's
// say-so, so a chain that called a live copy expired fails the run.
func (v *verifier) landedExpiredProblem(ctx context.Context, r model.CopyRecord) (string, error) {
	days := r.Lifecycle.DeleteAfterDays
	if days <= 0 && r.ExtendedUntil.IsZero() {
		return fmt.Sprintf("copy of %s recorded %s but its lifecycle never expires", r.SourceRecoveryPointArn, r.State), nil
	}
	var deleteAt time.Time
	if days > 0 {
		deleteAt = r.SourceCreationDate.Add(time.Duration(days) * 24 * time.Hour)
	}
	if r.ExtendedUntil.After(deleteAt) {
		deleteAt = r.ExtendedUntil
	}
	if r.CopyJobId == "" {
		return fmt.Sprintf("copy of %s recorded %s with no copy job id", r.SourceRecoveryPointArn, r.State), nil
	}
	out, err := v.w.emu.Client(sourceRegion).DescribeCopyJob(ctx, &backup.DescribeCopyJobInput{CopyJobId: aws.String(r.CopyJobId)})
	if err != nil {
		return "", fmt.Errorf("describe copy job %s: %w", r.CopyJobId, err)
	}
	job := out.CopyJob
	if job == nil || job.State != types.CopyJobStateCompleted || job.CompletionDate == nil {
		return fmt.Sprintf("copy of %s recorded %s but its copy job %s is not COMPLETED", r.SourceRecoveryPointArn, r.State, r.CopyJobId), nil
	}
	if job.CompletionDate.Before(deleteAt) {
		return fmt.Sprintf("copy of %s recorded %s but its copy job %s completed at %s, before the copy's DeleteAt %s",
			r.SourceRecoveryPointArn, r.State, r.CopyJobId, job.CompletionDate.UTC().Format(time.RFC3339), deleteAt.UTC().Format(time.RFC3339)), nil
	}
	return "", nil
}
