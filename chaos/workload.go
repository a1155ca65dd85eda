package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/workflows"
)

const (
	account      = "123456789012"
	sourceRegion = "us-east-1"
	vaultName    = "regioncopy-chaos"
	iamRole      = "arn:aws:iam::" + account + ":role/service-role/AWSBackupDefaultServiceRole"
	taskQueue    = "regioncopy-chaos"

	// resourceSize and fullCopyWallSeconds set the copy bandwidth: a full copy lasts a
	// few seconds of wall time whatever the time scale, an incremental one a fraction.
	resourceSize        = 1 << 30
	fullCopyWallSeconds = 4
	// dailyWriteRate makes incrementals between points an emulated hour or two apart
	// a few percent of the volume.
	dailyWriteRate = 1.0
	// maxPoints bounds the points per resource: a chain keeps 50 finished records.
	maxPoints = 40
)

// destinationRegions are the two Regions every recovery point is copied to.
var destinationRegions = []string{"eu-west-1", "us-west-2"}

// Lifecycles: short ones expire after one emulated day (24s at 3600×), so the chain
// deletes expired copies and guards the newest one while the worker is being killed.
var (
	longLifecycle  = model.Lifecycle{DeleteAfterDays: 35}
	shortLifecycle = model.Lifecycle{DeleteAfterDays: 1}
)

func vaultArn(region string) string {
	return "arn:aws:backup:" + region + ":" + account + ":backup-vault:" + vaultName
}

func volumeArn(n int) string {
	return fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%017x", sourceRegion, account, 0xc4a05000+n)
}

// resource is one volume of the workload.
type resource struct {
	Arn       string
	Lifecycle model.Lifecycle
	// Points are its recovery points, oldest first.
	Points []string
}

// request is one on-demand request the workload made.
type request struct {
	WorkflowID string
	Resource   string
	Point      string
	// Sends is how often it was sent (the same request again must join the same workflow).
	Sends int
}

// workload takes backups of every resource and asks for their copies while the worker
// is killed, as an operator running `regioncopy copy` would.
type workload struct {
	emu       *devstack.EmulatorServer
	client    client.Client
	timeScale float64
	log       io.Writer

	mu        sync.Mutex
	resources []*resource
	requests  []*request
	// sendsRetried counts the sends the Temporal server failed to take while it or its
	// database was down, each sent again.
	sendsRetried int
}

// prepare creates the vaults and seeds the volumes.
func (w *workload) prepare(ctx context.Context, o Options) error {
	for _, r := range append([]string{sourceRegion}, destinationRegions...) {
		_, err := w.emu.Client(r).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(vaultName)})
		var exists *types.AlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("create vault %s in %s: %w", vaultName, r, err)
		}
	}
	for i := range o.Resources {
		lc := longLifecycle
		if i < o.ShortLifecycle {
			lc = shortLifecycle
		}
		res := &resource{Arn: volumeArn(i), Lifecycle: lc}
		w.resources = append(w.resources, res)
	}
	var seeds []emulator.ResourceSeed
	for _, r := range w.resources {
		seeds = append(seeds, emulator.ResourceSeed{ResourceArn: r.Arn, SizeBytes: resourceSize, DailyWriteRate: dailyWriteRate})
	}
	return w.emu.Emulator.SeedResources(seeds)
}

// prefill takes points of the given resources before any kill, one every second, and
// waits until their copies have landed. Short-lifecycle volumes are filled this way:
// their copies then expire, and are deleted or guarded, while the worker is killed,
// and, unless the machine is slow enough to delay one by a day of emulated time, none
// lands after its own expiry (see Options.LateShort).
func (w *workload) prefill(ctx context.Context, seed int64, points int, resources []*resource) error {
	if err := w.run(ctx, seed, resources, points, time.Second, time.Second+time.Millisecond, func() bool { return false }); err != nil {
		return err
	}
	for _, r := range w.requests {
		var res model.CopyRequestResult
		err := w.client.GetWorkflow(ctx, r.WorkflowID, "").Get(ctx, &res)
		// On a loaded machine a prefilled copy can still land after its own DeleteAt: its
		// request ends with ErrCopyFailed and its result in the details, which the
		// verifier judges like every other request. Anything else ends the run.
		var appErr *temporal.ApplicationError
		if err != nil && (!errors.As(err, &appErr) || appErr.Type() != model.ErrCopyFailed || !appErr.HasDetails()) {
			return fmt.Errorf("request %s before the kills: %w", r.WorkflowID, err)
		}
	}
	return nil
}

