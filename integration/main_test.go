package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/starter/cli"
)

// timeScale: one emulated hour per real second, so a one-day lifecycle ends in 24s.
const timeScale = 3600

// slowRegion is reached over a slow link (see slowPairBandwidth), so a copy there lasts
// long enough to kill the worker in the middle of it.
const slowRegion = "ap-southeast-2"

// slowPairBandwidth makes a 1 GiB full copy take 32768 emulated seconds: about 9s.
const slowPairBandwidth = 32 << 10

// stack is shared by every test: starting the dev server is the slow part. Tests keep
// apart by using resources of their own (a chain is per resource).
var stack *devstack.Stack

func TestMain(m *testing.M) {
	if os.Getenv("REGIONCOPY_SKIP_INTEGRATION") != "" || isShort() {
		fmt.Println("integration tests skipped (-short or REGIONCOPY_SKIP_INTEGRATION)")
		os.Exit(0)
	}
	ctx := context.Background()
	var err error
	stack, err = devstack.Start(ctx, devstack.Options{
		Temporal:  devstack.TemporalOptions{Headless: true},
		TimeScale: timeScale,
		// No hourly sample run may start among the tests' own.
		NoSamplePlan: true,
		Emulator: emulator.Config{
			PairBandwidth: map[string]float64{"us-east-1>" + slowRegion: slowPairBandwidth},
			// AWS removes an expired point some time after its DeleteAt: the chains delete
			// their expired copies themselves first, as the expiry test checks.
			LifecycleLag: 6 * time.Hour,
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "start the dev stack:", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := stack.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stop the dev stack:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func isShort() bool {
	for _, a := range os.Args[1:] {
		if a == "-test.short" || a == "-test.short=true" {
			return true
		}
	}
	return false
}

// volume is one EBS volume of a test, with vaults in the sample's Regions.
type volume struct {
	devstack.Sample
	backups int
}

var volumeSeq atomic.Int64

// newVolume seeds a fresh 1 GiB EBS volume, so that the test's chains are its own.
func newVolume(t *testing.T) *volume {
	t.Helper()
	s := stack.Sample
	s.VolumeArn = fmt.Sprintf("arn:aws:ec2:us-east-1:%s:volume/vol-%017x", s.AccountID, 0xabc000+volumeSeq.Add(1))
	s.RecoveryPointArns = nil
	if err := stack.Emulator.Emulator.SeedResources([]emulator.ResourceSeed{{ResourceArn: s.VolumeArn, SizeBytes: 1 << 30, DailyWriteRate: 0.05}}); err != nil {
		t.Fatal(err)
	}
	return &volume{Sample: s}
}

// backup takes a completed backup of the volume and returns its recovery point ARN.
func (v *volume) backup(t *testing.T) string {
	t.Helper()
	v.backups++
	arn, err := devstack.Backup(context.Background(), stack.Emulator, v.Sample, fmt.Sprintf("%s-%d", v.VolumeArn, v.backups))
	if err != nil {
		t.Fatal(err)
	}
	v.RecoveryPointArns = append(v.RecoveryPointArns, arn)
	return arn
}

// copyArgs are `regioncopy copy` arguments for the recovery point to the destinations.
func (v *volume) copyArgs(rp string, destinations []string, extra ...string) []string {
	args := []string{"--address", stack.Temporal.Address, "copy", "--region", v.SourceRegion,
		"--recovery-point-arn", rp, "--source-backup-vault-name", v.VaultName, "--iam-role-arn", v.IamRoleArn,
		"--time-scale", fmt.Sprint(timeScale), "--task-queue", stack.TaskQueue}
	for _, d := range destinations {
		args = append(args, "--destination-backup-vault-arn", d)
	}
	return append(args, extra...)
}

// result of one CLI run.
type result struct {
	code           int
	stdout, stderr string
}

// regioncopy runs the CLI in-process, through the same code path as the binary.
func regioncopy(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out, errOut bytes.Buffer
	code := cli.Run(ctx, args, &cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	return result{code, out.String(), errOut.String()}
}

// waitOutcome is the part of `copy --wait --output json` the tests read.
type waitOutcome struct {
	WorkflowId string
	RunId      string
	Result     *struct {
		Results []struct {
			Destination     struct{ BackupVaultArn string }
			ChainWorkflowId string
			Record          *struct {
				Kind                        string
				State                       string
				BackupSizeInBytes           int64
				DestinationRecoveryPointArn string
				CopyJobId                   string
			}
			Error string
		}
	}
	Error    string
	Problems []string
}

func decodeOutcome(t *testing.T, r result) waitOutcome {
	t.Helper()
	var o waitOutcome
	if err := json.Unmarshal([]byte(r.stdout), &o); err != nil {
		t.Fatalf("copy --wait --output json printed %q (stderr %q): %v", r.stdout, r.stderr, err)
	}
	return o
}

// counters reads the emulator's counters.
func counters() emulator.Counters { return stack.Emulator.Emulator.Counters() }

// vaultArn of the sample's vault name in region.
func vaultArn(region string) string {
	return fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", region, stack.Sample.AccountID, stack.Sample.VaultName)
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s does not mention %q:\n%s", what, w, text)
		}
	}
}
