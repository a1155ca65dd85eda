package worker

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// Search attribute registration modes (REGIONCOPY_REGISTER_SEARCH_ATTRIBUTES).
const (
	// RegisterAuto registers missing search attributes when the server is a dev server
	// (SQLite visibility) and only checks them otherwise.
	RegisterAuto = "auto"
	// RegisterAlways registers missing search attributes on any server and fails when it
	// cannot.
	RegisterAlways = "always"
	// RegisterNever only checks, logging what is missing and how to create it.
	RegisterNever = "never"
)

// Config is what the worker needs beyond a Temporal client. ConfigFromEnv reads it from
// REGIONCOPY_* variables; Temporal's own settings (address, namespace, TLS, API key)
// come from TEMPORAL_* variables and temporal.toml, and AWS's from the AWS default
// configuration chain.
type Config struct {
	// TaskQueue is the queue polled for workflow and activity tasks
	// (REGIONCOPY_TASK_QUEUE, default model.DefaultTaskQueue).
	TaskQueue string
	// Namespace is the client's namespace, for search attribute registration (resolved
	// like the Temporal CLI does: TEMPORAL_NAMESPACE, profile, "default").
	Namespace string
	// MetricsListen is the address of the Prometheus endpoint /metrics
	// (REGIONCOPY_METRICS_LISTEN, default 127.0.0.1:9464; "off" disables it).
	MetricsListen string
	// MaxConcurrentActivities bounds the activities running at once in this process
	// (REGIONCOPY_MAX_CONCURRENT_ACTIVITIES, default 100). Activities are short AWS calls.
	MaxConcurrentActivities int
	// MaxFollowedCopyJobs bounds the copy jobs this process follows by waiting for their
	// end in-process (REGIONCOPY_MAX_FOLLOWED_COPY_JOBS, default 1000). Those waits get
	// activity slots of their own, on top of MaxConcurrentActivities, so following copies
	// never starves the other activities; jobs beyond it are looked at now and then.
	MaxFollowedCopyJobs int
	// MaxConcurrentWorkflowTasks bounds workflow tasks at once
	// (REGIONCOPY_MAX_CONCURRENT_WORKFLOW_TASKS, 0 = the SDK's default).
	MaxConcurrentWorkflowTasks int
	// ActivitiesPerSecond caps this worker's activity starts per second, a guard on the
	// AWS request rate (REGIONCOPY_ACTIVITIES_PER_SECOND, 0 = no cap).
	ActivitiesPerSecond float64
	// TimeScale > 1 says AWS's clock runs that many times faster than the wall clock (the
	// emulator's --time-scale); the poll schedule shrinks accordingly
	// (REGIONCOPY_TIME_SCALE, default 1).
	TimeScale float64
	// RegisterSearchAttributes is RegisterAuto, RegisterAlways or RegisterNever
	// (REGIONCOPY_REGISTER_SEARCH_ATTRIBUTES, default auto).
	RegisterSearchAttributes string
	// ShutdownGrace is how long a stopping worker lets in-flight activities finish
	// (REGIONCOPY_SHUTDOWN_GRACE, a Go duration, default 30s).
	ShutdownGrace time.Duration
	// RpoMetricsInterval is how often the worker lists the open chains for the RPO
	// gauges (REGIONCOPY_RPO_METRICS_INTERVAL, a Go duration, default 1m; 0 turns the
	// listing off, as on all but one worker of a large fleet).
	RpoMetricsInterval time.Duration
	// LogLevel is debug, info, warn or error (REGIONCOPY_LOG_LEVEL, default info).
	LogLevel string
	// AlertWebhookURL, when set, receives a JSON POST for every chain's change into or
	// out of RPO BREACH (REGIONCOPY_ALERT_WEBHOOK_URL; unset: the alert is only logged).
	// Its path is treated as a secret and never logged.
	AlertWebhookURL string
	// AlertWebhookHeader is one header sent with every alert POST, written "Name: value",
	// for receivers that authenticate by header (REGIONCOPY_ALERT_WEBHOOK_HEADER).
	AlertWebhookHeader string
	// VerifyAWSIdentity makes the worker ask STS (GetCallerIdentity) at start-up whose
	// credentials it holds, proving they are valid before it polls
	// (REGIONCOPY_VERIFY_AWS_IDENTITY=true; default false: credentials are only resolved,
	// without a call to AWS, which also suits the emulator).
	VerifyAWSIdentity bool
	// AWS, when set, replaces the AWS default configuration chain (tests, embedding).
	AWS *aws.Config
}

