package emulator_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// awsCLI finds the AWS CLI v2 named by REGIONCOPY_AWSCLI (default /usr/bin/aws: the `aws`
// first on PATH may be a v1 shim). The test is skipped only when the CLI is absent and
// REGIONCOPY_REQUIRE_AWSCLI is unset.
func awsCLI(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("REGIONCOPY_AWSCLI")
	if bin == "" {
		bin = "/usr/bin/aws"
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err == nil && strings.HasPrefix(string(out), "aws-cli/2") {
		return bin
	}
	if os.Getenv("REGIONCOPY_REQUIRE_AWSCLI") != "" {
		t.Fatalf("REGIONCOPY_REQUIRE_AWSCLI is set but %s is not the AWS CLI v2 (%q, %v)", bin, out, err)
	}
	t.Skipf("AWS CLI v2 not found at %s (set REGIONCOPY_AWSCLI)", bin)
	return ""
}

type cli struct {
	t   *testing.T
	bin string
	url string
	env []string
}

func newCLI(t *testing.T, s *emulatortest.Server, keyID, secret string) *cli {
	home := t.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=" + keyID, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=3", "AWS_RETRY_MODE=standard"}
	return &cli{t: t, bin: awsCLI(t), url: s.URL, env: env}
}

// run calls `aws backup <args>` in region and decodes its JSON output.
func (c *cli) run(region string, args ...string) map[string]any {
	c.t.Helper()
	out, stderr, err := c.exec(region, args...)
	if err != nil {
		c.t.Fatalf("aws backup %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	var v map[string]any
	if len(bytes.TrimSpace(out)) > 0 {
		if err := json.Unmarshal(out, &v); err != nil {
			c.t.Fatalf("aws backup %s printed %q: %v", args[0], out, err)
		}
	}
	return v
}

func (c *cli) exec(region string, args ...string) ([]byte, string, error) {
	return c.execService("backup", region, args...)
}

// execService calls `aws <service> <args>` in region.
func (c *cli) execService(service, region string, args ...string) ([]byte, string, error) {
	full := append([]string{"--endpoint-url", c.url, "--region", region, "--output", "json", service}, args...)
	cmd := exec.Command(c.bin, full...)
	cmd.Env = c.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.String(), err
}

// waitState polls a job with the CLI until it reaches want (the emulator runs 2000× fast).
func (c *cli) waitState(region string, get func() map[string]any, want string) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		j := get()
		if j["State"] == want {
			return j
		}
		if j["State"] == "FAILED" || time.Now().After(deadline) {
			c.t.Fatalf("job is %v, want %s: %v", j["State"], want, j)
		}
	}
}

func str(v any) string { s, _ := v.(string); return s }

// TestAWSCLIBackupAndCrossRegionCopy proves wire compatibility with a second, independent
// client of the AWS model (botocore, through the AWS CLI v2), SigV4 verification included.
func TestAWSCLIBackupAndCrossRegionCopy(t *testing.T) {
	keyID, secret := "AKIACLITEST", "cli-secret"
	s := emulatortest.Start(t, emulator.Config{TimeScale: 2000, Credentials: map[string]string{keyID: secret}})
	c := newCLI(t, s, keyID, secret)

	c.run(east, "create-backup-vault", "--backup-vault-name", "src")
	dst := c.run(west, "create-backup-vault", "--backup-vault-name", "dst", "--encryption-key-arn", westKey)
	dstArn := str(dst["BackupVaultArn"])
	if dstArn != vaultArn(west, "dst") {
		t.Fatalf("CreateBackupVault answered %v", dst)
	}

	backupOnce := func() map[string]any {
		started := c.run(east, "start-backup-job", "--backup-vault-name", "src", "--resource-arn", volume, "--iam-role-arn", role)
		id := str(started["BackupJobId"])
		return c.waitState(east, func() map[string]any { return c.run(east, "describe-backup-job", "--backup-job-id", id) }, "COMPLETED")
	}
	copyOnce := func(point string, check bool) map[string]any {
		started := c.run(east, "start-copy-job", "--recovery-point-arn", point, "--source-backup-vault-name", "src",
			"--destination-backup-vault-arn", dstArn, "--iam-role-arn", role, "--lifecycle", "DeleteAfterDays=35")
		id := str(started["CopyJobId"])
		done := c.waitState(east, func() map[string]any {
			return c.run(east, "describe-copy-job", "--copy-job-id", id)["CopyJob"].(map[string]any)
		}, "COMPLETED")
		if check {
			listed := c.run(east, "list-copy-jobs", "--by-state", "COMPLETED", "--by-resource-arn", volume)
			if jobs, _ := listed["CopyJobs"].([]any); len(jobs) != 1 {
				t.Fatalf("list-copy-jobs: %v", listed)
			}
		}
		return done
	}

	b1 := backupOnce()
	point1 := str(b1["RecoveryPointArn"])
	rp := c.run(east, "describe-recovery-point", "--backup-vault-name", "src", "--recovery-point-arn", point1)
	if rp["Status"] != "COMPLETED" || rp["ResourceType"] != "EBS" {
		t.Fatalf("describe-recovery-point (an escaped ARN in the path): %v", rp)
	}
	// (DestinationEncryptionKeyArn is newer than the CLI's model: the listing shows the key.)
	j1 := copyOnce(point1, true)
	points := c.run(west, "list-recovery-points-by-backup-vault", "--backup-vault-name", "dst")["RecoveryPoints"].([]any)
	if len(points) != 1 {
		t.Fatalf("destination vault lists %v", points)
	}
	copy1 := points[0].(map[string]any)
	if str(copy1["EncryptionKeyArn"]) != westKey || str(copy1["RecoveryPointArn"]) != str(j1["DestinationRecoveryPointArn"]) ||
		copy1["ResourceArn"] != volume || copy1["CreationDate"] != rp["CreationDate"] {
		t.Fatalf("copy in the destination vault %v (source %v)", copy1, rp)
	}

	// A later backup copied to the same vault moves only the change.
	s.Emulator.Advance(24 * time.Hour)
	b2 := backupOnce()
	copyOnce(str(b2["RecoveryPointArn"]), false)
	counters := s.Emulator.Counters()
	change, _ := b2["BytesTransferred"].(float64)
	if counters.FullCopies != 1 || counters.IncrementalCopies != 1 || counters.BytesTransferred[east+">"+west] != fullSize+int64(change) || change <= 0 {
		t.Fatalf("second copy: full %d incremental %d bytes %d (change %v)", counters.FullCopies, counters.IncrementalCopies,
			counters.BytesTransferred[east+">"+west], change)
	}

	// Errors reach the CLI with AWS's codes.
	_, stderr, err := c.exec(east, "describe-backup-vault", "--backup-vault-name", "missing")
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Fatalf("describe-backup-vault of a missing vault: %v %s", err, stderr)
	}
}
