package activities

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/model"
)

// Backup holds the AWS Backup activities. It keeps one SDK client per Region, created
// on first use from one base aws.Config: the Region of every call comes from the
// activity input, never from the environment, because one worker serves copies between
// any Regions.
type Backup struct {
	base     aws.Config
	observer CopyObserver
	calls    CallObserver
	poll     PollSchedule
	clientFn []func(*backup.Options)
	pageSize int32
	log      *zap.Logger
	// watchCfg configures watch, the Region watchers of the copy jobs followed.
	watchCfg CopyWatch
	watch    *watchers
	// followSlots bounds the PollCopyJob attempts waiting at once (nil: no bound).
	followSlots chan struct{}

	mu      sync.Mutex
	clients map[string]*backup.Client
}

// Option configures a Backup.
type Option func(*Backup)

// WithCopyObserver makes the activities report copy starts and ends (metrics).
func WithCopyObserver(o CopyObserver) Option { return func(b *Backup) { b.observer = o } }

// WithPollSchedule replaces DefaultPollSchedule for the poll activities.
func WithPollSchedule(s PollSchedule) Option { return func(b *Backup) { b.poll = s } }

// WithCopyWatch replaces DefaultCopyWatch for following copy jobs.
func WithCopyWatch(w CopyWatch) Option { return func(b *Backup) { b.watchCfg = w } }

// WithFollowSlots bounds the PollCopyJob attempts that wait in this process at once
// (0: none waits); further attempts look once and come back later. The worker gives
// these attempts activity slots of their own, on top of those of its other activities.
func WithFollowSlots(n int) Option {
	return func(b *Backup) { b.followSlots = make(chan struct{}, max(n, 0)) }
}

// WithLogger gives the activities' background work (the copy job watchers) a logger.
func WithLogger(l *zap.Logger) Option { return func(b *Backup) { b.log = l } }

// WithListPageSize sets MaxResults of each list page (AWS's default when 0).
func WithListPageSize(n int32) Option { return func(b *Backup) { b.pageSize = n } }

// WithClientOptions adds SDK client options applied to every Region's client.
func WithClientOptions(fns ...func(*backup.Options)) Option {
	return func(b *Backup) { b.clientFn = append(b.clientFn, fns...) }
}

// CopyObserver learns of copy jobs started and ended, for metrics. Activities may run
// more than once (retries, a worker killed after the call), so counts are approximate;
// the workflows' copy records are the proof.
type CopyObserver interface {
	CopyStarted(sourceRegion, destinationRegion string)
	CopyEnded(sourceRegion string, job CopyJobEnd)
}

// CopyJobEnd is what a CopyObserver is told when a copy job reaches a final state.
type CopyJobEnd struct {
	DestinationRegion string
	State             string
	BackupSizeInBytes int64
	// Kind is FULL or INCREMENTAL as the workflow that followed the job said
	// (PollCopyJobInput.Kind); empty when it did not say. AWS's answers do not tell.
	Kind model.CopyKind
	// Duration is from the job's creation to its completion, on AWS's clock (zero when
	// AWS's answer lacks either time).
	Duration time.Duration
}

// LoadAWSConfig loads the AWS default configuration chain: environment, shared config
// and credentials files, profiles and SSO, and service endpoints such as
// AWS_ENDPOINT_URL_BACKUP (which points every Region's client at the emulator).
func LoadAWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// NewBackup returns the AWS Backup activities over cfg (see LoadAWSConfig).
//
// The SDK's own retryer is kept short (3 attempts, at most 2s apart, no client-side
// retry quota): Temporal's activity retry policy is the outer loop, durable and visible
// in the UI, with backoff measured in seconds to minutes. SDK retries only absorb a
// momentary blip cheaply inside one attempt; long SDK retries would hide throttling
// from the workflow and could outlive the activity's StartToClose timeout. The retry
// quota is off because a worker-wide token bucket would turn one noisy Region's
// throttling into "retry quota exceeded" failures for every other Region. A max
// attempts value set in the AWS profile or AWS_MAX_ATTEMPTS still wins.
func NewBackup(cfg aws.Config, opts ...Option) *Backup {
	cfg = cfg.Copy()
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.MaxBackoff = 2 * time.Second
			o.RateLimiter = ratelimit.None
		})
	}
	b := &Backup{base: cfg, poll: DefaultPollSchedule, watchCfg: DefaultCopyWatch, clients: map[string]*backup.Client{}}
	for _, o := range opts {
		o(b)
	}
	b.watch = newWatchers(b.watchCfg, b.listEndedCopyJobs, b.log)
	return b
}

// Close stops the copy job watchers. Attempts still waiting end when their worker stops.
func (b *Backup) Close() { b.watch.close() }

// client returns the cached client for region, creating it on first use.
func (b *Backup) client(region string) *backup.Client {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.clients[region]; ok {
		return c
	}
	fns := append([]func(*backup.Options){func(o *backup.Options) { o.Region = region }}, b.clientFn...)
	if b.calls != nil {
		fns = append(fns, func(o *backup.Options) { o.APIOptions = append(o.APIOptions, observeCalls(b.calls, "")) })
	}
	c := backup.NewFromConfig(b.base, fns...)
	b.clients[region] = c
	return c
}
