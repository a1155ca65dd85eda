package devserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A server that dies before answering is started again on fresh ports when its ports
// were picked free, and not when they were fixed; the error keeps the server's words.
func TestTemporalThatExitsEarlyIsRetriedOnlyOnPickedPorts(t *testing.T) {
	dir := t.TempDir()
	starts := filepath.Join(dir, "starts")
	bin := filepath.Join(dir, "temporal")
	script := "#!/bin/sh\necho start >> " + starts + "\necho 'panic: listen tcp: address already in use' >&2\nexit 2\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		b, _ := os.ReadFile(starts)
		os.Remove(starts)
		return strings.Count(string(b), "start")
	}
	ctx := context.Background()

	_, err := Start(ctx, Options{Binary: bin, Headless: true, StartTimeout: 10 * time.Second})
	if !errors.Is(err, ErrExitedEarly) || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("err = %v, want the server's own reason", err)
	}
	if n := count(); n != startAttempts {
		t.Errorf("picked ports: started %d times, want %d", n, startAttempts)
	}

	_, err = Start(ctx, Options{Binary: bin, Port: 1, Headless: true, StartTimeout: 10 * time.Second})
	if err == nil {
		t.Fatal("a server that exits reported started")
	}
	if n := count(); n != 1 {
		t.Errorf("fixed port: started %d times, want 1", n)
	}
}
