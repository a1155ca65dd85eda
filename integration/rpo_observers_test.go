package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/regioncopy/regioncopy/model"
)

// What an operator watches an RPO with, each read the way it is read in production: the
// webhook's POSTs, the worker's Prometheus endpoint over HTTP, and the chain's search
// attributes in the visibility store.

// postedAlert is one webhook POST: the alert's members and the chat message's text.
type postedAlert struct {
	model.RpoAlert
	Text string `json:"text"`
}

// webhookReceiver is an HTTP server that keeps every alert POSTed to it, in order.
type webhookReceiver struct {
	url    string
	mu     sync.Mutex
	alerts []postedAlert
	bad    []string
}

func newWebhookReceiver(t *testing.T) *webhookReceiver {
	t.Helper()
	w := &webhookReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		var a postedAlert
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		w.mu.Lock()
		defer w.mu.Unlock()
		switch {
		case err != nil || r.Method != http.MethodPost || ct != "application/json":
			w.bad = append(w.bad, fmt.Sprintf("%s %s (Content-Type %q): %v", r.Method, r.URL.Path, ct, err))
		case json.Unmarshal(body, &a) != nil:
			w.bad = append(w.bad, "not an alert: "+string(body))
		default:
			w.alerts = append(w.alerts, a)
		}
		rw.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	w.url = srv.URL + "/hooks/rpo"
	return w
}

// received answers the alerts posted so far, and the requests that were not alerts.
func (w *webhookReceiver) received() ([]postedAlert, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]postedAlert(nil), w.alerts...), append([]string(nil), w.bad...)
}

// resourcesGauges scrapes http://addr/metrics and answers regioncopy_resources of one
// plan and destination Region by rpo_state.
func resourcesGauges(addr, plan, region string) (map[string]float64, error) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, m := range families["regioncopy_resources"].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["plan"] == plan && labels["destination_region"] == region {
			out[labels["rpo_state"]] = m.GetGauge().GetValue()
		}
	}
	return out, nil
}

// chainRpo is a running chain's RpoState and RpoDeadline in the visibility store; found
// is false while visibility has no running chain of that id.
func chainRpo(ctx context.Context, chainID string) (state string, deadline time.Time, found bool, err error) {
	resp, err := stack.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowId = '%s' AND ExecutionStatus = 'Running'", chainID)})
	if err != nil || len(resp.GetExecutions()) != 1 {
		return "", time.Time{}, false, err
	}
	fields := resp.GetExecutions()[0].GetSearchAttributes().GetIndexedFields()
	dc := converter.GetDefaultDataConverter()
	if p := fields[model.RpoStateKey.GetName()]; p != nil {
		if err := dc.FromPayload(p, &state); err != nil {
			return "", time.Time{}, true, err
		}
	}
	if p := fields[model.RpoDeadlineKey.GetName()]; p != nil {
		if err := dc.FromPayload(p, &deadline); err != nil {
			return "", time.Time{}, true, err
		}
	}
	return state, deadline, true, nil
}

// logChainOnFailure logs, if the test fails, the chain's pending workflow task and the
// last events of its history: whether a worker took the chain's work after a restart,
// and what the chain did with it.
func logChainOnFailure(t *testing.T, chainID string) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if d, err := stack.Client.DescribeWorkflowExecution(ctx, chainID, ""); err == nil {
			t.Logf("chain %s: pending workflow task %v", chainID, d.GetPendingWorkflowTask())
		}
		var tail []string
		it := stack.Client.GetWorkflowHistory(ctx, chainID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				t.Logf("chain history: %v", err)
				break
			}
			tail = append(tail, fmt.Sprintf("%d %s %s", e.GetEventId(), e.GetEventTime().AsTime().Format("15:04:05.000"), e.GetEventType()))
			if len(tail) > 40 {
				tail = tail[1:]
			}
		}
		t.Logf("chain history, last events:\n%s", strings.Join(tail, "\n"))
	})
}
