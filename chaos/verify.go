package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// chainCopies is one chain's answer to the copies query.
type chainCopies struct {
	ID       string
	Resource *resource
	Region   string
	Records  []model.CopyRecord
}

// verifier checks the end state against the workload's record of what it asked for.
type verifier struct {
	w      *workload
	checks []Check
	fig    *Figures
	jobs   *copyJobs // listed once every request has finished
}

// check records one assertion; details say what broke, one line per problem.
func (v *verifier) check(name, want string, got any, details []string) {
	c := Check{Name: name, Want: want, Got: fmt.Sprint(got), Pass: len(details) == 0}
	if len(details) > 20 {
		details = append(details[:20], fmt.Sprintf("... and %d more", len(details)-20))
	}
	c.Details = details
	v.checks = append(v.checks, c)
}

// waitRequests waits for every request's workflow to finish and checks that each
// completed with a COMPLETED copy in both destinations, or, for a destination whose copy
// job finished after the copy's own DeleteAt, with an error and an EXPIRED_ON_LANDING record,
// or, for a copy that landed in time and was gone before its chain described it, with a
// DELETED record and no error, or, for a destination whose every copy job AWS ended
// FAILED, with an error carrying AWS's reason.
func (v *verifier) waitRequests(ctx context.Context) {
	var problems []string
	var completed []string // requests whose every destination is as required
	// FAILED destinations are judged against the copy jobs once every request has ended.
	type failedDestination struct {
		workflowID string
		result     model.DestinationResult
	}
	var failed []failedDestination
	for _, r := range v.w.requests {
		var res model.CopyRequestResult
		if err := v.w.client.GetWorkflow(ctx, r.WorkflowID, "").Get(ctx, &res); err != nil {
			// A request with a failed destination fails with ErrCopyFailed, its result
			// in the details: each destination is judged below all the same.
			var appErr *temporal.ApplicationError
			if !errors.As(err, &appErr) || appErr.Type() != model.ErrCopyFailed || !appErr.HasDetails() || appErr.Details(&res) != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", r.WorkflowID, err))
				continue
			}
		}
		ok := len(res.Results) == len(destinationRegions)
		for _, d := range res.Results {
			if d.Error == "" && d.Record != nil && d.Record.State == model.JobCompleted {
				continue
			}
			if d.Error != "" && d.Record != nil && d.Record.State == model.JobFailed {
				failed = append(failed, failedDestination{workflowID: r.WorkflowID, result: d})
				continue
			}
			// A copy that landed before its DeleteAt and was gone by the time its chain
			// described it (its life ran out while the worker was down) was made: the chain
			// reports it DELETED with no error. Whether it is really gone is checked below.
			if r := d.Record; d.Error == "" && r != nil && r.State == model.RecordDeleted && r.CopyJobId != "" &&
				!r.CompletedAt.IsZero() && (r.DeleteAt.IsZero() || r.CompletedAt.Before(r.DeleteAt)) {
				continue
			}
			// A copy whose job finished after its own DeleteAt does not exist: its
			// requester is told so with an error, which is right only if it did land late.
			if d.Error != "" && d.Record != nil && d.Record.State == model.RecordExpiredOnLanding {
				why, err := v.landedExpiredProblem(ctx, *d.Record)
				if err != nil {
					problems = append(problems, fmt.Sprintf("%s: %s: %v", r.WorkflowID, d.Destination.BackupVaultArn, err))
					ok = false
				} else if why != "" {
					problems = append(problems, fmt.Sprintf("%s: %s: %s", r.WorkflowID, d.Destination.BackupVaultArn, why))
					ok = false
				}
				continue
			}
			ok = false
			problems = append(problems, fmt.Sprintf("%s: %s: error %q record %+v", r.WorkflowID, d.Destination.BackupVaultArn, d.Error, d.Record))
		}
		if ok {
			completed = append(completed, r.WorkflowID)
		} else if len(res.Results) != len(destinationRegions) {
			problems = append(problems, fmt.Sprintf("%s: %d destination results, want %d", r.WorkflowID, len(res.Results), len(destinationRegions)))
		}
	}
	unjustified := map[string]bool{}
	if len(failed) > 0 {
		jobs, err := v.copyJobs(ctx)
		for _, f := range failed {
			d := f.result
			why := ""
			switch {
			case err != nil:
				why = err.Error()
			case !strings.Contains(d.Error, failedJobReason):
				why = fmt.Sprintf("error %q does not carry AWS's reason %q", d.Error, failedJobReason)
			default:
				why = failedCopyProblem(*d.Record, jobs.byPair[jobPair(d.Record.SourceRecoveryPointArn, d.Destination.BackupVaultArn)])
			}
			if why == "" {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s: %s: %s", f.workflowID, d.Destination.BackupVaultArn, why))
			unjustified[f.workflowID] = true
		}
	}
	v.fig.RequestsCompleted = 0
	for _, id := range completed {
		if !unjustified[id] {
			v.fig.RequestsCompleted++
		}
	}
	v.check("every request completed with a copy in both destinations (or an error for a copy that landed after its DeleteAt, or AWS's reason for a copy whose every job failed)",
		fmt.Sprint(len(v.w.requests)), v.fig.RequestsCompleted, problems)
}

