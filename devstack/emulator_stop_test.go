package devstack

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
)

// TestEmulatorStopsWithABusyConnection: a client that keeps a request half sent does not
// fail the stop; the connection is closed after the grace.
func TestEmulatorStopsWithABusyConnection(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the emulator's 5-second stop grace")
	}
	s, err := StartEmulator(emulator.Config{}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("POST /backup-jobs HTTP/1.1\r\nHost: emulator\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the server has begun reading the request
	began := time.Now()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop with a busy connection: %v", err)
	}
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("Stop took %s", took)
	}
}
