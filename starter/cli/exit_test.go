package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
)

// runCLI runs one command line in-process with only the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
	code = Run(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

// closedAddress is a Temporal address nothing listens on: a command that tries to
// connect fails with ExitUnavailable, so a usage error proves nothing was contacted.
func closedAddress(t *testing.T) string {
	t.Helper()
	return "--address=127.0.0.1:" + strconv.Itoa(closedPort(t))
}

// closedPort returns a port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestHelpOnEveryCommandExitsZero(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"copy", "--help"}, {"status", "--help"}, {"list", "--help"},
		{"copies", "--help"}, {"setup", "--help"}, {"dev", "--help"}, {},
	} {
		code, out, errOut := runCLI(t, nil, args...)
		if code != ExitOK {
			t.Errorf("regioncopy %v exit %d, stderr %s", args, code, errOut)
		}
		if !strings.Contains(out, "Usage:") {
			t.Errorf("regioncopy %v printed no usage:\n%s", args, out)
		}
	}
	_, out, _ := runCLI(t, nil, "copy", "--help")
	for _, flag := range []string{"--recovery-point-arn", "--source-backup-vault-name", "--destination-backup-vault-arn", "--iam-role-arn", "--lifecycle", "--region", "--coalesce", "--wait", "--output"} {
		if !strings.Contains(out, flag) {
			t.Errorf("copy --help does not mention %s", flag)
		}
	}
}

func TestUsageErrorsExitTwoWithoutContactingTemporal(t *testing.T) {
	valid := []string{"copy", "--region", "us-east-1", "--recovery-point-arn", testRP, "--source-backup-vault-name", "Default",
		"--destination-backup-vault-arn", testVaultEU, "--iam-role-arn", testRole}
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"bogus"}, "unknown command"},
		{[]string{"list", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"--output", "yaml", "list"}, "--output"},
		{[]string{"status"}, "accepts 1 arg"},
		{[]string{"copies", "a", "b"}, "accepts 1 arg"},
		{[]string{"list", "--type", "planet"}, "--type"},
		{[]string{"list", "--status", "Sleeping"}, "--status"},
		{[]string{"list", "--limit", "0"}, "--limit"},
		{[]string{"list", "--state", "BOGUS"}, "--state: \"BOGUS\" is not a state of a chain or request (use IDLE, COPYING, FAILED, VALIDATING, REJECTED, COMPLETED)"},
		{[]string{"copy"}, "--recovery-point-arn"},
		{append(valid, "--lifecycle", "DeleteAfterDays=zero"), "--lifecycle"},
		{append(valid, "--lifecycle", "DeleteAfterDays=0"), "--lifecycle.DeleteAfterDays: must be at least 1 day, got 0"},
		{append(valid, "--lifecycle", "DeleteAfterDays=-3"), "--lifecycle.DeleteAfterDays: must not be negative"},
		{append(valid, "--lifecycle", "MoveToColdStorageAfterDays=10,DeleteAfterDays=20"), "--lifecycle.MoveToColdStorageAfterDays"},
		{append(valid, "--destination-backup-vault-arn", "arn:aws:backup:af-south-1:123456789012:backup-vault:Default"), "region-without-cross-region-copy"},
		{append(valid[:len(valid):len(valid)], "--wait=maybe"), "--wait"},
	} {
		code, out, errOut := runCLI(t, nil, append(tc.args, closedAddress(t))...)
		if code != ExitUsage {
			t.Errorf("regioncopy %v: exit %d, want %d (stdout %q, stderr %q)", tc.args, code, ExitUsage, out, errOut)
			continue
		}
		if !strings.Contains(errOut, tc.wantErr) {
			t.Errorf("regioncopy %v: stderr %q does not mention %q", tc.args, errOut, tc.wantErr)
		}
	}
}

func TestCopyUsesRegionFromEnvironment(t *testing.T) {
	// With AWS_REGION naming another Region than the recovery point's, validation must
	// fail on the mismatch: proof that the environment's Region was used.
	env := map[string]string{"AWS_REGION": "eu-central-1", "AWS_CONFIG_FILE": "/nonexistent"}
	code, _, errOut := runCLI(t, env, closedAddress(t), "copy", "--recovery-point-arn", testRP, "--source-backup-vault-name", "Default",
		"--destination-backup-vault-arn", testVaultEU, "--iam-role-arn", testRole)
	if code != ExitUsage || !strings.Contains(errOut, "region-mismatch") {
		t.Errorf("exit %d, stderr %q; want a region-mismatch usage error", code, errOut)
	}
}

