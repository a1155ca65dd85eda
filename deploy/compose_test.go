package deploy

import (
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

// The services of each profile, and those that run once and exit (the rest run until
// stopped and need a health check).
var (
	defaultServices = []string{"postgres", "temporal-schema", "temporal", "temporal-namespace", "regioncopy-setup",
		"temporal-ui", "regioncopy-worker", "prometheus", "grafana"}
	localServices   = []string{"backup-emulator", "regioncopy-worker-local", "sample-vaults", "sample-plan", "sample-backup"}
	cliServices     = []string{"regioncopy"}
	oneShotServices = []string{"temporal-schema", "temporal-namespace", "regioncopy-setup", "sample-vaults", "sample-plan", "sample-backup", "regioncopy"}
	// allProfiles makes every service of the file active, for the checks of each service.
	allProfiles = []string{"local", "cli"}
)

// isRegioncopyImage says whether the service runs the image the Dockerfile builds.
func isRegioncopyImage(s types.ServiceConfig) bool { return s.Build != nil }

// TestComposeProfiles: `docker compose up` runs Temporal, the workers and monitoring;
// `--profile local` adds the emulator, its worker and the sample, and nothing of the
// default stack depends on them; profile cli holds the CLI for `docker compose run`.
func TestComposeProfiles(t *testing.T) {
	def := loadCompose(t)
	if got := slices.Sorted(maps.Keys(def.Services)); !slices.Equal(got, slices.Sorted(slices.Values(defaultServices))) {
		t.Errorf("docker compose up runs %v, want %v", got, slices.Sorted(slices.Values(defaultServices)))
	}
	for name, s := range def.Services {
		for dep := range s.DependsOn {
			if _, ok := def.Services[dep]; !ok {
				t.Errorf("%s (default profile) depends on %s, which only the local profile runs", name, dep)
			}
		}
	}
	local := loadCompose(t, "local")
	want := slices.Sorted(slices.Values(append(slices.Clone(defaultServices), localServices...)))
	if got := slices.Sorted(maps.Keys(local.Services)); !slices.Equal(got, want) {
		t.Errorf("docker compose --profile local up runs %v, want %v", got, want)
	}
	for _, name := range localServices {
		if s := local.Services[name]; !slices.Equal(s.Profiles, []string{"local"}) {
			t.Errorf("%s has profiles %v, want [local]", name, s.Profiles)
		}
	}
	all := loadCompose(t, allProfiles...)
	want = slices.Sorted(slices.Values(append(slices.Clone(want), cliServices...)))
	if got := slices.Sorted(maps.Keys(all.Services)); !slices.Equal(got, want) {
		t.Errorf("every profile runs %v, want %v", got, want)
	}
	for _, name := range cliServices {
		if s := all.Services[name]; !slices.Equal(s.Profiles, []string{"cli"}) || len(s.DependsOn) != 0 {
			t.Errorf("%s has profiles %v and depends on %v, want [cli] and nothing: it is run by hand against a running stack", name, s.Profiles, s.DependsOn)
		}
	}
}

// TestComposeImagesPinned: every image names a version; none is latest or untagged.
func TestComposeImagesPinned(t *testing.T) {
	for name, s := range loadCompose(t, allProfiles...).Services {
		img := s.Image
		repo := imageRepository(img)
		tag := strings.TrimPrefix(strings.TrimPrefix(img, repo), ":")
		switch {
		case img == "":
			t.Errorf("%s has no image", name)
		case strings.Contains(img, "@sha256:"):
		case tag == "" || tag == "latest":
			t.Errorf("%s: image %q is not pinned to a version", name, img)
		}
	}
}

// TestComposeEnvironment: every variable a service is given is one its program reads:
// for the regioncopy binaries, what the code reads (worker.EnvVars, the CLI's flag
// defaults, Temporal's and AWS's client configuration), so a renamed variable fails here.
func TestComposeEnvironment(t *testing.T) {
	known := knownVars(t)
	for name, s := range loadCompose(t, allProfiles...).Services {
		var allowed map[string]bool
		program := s.Image
		if isRegioncopyImage(s) {
			if len(s.Entrypoint) == 0 {
				t.Errorf("%s runs the regioncopy image without choosing its program by entrypoint", name)
				continue
			}
			var ok bool
			if allowed, ok = known[s.Entrypoint[0]]; !ok {
				t.Errorf("%s: entrypoint %s is not one of the image's programs %v", name, s.Entrypoint[0], slices.Sorted(maps.Keys(known)))
				continue
			}
			program = s.Entrypoint[0]
		} else {
			vars, ok := thirdPartyVars[imageRepository(s.Image)]
			if !ok {
				t.Errorf("%s: image %s has no list of documented variables in this test", name, s.Image)
				continue
			}
			allowed = map[string]bool{}
			for _, v := range vars {
				allowed[v] = true
			}
		}
		for v := range s.Environment {
			if !allowed[v] {
				t.Errorf("%s sets %s, which %s does not read", name, v, program)
			}
		}
	}
}

// TestComposeWorkers: two replicas against AWS and one bound to the emulator on a queue of
// its own; each serves metrics on all interfaces, where Prometheus and its health check
// find them, and stops within the shutdown grace.
func TestComposeWorkers(t *testing.T) {
	p := loadCompose(t, allProfiles...)
	aws, local := p.Services["regioncopy-worker"], p.Services["regioncopy-worker-local"]
	if aws.Deploy == nil || aws.Deploy.Replicas == nil || *aws.Deploy.Replicas != 2 {
		t.Errorf("regioncopy-worker deploy = %+v, want 2 replicas", aws.Deploy)
	}
	if len(aws.Ports) != 0 {
		t.Errorf("regioncopy-worker publishes %v: replicas cannot share a host port", aws.Ports)
	}
	queue := func(s types.ServiceConfig) string {
		if v := s.Environment["REGIONCOPY_TASK_QUEUE"]; v != nil {
			return *v
		}
		return "regioncopy" // model.DefaultTaskQueue
	}
	if queue(aws) == queue(local) {
		t.Errorf("the AWS and the emulator workers share task queue %s", queue(aws))
	}
	if v := local.Environment["AWS_ENDPOINT_URL_BACKUP"]; v == nil || !strings.Contains(*v, "backup-emulator") {
		t.Errorf("regioncopy-worker-local's AWS_ENDPOINT_URL_BACKUP = %v, want the emulator", v)
	}
	if _, ok := aws.Environment["AWS_ENDPOINT_URL_BACKUP"]; ok {
		t.Error("regioncopy-worker (against AWS) sets AWS_ENDPOINT_URL_BACKUP")
	}
	for _, name := range []string{"regioncopy-worker", "regioncopy-worker-local"} {
		s := p.Services[name]
		listen := s.Environment["REGIONCOPY_METRICS_LISTEN"]
		if listen == nil {
			t.Errorf("%s: REGIONCOPY_METRICS_LISTEN unset; the default listens on 127.0.0.1 only", name)
			continue
		}
		host, port, err := net.SplitHostPort(*listen)
		if err != nil || (host != "0.0.0.0" && host != "") {
			t.Errorf("%s: REGIONCOPY_METRICS_LISTEN=%s must listen on every interface", name, *listen)
		}
		probe := probeURL(t, name, s)
		if u, err := url.Parse(probe); err != nil || u.Port() != port || u.Path != "/metrics" {
			t.Errorf("%s: health check probes %s, not the metrics endpoint on port %s", name, probe, port)
		}
		if s.StopGracePeriod == nil || *s.StopGracePeriod <= types.Duration(30e9) {
			t.Errorf("%s: stop_grace_period %v is not longer than the 30s shutdown grace", name, s.StopGracePeriod)
		}
	}
	emu := p.Services["backup-emulator"]
	listen := flagValue(emu.Command, "--listen")
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		t.Fatalf("backup-emulator --listen %q: %v", listen, err)
	}
	if u, err := url.Parse(probeURL(t, "backup-emulator", emu)); err != nil || u.Port() != port || u.Path != "/_emulator/healthz" {
		t.Errorf("backup-emulator's health check does not probe /_emulator/healthz on its --listen port %s", port)
	}
}

