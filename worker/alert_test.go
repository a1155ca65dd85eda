package worker_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
	"github.com/regioncopy/regioncopy/worker"
)

// TestWorkerPostsRpoAlertsToTheConfiguredWebhook runs the worker on the dev server with
// REGIONCOPY_ALERT_WEBHOOK_URL's setting and has a workflow on another task queue call
// SendRpoAlert on the worker's queue, as a chain does: the alert reaches the webhook
// with the configured header.
func TestWorkerPostsRpoAlertsToTheConfiguredWebhook(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	received := make(chan map[string]any, 1)
	auth := make(chan string, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		received <- body
		auth <- r.Header.Get("Authorization")
	}))
	defer hook.Close()

	srv := temporaltest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := worker.DefaultConfig()
	cfg.TaskQueue = "alert-test"
	cfg.Namespace = srv.Namespace
	cfg.MetricsListen = worker.MetricsOff
	cfg.RegisterSearchAttributes = worker.RegisterNever
	cfg.AWS = &aws.Config{Region: east}
	cfg.AlertWebhookURL = hook.URL + "/hooks/alerts"
	cfg.AlertWebhookHeader = "Authorization: Bearer alert-token"
	running, err := worker.Start(ctx, cfg, srv.Client, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer running.Stop()

	driver := sdkworker.New(srv.Client, "alert-test-driver", sdkworker.Options{})
	driver.RegisterWorkflowWithOptions(func(ctx workflow.Context, alert model.RpoAlert) error {
		ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
			TaskQueue:           cfg.TaskQueue,
			StartToCloseTimeout: 30 * time.Second,
			RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
		})
		return workflow.ExecuteActivity(ctx, model.ActSendRpoAlert, alert).Get(ctx, nil)
	}, workflow.RegisterOptions{Name: "AlertDriver"})
	if err := driver.Start(); err != nil {
		t.Fatal(err)
	}
	defer driver.Stop()

	alert := model.RpoAlert{
		ChainID: "chain/x", ResourceArn: volume, SourceRegion: east, DestinationRegion: west, DestinationVault: "dst",
		RpoMinutes: 60, State: model.RpoBreach, PreviousState: model.RpoAtRisk,
		Deadline: time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC), At: time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC),
	}
	run, err := srv.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "alert-test", TaskQueue: "alert-test-driver"}, "AlertDriver", alert)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatalf("SendRpoAlert through the worker: %v", err)
	}
	select {
	case body := <-received:
		if body["ChainID"] != "chain/x" || body["State"] != model.RpoBreach || body["text"] == nil {
			t.Errorf("webhook got %v", body)
		}
		if got := <-auth; got != "Bearer alert-token" {
			t.Errorf("Authorization %q, want the configured header", got)
		}
	default:
		t.Fatal("the webhook received nothing")
	}
}