func TestCannotConnectExitsThree(t *testing.T) {
	for _, args := range [][]string{{"list"}, {"status", "some-id"}, {"setup"}} {
		code, _, errOut := runCLI(t, nil, append(args, closedAddress(t))...)
		if code != ExitUnavailable {
			t.Errorf("regioncopy %v: exit %d, want %d (stderr %q)", args, code, ExitUnavailable, errOut)
		}
		if !strings.Contains(errOut, "cannot connect to Temporal") {
			t.Errorf("regioncopy %v: stderr %q does not say it cannot connect", args, errOut)
		}
		// The address is named once, not once by the CLI and again by the dialer.
		if n := strings.Count(errOut, "connect to Temporal at"); n != 1 {
			t.Errorf("regioncopy %v: stderr names the address %d times: %q", args, n, errOut)
		}
	}
}

func TestExitCodeClassification(t *testing.T) {
	if got := ExitCode(nil); got != ExitOK {
		t.Errorf("ExitCode(nil) = %d", got)
	}
	if got := ExitCode(classifyRunError(context.Canceled)); got != ExitFailure {
		t.Errorf("an unclassified error from a command = %d, want %d", got, ExitFailure)
	}
	if got := ExitCode(classifyRunError(usageErrorf("x"))); got != ExitUsage {
		t.Errorf("a usage error from a command = %d, want %d", got, ExitUsage)
	}
}

// TestNamespaceNotFoundNamesTheDatabaseToo: Temporal's frontend answers "Namespace ... is
// not found" both for a namespace that does not exist and while its database is down,
// so the message says both, keeping Temporal's words and the failed-operation code.
func TestNamespaceNotFoundNamesTheDatabaseToo(t *testing.T) {
	err := classifyRunError(fmt.Errorf("start the copy request: %w", serviceerror.NewNamespaceNotFound("compliance")))
	if got := ExitCode(err); got != ExitFailure {
		t.Errorf("exit code %d, want %d", got, ExitFailure)
	}
	for _, want := range []string{"Namespace compliance is not found", `if namespace "compliance" exists`, "database"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err.Error(), want)
		}
	}
	var nf *serviceerror.NamespaceNotFound
	if !errors.As(err, &nf) {
		t.Error("Temporal's error is no longer in the chain")
	}
}

func TestMalformedTimeScaleVariableIsAUsageError(t *testing.T) {
	env := map[string]string{"REGIONCOPY_TIME_SCALE": "fast"}
	code, _, errOut := runCLI(t, env, closedAddress(t), "copy", "--region", "us-east-1", "--recovery-point-arn", testRP,
		"--source-backup-vault-name", "Default", "--destination-backup-vault-arn", testVaultEU, "--iam-role-arn", testRole)
	if code != ExitUsage || !strings.Contains(errOut, "REGIONCOPY_TIME_SCALE") {
		t.Errorf("exit %d, stderr %q; want a usage error naming REGIONCOPY_TIME_SCALE", code, errOut)
	}
}

func TestEveryViolationOnItsOwnLine(t *testing.T) {
	code, _, errOut := runCLI(t, nil, closedAddress(t), "copy", "--region", "us-east-1", "--recovery-point-arn", testRP,
		"--source-backup-vault-name", "Default", "--destination-backup-vault-arn", testVaultEU, "--iam-role-arn", testRole,
		"--lifecycle", "MoveToColdStorageAfterDays=30,DeleteAfterDays=60")
	if code != ExitUsage {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 3 || lines[0] != "regioncopy: 2 problems:" ||
		!strings.HasPrefix(lines[1], "  --lifecycle.DeleteAfterDays:") || !strings.HasPrefix(lines[2], "  --lifecycle.MoveToColdStorageAfterDays:") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// The exit codes in the root help are the ones scripts read: a request the workflow
// rejects before any copy job exits 2 under `copy --wait` (see finish), and the help
// says so, as the README does.
func TestRootHelpDocumentsRejectedRequestsExitTwo(t *testing.T) {
	_, out, _ := runCLI(t, nil, "--help")
	if !strings.Contains(out, "'copy --wait' also exits 2 when the workflow rejects the request") {
		t.Errorf("root help does not say that a rejected request exits 2:\n%s", out)
	}
}

// The root help says what status shows, plan runs included, and that a canceled request
// followed by 'copy --wait' exits 1, as the README does.
func TestRootHelpDescribesStatusAndCanceledRequests(t *testing.T) {
	_, out, _ := runCLI(t, nil, "--help")
	for _, want := range []string{
		"status      Show the status of a copy request, a copy chain or a plan run",
		"'copy --wait' saw the request canceled",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("root help lacks %q:\n%s", want, out)
		}
	}
}
