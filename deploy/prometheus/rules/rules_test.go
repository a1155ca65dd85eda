// Package rules_test checks the Prometheus alert rules with promtool: their syntax
// (promtool check rules) and, from synthetic series, that each alert fires when it
// should and not when it should not (promtool test rules regioncopy_test.yml).
package rules_test

import (
	"os"
	"os/exec"
	"testing"
)

// promtool returns the promtool to run: REGIONCOPY_PROMTOOL, or promtool on PATH
// (Debian's prometheus package). Without one the test is skipped, or fails when
// REGIONCOPY_REQUIRE_PROMTOOL=1 (as in CI).
func promtool(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("REGIONCOPY_PROMTOOL")
	if bin == "" {
		bin = "promtool"
	}
	path, err := exec.LookPath(bin)
	if err == nil {
		return path
	}
	if os.Getenv("REGIONCOPY_REQUIRE_PROMTOOL") == "1" {
		t.Fatalf("REGIONCOPY_REQUIRE_PROMTOOL=1 but %s is not found: %v (apt-get install prometheus)", bin, err)
	}
	t.Skipf("%s not found (apt-get install prometheus, or set REGIONCOPY_PROMTOOL)", bin)
	return ""
}

func TestRulesAreValid(t *testing.T) {
	bin := promtool(t)
	if out, err := exec.Command(bin, "check", "rules", "regioncopy.yml").CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}

func TestAlertsFireOnlyWhenTheyShould(t *testing.T) {
	bin := promtool(t)
	if out, err := exec.Command(bin, "test", "rules", "regioncopy_test.yml").CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}