// run takes points of the resources, one resource per goroutine, a random pause in
// [lo, hi) apart, until each has at least minPoints and more is false (the kills are
// over), or ctx ends. Each point is asked to be copied at once; a third of the requests
// are sent a second time a moment later.
func (w *workload) run(ctx context.Context, seed int64, resources []*resource, minPoints int, lo, hi time.Duration, more func() bool) error {
	var wg sync.WaitGroup
	errs := make([]error, len(resources))
	for i, res := range resources {
		rng := rand.New(rand.NewSource(seed + int64(i) + 1))
		wg.Go(func() {
			for n := len(res.Points) + 1; n <= maxPoints && (n <= minPoints || more()); n++ {
				if err := w.point(ctx, rng, res, n); err != nil {
					errs[i] = err
					return
				}
				if !sleep(ctx, between(rng, lo, hi)) {
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// point takes the n-th backup of res and asks for its copy to both destinations.
func (w *workload) point(ctx context.Context, rng *rand.Rand, res *resource, n int) error {
	arn, err := w.backup(ctx, res.Arn, fmt.Sprintf("chaos-%s-%d", res.Arn, n))
	if err != nil {
		return err
	}
	req := model.CopyRequest{
		SourceRegion:          sourceRegion,
		RecoveryPointArn:      arn,
		SourceBackupVaultName: vaultName,
		IamRoleArn:            iamRole,
		TimeScale:             w.timeScale,
	}
	for _, d := range destinationRegions {
		req.Destinations = append(req.Destinations, model.Destination{BackupVaultArn: vaultArn(d), Lifecycle: res.Lifecycle})
	}
	r := &request{WorkflowID: workflows.RequestWorkflowID(req), Resource: res.Arn, Point: arn}
	w.mu.Lock()
	res.Points = append(res.Points, arn)
	w.requests = append(w.requests, r)
	w.mu.Unlock()
	if err := w.send(ctx, req, r); err != nil {
		return err
	}
	if rng.Intn(3) == 0 {
		if !sleep(ctx, between(rng, 100*time.Millisecond, time.Second)) {
			return ctx.Err()
		}
		return w.send(ctx, req, r)
	}
	return nil
}

// send starts the request's workflow as `regioncopy copy` does: its deterministic id and
// the conflict policy USE_EXISTING, so a second send joins the first. While the Temporal
// server or its database is down (the stack topology restarts both) the send is made
// again, as an operator would, for up to sendRetryFor: USE_EXISTING makes a send that
// the server took before failing join its own workflow.
func (w *workload) send(ctx context.Context, req model.CopyRequest, r *request) error {
	var run client.WorkflowRun
	deadline := time.Now().Add(sendRetryFor)
	for {
		var err error
		run, err = w.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID:                       r.WorkflowID,
			TaskQueue:                taskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		}, model.WorkflowCopyRecoveryPoint, req)
		if err == nil {
			break
		}
		if ctx.Err() != nil || !serverDown(err) || time.Now().After(deadline) {
			return fmt.Errorf("start request %s: %w", r.WorkflowID, err)
		}
		w.mu.Lock()
		w.sendsRetried++
		w.mu.Unlock()
		if w.log != nil {
			fmt.Fprintf(w.log, "chaos: request %s not taken (%v); sending it again\n", r.WorkflowID, err)
		}
		if !sleep(ctx, 250*time.Millisecond) {
			return ctx.Err()
		}
	}
	if run.GetID() != r.WorkflowID {
		return fmt.Errorf("request started as %s, want %s", run.GetID(), r.WorkflowID)
	}
	w.mu.Lock()
	r.Sends++
	w.mu.Unlock()
	return nil
}

// sendRetryFor bounds how long a send is made again while the server is down: a
// restart of the server or of PostgreSQL takes seconds.
const sendRetryFor = 2 * time.Minute

// serverDown reports whether err is how a client finds the Temporal server or its
// database down: no connection (Unavailable), a call that timed out, or, for the first
// calls after PostgreSQL restarted, the namespace not found while the server's
// connections to it are made again.
func serverDown(err error) bool {
	var (
		unavailable *serviceerror.Unavailable
		timedOut    *serviceerror.DeadlineExceeded
		nsNotFound  *serviceerror.NamespaceNotFound
	)
	if errors.As(err, &unavailable) || errors.As(err, &timedOut) || errors.As(err, &nsNotFound) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// The same, as a gRPC status the SDK has not converted.
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return true
	}
	return false
}

// backup takes one backup of the volume through the AWS Backup API and waits until it
// is COMPLETED (it waits in CREATED while a copy job of the same volume runs).
func (w *workload) backup(ctx context.Context, resourceArn, token string) (string, error) {
	c := w.emu.Client(sourceRegion)
	start, err := c.StartBackupJob(ctx, &backup.StartBackupJobInput{
		BackupVaultName: aws.String(vaultName), ResourceArn: aws.String(resourceArn),
		IamRoleArn: aws.String(iamRole), IdempotencyToken: aws.String(token),
	})
	if err != nil {
		return "", fmt.Errorf("start backup of %s: %w", resourceArn, err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		job, err := c.DescribeBackupJob(ctx, &backup.DescribeBackupJobInput{BackupJobId: start.BackupJobId})
		if err != nil {
			return "", fmt.Errorf("describe backup job %s: %w", aws.ToString(start.BackupJobId), err)
		}
		switch job.State {
		case types.BackupJobStateCompleted:
			return aws.ToString(job.RecoveryPointArn), nil
		case types.BackupJobStateCreated, types.BackupJobStateRunning, types.BackupJobStatePending:
		default:
			return "", fmt.Errorf("backup job %s of %s ended %s: %s", aws.ToString(start.BackupJobId), resourceArn, job.State, aws.ToString(job.StatusMessage))
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("backup job %s of %s still %s after two minutes", aws.ToString(start.BackupJobId), resourceArn, job.State)
		}
		if !sleep(ctx, 100*time.Millisecond) {
			return "", ctx.Err()
		}
	}
}

// awaitRequests returns once every request's workflow has ended (whatever its outcome,
// which the verifier judges) or ctx has.
func (w *workload) awaitRequests(ctx context.Context) {
	for _, r := range w.requests {
		_ = w.client.GetWorkflow(ctx, r.WorkflowID, "").Get(ctx, nil)
		if ctx.Err() != nil {
			return
		}
	}
}

// between draws a duration uniformly from [lo, hi).
func between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.Int63n(int64(hi-lo)))
}

// sleep waits d unless ctx ends first; it reports whether the full d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
