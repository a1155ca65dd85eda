package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.Error(w, "not here", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	if err := Get(ctx, srv.URL+"/healthz"); err != nil {
		t.Errorf("healthy endpoint: %v", err)
	}
	if err := Get(ctx, srv.URL+"/other"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("a 503 answer: %v, want an error naming the status", err)
	}
	srv.Close()
	if err := Get(ctx, srv.URL+"/healthz"); err == nil {
		t.Error("a closed endpoint passed the probe")
	}
}