// Environment variable names read by ConfigFromEnv.
const (
	EnvTaskQueue                  = "REGIONCOPY_TASK_QUEUE"
	EnvMetricsListen              = "REGIONCOPY_METRICS_LISTEN"
	EnvMaxConcurrentActivities    = "REGIONCOPY_MAX_CONCURRENT_ACTIVITIES"
	EnvMaxConcurrentWorkflowTasks = "REGIONCOPY_MAX_CONCURRENT_WORKFLOW_TASKS"
	EnvMaxFollowedCopyJobs        = "REGIONCOPY_MAX_FOLLOWED_COPY_JOBS"
	EnvActivitiesPerSecond        = "REGIONCOPY_ACTIVITIES_PER_SECOND"
	EnvTimeScale                  = "REGIONCOPY_TIME_SCALE"
	EnvRegisterSearchAttributes   = "REGIONCOPY_REGISTER_SEARCH_ATTRIBUTES"
	EnvShutdownGrace              = "REGIONCOPY_SHUTDOWN_GRACE"
	EnvRpoMetricsInterval         = "REGIONCOPY_RPO_METRICS_INTERVAL"
	EnvLogLevel                   = "REGIONCOPY_LOG_LEVEL"
	EnvAlertWebhookURL            = "REGIONCOPY_ALERT_WEBHOOK_URL"
	EnvAlertWebhookHeader         = "REGIONCOPY_ALERT_WEBHOOK_HEADER"
	EnvVerifyAWSIdentity          = "REGIONCOPY_VERIFY_AWS_IDENTITY"
)

// envVars is every variable ConfigFromEnv reads: it reads them through lookupEnv, which
// refuses any other name, so the list cannot fall behind the loader.
var envVars = []string{
	EnvTaskQueue, EnvMetricsListen, EnvMaxConcurrentActivities, EnvMaxConcurrentWorkflowTasks,
	EnvMaxFollowedCopyJobs, EnvActivitiesPerSecond, EnvTimeScale, EnvRegisterSearchAttributes,
	EnvShutdownGrace, EnvRpoMetricsInterval, EnvLogLevel, EnvAlertWebhookURL, EnvAlertWebhookHeader, EnvVerifyAWSIdentity,
}

// EnvVars lists the REGIONCOPY_* variables the worker reads, for checking deployment files
// (docker-compose.yml) against them. Temporal's TEMPORAL_* and AWS's AWS_* variables are
// read by their own libraries.
func EnvVars() []string { return slices.Clone(envVars) }

func lookupEnv(name string) (string, bool) {
	if !slices.Contains(envVars, name) {
		panic("worker: ConfigFromEnv reads " + name + ", which envVars does not list")
	}
	return os.LookupEnv(name)
}

// MetricsOff disables the metrics endpoint when given as MetricsListen.
const MetricsOff = "off"

// DefaultConfig is the configuration with nothing set in the environment.
func DefaultConfig() Config {
	return Config{
		TaskQueue:                model.DefaultTaskQueue,
		Namespace:                "default",
		MetricsListen:            "127.0.0.1:9464",
		MaxConcurrentActivities:  100,
		MaxFollowedCopyJobs:      1000,
		TimeScale:                1,
		RegisterSearchAttributes: RegisterAuto,
		ShutdownGrace:            30 * time.Second,
		RpoMetricsInterval:       time.Minute,
		LogLevel:                 "info",
	}
}

