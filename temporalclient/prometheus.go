package temporalclient

import (
	"io"
	"net/http"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/uber-go/tally/v4"
	tallyprom "github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"
)

// Prometheus collects the Temporal SDK's metrics and regioncopy's own in one
// Prometheus registry, served by Handler. It follows the Temporal samples: a tally
// scope with Prometheus naming (counters end in _total, timers in _seconds and are
// histograms) reported to a Prometheus registry once a second.
type Prometheus struct {
	// Scope is the root scope; regioncopy's own metrics are created from it.
	Scope tally.Scope
	// SDK is the MetricsHandler to give the Temporal client (Options.MetricsHandler).
	SDK client.MetricsHandler

	registry *prom.Registry
	closer   io.Closer
}

// NewPrometheus creates the registry (with Go runtime and process collectors) and the
// scope over it.
func NewPrometheus(onError func(error)) *Prometheus {
	reg := prom.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reporter := tallyprom.NewReporter(tallyprom.Options{
		Registerer:       reg,
		Gatherer:         reg,
		DefaultTimerType: tallyprom.HistogramTimerType,
		OnRegisterError:  onError,
	})
	root, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       tallyprom.DefaultSeparator,
		SanitizeOptions: &sanitizeOptions,
	}, time.Second)
	scope := sdktally.NewPrometheusNamingScope(root)
	return &Prometheus{Scope: scope, SDK: sdktally.NewMetricsHandler(scope), registry: reg, closer: closer}
}

// sanitizeOptions are the SDK's Prometheus rules, except that label values keep the
// characters of Region names, task queues and workflow types ("us-east-1" stays
// readable instead of becoming "us_east_1"); Prometheus allows any text in values.
var sanitizeOptions = func() tally.SanitizeOptions {
	o := sdktally.PrometheusSanitizeOptions
	o.ValueCharacters = tally.ValidCharacters{
		Ranges:     tally.AlphanumericRange,
		Characters: []rune{'_', '-', '.', ':', '/'},
	}
	return o
}()

// Handler serves the metrics in the Prometheus exposition format.
func (p *Prometheus) Handler() http.Handler {
	return promhttp.HandlerFor(p.registry, promhttp.HandlerOpts{})
}

// Close flushes the last report and stops the reporting loop.
func (p *Prometheus) Close() error { return p.closer.Close() }
