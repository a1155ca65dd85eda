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
	"go.temporal.io/sdk/testsuite"
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

// Start starts a fresh in-memory dev server without UI, stopped by t.Cleanup.
func Start(t testing.TB) *Server {
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
	// The server's ports are picked free just before it binds them, so on a busy machine
	// another process can take one in between and the server exits; a fresh start picks
	// fresh ports.
	var srv *testsuite.DevServer
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		srv, err = testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
			ExistingPath:  bin,
			ClientOptions: &client.Options{Namespace: client.DefaultNamespace, Logger: quiet{}},
			LogLevel:      "error",
			Stdout:        discard{},
			Stderr:        discard{},
		})
		if err == nil || ctx.Err() != nil {
			break
		}
		t.Logf("start Temporal dev server %s (attempt %d): %v", bin, attempt, err)
	}
	if err != nil {
		t.Fatalf("start Temporal dev server %s: %v", bin, err)
	}
	t.Cleanup(func() {
		srv.Client().Close()
		if err := srv.Stop(); err != nil {
			t.Logf("stop dev server: %v", err)
		}
	})
	return &Server{HostPort: srv.FrontendHostPort(), Namespace: client.DefaultNamespace, Client: srv.Client()}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// quiet drops the SDK's connection retries while the server starts.
type quiet struct{}

var _ log.Logger = quiet{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
