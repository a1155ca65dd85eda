package devstack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/regioncopy/regioncopy/temporalclient/devserver"
)

// TemporalOptions configure the Temporal dev server (package devserver); Binary ""
// means TemporalBinary().
type TemporalOptions = devserver.Options

// TemporalServer is a running dev server process.
type TemporalServer = devserver.Server

// StartTemporal starts the dev server with the pinned Temporal CLI (TemporalBinary when
// o.Binary is empty); see devserver.Start.
func StartTemporal(ctx context.Context, o TemporalOptions) (*TemporalServer, error) {
	if o.Binary == "" {
		bin, err := TemporalBinary(ctx)
		if err != nil {
			return nil, err
		}
		o.Binary = bin
	}
	return devserver.Start(ctx, o)
}

// ChildProcAttr puts a child process in its own process group, killed with this one
// where the system allows (devserver.ChildProcAttr).
func ChildProcAttr() *syscall.SysProcAttr { return devserver.ChildProcAttr() }

// TemporalBinary finds the pinned Temporal CLI: $REGIONCOPY_TEMPORAL_BIN, else
// bin/temporal in the module root when it is newer than tools/go.sum, else it builds
// it there with `go build -modfile=tools/go.mod`.
func TemporalBinary(ctx context.Context) (string, error) {
	if b := os.Getenv("REGIONCOPY_TEMPORAL_BIN"); b != "" {
		if _, err := os.Stat(b); err != nil {
			return "", fmt.Errorf("REGIONCOPY_TEMPORAL_BIN=%s: %w", b, err)
		}
		return b, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("cannot find the Temporal CLI: set REGIONCOPY_TEMPORAL_BIN, or run from the regioncopy checkout (%v)", err)
	}
	bin := filepath.Join(root, "bin", "temporal")
	if fresh(bin, filepath.Join(root, "tools", "go.sum")) {
		return bin, nil
	}
	build := exec.CommandContext(ctx, "go", "build", "-modfile=tools/go.mod", "-o", bin, "github.com/temporalio/cli/cmd/temporal")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the Temporal CLI (go build -modfile=tools/go.mod): %v\n%s", err, out)
	}
	return bin, nil
}

// TemporalBinaryNeedsBuild reports whether TemporalBinary will build the Temporal CLI
// first (a minute or more), so that a command can say so before it waits.
func TemporalBinaryNeedsBuild() bool {
	if os.Getenv("REGIONCOPY_TEMPORAL_BIN") != "" {
		return false
	}
	root, err := ModuleRoot()
	if err != nil {
		return false
	}
	return !fresh(filepath.Join(root, "bin", "temporal"), filepath.Join(root, "tools", "go.sum"))
}

// fresh reports whether file exists and is newer than dep.
func fresh(file, dep string) bool {
	fi, err := os.Stat(file)
	if err != nil {
		return false
	}
	di, err := os.Stat(dep)
	return err == nil && fi.ModTime().After(di.ModTime())
}

// ModuleRoot finds the regioncopy module root by walking up from the working directory.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/regioncopy/regioncopy\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod of github.com/regioncopy/regioncopy above the working directory")
		}
		dir = parent
	}
}
