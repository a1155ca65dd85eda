package prodstack

import (
	"net"
	"path/filepath"
	"strconv"
	"testing"
)

// The server gets the ports it had while they are all free, and fresh ones, kept
// for next time, when one is taken or the frontend's port is another.
func TestServerPortsKeptWhileFree(t *testing.T) {
	file := filepath.Join(t.TempDir(), "temporal", "ports.json")
	first, err := pickServerPorts(file, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []int{first.Frontend, first.HistoryMembership, first.WorkerMembership} {
		if p < lowPortMin || p > lowPortMax {
			t.Errorf("port %d outside %d-%d (the schema keeps membership ports as smallint)", p, lowPortMin, lowPortMax)
		}
	}
	if again, err := pickServerPorts(file, 0); err != nil || again != first {
		t.Fatalf("second pick %+v (%v), want the kept %+v", again, err, first)
	}
	if again, err := pickServerPorts(file, first.Frontend); err != nil || again != first {
		t.Fatalf("pick with the kept frontend port %+v (%v), want the kept %+v", again, err, first)
	}

	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(first.Matching)))
	if err != nil {
		t.Skipf("port %d taken meanwhile: %v", first.Matching, err)
	}
	taken, err := pickServerPorts(file, 0)
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	if taken == first {
		t.Fatalf("kept ports %+v although %d is taken", first, first.Matching)
	}
	if again, err := pickServerPorts(file, 0); err != nil || again != taken {
		t.Errorf("after a fresh pick got %+v (%v), want the new ports %+v kept", again, err, taken)
	}
}