// probeURL is the URL of a regioncopy binary's --probe health check.
func probeURL(t *testing.T, name string, s types.ServiceConfig) string {
	t.Helper()
	if s.HealthCheck == nil {
		t.Fatalf("%s has no health check", name)
	}
	u := flagValue(s.HealthCheck.Test, "--probe")
	if u == "" || s.HealthCheck.Test[0] != "CMD" || s.HealthCheck.Test[1] != s.Entrypoint[0] {
		t.Fatalf("%s: health check %v is not its own program's --probe", name, s.HealthCheck.Test)
	}
	return u
}

func flagValue(args []string, flag string) string {
	if i := slices.Index(args, flag); i >= 0 && i+1 < len(args) {
		return args[i+1]
	}
	return ""
}

// TestComposeHealthAndOrder: every long-running service has a health check; a service
// waits for a long-running one to be healthy and for a one-shot job to have succeeded;
// the start-up runs PostgreSQL, schema, server, namespace, search attributes, workers.
func TestComposeHealthAndOrder(t *testing.T) {
	p := loadCompose(t, allProfiles...)
	for name, s := range p.Services {
		oneShot := slices.Contains(oneShotServices, name)
		hc := s.HealthCheck
		switch {
		case oneShot && hc != nil && !hc.Disable:
			t.Errorf("%s runs once, yet has a health check", name)
		case !oneShot && (hc == nil || hc.Disable || len(hc.Test) < 2):
			t.Errorf("%s runs until stopped and has no health check", name)
		case !oneShot && (hc.Interval == nil || hc.Retries == nil || hc.Timeout == nil):
			t.Errorf("%s: health check without interval, timeout and retries: %+v", name, hc)
		}
		for dep, d := range s.DependsOn {
			want := types.ServiceConditionHealthy
			if slices.Contains(oneShotServices, dep) {
				want = types.ServiceConditionCompletedSuccessfully
			}
			if d.Condition != want {
				t.Errorf("%s depends on %s with condition %q, want %q", name, dep, d.Condition, want)
			}
		}
	}
	for _, chain := range [][]string{
		{"regioncopy-worker", "regioncopy-setup", "temporal-namespace", "temporal", "temporal-schema", "postgres"},
		{"regioncopy-worker-local", "backup-emulator"},
		{"sample-backup", "sample-plan", "sample-vaults", "backup-emulator"},
		{"sample-backup", "regioncopy-worker-local"},
		{"sample-plan", "regioncopy-setup"},
		{"temporal-ui", "temporal-namespace"},
		{"grafana", "prometheus"},
	} {
		for i := 0; i+1 < len(chain); i++ {
			if _, ok := p.Services[chain[i]].DependsOn[chain[i+1]]; !ok {
				t.Errorf("%s does not wait for %s", chain[i], chain[i+1])
			}
		}
	}
}

