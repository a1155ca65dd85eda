package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"go.uber.org/zap"
	"gopkg.in/yaml.v3"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// The files that use the worker's metrics, from this package's directory.
const (
	dashboardFile = "../deploy/grafana/dashboards/regioncopy.json"
	rulesFile     = "../deploy/prometheus/rules/regioncopy.yml"
	readmeFile    = "README.md"
	metricsGoFile = "metrics.go"
)

// exportedFamilies runs the worker's metrics setup, emits one of each of regioncopy's
// metrics through the same code the worker uses, and scrapes the registry.
func exportedFamilies(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	p := temporalclient.NewPrometheus(func(err error) { t.Errorf("metric registration: %v", err) })
	copies := copyMetrics{scope: p.Scope}
	copies.CopyStarted("us-east-1", "eu-west-1")
	copies.CopyEnded("us-east-1", activities.CopyJobEnd{DestinationRegion: "eu-west-1", State: model.JobCompleted,
		BackupSizeInBytes: 1 << 30, Kind: model.CopyFull, Duration: 20 * time.Minute})
	copies.CopyEnded("us-east-1", activities.CopyJobEnd{DestinationRegion: "eu-west-1", State: model.JobFailed})
	calls := callMetrics{scope: p.Scope}
	calls.AWSCallEnded(activities.AWSCallEnd{Operation: "DescribeCopyJob", Region: "us-east-1", Duration: time.Second, ErrorClass: model.ErrThrottled})
	rpo := &rpoCollector{scope: p.Scope, interval: time.Minute, log: zap.NewNop(),
		list: func(context.Context) ([]openChain, int, error) {
			return []openChain{{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoOK, LastCopyAt: time.Now()}}, 1, nil
		}}
	rpo.collect(context.Background())
	rpo.list = func(context.Context) ([]openChain, int, error) { return nil, 1, errors.New("visibility unavailable") }
	rpo.collect(context.Background())
	if err := p.Close(); err != nil { // reports what was emitted
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	p.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// servesMetric says whether a name used in PromQL is served: a family's own name, or
// a histogram family's _bucket, _sum or _count series.
func servesMetric(name string, families map[string]*dto.MetricFamily) bool {
	if _, ok := families[name]; ok {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if f, ok := families[strings.TrimSuffix(name, suffix)]; ok && strings.HasSuffix(name, suffix) && f.GetType() == dto.MetricType_HISTOGRAM {
			return true
		}
	}
	return false
}

// usedMetricNames maps each metric name the dashboard and the alert rules use to where.
func usedMetricNames() (map[string]string, error) {
	used := map[string]string{}
	note := func(where, expr string) {
		for _, name := range metricNamesIn(expr) {
			if _, seen := used[name]; !seen {
				used[name] = where
			}
		}
	}

	raw, err := os.ReadFile(dashboardFile)
	if err != nil {
		return nil, err
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct {
			List []struct {
				Name  string
				Type  string
				Query json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		return nil, fmt.Errorf("%s: %w", dashboardFile, err)
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			note(fmt.Sprintf("%s panel %q", dashboardFile, p.Title), tg.Expr)
		}
	}
	for _, v := range dash.Templating.List {
		if v.Type != "query" {
			continue
		}
		// Grafana keeps a variable's query as a string or, from its query editor, as an
		// object holding it.
		var q struct{ Query, Metric string }
		if err := json.Unmarshal(v.Query, &q.Query); err != nil {
			if err := json.Unmarshal(v.Query, &q); err != nil {
				return nil, fmt.Errorf("%s variable %s: %w", dashboardFile, v.Name, err)
			}
		}
		note(fmt.Sprintf("%s variable %s", dashboardFile, v.Name), q.Query+" "+q.Metric)
	}

	raw, err = os.ReadFile(rulesFile)
	if err != nil {
		return nil, err
	}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string
				Expr  string
			}
		}
	}
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		return nil, fmt.Errorf("%s: %w", rulesFile, err)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			note(fmt.Sprintf("%s alert %s", rulesFile, r.Alert), r.Expr)
		}
	}
	return used, nil
}

var (
	// Grafana's label_values(metric, label) names a metric, then a label.
	labelValuesCall = regexp.MustCompile(`label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)[^)]*\)`)
	quoted          = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	grafanaVariable = regexp.MustCompile(`\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*`)
	labelMatchers   = regexp.MustCompile(`\{[^}]*\}`)
	rangeSelector   = regexp.MustCompile(`\[[^\]]*\]`)
	grouping        = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	identifier      = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
)

