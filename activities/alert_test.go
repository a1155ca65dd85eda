package activities

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/regioncopy/regioncopy/model"
)

var breachAlert = model.RpoAlert{
	ChainID:            "chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-1/from/us-east-1/to/123456789012/eu-west-1/dst",
	ResourceArn:        "arn:aws:ec2:us-east-1:123456789012:volume/vol-1",
	ResourceType:       "EBS",
	SourceRegion:       "us-east-1",
	DestinationRegion:  "eu-west-1",
	DestinationAccount: "123456789012",
	DestinationVault:   "dst",
	Plan:               "nightly",
	RpoMinutes:         24 * 60,
	State:              model.RpoBreach,
	PreviousState:      model.RpoAtRisk,
	Deadline:           time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC),
	At:                 time.Date(2026, 12, 4, 6, 0, 1, 0, time.UTC),
}

// receiver is a webhook that answers the statuses it is given in turn (then 200) and
// keeps every request it got.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	requests []*http.Request
	bodies   [][]byte
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, req)
		r.bodies = append(r.bodies, body)
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		_, _ = w.Write([]byte("answer " + http.StatusText(status)))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) posts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.requests)
}

func mustWebhook(t *testing.T, url, header string) *Webhook {
	t.Helper()
	w, err := NewWebhook(url, header)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestSendRpoAlertPostsTheAlertAndASentence(t *testing.T) {
	recv := newReceiver(t)
	a := NewAlerts(nil, mustWebhook(t, recv.URL+"/hooks/secret-path", "Authorization: Bearer s3cret"))
	if err := a.SendRpoAlert(context.Background(), breachAlert); err != nil {
		t.Fatal(err)
	}
	if recv.posts() != 1 {
		t.Fatalf("%d POSTs, want 1", recv.posts())
	}
	req := recv.requests[0]
	if req.Method != http.MethodPost || req.URL.Path != "/hooks/secret-path" {
		t.Errorf("got %s %s, want POST /hooks/secret-path", req.Method, req.URL.Path)
	}
	if got := req.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer s3cret" {
		t.Errorf("Authorization %q, want the configured header", got)
	}
	if req.Header.Get("Idempotency-Key") == "" {
		t.Error("no Idempotency-Key")
	}
	var body map[string]any
	if err := json.Unmarshal(recv.bodies[0], &body); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, recv.bodies[0])
	}
	want := map[string]any{
		"ChainID": breachAlert.ChainID, "ResourceArn": breachAlert.ResourceArn, "ResourceType": "EBS",
		"SourceRegion": "us-east-1", "DestinationRegion": "eu-west-1", "DestinationAccount": "123456789012",
		"DestinationVault": "dst", "Plan": "nightly", "RpoMinutes": float64(1440), "State": "BREACH",
		"PreviousState": "AT_RISK", "Deadline": "2026-12-04T06:00:00Z", "At": "2026-12-04T06:00:01Z",
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("body[%q] = %v, want %v", k, body[k], v)
		}
	}
	if _, ok := body["NewestSourceCreatedAt"]; ok {
		t.Errorf("a chain never copied sends NewestSourceCreatedAt: %s", recv.bodies[0])
	}
	text, _ := body["text"].(string)
	for _, part := range []string{"BREACH", breachAlert.ResourceArn, "us-east-1", "eu-west-1", "dst", "24h", "2026-12-04T06:00:00Z"} {
		if !strings.Contains(text, part) {
			t.Errorf("text %q does not name %q", text, part)
		}
	}
	if strings.Count(text, ".") != 1 || !strings.HasSuffix(text, ".") {
		t.Errorf("text %q is not one sentence", text)
	}
}

func TestSendRpoAlertWithoutWebhookOnlyLogs(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	a := NewAlerts(zap.New(core), nil)
	recovered := breachAlert
	recovered.State, recovered.PreviousState = model.RpoOK, model.RpoBreach
	recovered.NewestSourceCreatedAt = time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC)
	recovered.NewestCopyArn = "arn:aws:ec2:eu-west-1::snapshot/snap-1"
	for _, alert := range []model.RpoAlert{breachAlert, recovered} {
		if err := a.SendRpoAlert(context.Background(), alert); err != nil {
			t.Fatal(err)
		}
	}
	entries := logs.All()
	if len(entries) != 2 {
		t.Fatalf("%d log lines, want one per alert", len(entries))
	}
	if entries[0].Level != zapcore.WarnLevel || entries[1].Level != zapcore.InfoLevel {
		t.Errorf("levels %s and %s, want warn into BREACH and info out of it", entries[0].Level, entries[1].Level)
	}
	fields := entries[1].ContextMap()
	for name, want := range map[string]any{
		"ChainID": recovered.ChainID, "ResourceArn": recovered.ResourceArn, "State": "OK", "PreviousState": "BREACH",
		"SourceRegion": "us-east-1", "DestinationRegion": "eu-west-1", "DestinationVault": "dst", "RpoMinutes": int64(1440),
		"NewestCopyArn": recovered.NewestCopyArn, "NewestSourceCreatedAt": recovered.NewestSourceCreatedAt, "Deadline": recovered.Deadline,
	} {
		got := fields[name]
		if gt, ok := got.(time.Time); ok {
			got = gt.UTC()
		}
		if got != want {
			t.Errorf("log field %s = %v, want %v", name, got, want)
		}
	}
	if !strings.HasPrefix(entries[1].Message, "RPO OK (was BREACH): ") || strings.Count(entries[0].Message, "RPO BREACH") != 1 {
		t.Errorf("messages %q and %q: want the alert's sentence, saying the state once", entries[0].Message, entries[1].Message)
	}
}

