package emulator_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/emulator"
)

// TestPagingSurvivesChangesBetweenPages: a NextToken continues after the last item it
// returned, so jobs started and vaults or points deleted between two pages make no item
// come twice and none go missing.
func TestPagingSurvivesChangesBetweenPages(t *testing.T) {
	s := start(t, emulator.Config{})
	c := s.Client(east)
	mustVault(t, c, "src", "")
	vol := func(i int) string { return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-0%016x", i) }
	var jobs []string // newest first, as listed
	for i := range 4 {
		jobs = slices.Insert(jobs, 0, aws.ToString(mustBackup(t, c, "src", vol(i)).BackupJobId))
	}

	// A job started between pages is newer than the cursor: the next page goes on from
	// where the first stopped.
	p1, err := c.ListBackupJobs(ctx(t), &backup.ListBackupJobsInput{MaxResults: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	mustBackup(t, c, "src", vol(9))
	p2, err := c.ListBackupJobs(ctx(t), &backup.ListBackupJobsInput{MaxResults: aws.Int32(2), NextToken: p1.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range append(p1.BackupJobs, p2.BackupJobs...) {
		got = append(got, aws.ToString(j.BackupJobId))
	}
	if !slices.Equal(got, jobs) || p2.NextToken != nil {
		t.Errorf("ListBackupJobs across a new job: %v (next %v), want %v", got, p2.NextToken, jobs)
	}

	// A point deleted from the first page does not pull one of the second page back behind
	// the cursor.
	s.Emulator.Advance(time.Hour)
	r1, err := c.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("src"), MaxResults: aws.Int32(2)})
	if err != nil || len(r1.RecoveryPoints) != 2 {
		t.Fatalf("first page: %+v %v", r1, err)
	}
	if _, err := c.DeleteRecoveryPoint(ctx(t), &backup.DeleteRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: r1.RecoveryPoints[0].RecoveryPointArn}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, p := range r1.RecoveryPoints {
		seen[aws.ToString(p.RecoveryPointArn)]++
	}
	rest := backup.NewListRecoveryPointsByBackupVaultPaginator(c, &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("src"), MaxResults: aws.Int32(2), NextToken: r1.NextToken})
	n := len(r1.RecoveryPoints)
	for rest.HasMorePages() {
		r, err := rest.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.RecoveryPoints {
			seen[aws.ToString(p.RecoveryPointArn)]++
			n++
		}
	}
	if len(seen) != 5 || n != 5 {
		t.Errorf("ListRecoveryPointsByBackupVault across a deletion saw %v, want each of the 5 points once", seen)
	}

	// Likewise for vaults, listed oldest first.
	for _, n := range []string{"v-b", "v-c", "v-d"} {
		mustVault(t, c, n, "")
	}
	v1, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{MaxResults: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBackupVault(ctx(t), &backup.DeleteBackupVaultInput{BackupVaultName: aws.String("v-b")}); err != nil {
		t.Fatal(err)
	}
	v2, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{MaxResults: aws.Int32(2), NextToken: v1.NextToken})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range append(v1.BackupVaultList, v2.BackupVaultList...) {
		names = append(names, aws.ToString(v.BackupVaultName))
	}
	if want := []string{"src", "v-b", "v-c", "v-d"}; !slices.Equal(names, want) {
		t.Errorf("ListBackupVaults across a deletion: %v, want %v", names, want)
	}

	// A token is still refused when it was not issued by the operation or is not a cursor.
	_, err = c.ListCopyJobs(ctx(t), &backup.ListCopyJobsInput{NextToken: p1.NextToken})
	wantAPIError(t, err, "InvalidParameterValueException", 400)
	_, err = c.ListBackupJobs(ctx(t), &backup.ListBackupJobsInput{NextToken: aws.String("TGlzdEJhY2t1cEpvYnM6Mg")}) // "ListBackupJobs:2"
	wantAPIError(t, err, "InvalidParameterValueException", 400)
}

// TestTimeFiltersCompareWhatClientsSee: the created and completed bounds of the list
// filters compare timestamps at the millisecond precision responses carry them, so a date
// read from a response and sent back as a bound excludes that very item.
func TestTimeFiltersCompareWhatClientsSee(t *testing.T) {
	// A clock that only Advance moves, set between two milliseconds.
	s := start(t, emulator.Config{TimeScale: 1e-12, CopyBandwidth: 3e6})
	s.Emulator.Advance(1500 * time.Microsecond)
	c := s.Client(east)
	mustVault(t, c, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	b := completedBackup(t, s, c, "src", volume)
	id := mustCopy(t, c, aws.ToString(b.RecoveryPointArn), "src", dstArn, nil)
	s.Emulator.Advance(24 * time.Hour)
	j := copyJob(t, c, &id)
	if j.CompletionDate == nil {
		t.Fatalf("copy job %s has no CompletionDate", id)
	}

	count := func(in *backup.ListCopyJobsInput) int {
		t.Helper()
		out, err := c.ListCopyJobs(ctx(t), in)
		if err != nil {
			t.Fatal(err)
		}
		return len(out.CopyJobs)
	}
	ms := time.Millisecond
	for name, tc := range map[string]struct {
		in   *backup.ListCopyJobsInput
		want int
	}{
		"created after its creation date":          {&backup.ListCopyJobsInput{ByCreatedAfter: j.CreationDate}, 0},
		"created before a millisecond later":       {&backup.ListCopyJobsInput{ByCreatedBefore: aws.Time(j.CreationDate.Add(ms))}, 1},
		"completed after its completion date":      {&backup.ListCopyJobsInput{ByCompleteAfter: j.CompletionDate}, 0},
		"completed before a millisecond later":     {&backup.ListCopyJobsInput{ByCompleteBefore: aws.Time(j.CompletionDate.Add(ms))}, 1},
		"completed after a millisecond earlier":    {&backup.ListCopyJobsInput{ByCompleteAfter: aws.Time(j.CompletionDate.Add(-ms))}, 1},
		"created after a millisecond earlier":      {&backup.ListCopyJobsInput{ByCreatedAfter: aws.Time(j.CreationDate.Add(-ms))}, 1},
		"completed before its own completion date": {&backup.ListCopyJobsInput{ByCompleteBefore: j.CompletionDate}, 0},
	} {
		if got := count(tc.in); got != tc.want {
			t.Errorf("%s (%v, %v): %d jobs, want %d", name, j.CreationDate.Format(time.RFC3339Nano), j.CompletionDate.Format(time.RFC3339Nano), got, tc.want)
		}
	}

	bj, err := c.ListBackupJobs(ctx(t), &backup.ListBackupJobsInput{ByCreatedAfter: b.CreationDate})
	if err != nil || len(bj.BackupJobs) != 0 {
		t.Errorf("ListBackupJobs created after the job's own CreationDate %v: %d jobs, %v", b.CreationDate.Format(time.RFC3339Nano), len(bj.BackupJobs), err)
	}
	rp, err := c.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: b.RecoveryPointArn})
	if err != nil {
		t.Fatal(err)
	}
	pts, err := c.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("src"), ByCreatedAfter: rp.CreationDate})
	if err != nil || len(pts.RecoveryPoints) != 0 {
		t.Errorf("ListRecoveryPointsByBackupVault created after the point's own CreationDate %v: %d points, %v", rp.CreationDate.Format(time.RFC3339Nano), len(pts.RecoveryPoints), err)
	}
}

