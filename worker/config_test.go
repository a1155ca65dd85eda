package worker

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func isolateEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{EnvTaskQueue, EnvMetricsListen, EnvMaxConcurrentActivities, EnvMaxConcurrentWorkflowTasks, EnvMaxFollowedCopyJobs,
		EnvActivitiesPerSecond, EnvTimeScale, EnvRegisterSearchAttributes, EnvShutdownGrace, EnvLogLevel,
		EnvRpoMetricsInterval, EnvAlertWebhookURL, EnvAlertWebhookHeader, EnvVerifyAWSIdentity,
		"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_API_KEY", "TEMPORAL_PROFILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("TEMPORAL_CONFIG_FILE", filepath.Join(t.TempDir(), "absent.toml"))
}

func TestConfigFromEnvDefaults(t *testing.T) {
	isolateEnv(t)
	c, err := ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	if c.TaskQueue != "regioncopy" || c.Namespace != "default" || c.MetricsListen != want.MetricsListen ||
		c.MaxConcurrentActivities != 100 || c.MaxFollowedCopyJobs != 1000 || c.TimeScale != 1 || c.RegisterSearchAttributes != RegisterAuto ||
		c.ShutdownGrace != 30*time.Second || c.LogLevel != "info" || c.RpoMetricsInterval != time.Minute {
		t.Errorf("defaults = %+v", c)
	}
}

func TestConfigFromEnvReadsEveryVariable(t *testing.T) {
	isolateEnv(t)
	t.Setenv(EnvTaskQueue, "copies-eu")
	t.Setenv(EnvMetricsListen, "off")
	t.Setenv(EnvMaxConcurrentActivities, "20")
	t.Setenv(EnvMaxConcurrentWorkflowTasks, "8")
	t.Setenv(EnvMaxFollowedCopyJobs, "250")
	t.Setenv(EnvActivitiesPerSecond, "12.5")
	t.Setenv(EnvTimeScale, "3600")
	t.Setenv(EnvRegisterSearchAttributes, "never")
	t.Setenv(EnvShutdownGrace, "2m")
	t.Setenv(EnvLogLevel, "debug")
	t.Setenv(EnvRpoMetricsInterval, "0")
	t.Setenv(EnvVerifyAWSIdentity, "true")
	t.Setenv("TEMPORAL_NAMESPACE", "compliance")
	c, err := ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.TaskQueue != "copies-eu" || c.MetricsListen != MetricsOff || c.MaxConcurrentActivities != 20 ||
		c.MaxConcurrentWorkflowTasks != 8 || c.MaxFollowedCopyJobs != 250 || c.ActivitiesPerSecond != 12.5 || c.TimeScale != 3600 ||
		c.RegisterSearchAttributes != RegisterNever || c.ShutdownGrace != 2*time.Minute || c.LogLevel != "debug" ||
		c.Namespace != "compliance" || c.RpoMetricsInterval != 0 || !c.VerifyAWSIdentity {
		t.Errorf("config = %+v", c)
	}
}

