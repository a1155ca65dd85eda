package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

const (
	stampedVersion = "v9.9.9-deploytest"
	stampedCommit  = "c0ffee0123456789"
)

// TestDockerfileBuilds builds every command the Dockerfile names, with its flags and
// its -ldflags stamping a version, as the image build does (CGO_ENABLED=0). Each binary
// then prints the stamped version and commit for --version, and accepts the arguments
// docker-compose.yml gives it.
func TestDockerfileBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the three binaries")
	}
	img := readDockerfile(t)
	ldflags := strings.NewReplacer("${VERSION}", stampedVersion, "${COMMIT}", stampedCommit).Replace(img.LDFlags)
	dir := t.TempDir()
	bins := map[string]string{}
	for _, b := range img.Builds {
		name := path.Base(b.Output)
		out := filepath.Join(dir, name)
		cmd := goCommand(t, "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, b.Package)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.Package, err, msg)
		}
		bins["/usr/local/bin/"+name] = out
	}

	for bin, args := range map[string][]string{
		"/usr/local/bin/regioncopy":        {"version"},
		"/usr/local/bin/regioncopy-worker": {"--version"},
		"/usr/local/bin/backup-emulator":   {"--version"},
	} {
		for _, a := range [][]string{args, {"--version"}} {
			out := run(t, bins[bin], a...)
			want := path.Base(bin) + " " + stampedVersion + " (commit " + stampedCommit + ", go"
			if !strings.HasPrefix(out, want) {
				t.Errorf("%s %v printed %q, want it to start with %q", path.Base(bin), a, out, want)
			}
		}
	}

	// The programs take the compose file's arguments: the CLI's commands and flags parse
	// (--help stops before any connection), the emulator's flags parse (--version stops
	// before it serves).
	for name, s := range loadCompose(t, allProfiles...).Services {
		if !isRegioncopyImage(s) || len(s.Command) == 0 {
			continue
		}
		extra := "--help"
		if path.Base(s.Entrypoint[0]) == "backup-emulator" {
			extra = "--version"
		}
		run(t, bins[s.Entrypoint[0]], append(append([]string{}, s.Command...), extra)...)
		t.Logf("%s: %s %s accepted", name, path.Base(s.Entrypoint[0]), strings.Join(s.Command, " "))
	}
}

// TestMakeBuildStampsVersion: make build builds the same commands as the Dockerfile and
// stamps VERSION and COMMIT into each.
func TestMakeBuildStampsVersion(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	cmd := exec.Command("make", "--no-print-directory", "-n", "build", "VERSION="+stampedVersion, "COMMIT="+stampedCommit)
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make -n build: %v", err)
	}
	var built []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[1] != "build" {
			t.Errorf("make build runs %q, not a go build", line)
			continue
		}
		built = append(built, f[len(f)-1])
		for _, v := range []string{"buildinfo.version=" + stampedVersion, "buildinfo.commit=" + stampedCommit} {
			if !strings.Contains(line, "-X github.com/regioncopy/regioncopy/"+v) {
				t.Errorf("make build runs %q, which does not stamp %s", line, v)
			}
		}
	}
	var want []string
	for _, b := range readDockerfile(t).Builds {
		want = append(want, b.Package)
	}
	if strings.Join(built, " ") != strings.Join(want, " ") {
		t.Errorf("make build builds %v, the Dockerfile %v", built, want)
	}
}

func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("%s %v: %v\n%s", filepath.Base(bin), args, err, stderr.String())
	}
	return stdout.String()
}