// queryChains asks every chain for its copies.
func (v *verifier) queryChains(ctx context.Context) ([]*chainCopies, error) {
	var chains []*chainCopies
	for _, res := range v.w.resources {
		for _, region := range destinationRegions {
			ch := &chainCopies{Resource: res, Region: region, ID: model.ChainWorkflowID(model.ChainKey{
				ResourceArn: res.Arn, SourceRegion: sourceRegion, DestinationRegion: region, DestinationBackupVaultArn: vaultArn(region)})}
			recs, err := v.copies(ctx, ch.ID)
			if err != nil {
				return nil, err
			}
			ch.Records = recs
			chains = append(chains, ch)
		}
	}
	return chains, nil
}

func (v *verifier) copies(ctx context.Context, chainID string) ([]model.CopyRecord, error) {
	// Every run the chain went through, as regioncopy copies reads them.
	runs, err := temporalclient.ChainRuns(ctx, v.w.client, chainID, 100)
	if err != nil {
		return nil, err
	}
	recs, err := temporalclient.ChainCopies(ctx, v.w.client, chainID, runs)
	if err != nil {
		return nil, fmt.Errorf("query %s of chain %s: %w", model.QueryCopies, chainID, err)
	}
	return recs, nil
}

// checkChains: every recovery point of the resource exactly once, COMPLETED, or DELETED
// when its lifecycle is the short one, or EXPIRED_ON_LANDING when its job finished after
// the copy's DeleteAt.
func (v *verifier) checkChains(ctx context.Context, chains []*chainCopies) error {
	var problems []string
	for _, ch := range chains {
		seen := map[string]int{}
		for _, r := range ch.Records {
			seen[r.SourceRecoveryPointArn]++
			switch {
			case r.State == model.JobCompleted:
				v.fig.Copies++
			case r.State == model.RecordDeleted && ch.Resource.Lifecycle == shortLifecycle:
				v.fig.Copies++
				v.fig.Deleted++
			case r.State == model.JobFailed:
				jobs, err := v.copyJobs(ctx)
				if err != nil {
					return err
				}
				if why := failedCopyProblem(r, jobs.byPair[jobPair(r.SourceRecoveryPointArn, vaultArn(ch.Region))]); why != "" {
					problems = append(problems, fmt.Sprintf("%s: %s", ch.ID, why))
				} else {
					v.fig.Faults.FailedCopies++
				}
			case r.State == model.RecordExpiredOnLanding:
				why, err := v.landedExpiredProblem(ctx, r)
				if err != nil {
					return err
				}
				if why != "" {
					problems = append(problems, fmt.Sprintf("%s: %s", ch.ID, why))
				} else {
					v.fig.Copies++
					v.fig.LandedExpired++
				}
			default:
				problems = append(problems, fmt.Sprintf("%s: %s is %s (%s)", ch.ID, r.SourceRecoveryPointArn, r.State, r.StatusMessage))
			}
			if !r.ExtendedUntil.IsZero() {
				v.fig.GuardExtended++
			}
			if !slices.Contains(ch.Resource.Points, r.SourceRecoveryPointArn) {
				problems = append(problems, fmt.Sprintf("%s: copy of %s, a point the workload never asked for", ch.ID, r.SourceRecoveryPointArn))
			}
		}
		for _, p := range ch.Resource.Points {
			if seen[p] != 1 {
				problems = append(problems, fmt.Sprintf("%s: %s listed %d times, want once", ch.ID, p, seen[p]))
			}
		}
	}
	v.fig.Chains = len(chains)
	want := 0
	for _, r := range v.w.resources {
		want += len(r.Points) * len(destinationRegions)
	}
	v.check("every chain lists each recovery point exactly once, COMPLETED (or DELETED after expiry, or EXPIRED_ON_LANDING after a late job, or FAILED after every job failed in AWS)",
		fmt.Sprint(want), v.fig.Copies+v.fig.Faults.FailedCopies, problems)
	return nil
}