func TestConfigFromEnvNamesEveryBadVariable(t *testing.T) {
	isolateEnv(t)
	t.Setenv(EnvMaxConcurrentActivities, "many")
	t.Setenv(EnvTimeScale, "fast")
	t.Setenv(EnvShutdownGrace, "30")
	t.Setenv(EnvRpoMetricsInterval, "1 minute")
	t.Setenv(EnvVerifyAWSIdentity, "sometimes")
	_, err := ConfigFromEnv()
	if err == nil {
		t.Fatal("bad variables accepted")
	}
	for _, name := range []string{EnvMaxConcurrentActivities, EnvTimeScale, EnvShutdownGrace, EnvRpoMetricsInterval, EnvVerifyAWSIdentity} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

func TestValidateReportsEveryRule(t *testing.T) {
	c := DefaultConfig()
	c.TaskQueue = " "
	c.MaxConcurrentActivities = 0
	c.MaxFollowedCopyJobs = -1
	c.TimeScale = 0.5
	c.RegisterSearchAttributes = "sometimes"
	c.LogLevel = "loud"
	c.RpoMetricsInterval = -time.Second
	err := c.Validate()
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, s := range []string{"TaskQueue", "MaxConcurrentActivities", "MaxFollowedCopyJobs", "TimeScale", "auto, always or never", "LogLevel", "RpoMetricsInterval"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
}

func TestAlertWebhookFromEnv(t *testing.T) {
	isolateEnv(t)
	c, err := ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if w, err := c.alertWebhook(); w != nil || err != nil {
		t.Errorf("without %s: webhook %v, %v; want none, so alerts are only logged", EnvAlertWebhookURL, w, err)
	}
	t.Setenv(EnvAlertWebhookURL, "https://hooks.example.com/services/T0/B0/secret")
	t.Setenv(EnvAlertWebhookHeader, "Authorization: Bearer token")
	if c, err = ConfigFromEnv(); err != nil {
		t.Fatal(err)
	}
	if w, err := c.alertWebhook(); w == nil || err != nil {
		t.Errorf("with %s: webhook %v, %v", EnvAlertWebhookURL, w, err)
	}
}

func TestAlertWebhookSettingsAreChecked(t *testing.T) {
	for _, c := range []struct{ url, header, want string }{
		{"hooks.example.com/s3cr3t", "", EnvAlertWebhookURL},
		{"https://hooks.example.com/s3cr3t", "Bearer s3cr3t", "Name: value"},
		{"", "Authorization: Bearer s3cr3t", EnvAlertWebhookHeader + " is set without " + EnvAlertWebhookURL},
	} {
		cfg := DefaultConfig()
		cfg.AlertWebhookURL, cfg.AlertWebhookHeader = c.url, c.header
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("URL %q header %q: got %v, want an error saying %q", c.url, c.header, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("error %q repeats a secret", err)
		}
	}
}

func TestPollScheduleFollowsTheTimeScale(t *testing.T) {
	if s := pollSchedule(1); s.Min != 3*time.Second || s.Max != 5*time.Minute {
		t.Errorf("unscaled schedule = %+v", s)
	}
	s := pollSchedule(60)
	if s.Min != 100*time.Millisecond || s.Max != 5*time.Second {
		t.Errorf("schedule at 60x = %+v, want Min at the 100ms floor and Max 5s", s)
	}
	if s := pollSchedule(1e6); s.Min != 100*time.Millisecond || s.Max != 100*time.Millisecond {
		t.Errorf("schedule at 1e6x = %+v, want both at the floor", s)
	}
}

// EnvVars is exactly what ConfigFromEnv reads: a listed variable changes the
// configuration on its own (an unlisted one read by the loader panics in lookupEnv).
func TestEnvVarsListsWhatConfigFromEnvReads(t *testing.T) {
	distinct := map[string]string{
		EnvTaskQueue: "copies-eu", EnvMetricsListen: "off", EnvMaxConcurrentActivities: "20",
		EnvMaxConcurrentWorkflowTasks: "8", EnvMaxFollowedCopyJobs: "250", EnvActivitiesPerSecond: "12.5",
		EnvTimeScale: "3600", EnvRegisterSearchAttributes: "never", EnvShutdownGrace: "2m", EnvLogLevel: "debug",
		EnvRpoMetricsInterval: "5m", EnvAlertWebhookURL: "https://hooks.example.com/rpo",
		EnvAlertWebhookHeader: "Authorization: Bearer t", EnvVerifyAWSIdentity: "true",
	}
	names := EnvVars()
	if len(names) != len(distinct) {
		t.Errorf("EnvVars() = %v, want the %d variables of this test", names, len(distinct))
	}
	for _, name := range names {
		value, ok := distinct[name]
		if !ok {
			t.Errorf("EnvVars() lists %s, which this test does not know", name)
			continue
		}
		isolateEnv(t)
		defaults, err := ConfigFromEnv()
		if err != nil {
			t.Fatal(err)
		}
		if name == EnvAlertWebhookHeader { // a header is valid only beside a URL
			t.Setenv(EnvAlertWebhookURL, distinct[EnvAlertWebhookURL])
			if defaults, err = ConfigFromEnv(); err != nil {
				t.Fatal(err)
			}
		}
		t.Setenv(name, value)
		got, err := ConfigFromEnv()
		if err != nil {
			t.Fatalf("%s=%s: %v", name, value, err)
		}
		if got == defaults {
			t.Errorf("%s=%s left the configuration at its defaults", name, value)
		}
	}
}
