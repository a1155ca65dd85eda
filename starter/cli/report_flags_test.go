package cli

import (
	"strings"
	"testing"
	"time"
)

// Bad report flags are usage errors (exit 2) naming the flag, found before Temporal or
// AWS is contacted, with nothing on stdout.
func TestReportBadFlagsExitTwoNamingTheFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--resource-arn", "arn:aws:ec2:us-east-1:123456789012:vol-1"}, "--resource-arn"},
		{[]string{"--resource-arn", "not-an-arn"}, "--resource-arn"},
		{[]string{"--destination-region", "Europe"}, "--destination-region"},
		{[]string{"--state", "GREEN"}, "--state"},
		{[]string{"--output", "pdf"}, "--output"},
		{[]string{"--since", "yesterday"}, "--since"},
		{[]string{"--records", "some"}, "--records"},
		{[]string{"--prices", "/nonexistent/prices.json"}, "--prices"},
	} {
		code, out, errOut := runCLI(t, nil, append([]string{"report", closedAddress(t)}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("report %v: exit %d, stdout %q, stderr %q; want exit 2 naming %s", tc.args, code, out, errOut, tc.want)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("report %v printed more than one line: %q", tc.args, errOut)
		}
	}
}

// Good flags get past validation: the closed address then answers exit 3.
func TestReportGoodFlagsReachTemporal(t *testing.T) {
	code, _, errOut := runCLI(t, nil, "report", closedAddress(t), "--output", "html", "--state", "breach", "--since", "7d",
		"--destination-region", "eu-west-1", "--resource-arn", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "--records", "all")
	if code != ExitUnavailable {
		t.Errorf("exit %d (%s), want %d", code, errOut, ExitUnavailable)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for s, want := range map[string]time.Time{
		"30d": now.AddDate(0, 0, -30), "12h": now.Add(-12 * time.Hour), "2026-11-20T00:00:00Z": time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := parseSince(s, now); err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"0d", "-3h", "2027-01-01T00:00:00Z", "soon"} {
		if _, err := parseSince(s, now); err == nil {
			t.Errorf("parseSince(%q) accepted", s)
		}
	}
}

func TestReportHelpNamesTheStatesAndExitCodes(t *testing.T) {
	code, out, _ := runCLI(t, nil, "report", "--help")
	if code != ExitOK {
		t.Fatalf("report --help: exit %d", code)
	}
	for _, want := range []string{"AT_RISK", "less than 25%", "BREACH", "UNKNOWN", "NO_RPO", "--records", "--prices", "--since", "table, json, csv, html", "Exit status"} {
		if !strings.Contains(out, want) {
			t.Errorf("report --help does not mention %q", want)
		}
	}
	if _, root, _ := runCLI(t, nil, "--help"); !strings.Contains(root, "4  'report'") {
		t.Error("the root help does not list exit code 4")
	}
}