// checkJobs: one copy job per idempotency token, one per copy, and no job the chains
// do not know of.
func (v *verifier) checkJobs(ctx context.Context, chains []*chainCopies) error {
	c := v.w.emu.Emulator.Counters()
	v.fig.CopyJobs = c.CopyJobs
	v.fig.StartCopyJobCalls = c.Calls["StartCopyJob"]
	v.fig.DescribeCopyJobCalls = c.Calls["DescribeCopyJob"]
	v.fig.DeleteRecoveryPointCalls = c.Calls["DeleteRecoveryPoint"]
	v.fig.UpdateLifecycleCalls = c.Calls["UpdateRecoveryPointLifecycle"]
	v.fig.IdempotencyTokens = len(c.CopyJobsPerToken)
	v.fig.EmulatorFullCopies, v.fig.EmulatorIncrementalCopies = c.FullCopies, c.IncrementalCopies

	var dup []string
	for token, n := range c.CopyJobsPerToken {
		if n != 1 {
			dup = append(dup, fmt.Sprintf("idempotency token %s made %d copy jobs", token, n))
			v.fig.Duplicates += n - 1
		}
	}
	sort.Strings(dup)
	v.check("exactly one copy job per idempotency token", "1 each", fmt.Sprintf("%d tokens", len(c.CopyJobsPerToken)), dup)

	jobs, err := v.copyJobs(ctx)
	if err != nil {
		return err
	}
	recorded := map[string]string{}
	earlier := map[string]bool{} // FAILED jobs of attempts before a record's own
	var problems []string
	for _, ch := range chains {
		for _, r := range ch.Records {
			if r.CopyJobId == "" {
				problems = append(problems, fmt.Sprintf("%s: copy of %s has no copy job id", ch.ID, r.SourceRecoveryPointArn))
				continue
			}
			if other, ok := recorded[r.CopyJobId]; ok {
				problems = append(problems, fmt.Sprintf("copy job %s recorded twice (%s and %s)", r.CopyJobId, other, ch.ID))
			}
			recorded[r.CopyJobId] = ch.ID
			pair := jobs.byPair[jobPair(r.SourceRecoveryPointArn, vaultArn(ch.Region))]
			if why := attemptsProblem(r, pair); why != "" {
				problems = append(problems, fmt.Sprintf("%s: %s", ch.ID, why))
			}
			for _, j := range pair {
				if id := aws.ToString(j.CopyJobId); id != r.CopyJobId && failedInAWS(j) {
					earlier[id] = true
				}
			}
			if r.Attempts > 1 && r.State != model.JobFailed {
				v.fig.Faults.CopiedAfterFailedJob++
			}
		}
	}
	for _, j := range jobs.all {
		if j.State == types.CopyJobStateFailed {
			v.fig.Faults.FailedJobsListed++
		}
		if id := aws.ToString(j.CopyJobId); recorded[id] == "" && !earlier[id] {
			problems = append(problems, fmt.Sprintf("copy job %s of %s to %s (%s) belongs to no recorded copy",
				id, aws.ToString(j.SourceRecoveryPointArn), aws.ToString(j.DestinationBackupVaultArn), j.State))
			v.fig.Duplicates++
		}
	}
	if want := int64(len(recorded) + len(earlier)); want != c.CopyJobs {
		problems = append(problems, fmt.Sprintf("the emulator created %d copy jobs, the chains recorded %d and %d earlier failed attempts", c.CopyJobs, len(recorded), len(earlier)))
	}
	v.check("as many copy jobs as copies, FAILED copies and failed earlier attempts, each recorded by its chain (nothing doubled)",
		fmt.Sprintf("%d + %d + %d", v.fig.Copies, v.fig.Faults.FailedCopies, len(earlier)), c.CopyJobs, problems)
	return nil
}

