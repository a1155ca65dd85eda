package worker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/workflows"
	"github.com/regioncopy/regioncopy/workflows/planrun"
)

// Running is a started worker.
type Running struct {
	log         *zap.Logger
	worker      sdkworker.Worker
	backup      *activities.Backup
	client      client.Client
	prom        *temporalclient.Prometheus
	metricsSrv  *http.Server
	metricsAddr string
	fatal       chan error
	stopOnce    sync.Once
	// stopRpo stops the RPO collector; rpoDone closes when it has.
	stopRpo context.CancelFunc
	rpoDone chan struct{}
}

// Start registers the workflows and activities on cfg.TaskQueue, prepares the search
// attributes, serves metrics and starts polling. The worker uses its own client over
// c's connection so that the SDK's metrics go to this worker's Prometheus registry.
func Start(ctx context.Context, cfg Config, c client.Client, log *zap.Logger) (*Running, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("worker configuration: %w", err)
	}
	if log == nil {
		log = zap.NewNop()
	}
	r := &Running{log: log, fatal: make(chan error, 1)}
	r.prom = temporalclient.NewPrometheus(func(err error) { log.Warn("metric registration", zap.Error(err)) })

	wc, err := client.NewClientFromExistingWithContext(ctx, c, client.Options{
		Namespace:      cfg.Namespace,
		Logger:         temporalclient.NewLogger(log),
		MetricsHandler: r.prom.SDK,
	})
	if err != nil {
		r.prom.Close()
		return nil, fmt.Errorf("worker client for namespace %s: %w", cfg.Namespace, err)
	}
	r.client = wc
	if err := r.start(ctx, cfg); err != nil {
		r.release()
		return nil, err
	}
	return r, nil
}

func (r *Running) start(ctx context.Context, cfg Config) error {
	webhook, err := cfg.alertWebhook()
	if err != nil {
		return err
	}
	awsCfg := cfg.AWS
	if awsCfg == nil {
		loaded, err := LoadAWS(ctx, cfg, r.log)
		if err != nil {
			return err
		}
		awsCfg = &loaded
	}
	if err := prepareSearchAttributes(ctx, r.client, cfg, r.log); err != nil {
		return err
	}
	backup := activities.NewBackup(*awsCfg,
		activities.WithCopyObserver(copyMetrics{scope: r.prom.Scope}),
		activities.WithCallObserver(callMetrics{scope: r.prom.Scope}),
		activities.WithPollSchedule(pollSchedule(cfg.TimeScale)),
		activities.WithCopyWatch(activities.DefaultCopyWatch.Scaled(cfg.TimeScale)),
		activities.WithFollowSlots(cfg.MaxFollowedCopyJobs),
		activities.WithLogger(r.log))
	r.backup = backup

	opts := SDKOptions(cfg)
	opts.OnFatalError = func(err error) {
		select {
		case r.fatal <- err:
		default:
		}
	}
	r.worker = sdkworker.New(r.client, cfg.TaskQueue, opts)
	workflows.Register(r.worker)
	activities.Register(r.worker, backup, &activities.Chains{Client: r.client})
	activities.RegisterAlerts(r.worker, activities.NewAlerts(r.log, webhook))
	planrun.Register(r.worker)
	activities.RegisterPlan(r.worker, activities.NewPlans(backup, activities.WithTimeScale(cfg.TimeScale)))

	if cfg.MetricsListen != MetricsOff && cfg.MetricsListen != "" {
		ln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			return fmt.Errorf("metrics endpoint (%s=%s): %w", EnvMetricsListen, cfg.MetricsListen, err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", r.prom.Handler())
		r.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		r.metricsAddr = ln.Addr().String()
		go func() {
			if err := r.metricsSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				r.log.Error("metrics endpoint stopped", zap.Error(err))
			}
		}()
	}

	if err := r.worker.Start(); err != nil {
		return fmt.Errorf("start worker on task queue %s: %w", cfg.TaskQueue, err)
	}
	if cfg.RpoMetricsInterval > 0 {
		r.startRpoCollector(cfg.RpoMetricsInterval)
	}
	r.log.Info("worker started",
		zap.String("namespace", cfg.Namespace), zap.String("task_queue", cfg.TaskQueue),
		zap.String("metrics", r.metricsAddr), zap.Float64("time_scale", cfg.TimeScale),
		zap.Int("max_concurrent_activities", cfg.MaxConcurrentActivities))
	return nil
}

// startRpoCollector publishes the RPO gauges from the worker's own client until Stop.
func (r *Running) startRpoCollector(interval time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	r.stopRpo, r.rpoDone = cancel, make(chan struct{})
	c := &rpoCollector{
		list: func(ctx context.Context) ([]openChain, int, error) {
			return listOpenChains(ctx, r.client, openChainsPageSize)
		},
		scope:    r.prom.Scope,
		interval: interval,
		log:      r.log,
	}
	go func() {
		defer close(r.rpoDone)
		c.run(ctx)
	}()
}

// MetricsAddr is the address /metrics is served on ("" when disabled).
func (r *Running) MetricsAddr() string { return r.metricsAddr }

// Fatal delivers the error that stopped the worker on its own (for example, its
// namespace was deleted).
func (r *Running) Fatal() <-chan error { return r.fatal }

// Stop stops polling, waits up to the shutdown grace for in-flight activity tasks, then
// closes the metrics endpoint and the worker's client. It is safe to call twice.
func (r *Running) Stop() {
	r.stopOnce.Do(func() {
		if r.worker != nil {
			r.worker.Stop()
		}
		if r.backup != nil {
			r.backup.Close()
		}
		r.release()
		r.log.Info("worker stopped")
	})
}

func (r *Running) release() {
	if r.stopRpo != nil {
		r.stopRpo()
		<-r.rpoDone
	}
	if r.metricsSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r.metricsSrv.Shutdown(ctx)
	}
	_ = r.prom.Close()
	if r.client != nil {
		r.client.Close()
	}
}

// Run starts the worker and blocks until ctx is done (SIGINT or SIGTERM in the binary)
// or the worker fails on its own, then stops it gracefully.
func Run(ctx context.Context, cfg Config, c client.Client, log *zap.Logger) error {
	r, err := Start(ctx, cfg, c, log)
	if err != nil {
		return err
	}
	defer r.Stop()
	select {
	case <-ctx.Done():
		return nil
	case err := <-r.Fatal():
		return fmt.Errorf("worker stopped: %w", err)
	}
}

// pollSchedule scales the default poll schedule to AWS's clock: when AWS runs
// timeScale times faster than the wall clock (the emulator), a job's seconds pass
// timeScale times sooner. A floor of 100ms keeps a fast clock from becoming a busy loop.
func pollSchedule(timeScale float64) activities.PollSchedule {
	s := activities.DefaultPollSchedule
	if timeScale <= 1 {
		return s
	}
	floor := 100 * time.Millisecond
	s.Min = max(time.Duration(float64(s.Min)/timeScale), floor)
	s.Max = max(time.Duration(float64(s.Max)/timeScale), s.Min)
	return s
}
