package deploy

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// dockerBuild is one `go build` of the Dockerfile's build stage.
type dockerBuild struct {
	Package, Output string
	Flags           []string
}

// dockerfileImage is what the Dockerfile says of the image it builds.
type dockerfileImage struct {
	Stages []Stage
	Builds []dockerBuild
	// LDFlags is the -ldflags value of the builds, with ${VERSION} and ${COMMIT} in it.
	LDFlags string
}

var (
	goBuildCommand = regexp.MustCompile(`go build ([^;&|]+)`)
	ldflagsAssign  = regexp.MustCompile(`ldflags="([^"]*)"`)
)

func readDockerfile(t *testing.T) dockerfileImage {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stages, err := ParseDockerfile(f)
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	img := dockerfileImage{Stages: stages}
	for _, in := range stages[0].Instructions {
		if in.Keyword != "RUN" {
			continue
		}
		if m := ldflagsAssign.FindStringSubmatch(in.Args); m != nil {
			img.LDFlags = m[1]
		}
		for _, m := range goBuildCommand.FindAllStringSubmatch(in.Args, -1) {
			args := strings.Fields(m[1])
			b := dockerBuild{Package: args[len(args)-1], Flags: args[:len(args)-1]}
			b.Output = flagValue(args, "-o")
			img.Builds = append(img.Builds, b)
		}
	}
	return img
}

func goCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), args...)
	cmd.Dir = repoRoot
	return cmd
}

// commandPackages are the repository's commands: the main packages under a cmd directory.
func commandPackages(t *testing.T) []string {
	t.Helper()
	out, err := goCommand(t, "list", "-f", `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`, "./.../cmd/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []string
	for _, p := range strings.Fields(string(out)) {
		pkgs = append(pkgs, "./"+strings.TrimPrefix(p, "github.com/regioncopy/regioncopy/"))
	}
	slices.Sort(pkgs)
	return pkgs
}

// TestDockerfile: a Go builder of this module's Go release and a small final image, both
// pinned; static, trimmed, version-stamped builds of exactly the repository's commands;
// the binaries docker-compose.yml starts are in the image; it runs as a user that is not
// root.
func TestDockerfile(t *testing.T) {
	img := readDockerfile(t)
	if len(img.Stages) != 2 {
		t.Fatalf("%d stages, want a build stage and the final image", len(img.Stages))
	}
	build, final := img.Stages[0], img.Stages[1]

	mod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goLine == nil {
		t.Fatal("go.mod has no go line")
	}
	goMinor := string(goLine[1])
	if repo, tag, _ := strings.Cut(build.Image, ":"); repo != "golang" || !strings.HasPrefix(tag, goMinor+".") {
		t.Errorf("build stage FROM %s, want the official golang image of Go %s pinned to a release", build.Image, goMinor)
	}
	if build.Name == "" {
		t.Error("the build stage has no name for COPY --from")
	}
	if repo := imageRepository(final.Image); !strings.HasPrefix(repo, "gcr.io/distroless/static") {
		t.Errorf("final image FROM %s, want distroless static", final.Image)
	}
	for _, s := range img.Stages {
		if tag := strings.TrimPrefix(strings.TrimPrefix(s.Image, imageRepository(s.Image)), ":"); tag == "" || tag == "latest" {
			t.Errorf("FROM %s is not pinned to a tag", s.Image)
		}
	}

	var user string
	for _, in := range final.Instructions {
		if in.Keyword == "USER" {
			user = in.Args
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		t.Errorf("the final image runs as %q, want a user that is not root", user)
	}

	cgoOff := false
	for _, in := range build.Instructions {
		if in.Keyword == "ENV" && slices.Contains(strings.Fields(in.Args), "CGO_ENABLED=0") {
			cgoOff = true
		}
	}
	if !cgoOff {
		t.Error("the build stage does not set CGO_ENABLED=0: the binaries would need a C library the final image lacks")
	}

	var built, outputs []string
	for _, b := range img.Builds {
		built = append(built, b.Package)
		outputs = append(outputs, path.Base(b.Output))
		if !slices.Contains(b.Flags, "-trimpath") {
			t.Errorf("go build %s without -trimpath", b.Package)
		}
		if path.Base(b.Output) != path.Base(b.Package) {
			t.Errorf("go build %s writes %s: the binary is not named after its command", b.Package, b.Output)
		}
		if path.Dir(b.Output) != "/out" {
			t.Errorf("go build %s writes %s, outside /out, which the final image copies", b.Package, b.Output)
		}
	}
	slices.Sort(built)
	if want := commandPackages(t); !slices.Equal(built, want) {
		t.Errorf("the Dockerfile builds %v, the repository's commands are %v", built, want)
	}
	for _, v := range []string{"buildinfo.version=${VERSION}", "buildinfo.commit=${COMMIT}"} {
		if !strings.Contains(img.LDFlags, "-X github.com/regioncopy/regioncopy/"+v) {
			t.Errorf("the builds' -ldflags %q do not stamp %s", img.LDFlags, v)
		}
	}

	copied := false
	for _, in := range final.Instructions {
		if in.Keyword == "COPY" && in.Flag("from") == build.Name && in.Args == "/out/ /usr/local/bin/" {
			copied = true
		}
		if in.Keyword == "ENTRYPOINT" && in.Args != `["/usr/local/bin/regioncopy-worker"]` {
			t.Errorf("ENTRYPOINT %s, want the worker by default", in.Args)
		}
	}
	if !copied {
		t.Error("the final image does not COPY --from=" + build.Name + " /out/ /usr/local/bin/")
	}
	for name, s := range loadCompose(t, allProfiles...).Services {
		if isRegioncopyImage(s) && !slices.Contains(outputs, path.Base(s.Entrypoint[0])) {
			t.Errorf("%s starts %s, which the Dockerfile does not build (%v)", name, s.Entrypoint[0], outputs)
		}
	}
}

// TestDockerignore: the build context leaves out what git ignores and keeps what the
// build needs (go.mod, go.sum, the sources, .git for the version stamp).
func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, strings.TrimSuffix(strings.TrimPrefix(line, "**/"), "/"))
		}
	}
	if !slices.Contains(patterns, "bin") {
		t.Errorf(".dockerignore %v does not leave out bin/", patterns)
	}
	for _, needed := range []string{"go.mod", "go.sum", ".git", "main.go", "starter", "worker", "emulator", "Dockerfile"} {
		for _, p := range patterns {
			if ok, _ := filepath.Match(p, needed); ok {
				t.Errorf(".dockerignore pattern %q leaves out %s, which the build needs", p, needed)
			}
		}
	}
}