// TestComposePorts: the UIs and endpoints a person opens are published, each host port
// once.
func TestComposePorts(t *testing.T) {
	p := loadCompose(t, allProfiles...)
	want := map[string]string{"temporal": "7233", "temporal-ui": "8080", "prometheus": "9090", "grafana": "3000", "backup-emulator": "4566"}
	seen := map[string]string{}
	for name, s := range p.Services {
		for _, port := range s.Ports {
			if other, dup := seen[port.Published]; dup {
				t.Errorf("%s and %s both publish host port %s", name, other, port.Published)
			}
			seen[port.Published] = name
			if want[name] != "" && port.Published != want[name] {
				t.Errorf("%s publishes %s:%d, want %s", name, port.Published, port.Target, want[name])
			}
		}
	}
	for name, port := range want {
		if seen[port] != name {
			t.Errorf("%s does not publish port %s", name, port)
		}
	}
}

// TestComposeMounts: every file or directory mounted from the repository exists (a
// directory with at least one file), and every named volume is declared.
func TestComposeMounts(t *testing.T) {
	p := loadCompose(t, allProfiles...)
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range p.Services {
		for _, v := range s.Volumes {
			switch v.Type {
			case types.VolumeTypeBind:
				rel, err := filepath.Rel(root, v.Source)
				if err != nil || strings.HasPrefix(rel, "..") {
					t.Errorf("%s mounts %s, outside the repository", name, v.Source)
					continue
				}
				info, err := os.Stat(v.Source)
				if err != nil {
					t.Errorf("%s mounts %s: %v", name, rel, err)
					continue
				}
				if info.IsDir() {
					if entries, _ := os.ReadDir(v.Source); len(entries) == 0 {
						t.Errorf("%s mounts the empty directory %s", name, rel)
					}
				}
				if !v.ReadOnly {
					t.Errorf("%s mounts %s writable; configuration is mounted read-only", name, rel)
				}
			case types.VolumeTypeVolume:
				if _, ok := p.Volumes[v.Source]; !ok {
					t.Errorf("%s uses volume %s, which is not declared", name, v.Source)
				}
			default:
				t.Errorf("%s: mount of type %s", name, v.Type)
			}
		}
	}
}
