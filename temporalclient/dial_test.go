package temporalclient

import (
	"os"
	"path/filepath"
	"testing"
)

// clearTemporalEnv isolates a test from the machine's Temporal configuration.
func clearTemporalEnv(t *testing.T) {
	for _, k := range []string{"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_PROFILE",
		"TEMPORAL_TLS", "TEMPORAL_TLS_CLIENT_CERT_PATH", "TEMPORAL_TLS_CLIENT_KEY_PATH", "TEMPORAL_TLS_SERVER_NAME"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "absent.toml"))
}

func TestLoadClientOptionsDefaults(t *testing.T) {
	clearTemporalEnv(t)
	opts, err := LoadClientOptions(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "localhost:7233" || opts.Namespace != "default" || opts.Logger == nil {
		t.Errorf("got HostPort=%q Namespace=%q Logger=%v, want the local defaults and a logger", opts.HostPort, opts.Namespace, opts.Logger)
	}
}

func TestLoadClientOptionsFromEnvironment(t *testing.T) {
	clearTemporalEnv(t)
	t.Setenv("TEMPORAL_ADDRESS", "temporal.example:7233")
	t.Setenv("TEMPORAL_NAMESPACE", "compliance")
	t.Setenv("TEMPORAL_API_KEY", "secret-key")
	opts, err := LoadClientOptions(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "temporal.example:7233" || opts.Namespace != "compliance" {
		t.Errorf("got %q/%q, want the environment's address and namespace", opts.HostPort, opts.Namespace)
	}
	if opts.Credentials == nil || opts.ConnectionOptions.TLS == nil {
		t.Errorf("an API key must bring credentials and TLS, got Credentials=%v TLS=%v", opts.Credentials, opts.ConnectionOptions.TLS)
	}
}

func TestLoadClientOptionsFromProfileAndOverrides(t *testing.T) {
	clearTemporalEnv(t)
	file := filepath.Join(t.TempDir(), "temporal.toml")
	toml := "[profile.prod]\naddress = \"prod.tmprl.cloud:7233\"\nnamespace = \"prod.acct\"\n"
	if err := os.WriteFile(file, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := LoadClientOptions(Options{ConfigFile: file, Profile: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "prod.tmprl.cloud:7233" || opts.Namespace != "prod.acct" {
		t.Errorf("profile gave %q/%q", opts.HostPort, opts.Namespace)
	}
	opts, err = LoadClientOptions(Options{ConfigFile: file, Profile: "prod", Address: "127.0.0.1:7233", Namespace: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "127.0.0.1:7233" || opts.Namespace != "dev" {
		t.Errorf("explicit options gave %q/%q, want them to win", opts.HostPort, opts.Namespace)
	}
	if _, err := LoadClientOptions(Options{ConfigFile: file, Profile: "missing"}); err == nil {
		t.Error("an unknown profile must be an error")
	}
}