// TestPagingTokenContinuesOnlyItsOwnQuery: a NextToken is a cursor in the list that issued
// it, so it is refused, not silently applied, when sent with another vault, resource,
// Region or filter, as a GetResources PaginationToken is: a cursor applied to another list
// skips that list's items before it without a word.
func TestPagingTokenContinuesOnlyItsOwnQuery(t *testing.T) {
	s := start(t, emulator.Config{})
	c := s.Client(east)
	vol := func(i int) string { return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-0%016x", i) }
	for _, v := range []string{"v-a", "v-b"} {
		mustVault(t, c, v, "")
		for i := range 3 {
			mustBackup(t, c, v, vol(i))
		}
	}
	mustVault(t, s.Client(west), "v-a", "")
	s.Emulator.Advance(time.Hour)

	first, err := c.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("v-a"), MaxResults: aws.Int32(1)})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	// The same query continues, with any page size.
	if _, err := c.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("v-a"), MaxResults: aws.Int32(5), NextToken: first.NextToken}); err != nil {
		t.Errorf("the token's own query: %v", err)
	}
	_, err = c.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("v-b"), NextToken: first.NextToken})
	wantAPIError(t, err, "InvalidParameterValueException", 400)
	_, err = s.Client(west).ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("v-a"), NextToken: first.NextToken})
	wantAPIError(t, err, "InvalidParameterValueException", 400)
	_, err = c.ListRecoveryPointsByBackupVault(ctx(t), &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: aws.String("v-a"), ByResourceArn: aws.String(vol(2)), NextToken: first.NextToken})
	wantAPIError(t, err, "InvalidParameterValueException", 400)

	byRes, err := c.ListRecoveryPointsByResource(ctx(t), &backup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(vol(0)), MaxResults: aws.Int32(1)})
	if err != nil || byRes.NextToken == nil {
		t.Fatalf("first page by resource: %+v, %v", byRes, err)
	}
	_, err = c.ListRecoveryPointsByResource(ctx(t), &backup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(vol(1)), NextToken: byRes.NextToken})
	wantAPIError(t, err, "InvalidParameterValueException", 400)

	jobs, err := c.ListBackupJobs(ctx(t), &backup.ListBackupJobsInput{ByBackupVaultName: aws.String("v-a"), MaxResults: aws.Int32(1)})
	if err != nil || jobs.NextToken == nil {
		t.Fatalf("first page of jobs: %+v, %v", jobs, err)
	}
	_, err = c.ListBackupJobs(ctx(t), &backup.ListBackupJobsInput{ByBackupVaultName: aws.String("v-b"), NextToken: jobs.NextToken})
	wantAPIError(t, err, "InvalidParameterValueException", 400)
}
