package integration

import (
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/starter/cli"
)

// Each invalid request gets a clear error naming what is wrong, exit code 2, and starts
// no copy job: checked locally by the CLI where the command line shows the problem, and
// by the workflow (before any StartCopyJob) where only AWS knows.
func TestInvalidRequestsStartNothing(t *testing.T) {
	v := newVolume(t)
	rp := v.backup(t)
	okDest := []string{vaultArn("eu-west-1")}

	// A DynamoDB table with a completed backup (an arn:aws:backup recovery point, whose
	// type only DescribeRecoveryPoint reveals).
	table := v.Sample
	table.VolumeArn = "arn:aws:dynamodb:us-east-1:" + v.AccountID + ":table/orders"
	dynamoRP, err := backupNow(&volume{Sample: table}, "dynamodb-orders-1")
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		args  []string
		wants []string
	}{
		{"DynamoDB", v.copyArgs(dynamoRP, okDest, "--wait"), []string{"DynamoDB", "resource-type-not-copyable-cross-region"}},
		{"blocked Region", v.copyArgs(rp, []string{vaultArn("me-south-1")}, "--wait"), []string{"me-south-1", "region-without-cross-region-copy", "--destination-backup-vault-arn"}},
		{"bad lifecycle numbers", v.copyArgs(rp, okDest, "--lifecycle", "MoveToColdStorageAfterDays=30,DeleteAfterDays=60", "--wait"), []string{"--lifecycle", "min-days-in-cold-storage"}},
		{"missing vault", v.copyArgs(rp, []string{"arn:aws:backup:eu-west-1:" + v.AccountID + ":backup-vault:no-such-vault"}, "--wait"), []string{"no-such-vault"}},
		{"malformed ARN", v.copyArgs("arn:aws:ec2:us-east-1::snapshot/not-a-snapshot", okDest, "--wait"), []string{"--recovery-point-arn", "arn-syntax"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := counters()
			r := regioncopy(t, time.Minute, tc.args...)
			if r.code != cli.ExitUsage {
				t.Errorf("exit %d, want %d\nstdout %s\nstderr %s", r.code, cli.ExitUsage, r.stdout, r.stderr)
			}
			mustContain(t, "the error", r.stderr, tc.wants...)
			after := counters()
			if got := after.Calls["StartCopyJob"] - before.Calls["StartCopyJob"]; got != 0 {
				t.Errorf("StartCopyJob called %d times", got)
			}
			if got := after.CopyJobs - before.CopyJobs; got != 0 {
				t.Errorf("%d copy jobs created", got)
			}
		})
	}
}
