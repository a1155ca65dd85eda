package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad flags are refused by name before anything starts: the state directory is not
// even created.
func TestStackRefusesBadFlagsBeforeStarting(t *testing.T) {
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--workers", "0"}, "--workers: must be at least 1"},
		{[]string{"--time-scale", "0.5"}, "--time-scale: must be at least 1"},
	} {
		dir := filepath.Join(t.TempDir(), "state")
		code, _, errOut := runCLI(t, nil, append([]string{"stack", "--state-dir", dir, "--fresh"}, tc.flags...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("stack %v: exit %d, stderr %q; want %d naming %q", tc.flags, code, errOut, ExitUsage, tc.want)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("stack %v made its state directory (%v)", tc.flags, err)
		}
	}
}