func (v *verifier) listCopyJobs(ctx context.Context) ([]types.CopyJob, error) {
	var out []types.CopyJob
	p := backup.NewListCopyJobsPaginator(v.w.emu.Client(sourceRegion), &backup.ListCopyJobsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list copy jobs: %w", err)
		}
		out = append(out, page.CopyJobs...)
	}
	return out, nil
}

// checkFull computes, from the chains' records, which copies had to be full: the first
// of a chain, and any whose every earlier copy had been deleted by the chain or expired
// in AWS (its DeleteAt, or the guard's extension, passed) before its job was created (so
// also any that landed already expired), so
// that no base was left in the vault. The chains' kinds and the emulator's count
// of full and incremental jobs must both agree with it.
func (v *verifier) checkFull(chains []*chainCopies) {
	// Map the emulator clock (job creation dates) onto the wall clock (DeletedAt is the
	// workflow's clock): both run steadily, the emulator's TimeScale times faster.
	emuNow, wallNow := v.w.emu.Emulator.Now(), time.Now()
	toWall := func(t time.Time) time.Time {
		return wallNow.Add(-time.Duration(float64(emuNow.Sub(t)) / v.w.timeScale))
	}
	var expected, recordedFull int64
	var problems []string
	for _, ch := range chains {
		for i, r := range ch.Records {
			if r.State == model.JobFailed {
				continue // no copy, so neither full nor incremental, and no base
			}
			start := toWall(r.StartedAt)
			full := true
			for j, b := range ch.Records {
				if j == i || b.State == model.JobFailed || !b.CompletedAt.Before(r.StartedAt) {
					continue // not yet landed when this job was created
				}
				awsDelete := b.DeleteAt
				if b.ExtendedUntil.After(awsDelete) {
					awsDelete = b.ExtendedUntil
				}
				expiredInAWS := !awsDelete.IsZero() && !awsDelete.After(r.StartedAt)
				deletedByChain := b.State == model.RecordDeleted && !b.DeletedAt.After(start)
				// A copy that landed expired is covered by expiredInAWS: its DeleteAt is
				// before its job's completion, so before any later job's creation.
				if !expiredInAWS && !deletedByChain {
					full = false
				}
			}
			if full {
				expected++
			}
			if r.Kind == model.CopyFull {
				recordedFull++
			}
			want := model.CopyIncremental
			if full {
				want = model.CopyFull
			}
			if r.Kind != want {
				problems = append(problems, fmt.Sprintf("%s: copy of %s is %s, want %s", ch.ID, r.SourceRecoveryPointArn, r.Kind, want))
			}
		}
	}
	v.fig.ExpectedFullCopies = expected
	v.fig.JustifiedByExpiry = expected - int64(len(chains))
	if v.fig.EmulatorFullCopies != expected {
		problems = append(problems, fmt.Sprintf("the emulator made %d full copies, want %d", v.fig.EmulatorFullCopies, expected))
	}
	if got, want := v.fig.EmulatorIncrementalCopies, int64(v.fig.Copies)-expected; got != want {
		problems = append(problems, fmt.Sprintf("the emulator made %d incremental copies, want %d", got, want))
	}
	v.check("full copies: one per resource and destination, plus those whose base had expired",
		fmt.Sprintf("%d (%d chains + %d after an expired base)", expected, len(chains), v.fig.JustifiedByExpiry),
		fmt.Sprintf("%d by the emulator, %d by the chains", v.fig.EmulatorFullCopies, recordedFull), problems)
}

