package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestSourceRegionPrecedence(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[default]\nregion = ca-central-1\n\n[profile backup]\nregion = sa-east-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		name string
		flag string
		env  map[string]string
		want string
	}{
		{"flag wins", "eu-west-3", map[string]string{"AWS_REGION": "us-east-2", "AWS_CONFIG_FILE": config}, "eu-west-3"},
		{"AWS_REGION", "", map[string]string{"AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1", "AWS_CONFIG_FILE": config}, "us-east-2"},
		{"AWS_DEFAULT_REGION", "", map[string]string{"AWS_DEFAULT_REGION": "us-west-1", "AWS_CONFIG_FILE": config}, "us-west-1"},
		{"default profile", "", map[string]string{"AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": missing}, "ca-central-1"},
		{"AWS_PROFILE", "", map[string]string{"AWS_PROFILE": "backup", "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": missing}, "sa-east-1"},
		{"nothing configured", "", map[string]string{"AWS_CONFIG_FILE": missing, "AWS_SHARED_CREDENTIALS_FILE": missing}, ""},
	} {
		got, err := SourceRegion(context.Background(), tc.flag, func(k string) string { return tc.env[k] })
		if err != nil || got != tc.want {
			t.Errorf("%s: SourceRegion = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	_, err := SourceRegion(context.Background(), "", func(k string) string {
		return map[string]string{"AWS_PROFILE": "nope", "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": missing}[k]
	})
	if ExitCode(err) != ExitUsage {
		t.Errorf("an AWS_PROFILE that does not exist: %v (exit %d), want a usage error", err, ExitCode(err))
	}
}