// ConfigFromEnv reads the configuration from the environment, reporting every bad
// variable at once, each by name with the rule it breaks.
func ConfigFromEnv() (Config, error) {
	c := DefaultConfig()
	var errs []error
	str := func(name string, dst *string) {
		if v, ok := lookupEnv(name); ok && strings.TrimSpace(v) != "" {
			*dst = strings.TrimSpace(v)
		}
	}
	integer := func(name string, dst *int) {
		if v, ok := lookupEnv(name); ok && strings.TrimSpace(v) != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q must be a whole number", name, v))
				return
			}
			*dst = n
		}
	}
	float := func(name string, dst *float64) {
		if v, ok := lookupEnv(name); ok && strings.TrimSpace(v) != "" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q must be a number", name, v))
				return
			}
			*dst = f
		}
	}
	boolean := func(name string, dst *bool) {
		if v, ok := lookupEnv(name); ok && strings.TrimSpace(v) != "" {
			b, err := strconv.ParseBool(strings.TrimSpace(v))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q must be true or false", name, v))
				return
			}
			*dst = b
		}
	}
	str(EnvTaskQueue, &c.TaskQueue)
	str(EnvMetricsListen, &c.MetricsListen)
	integer(EnvMaxConcurrentActivities, &c.MaxConcurrentActivities)
	integer(EnvMaxConcurrentWorkflowTasks, &c.MaxConcurrentWorkflowTasks)
	integer(EnvMaxFollowedCopyJobs, &c.MaxFollowedCopyJobs)
	float(EnvActivitiesPerSecond, &c.ActivitiesPerSecond)
	float(EnvTimeScale, &c.TimeScale)
	str(EnvRegisterSearchAttributes, &c.RegisterSearchAttributes)
	str(EnvLogLevel, &c.LogLevel)
	str(EnvAlertWebhookURL, &c.AlertWebhookURL)
	str(EnvAlertWebhookHeader, &c.AlertWebhookHeader)
	boolean(EnvVerifyAWSIdentity, &c.VerifyAWSIdentity)
	duration := func(name string, dst *time.Duration) {
		if v, ok := lookupEnv(name); ok && strings.TrimSpace(v) != "" {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q must be a Go duration such as 30s or 2m", name, v))
				return
			}
			*dst = d
		}
	}
	duration(EnvShutdownGrace, &c.ShutdownGrace)
	duration(EnvRpoMetricsInterval, &c.RpoMetricsInterval)
	opts, err := temporalclient.LoadClientOptions(temporalclient.Options{})
	if err != nil {
		errs = append(errs, err)
	} else {
		c.Namespace = opts.Namespace
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

// Validate checks every field, reporting all problems at once.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.TaskQueue) == "" {
		errs = append(errs, fmt.Errorf("TaskQueue (%s) must not be empty", EnvTaskQueue))
	}
	if c.MaxConcurrentActivities < 1 {
		errs = append(errs, fmt.Errorf("MaxConcurrentActivities (%s) %d must be at least 1", EnvMaxConcurrentActivities, c.MaxConcurrentActivities))
	}
	if c.MaxFollowedCopyJobs < 0 {
		errs = append(errs, fmt.Errorf("MaxFollowedCopyJobs (%s) %d must not be negative", EnvMaxFollowedCopyJobs, c.MaxFollowedCopyJobs))
	}
	if c.MaxConcurrentWorkflowTasks < 0 {
		errs = append(errs, fmt.Errorf("MaxConcurrentWorkflowTasks (%s) %d must not be negative", EnvMaxConcurrentWorkflowTasks, c.MaxConcurrentWorkflowTasks))
	}
	if c.ActivitiesPerSecond < 0 {
		errs = append(errs, fmt.Errorf("ActivitiesPerSecond (%s) %v must not be negative", EnvActivitiesPerSecond, c.ActivitiesPerSecond))
	}
	if !(c.TimeScale >= 1) {
		errs = append(errs, fmt.Errorf("TimeScale (%s) %v must be at least 1", EnvTimeScale, c.TimeScale))
	}
	switch c.RegisterSearchAttributes {
	case RegisterAuto, RegisterAlways, RegisterNever:
	default:
		errs = append(errs, fmt.Errorf("RegisterSearchAttributes (%s) %q must be auto, always or never", EnvRegisterSearchAttributes, c.RegisterSearchAttributes))
	}
	if c.ShutdownGrace < 0 {
		errs = append(errs, fmt.Errorf("ShutdownGrace (%s) %s must not be negative", EnvShutdownGrace, c.ShutdownGrace))
	}
	if c.RpoMetricsInterval < 0 {
		errs = append(errs, fmt.Errorf("RpoMetricsInterval (%s) %s must not be negative", EnvRpoMetricsInterval, c.RpoMetricsInterval))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, fmt.Errorf("LogLevel (%s): %w", EnvLogLevel, err))
	}
	if _, err := c.alertWebhook(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// alertWebhook is the webhook alerts are posted to, nil when AlertWebhookURL is unset.
func (c Config) alertWebhook() (*activities.Webhook, error) {
	if c.AlertWebhookURL == "" {
		if c.AlertWebhookHeader != "" {
			return nil, fmt.Errorf("%s is set without %s", EnvAlertWebhookHeader, EnvAlertWebhookURL)
		}
		return nil, nil
	}
	w, err := activities.NewWebhook(c.AlertWebhookURL, c.AlertWebhookHeader)
	if err != nil {
		return nil, fmt.Errorf("%s / %s: %w", EnvAlertWebhookURL, EnvAlertWebhookHeader, err)
	}
	return w, nil
}