// checkExistence: every destination recovery point a chain holds as COMPLETED is in its
// vault, every one recorded DELETED or EXPIRED_ON_LANDING is not, and the vaults hold no copy of the workload's
// volumes that no chain records.
func (v *verifier) checkExistence(ctx context.Context, chains []*chainCopies) error {
	var problems []string
	known := map[string]bool{}
	for _, ch := range chains {
		c := v.w.emu.Client(ch.Region)
		for _, r := range ch.Records {
			if r.State == model.JobFailed {
				continue // its jobs left no recovery point (checked below: no copy unrecorded)
			}
			known[r.DestinationRecoveryPointArn] = true
			present, status, err := v.present(ctx, c, r.DestinationRecoveryPointArn)
			if err != nil {
				return err
			}
			switch {
			case r.State == model.RecordExpiredOnLanding && present:
				problems = append(problems, fmt.Sprintf("%s: %s recorded EXPIRED_ON_LANDING but in the vault (%s)", ch.ID, r.DestinationRecoveryPointArn, status))
			case r.State == model.RecordDeleted && present:
				problems = append(problems, fmt.Sprintf("%s: %s recorded DELETED but still in the vault (%s)", ch.ID, r.DestinationRecoveryPointArn, status))
			case r.State == model.JobCompleted && !present:
				// The copy may have expired between the query and now: ask the chain again.
				again, err := v.stateNow(ctx, ch.ID, r.DestinationRecoveryPointArn)
				if err != nil {
					return err
				}
				if again != model.RecordDeleted {
					problems = append(problems, fmt.Sprintf("%s: %s recorded %s but not in the vault (%s)", ch.ID, r.DestinationRecoveryPointArn, again, status))
				}
			}
		}
	}
	for _, region := range destinationRegions {
		p := backup.NewListRecoveryPointsByBackupVaultPaginator(v.w.emu.Client(region), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String(vaultName)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list recovery points of %s in %s: %w", vaultName, region, err)
			}
			for _, rp := range page.RecoveryPoints {
				if !known[aws.ToString(rp.RecoveryPointArn)] {
					problems = append(problems, fmt.Sprintf("%s holds %s (copy of %s, %s) that no chain records",
						vaultArn(region), aws.ToString(rp.RecoveryPointArn), aws.ToString(rp.SourceBackupVaultArn), rp.Status))
				}
			}
		}
	}
	v.check("every recorded destination recovery point exists unless recorded DELETED, and no other copy exists",
		"0 missing, 0 extra", len(problems), problems)
	return nil
}

// present reports whether the destination recovery point is in its vault.
func (v *verifier) present(ctx context.Context, c *backup.Client, arn string) (bool, string, error) {
	out, err := c.DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
		BackupVaultName: aws.String(vaultName), RecoveryPointArn: aws.String(arn)})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return false, "not found", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("describe recovery point %s: %w", arn, err)
	}
	return out.Status == types.RecoveryPointStatusCompleted, string(out.Status), nil
}

// stateNow is the chain's current record state of one destination recovery point.
func (v *verifier) stateNow(ctx context.Context, chainID, destArn string) (string, error) {
	recs, err := v.copies(ctx, chainID)
	if err != nil {
		return "", err
	}
	for _, r := range recs {
		if r.DestinationRecoveryPointArn == destArn {
			return r.State, nil
		}
	}
	return "gone from the chain's records", nil
}