func TestWebhookAnswersAreClassified(t *testing.T) {
	for _, c := range []struct {
		status    int
		errType   string
		retryable bool
	}{
		{500, model.ErrServiceFault, true},
		{503, model.ErrServiceFault, true},
		{302, model.ErrServiceFault, true},
		{408, model.ErrServiceFault, true},
		{429, model.ErrThrottled, true},
		{400, model.ErrInvalidParameter, false},
		{422, model.ErrInvalidParameter, false},
		{401, model.ErrAccessDenied, false},
		{403, model.ErrAccessDenied, false},
		{404, model.ErrNotFound, false},
		{410, model.ErrNotFound, false},
	} {
		recv := newReceiver(t, c.status)
		err := mustWebhook(t, recv.URL+"/secret-path", "").Post(context.Background(), breachAlert)
		appErr, ok := errors.AsType[*temporal.ApplicationError](err)
		if !ok || appErr.Type() != c.errType || appErr.NonRetryable() == c.retryable {
			t.Errorf("HTTP %d: got %v, want %s retryable=%v", c.status, err, c.errType, c.retryable)
			continue
		}
		if msg := appErr.Error(); strings.Contains(msg, "secret-path") || !strings.Contains(msg, http.StatusText(c.status)) {
			t.Errorf("HTTP %d: message %q must give the receiver's answer and hide the URL's path", c.status, msg)
		}
	}
}

func TestWebhookNetworkErrorIsRetryableAndHidesThePath(t *testing.T) {
	recv := newReceiver(t)
	url := recv.URL + "/secret-path"
	recv.Close()
	err := mustWebhook(t, url, "").Post(context.Background(), breachAlert)
	appErr, ok := errors.AsType[*temporal.ApplicationError](err)
	if !ok || appErr.Type() != model.ErrServiceFault || appErr.NonRetryable() {
		t.Fatalf("got %v, want a retryable %s", err, model.ErrServiceFault)
	}
	if strings.Contains(appErr.Error(), "secret-path") || !strings.Contains(appErr.Error(), "network error") {
		t.Errorf("message %q must say network error and hide the URL's path", appErr.Error())
	}
}

func TestNewWebhookRefusesBadSettings(t *testing.T) {
	for _, c := range []struct{ url, header string }{
		{"hooks.example.com/x", ""},
		{"ftp://hooks.example.com/x", ""},
		{"https:///x", ""},
		{"https://hooks.example.com/x", "Authorization"},
		{"https://hooks.example.com/x", "Bad Name: v"},
		{"https://hooks.example.com/x", "Authorization:   "},
	} {
		_, err := NewWebhook(c.url, c.header)
		if err == nil {
			t.Errorf("NewWebhook(%q, %q) accepted", c.url, c.header)
			continue
		}
		if strings.Contains(err.Error(), "/x") {
			t.Errorf("error %q repeats the URL", err)
		}
	}
}

// TestSendRpoAlertRetriesUntilDeliveredAndLogsOnce runs the activity under a retry
// policy: two 503 answers are retried, the third POST lands, and the alert is logged
// once, not once per attempt; a 400 is not retried.
func TestSendRpoAlertRetriesUntilDeliveredAndLogsOnce(t *testing.T) {
	for _, c := range []struct {
		statuses  []int
		wantPosts int
		wantErr   bool
	}{
		{[]int{503, 503}, 3, false},
		{[]int{400}, 1, true},
	} {
		recv := newReceiver(t, c.statuses...)
		core, logs := observer.New(zapcore.DebugLevel)
		a := NewAlerts(zap.New(core), mustWebhook(t, recv.URL, ""))
		var suite testsuite.WorkflowTestSuite
		env := suite.NewTestWorkflowEnvironment()
		RegisterAlerts(env, a)
		env.RegisterWorkflowWithOptions(func(ctx workflow.Context, alert model.RpoAlert) error {
			ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
				StartToCloseTimeout: time.Minute,
				RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 5},
			})
			return workflow.ExecuteActivity(ctx, model.ActSendRpoAlert, alert).Get(ctx, nil)
		}, workflow.RegisterOptions{Name: "alertOnce"})
		env.ExecuteWorkflow("alertOnce", breachAlert)
		if err := env.GetWorkflowError(); (err != nil) != c.wantErr {
			t.Errorf("answers %v: workflow error %v, want error %v", c.statuses, err, c.wantErr)
		}
		if recv.posts() != c.wantPosts {
			t.Errorf("answers %v: %d POSTs, want %d", c.statuses, recv.posts(), c.wantPosts)
		}
		if n := logs.FilterMessageSnippet("RPO BREACH").Len(); n != 1 {
			t.Errorf("answers %v: alert logged %d times, want once", c.statuses, n)
		}
		keys := map[string]bool{}
		for _, r := range recv.requests {
			keys[r.Header.Get("Idempotency-Key")] = true
		}
		if len(keys) != 1 {
			t.Errorf("answers %v: retries carried %d idempotency keys, want 1", c.statuses, len(keys))
		}
	}
}

// A chain that never copied and has no deadline on AWS's clock (the emulator's faster
// clock, no copy job yet) says so, instead of naming the zero instant as its deadline.
func TestRpoAlertTextOfAChainThatNeverCopied(t *testing.T) {
	text := alertText(model.RpoAlert{ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", ResourceType: "EBS",
		SourceRegion: "us-east-1", DestinationRegion: "eu-west-1", DestinationVault: "dr", RpoMinutes: 720,
		State: model.RpoBreach, PreviousState: model.RpoAtRisk})
	if want := "RPO BREACH: arn:aws:ec2:us-east-1:123456789012:volume/vol-1 (EBS) from us-east-1 to eu-west-1 vault dr has no copy at all, and its 12h RPO has passed."; text != want {
		t.Errorf("alert text %q, want %q", text, want)
	}
}
