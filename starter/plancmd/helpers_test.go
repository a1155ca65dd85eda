package plancmd

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strconv"
	"testing"

	"github.com/regioncopy/regioncopy/starter/cli"
)

// runCLI runs one regioncopy command line in-process, as the binary would, with env as
// the whole environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIAs(t, "", env, args...)
}

// runCLIAs is runCLI for a program started as prog (bin/regioncopy, ...).
func runCLIAs(t *testing.T, prog string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }, Program: prog}
	code = cli.Run(context.Background(), args, e)
	return code, out.String(), errOut.String()
}

// closedAddress is a Temporal address nothing listens on: a command that tries to
// connect exits 3, so an exit 2 proves the command stopped before connecting.
func closedAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return "--address=127.0.0.1:" + strconv.Itoa(port)
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not the expected JSON (%v):\n%s", err, s)
	}
}