// promqlKeywords are PromQL's words that are neither metrics nor functions.
var promqlKeywords = []string{"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
	"group_left", "group_right", "inf", "nan", "Inf", "NaN"}

// metricNamesIn returns the metric names in a PromQL expression (or a Grafana variable
// query): what is left once strings, Grafana variables, label matchers, ranges and
// grouping clauses are removed, less functions (followed by a parenthesis), keywords
// and numbers.
func metricNamesIn(expr string) []string {
	expr = labelValuesCall.ReplaceAllString(expr, " $1 ")
	expr = quoted.ReplaceAllString(expr, " ")
	expr = grafanaVariable.ReplaceAllString(expr, " 1 ")
	expr = labelMatchers.ReplaceAllString(expr, " ")
	expr = rangeSelector.ReplaceAllString(expr, " ")
	expr = grouping.ReplaceAllString(expr, " ")
	var names []string
	for _, loc := range identifier.FindAllStringIndex(expr, -1) {
		name := expr[loc[0]:loc[1]]
		if loc[0] > 0 && strings.ContainsAny(expr[loc[0]-1:loc[0]], "0123456789.") {
			continue // an exponent or unit inside a number: 1e3
		}
		if strings.HasPrefix(strings.TrimLeft(expr[loc[1]:], " \t\n"), "(") || slices.Contains(promqlKeywords, name) {
			continue
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func TestMetricNamesInPromQL(t *testing.T) {
	for expr, want := range map[string][]string{
		`histogram_quantile(0.99, sum by (le, operation) (rate(regioncopy_aws_call_duration_seconds_bucket{region=~"$aws_region"}[$__rate_interval])))`: {"regioncopy_aws_call_duration_seconds_bucket"},
		`sum(x_total) by (plan) / on(plan) group_left(kind) y unless z > bool 1e3`:                                                                      {"x_total", "y", "z"},
		`time() - max(regioncopy_rpo_collected_timestamp_seconds) > 600`:                                                                                {"regioncopy_rpo_collected_timestamp_seconds"},
		`label_values(regioncopy_resources, plan)`:                                                                                                      {"regioncopy_resources"},
		`vector(${rpo_hours} * 3600) or absent(up{job="a b"})`:                                                                                          {"up"},
		`label_replace(m, "dst", "$1", "destination_region", "(.*)")`:                                                                                   {"m"},
	} {
		if got := metricNamesIn(expr); !slices.Equal(got, want) {
			t.Errorf("metricNamesIn(%s) = %v, want %v", expr, got, want)
		}
	}
}

// TestDashboardAndRulesUseExportedMetrics: every regioncopy metric the dashboard and the
// rules name is one the worker exports, so renaming a metric fails here. The Temporal
// SDK's names are checked against a running worker (TestWorkerMetricsThroughTheEmulator);
// up is Prometheus's own.
func TestDashboardAndRulesUseExportedMetrics(t *testing.T) {
	families := exportedFamilies(t)
	used, err := usedMetricNames()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"regioncopy_resources", "regioncopy_aws_throttles_total", "temporal_worker_task_slots_available", "up"} {
		if _, ok := used[want]; !ok {
			t.Errorf("dashboard and rules never use %s: the name extraction is broken", want)
		}
	}
	for name, where := range used {
		switch {
		case name == "up", strings.HasPrefix(name, "temporal_"):
		case strings.HasPrefix(name, "regioncopy_"):
			if !servesMetric(name, families) {
				t.Errorf("%s uses %s, which the worker does not export", where, name)
			}
		default:
			t.Errorf("%s uses %s, which is neither regioncopy's, the Temporal SDK's nor Prometheus's up", where, name)
		}
	}
}

// TestEveryMetricIsDocumented: the README's table and metrics.go's comment list exactly
// the regioncopy metrics the worker exports.
func TestEveryMetricIsDocumented(t *testing.T) {
	var exported []string
	for name := range exportedFamilies(t) {
		if strings.HasPrefix(name, "regioncopy_") {
			exported = append(exported, name)
		}
	}
	sort.Strings(exported)
	for file, pattern := range map[string]*regexp.Regexp{
		readmeFile:    regexp.MustCompile("(?m)^\\| `(regioncopy_[a-z_]+)`"),
		metricsGoFile: regexp.MustCompile(`(?m)^//\t(regioncopy_[a-z_]+)`),
	} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var documented []string
		for _, m := range pattern.FindAllStringSubmatch(string(raw), -1) {
			documented = append(documented, m[1])
		}
		sort.Strings(documented)
		if !slices.Equal(documented, exported) {
			t.Errorf("%s documents %v\nthe worker exports %v", file, documented, exported)
		}
	}
}
