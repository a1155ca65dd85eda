package worker

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// collectorFixture is an rpoCollector over a real Prometheus registry whose listing
// answers what the test sets.
type collectorFixture struct {
	prom      *temporalclient.Prometheus
	collector *rpoCollector
	chains    []openChain
	err       error
}

func newCollectorFixture(t *testing.T) *collectorFixture {
	f := &collectorFixture{prom: temporalclient.NewPrometheus(func(err error) { t.Errorf("metric registration: %v", err) })}
	t.Cleanup(func() { _ = f.prom.Close() })
	f.collector = &rpoCollector{scope: f.prom.Scope, interval: time.Minute, log: zap.NewNop(),
		list: func(context.Context) ([]openChain, int, error) { return f.chains, 1, f.err }}
	return f
}

// collect runs one collection and scrapes the registry once the scope has reported.
func (f *collectorFixture) collect(t *testing.T, ctx context.Context) scraped {
	t.Helper()
	f.collector.collect(ctx)
	time.Sleep(1100 * time.Millisecond) // the scope reports to the registry every second
	rec := httptest.NewRecorder()
	f.prom.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

type scraped map[string]*dto.MetricFamily

// gauge returns the value of the series of name with exactly labels, and whether it
// exists.
func (families scraped) gauge(name string, labels map[string]string) (float64, bool) {
next:
	for _, m := range families[name].GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		return m.GetGauge().GetValue() + m.GetCounter().GetValue(), true
	}
	return 0, false
}

func resourcesLabels(plan, region, state string) map[string]string {
	return map[string]string{"plan": plan, "destination_region": region, "rpo_state": state}
}

// A group whose chains all closed, and a state no chain is in any more, read 0 instead
// of their last value; every state of a group seen is published.
func TestRpoCollectorZeroesWhatNoLongerExists(t *testing.T) {
	f := newCollectorFixture(t)
	f.chains = []openChain{
		{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoBreach, LastCopyAt: time.Now().Add(-30 * time.Hour)},
		{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoBreach},
		{DestinationRegion: "us-west-2", RpoState: "PAUSED"}, // a state this code does not know yet
	}
	m := f.collect(t, context.Background())
	if v, _ := m.gauge(metricResources, resourcesLabels("daily", "eu-west-1", model.RpoBreach)); v != 2 {
		t.Errorf("daily eu-west-1 BREACH = %v, want 2", v)
	}
	if v, ok := m.gauge(metricResources, resourcesLabels("daily", "eu-west-1", model.RpoOK)); !ok || v != 0 {
		t.Errorf("daily eu-west-1 OK = %v (published %v), want a published 0", v, ok)
	}
	if v, _ := m.gauge(metricNewestCopyAge, map[string]string{"plan": "daily", "destination_region": "eu-west-1"}); v < 30*3600 || v > 30*3600+60 {
		t.Errorf("daily eu-west-1 newest copy age = %vs, want 30h", v)
	}
	if v, _ := m.gauge(metricResources, resourcesLabels(onDemandPlan, "us-west-2", "PAUSED")); v != 1 {
		t.Errorf("on-demand us-west-2 PAUSED = %v, want 1", v)
	}

	f.chains = []openChain{{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoOK, LastCopyAt: time.Now().Add(-time.Hour)}}
	m = f.collect(t, context.Background())
	for _, c := range []struct {
		labels map[string]string
		want   float64
	}{
		{resourcesLabels("daily", "eu-west-1", model.RpoBreach), 0},
		{resourcesLabels("daily", "eu-west-1", model.RpoOK), 1},
		{resourcesLabels(onDemandPlan, "us-west-2", "PAUSED"), 0},
	} {
		if v, ok := m.gauge(metricResources, c.labels); !ok || v != c.want {
			t.Errorf("%v = %v (published %v), want %v", c.labels, v, ok, c.want)
		}
	}
	if v, _ := m.gauge(metricNewestCopyAge, map[string]string{"plan": onDemandPlan, "destination_region": "us-west-2"}); v != 0 {
		t.Errorf("closed group's newest copy age = %v, want 0", v)
	}
}

// A failed listing keeps the gauges and the collection time, and counts a failure.
func TestRpoCollectorKeepsGaugesWhenListingFails(t *testing.T) {
	f := newCollectorFixture(t)
	f.chains = []openChain{{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoAtRisk}}
	m := f.collect(t, context.Background())
	collectedAt, ok := m.gauge(metricRpoCollectedAt, map[string]string{})
	if !ok || collectedAt < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Fatalf("collection time = %v (published %v), want about now", collectedAt, ok)
	}

	f.chains, f.err = nil, errors.New("visibility unavailable")
	m = f.collect(t, context.Background())
	if v, _ := m.gauge(metricResources, resourcesLabels("daily", "eu-west-1", model.RpoAtRisk)); v != 1 {
		t.Errorf("AT_RISK after a failed listing = %v, want the last value 1", v)
	}
	if v, _ := m.gauge(metricRpoCollectedAt, map[string]string{}); v != collectedAt {
		t.Errorf("collection time after a failed listing = %v, want %v", v, collectedAt)
	}
	if v, _ := m.gauge(metricRpoCollectFailures+"_total", map[string]string{}); v != 1 {
		t.Errorf("failures = %v, want 1", v)
	}
}

// A listing cut short because the worker stops is not a failure.
func TestRpoCollectorStoppingIsNoFailure(t *testing.T) {
	f := newCollectorFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.err = context.Canceled
	if v, _ := f.collect(t, ctx).gauge(metricRpoCollectFailures+"_total", map[string]string{}); v != 0 {
		t.Errorf("failures = %v after a stop, want 0", v)
	}
}
