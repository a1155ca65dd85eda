package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"runtime"
	"testing"

	"github.com/regioncopy/regioncopy/buildinfo"
)

func runVersion(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	if code := Run(context.Background(), args, env); code != 0 {
		t.Fatalf("regioncopy %v: exit %d, stderr %s", args, code, errOut.String())
	}
	return out.String()
}

// `regioncopy version` and `regioncopy --version` print one line naming the program,
// the version, the commit and the Go version, without reaching Temporal.
func TestVersionCommand(t *testing.T) {
	line := regexp.MustCompile(`^regioncopy \S+ \(commit \S+, ` + regexp.QuoteMeta(runtime.Version()) + `\)\n$`)
	cmd := runVersion(t, "version")
	if !line.MatchString(cmd) {
		t.Errorf("regioncopy version printed %q", cmd)
	}
	if flag := runVersion(t, "--version"); flag != cmd {
		t.Errorf("regioncopy --version printed %q, version printed %q", flag, cmd)
	}

	var info buildinfo.Info
	if err := json.Unmarshal([]byte(runVersion(t, "version", "-o", "json")), &info); err != nil {
		t.Fatal(err)
	}
	if info != buildinfo.Get() {
		t.Errorf("version -o json = %+v, want %+v", info, buildinfo.Get())
	}
}
