package worker_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/worker"
)

// TestWorkerMetricsThroughTheEmulator copies one recovery point with the real worker
// while the emulator throttles DescribeRecoveryPoint four times (one activity attempt's
// three SDK attempts, then one more) and answers one DescribeBackupVault with
// ServiceUnavailableException. /metrics must count those calls, throttles and errors,
// the copy and its duration, and the RPO collector's gauge of the open chain; and every
// Temporal SDK metric the dashboard and the alert rules use must be one the worker
// serves.
func TestWorkerMetricsThroughTheEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv := temporaltest.Start(t)
	emu := emulatortest.Start(t, emulator.Config{TimeScale: timeScale, Faults: emulator.Faults{Errors: []emulator.ErrorFault{
		{Operation: "DescribeRecoveryPoint", Code: "ThrottlingException", Count: 4},
		{Operation: "DescribeBackupVault", Code: "ServiceUnavailableException", Count: 1},
		{Operation: "StartCopyJob", Code: "ThrottlingException", Count: 4},
	}}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	point := completedBackup(t, ctx, emu)

	cfg := worker.DefaultConfig()
	cfg.TaskQueue = "worker-metrics-test"
	cfg.Namespace = srv.Namespace
	cfg.MetricsListen = "127.0.0.1:0"
	cfg.TimeScale = timeScale
	cfg.ShutdownGrace = 5 * time.Second
	cfg.RpoMetricsInterval = 200 * time.Millisecond
	awsCfg := emu.AWSConfig(east)
	cfg.AWS = &awsCfg
	running, err := worker.Start(ctx, cfg, srv.Client, zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel)))
	if err != nil {
		t.Fatal(err)
	}
	defer running.Stop()

	run, err := srv.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "worker-metrics-copy", TaskQueue: cfg.TaskQueue},
		model.WorkflowCopyRecoveryPoint, model.CopyRequest{
			SourceRegion: east, RecoveryPointArn: point, SourceBackupVaultName: "src", IamRoleArn: role,
			Destinations: []model.Destination{{BackupVaultArn: emuVaultArn(west, "dst")}},
			TimeScale:    timeScale,
		})
	if err != nil {
		t.Fatal(err)
	}
	var result model.CopyRequestResult
	if err := run.Get(ctx, &result); err != nil {
		t.Fatalf("copy workflow: %v", err)
	}
	if len(result.Results) != 1 || result.Results[0].Record == nil || result.Results[0].Record.State != model.JobCompleted {
		t.Fatalf("copy result = %+v", result)
	}

	pair := map[string]string{"source_region": east, "destination_region": west}
	checks := []struct {
		what string
		ok   func(families map[string]*dto.MetricFamily) bool
	}{
		{"5 or more DescribeRecoveryPoint calls", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "regioncopy_aws_calls_total", map[string]string{"operation": "DescribeRecoveryPoint"}) >= 5
		}},
		{"4 DescribeRecoveryPoint throttles", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "regioncopy_aws_throttles_total", map[string]string{"operation": "DescribeRecoveryPoint", "region": east}) == 4
		}},
		{"4 DescribeRecoveryPoint errors of class Throttled", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "regioncopy_aws_errors_total", map[string]string{"operation": "DescribeRecoveryPoint", "class": model.ErrThrottled}) == 4
		}},
		{"1 DescribeBackupVault error of class ServiceFault", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "regioncopy_aws_errors_total", map[string]string{"operation": "DescribeBackupVault", "class": model.ErrServiceFault}) == 1
		}},
		{"StartCopyJob latency observed", func(f map[string]*dto.MetricFamily) bool {
			return histogramCount(f, "regioncopy_aws_call_duration_seconds", map[string]string{"operation": "StartCopyJob"}) >= 1
		}},
		{"1 copy completed", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "regioncopy_copies_completed_total", pair) == 1
		}},
		{"the copy's bytes", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "regioncopy_copy_bytes_total", pair) > 0
		}},
		{"1 copy duration observed", func(f map[string]*dto.MetricFamily) bool {
			return histogramCount(f, "regioncopy_copy_duration_seconds", pair) == 1
		}},
		{"the open chain counted as on-demand NO_RPO", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "regioncopy_resources", map[string]string{"plan": "on-demand", "destination_region": west, "rpo_state": model.RpoNone}) == 1 &&
				sum(f, "regioncopy_resources", map[string]string{"rpo_state": model.RpoBreach}) == 0
		}},
		{"the newest copy's age published", func(f map[string]*dto.MetricFamily) bool {
			return has(f, "regioncopy_newest_copy_age_seconds", map[string]string{"plan": "on-demand", "destination_region": west})
		}},
		{"an RPO collection time", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "regioncopy_rpo_collected_timestamp_seconds", nil) > float64(time.Now().Add(-time.Minute).Unix())
		}},
		{"a failed activity attempt counted by the SDK", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "temporal_activity_execution_failed_total", map[string]string{"activity_type": model.ActStartCopyJob}) >= 1
		}},
		{"a failed local activity attempt (a request's check) counted by the SDK", func(f map[string]*dto.MetricFamily) bool {
			return sum(f, "temporal_local_activity_execution_failed_total", map[string]string{"activity_type": model.ActDescribeRecoveryPoint}) >= 1
		}},
	}
	var families map[string]*dto.MetricFamily
	failing := func() []string {
		var out []string
		for _, c := range checks {
			if !c.ok(families) {
				out = append(out, c.what)
			}
		}
		return out
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		families = scrapeFamilies(t, running.MetricsAddr())
		if len(failing()) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, what := range failing() {
		t.Errorf("metrics lack %s", what)
	}

	used, err := worker.UsedMetricNames()
	if err != nil {
		t.Fatal(err)
	}
	for name, where := range used {
		if strings.HasPrefix(name, "temporal_") && !worker.ServesMetric(name, families) {
			t.Errorf("%s uses %s, which the worker does not serve", where, name)
		}
	}
}

func scrapeFamilies(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// matching returns the metrics of family name carrying every label in want.
func matching(families map[string]*dto.MetricFamily, name string, want map[string]string) []*dto.Metric {
	var out []*dto.Metric
	f, ok := families[name]
	if !ok {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

func has(families map[string]*dto.MetricFamily, name string, want map[string]string) bool {
	return len(matching(families, name, want)) > 0
}

// sum adds the counters or gauges of family name carrying the labels in want.
func sum(families map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	total := 0.0
	for _, m := range matching(families, name, want) {
		total += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return total
}

func histogramCount(families map[string]*dto.MetricFamily, name string, want map[string]string) uint64 {
	var n uint64
	for _, m := range matching(families, name, want) {
		n += m.GetHistogram().GetSampleCount()
	}
	return n
}
