package prodstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/regioncopy/regioncopy/devstack"
)

// Binaries are the programs the stack runs, and where the server module's schema files are.
type Binaries struct {
	// Server, SQLTool and UI are built from the modules pinned in tools/go.mod.
	Server, SQLTool, UI string
	// Worker is regioncopy-worker, built from this checkout.
	Worker string
	// ServerModuleDir is go.temporal.io/server's directory in the module cache, whose
	// schema/ temporal-sql-tool applies.
	ServerModuleDir string
}

// toolBinaries are the bin/ names of the tools/go.mod programs the stack runs (the
// Makefile builds the same names).
var toolBinaries = []struct{ name, pkg string }{
	{"temporal-server", "go.temporal.io/server/cmd/server"},
	{"temporal-sql-tool", "go.temporal.io/server/cmd/tools/sql"},
	{"temporal-ui-server", "github.com/temporalio/ui-server/v2/cmd/server"},
}

// FindBinaries returns the stack's programs in the checkout's bin/, building with the
// go command each one that is missing or older than tools/go.sum (the Temporal server
// and UI take minutes on a cold cache), and building regioncopy-worker, which the go
// command's cache makes quick when nothing changed. progress is told before a
// long build; it may be nil.
func FindBinaries(ctx context.Context, progress func(string)) (Binaries, error) {
	root, err := devstack.ModuleRoot()
	if err != nil {
		return Binaries{}, fmt.Errorf("the stack builds its programs from the regioncopy checkout: %w", err)
	}
	bin := filepath.Join(root, "bin")
	sum := filepath.Join(root, "tools", "go.sum")
	paths := map[string]string{}
	for _, t := range toolBinaries {
		p := filepath.Join(bin, t.name)
		paths[t.name] = p
		if isNewer(p, sum) {
			continue
		}
		if progress != nil {
			progress(fmt.Sprintf("Building %s from tools/go.mod into bin/ (first run only; minutes on a cold cache)...", t.name))
		}
		if err := goCommand(ctx, root, "build", "-modfile=tools/go.mod", "-o", p, t.pkg); err != nil {
			return Binaries{}, err
		}
	}
	worker := filepath.Join(bin, "regioncopy-worker")
	if err := goCommand(ctx, root, "build", "-o", worker, "./worker/cmd/regioncopy-worker"); err != nil {
		return Binaries{}, err
	}
	dir, err := goOutput(ctx, root, "list", "-modfile=tools/go.mod", "-m", "-f", "{{.Dir}}", "go.temporal.io/server")
	if err != nil {
		return Binaries{}, err
	}
	if dir == "" {
		return Binaries{}, fmt.Errorf("go.temporal.io/server is not in the module cache (go mod download -modfile=tools/go.mod go.temporal.io/server)")
	}
	return Binaries{
		Server: paths["temporal-server"], SQLTool: paths["temporal-sql-tool"], UI: paths["temporal-ui-server"],
		Worker: worker, ServerModuleDir: dir,
	}, nil
}

func goCommand(ctx context.Context, dir string, args ...string) error {
	_, err := goOutput(ctx, dir, args...)
	return err
}

func goOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

// isNewer reports whether file exists and is newer than dep.
func isNewer(file, dep string) bool {
	fi, err := os.Stat(file)
	if err != nil {
		return false
	}
	di, err := os.Stat(dep)
	return err == nil && fi.ModTime().After(di.ModTime())
}
