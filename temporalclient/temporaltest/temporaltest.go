// Package temporaltest starts the real Temporal dev server for tests: the pinned
// Temporal CLI named by REGIONCOPY_TEMPORAL_BIN (the Makefile sets it), or bin/temporal
// at the module root when that variable is unset. Tests are skipped, saying why, when
// neither exists; `make test` always provides the binary.
package temporaltest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/temporalclient/devserver"
)

// BinaryEnv names the environment variable holding the Temporal CLI's path.
const BinaryEnv = "REGIONCOPY_TEMPORAL_BIN"

// Binary returns the Temporal CLI to run, or "" when none is available.
func Binary() string {
	if p := os.Getenv(BinaryEnv); p != "" {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "bin", "temporal")
			if _, err := os.Stat(p); err == nil {
				return p
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Server is a running dev server with a client on its default namespace.
type Server struct {
	HostPort  string
	Namespace string
	Client    client.Client
}

// Start starts a fresh in-memory dev server without UI, stopped by t.Cleanup, with the
// given search attributes registered.
func Start(t testing.TB, searchAttributes ...temporal.SearchAttributeKey) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		t.Skipf("no Temporal CLI: set %s (make test does) or build bin/temporal (make temporal-cli)", BinaryEnv)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s=%s: %v", BinaryEnv, bin, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// devserver starts the server again on fresh ports when it dies before answering (a
	// port taken between pick and bind on a busy machine) and kills it with the test.
	srv, err := devserver.Start(ctx, devserver.Options{Binary: bin, Headless: true, SearchAttributes: searchAttributes})
	if err != nil {
		t.Fatalf("start Temporal dev server %s: %v", bin, err)
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: srv.Address, Namespace: client.DefaultNamespace, Logger: quiet{}})
	if err != nil {
		_ = srv.Stop()
		t.Fatalf("connect to the Temporal dev server at %s: %v", srv.Address, err)
	}
	t.Cleanup(func() {
		c.Close()
		if err := srv.Stop(); err != nil {
			t.Logf("stop dev server: %v", err)
		}
	})
	return &Server{HostPort: srv.Address, Namespace: client.DefaultNamespace, Client: c}
}

// quiet drops the SDK's connection retries while the server starts.
type quiet struct{}

var _ log.Logger = quiet{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
