package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/prodstack"
	"github.com/regioncopy/regioncopy/workflows"
)

const (
	account   = "123456789012"
	vaultName = "regioncopy-bench"
	iamRole   = "arn:aws:iam::" + account + ":role/service-role/AWSBackupDefaultServiceRole"
	taskQueue = "regioncopy-bench"

	// copyBandwidth is every Region pair's copy throughput (the emulator's default), so a
	// job's emulated length is its bytes divided by it.
	copyBandwidth = 100 << 20
	// backupBandwidth makes backups instant: the benchmarks measure copies, and an instant
	// backup keeps the recovery points exactly an hour apart.
	backupBandwidth = 1 << 40
)

// env is one running regioncopy system: the Temporal dev server, the emulator and the
// regioncopy worker in this process, started as `make dev` starts them; or, for the
// production topology, the Temporal server on PostgreSQL in place of the dev server.
type env struct {
	stack     *devstack.Stack
	emu       *emulator.Emulator
	client    client.Client
	timeScale float64
	// server names the Temporal server for the figures; meter reads its CPU.
	server string
	meter  cpuMeter
	// prod is the production topology, nil on the dev server; prodDir its state.
	prod    *prodstack.Stack
	prodDir string
}

const (
	devServer  = "the Temporal dev server"
	prodServer = "temporal-server on PostgreSQL 15"
)

// startEnv starts a system whose emulator runs timeScale times faster than the wall
// clock and lets copyQuota copy jobs run at once per destination Region (0: AWS's 100);
// dbFile, when set, is the dev server's SQLite database (else it keeps its state in
// memory).
func startEnv(ctx context.Context, o Options, timeScale float64, copyQuota int, dbFile string) (*env, error) {
	st, err := devstack.Start(ctx, devstack.Options{
		Temporal:  devstack.TemporalOptions{Headless: true, DBFile: dbFile},
		TimeScale: timeScale,
		NoSample:  true,
		TaskQueue: taskQueue,
		Emulator:  emulator.Config{Seed: o.Seed, CopyBandwidth: copyBandwidth, BackupBandwidth: backupBandwidth, CopyQuota: copyQuota},
	})
	if err != nil {
		return nil, fmt.Errorf("start the dev server, emulator and worker: %w", err)
	}
	e := &env{stack: st, emu: st.Emulator.Emulator, client: st.Client, timeScale: st.TimeScale, server: devServer}
	e.meter = cpuMeter{server: func() (time.Duration, error) { return pidCPU(st.Temporal.Pid()) }}
	return e, nil
}

// startProdEnv starts the production topology as `regioncopy stack` does, on a state
// directory of its own (the scenarios' workflow ids repeat from run to run), with the
// regioncopy worker in this process as on the dev server, and no UI.
func startProdEnv(ctx context.Context, o Options, copyQuota int) (*env, error) {
	dir, err := os.MkdirTemp("", "regioncopy-bench-stack-")
	if err != nil {
		return nil, err
	}
	// Run as root, PostgreSQL runs as another user, who must enter the directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	st, err := prodstack.Start(ctx, prodstack.Options{
		StateDir: dir, NoUI: true, NoWorkers: true, NoSample: true, TaskQueue: taskQueue, EmulatorInMemory: true,
		Emulator: emulator.Config{Seed: o.Seed, CopyBandwidth: copyBandwidth, BackupBandwidth: backupBandwidth, CopyQuota: copyQuota},
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start PostgreSQL, the Temporal server and the emulator: %w", err), os.RemoveAll(dir))
	}
	if err := st.Dev.StartWorker(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("start the worker: %w", err), st.Stop(), os.RemoveAll(dir))
	}
	server, postgres := st.Server.Pid(), st.Postgres.Pid()
	e := &env{stack: st.Dev, emu: st.Dev.Emulator.Emulator, client: st.Dev.Client, timeScale: st.Dev.TimeScale,
		server: prodServer, prod: st, prodDir: dir}
	e.meter = cpuMeter{server: func() (time.Duration, error) {
		s, err := pidCPU(server)
		if err != nil {
			return 0, err
		}
		pg, err := treeCPU(postgres)
		return s + pg, err
	}}
	return e, nil
}

