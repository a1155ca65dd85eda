package deploy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"go.temporal.io/sdk/contrib/envconfig"

	"github.com/regioncopy/regioncopy/starter/cli"
	_ "github.com/regioncopy/regioncopy/starter/plancmd" // its commands read variables too
	"github.com/regioncopy/regioncopy/worker"
)

// recordingEnv answers every lookup with "unset" and remembers the names asked for.
type recordingEnv struct{ names map[string]bool }

func (r *recordingEnv) Environ() []string { return nil }
func (r *recordingEnv) LookupEnv(name string) (string, bool) {
	r.names[name] = true
	return "", false
}

// temporalVars are the TEMPORAL_* variables the Temporal client configuration reads, as
// the worker and the CLI load it (temporalclient.LoadClientOptions uses envconfig).
func temporalVars(t *testing.T) map[string]bool {
	t.Helper()
	rec := &recordingEnv{names: map[string]bool{}}
	_, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{
		ConfigFilePath: filepath.Join(t.TempDir(), "absent.toml"),
		EnvLookup:      rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.names["TEMPORAL_ADDRESS"] || !rec.names["TEMPORAL_NAMESPACE"] {
		t.Fatalf("the Temporal client configuration read %v, not TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE", rec.names)
	}
	return rec.names
}

// cliVars are the REGIONCOPY_* variables the CLI's commands read for their defaults.
func cliVars(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	cli.NewRootCommand(&cli.App{Env: &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: func(name string) string {
		names[name] = true
		return ""
	}}})
	if !names["REGIONCOPY_TASK_QUEUE"] {
		t.Fatalf("the CLI read %v, not REGIONCOPY_TASK_QUEUE", names)
	}
	return names
}

// awsVars are the AWS_* variables the AWS SDK's default configuration reads: the names in
// its environment configuration source, and the service endpoint variables of the AWS
// services regioncopy calls.
func awsVars(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2/config").Output()
	if err != nil {
		t.Fatalf("locate the AWS SDK's config module: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "env_config.go"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(AWS_[A-Z0-9_]+)"`).FindAllStringSubmatch(string(src), -1) {
		names[m[1]] = true
	}
	if !names["AWS_REGION"] || !names["AWS_ACCESS_KEY_ID"] {
		t.Fatalf("env_config.go names %d variables, not AWS_REGION and AWS_ACCESS_KEY_ID", len(names))
	}
	for _, id := range []string{backup.ServiceID, resourcegroupstaggingapi.ServiceID} {
		name := "AWS_ENDPOINT_URL_" + strings.ReplaceAll(strings.ToUpper(id), " ", "_")
		// The SDK must answer this variable for the service, or the name is wrong.
		t.Setenv(name, "http://endpoint.test")
		got, ok, err := awsconfig.EnvConfig{}.GetServiceBaseEndpoint(context.Background(), id)
		if err != nil || !ok || got != "http://endpoint.test" {
			t.Fatalf("%s is not the endpoint variable of %s: %q %v %v", name, id, got, ok, err)
		}
		names[name] = true
	}
	return names
}

// knownVars are the variables each program in a regioncopy image reads, by its path.
func knownVars(t *testing.T) map[string]map[string]bool {
	t.Helper()
	tv, av := temporalVars(t), awsVars(t)
	union := func(sets ...map[string]bool) map[string]bool {
		u := map[string]bool{}
		for _, s := range sets {
			for k := range s {
				u[k] = true
			}
		}
		return u
	}
	workerVars := map[string]bool{}
	for _, name := range worker.EnvVars() {
		workerVars[name] = true
	}
	return map[string]map[string]bool{
		"/usr/local/bin/regioncopy-worker": union(workerVars, tv, av),
		"/usr/local/bin/regioncopy":        union(cliVars(t), tv, av),
		// The emulator is configured by flags only.
		"/usr/local/bin/backup-emulator": {},
	}
}

// thirdPartyVars are the variables docker-compose.yml may give the official images, as
// their documentation lists them (only those regioncopy's stack uses are listed; a new
// one is added here with its source).
var thirdPartyVars = map[string][]string{
	// The postgres image's documented variables.
	"postgres": {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"},
	// temporalio/server: docker-readme/server.md in temporalio/docker-builds, the
	// variables of the server's config template.
	"temporalio/server": {"DB", "DB_PORT", "DBNAME", "VISIBILITY_DBNAME", "POSTGRES_SEEDS", "POSTGRES_USER",
		"POSTGRES_PWD", "BIND_ON_IP", "DYNAMIC_CONFIG_FILE_PATH", "PROMETHEUS_ENDPOINT", "NUM_HISTORY_SHARDS", "LOG_LEVEL"},
	// temporalio/admin-tools: temporal-sql-tool's SQL_* flags' variables and the
	// Temporal CLI's TEMPORAL_ADDRESS.
	"temporalio/admin-tools": {"SQL_PASSWORD", "TEMPORAL_ADDRESS"},
	// temporalio/ui: the UI server's docker configuration template.
	"temporalio/ui": {"TEMPORAL_ADDRESS", "TEMPORAL_CORS_ORIGINS", "TEMPORAL_UI_PORT"},
	// Grafana maps GF_<SECTION>_<KEY> to its configuration; these are the keys used.
	"grafana/grafana": {"GF_SECURITY_ADMIN_PASSWORD", "GF_AUTH_ANONYMOUS_ENABLED", "GF_AUTH_ANONYMOUS_ORG_ROLE"},
	"prom/prometheus": {},
	// The AWS CLI reads the AWS SDK's variables.
	"amazon/aws-cli": {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL_BACKUP"},
}

// imageRepository is an image reference without its tag or digest.
func imageRepository(image string) string {
	image, _, _ = strings.Cut(image, "@")
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash {
		return image[:colon]
	}
	return image
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
