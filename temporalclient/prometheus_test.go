package temporalclient

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPrometheusServesSDKAndOwnMetrics(t *testing.T) {
	p := NewPrometheus(func(err error) { t.Errorf("register: %v", err) })
	p.SDK.WithTags(map[string]string{"task_queue": "regioncopy"}).Counter("temporal_request").Inc(2)
	p.Scope.Tagged(map[string]string{"source_region": "us-east-1"}).Counter("regioncopy_copies_started").Inc(1)
	if err := p.Close(); err != nil { // flushes the last report
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`temporal_request_total{task_queue="regioncopy"} 2`,
		`regioncopy_copies_started_total{source_region="us-east-1"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