func (e *env) stop() error {
	if e.prod == nil {
		return e.stack.Stop()
	}
	return errors.Join(e.prod.Stop(), os.RemoveAll(e.prodDir))
}

func vaultArn(region string) string {
	return "arn:aws:backup:" + region + ":" + account + ":backup-vault:" + vaultName
}

func volumeArn(region string, n int) string {
	return fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%017x", region, account, n)
}

// createVaults makes the bench vault in every Region named.
func (e *env) createVaults(ctx context.Context, regions ...string) error {
	for _, r := range regions {
		_, err := e.stack.Emulator.Client(r).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(vaultName)})
		var exists *types.AlreadyExistsException
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("create vault %s in %s: %w", vaultName, r, err)
		}
	}
	return nil
}

// point is one completed source recovery point and what its backup job moved: the whole
// resource for the first backup, else the change since the previous backup, which is the
// change between two consecutive recovery points.
type point struct {
	Arn     string
	Created time.Time
	Size    int64
	Change  int64
}

// backup takes one backup of resource through the AWS Backup API and waits until it is
// COMPLETED. Backups are instant at backupBandwidth; one may wait in CREATED only while a
// copy job of the same resource runs, which the emulator clock ends within moments.
func (e *env) backup(ctx context.Context, region, resource, token string) (point, error) {
	c := e.stack.Emulator.Client(region)
	start, err := c.StartBackupJob(ctx, &backup.StartBackupJobInput{
		BackupVaultName: aws.String(vaultName), ResourceArn: aws.String(resource),
		IamRoleArn: aws.String(iamRole), IdempotencyToken: aws.String(token),
	})
	if err != nil {
		return point{}, fmt.Errorf("start backup of %s: %w", resource, err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		job, err := c.DescribeBackupJob(ctx, &backup.DescribeBackupJobInput{BackupJobId: start.BackupJobId})
		if err != nil {
			return point{}, fmt.Errorf("describe backup job %s: %w", aws.ToString(start.BackupJobId), err)
		}
		switch job.State {
		case types.BackupJobStateCompleted:
			return point{Arn: aws.ToString(job.RecoveryPointArn), Created: aws.ToTime(job.CreationDate),
				Size: aws.ToInt64(job.BackupSizeInBytes), Change: aws.ToInt64(job.BytesTransferred)}, nil
		case types.BackupJobStateCreated, types.BackupJobStateRunning, types.BackupJobStatePending:
		default:
			return point{}, fmt.Errorf("backup job %s of %s ended %s: %s", aws.ToString(start.BackupJobId), resource, job.State, aws.ToString(job.StatusMessage))
		}
		if time.Now().After(deadline) {
			return point{}, fmt.Errorf("backup job %s of %s still %s after a minute", aws.ToString(start.BackupJobId), resource, job.State)
		}
		select {
		case <-ctx.Done():
			return point{}, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// advanceTo moves the emulator clock to t unless it is already there.
func (e *env) advanceTo(t time.Time) {
	if d := t.Sub(e.emu.Now()); d > 0 {
		e.emu.Advance(d)
	}
}

// requestCopy starts a CopyRecoveryPoint workflow as `regioncopy copy` does: the same
// request always gets the same workflow.
func (e *env) requestCopy(ctx context.Context, srcRegion string, p point, destinations []string, coalesce bool) (client.WorkflowRun, error) {
	req := model.CopyRequest{
		SourceRegion: srcRegion, RecoveryPointArn: p.Arn, SourceBackupVaultName: vaultName,
		IamRoleArn: iamRole, Coalesce: coalesce, Plan: "bench", TimeScale: e.timeScale,
	}
	for _, d := range destinations {
		req.Destinations = append(req.Destinations, model.Destination{BackupVaultArn: vaultArn(d)})
	}
	run, err := e.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.RequestWorkflowID(req), TaskQueue: taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		StaticSummary:            "bench copy of " + p.Arn,
	}, model.WorkflowCopyRecoveryPoint, req)
	if err != nil {
		return nil, fmt.Errorf("start the copy request for %s: %w", p.Arn, err)
	}
	return run, nil
}

// waitEnqueued waits until every request named has handed its orders to its chains: its
// history shows an ended EnqueueCopy (signal-with-start of the chain; a local activity, or
// an activity in requests of the version before it) for each of the destinations, or the
// request has ended. On AWS's clock requests an hour apart reach their chains in order;
// under a compressed clock a later request could overtake an earlier one, which no hourly
// schedule does, so the benchmark keeps them in order this way.
func (e *env) waitEnqueued(ctx context.Context, ids []string, destinations int) error {
	deadline := time.Now().Add(time.Minute)
	for _, id := range ids {
		for {
			h, err := fetchHistory(ctx, e, id)
			if err == nil && enqueued(h, destinations) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("request %s has not handed its orders to its chains within a minute (last error: %v)", id, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// enqueued reports whether a request's history shows every EnqueueCopy ended, or the
// request itself ended. A local activity's marker is recorded once it has ended.
func enqueued(h *historypb.History, destinations int) bool {
	scheduled := map[int64]bool{}
	ended, local := 0, 0
	for _, ev := range h.Events {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
			enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
			return true
		}
		if localActivityType(ev) == model.ActEnqueueCopy {
			local++
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil && a.GetActivityType().GetName() == model.ActEnqueueCopy {
			scheduled[ev.GetEventId()] = true
		}
		for _, sid := range []int64{ev.GetActivityTaskCompletedEventAttributes().GetScheduledEventId(),
			ev.GetActivityTaskFailedEventAttributes().GetScheduledEventId(),
			ev.GetActivityTaskTimedOutEventAttributes().GetScheduledEventId()} {
			if sid != 0 && scheduled[sid] {
				ended++
			}
		}
	}
	return local == destinations || (len(scheduled) == destinations && ended == destinations)
}

// localActivityType is the activity type of a local activity's marker, or "".
func localActivityType(ev *historypb.HistoryEvent) string {
	m := ev.GetMarkerRecordedEventAttributes()
	if m == nil || m.GetMarkerName() != "LocalActivity" {
		return ""
	}
	data := m.GetDetails()["data"].GetPayloads()
	if len(data) == 0 {
		return ""
	}
	var marker struct{ ActivityType string }
	if converter.GetDefaultDataConverter().FromPayload(data[0], &marker) != nil {
		return ""
	}
	return marker.ActivityType
}

// waitCopyJobs waits until the emulator has created n copy jobs in all.
func (e *env) waitCopyJobs(ctx context.Context, n int64) error {
	deadline := time.Now().Add(time.Minute)
	for e.emu.Counters().CopyJobs < n {
		if time.Now().After(deadline) {
			return fmt.Errorf("the emulator has %d copy jobs a minute later, want %d", e.emu.Counters().CopyJobs, n)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// outcome is a finished copy request.
type outcome struct {
	WorkflowID string
	Result     model.CopyRequestResult
	Err        error
}

// requests follows copy requests in the background, so a scenario can wait for all of
// them, or only for a moment.
type requests struct {
	started int
	done    chan outcome
	all     []outcome
}

func newRequests() *requests { return &requests{done: make(chan outcome, 1024)} }

func (r *requests) follow(ctx context.Context, run client.WorkflowRun) {
	r.started++
	go func() {
		var res model.CopyRequestResult
		err := run.Get(ctx, &res)
		r.done <- outcome{WorkflowID: run.GetID(), Result: res, Err: err}
	}()
}

// wait collects outcomes until every request followed so far has ended or d passes; it
// reports whether all have ended.
func (r *requests) wait(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for len(r.all) < r.started {
		select {
		case o := <-r.done:
			r.all = append(r.all, o)
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
	return true
}
