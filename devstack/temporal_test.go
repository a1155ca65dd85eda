package devstack

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

func TestTemporalStartsWithSearchAttributesAndStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx := context.Background()
	key := temporal.NewSearchAttributeKeyKeyword("DevstackProbe")
	srv, err := StartTemporal(ctx, TemporalOptions{
		DBFile:           filepath.Join(t.TempDir(), "temporal.db"),
		SearchAttributes: []temporal.SearchAttributeKey{key, temporal.NewSearchAttributeKeyTime("DevstackWhen")},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })

	c, err := client.Dial(client.Options{HostPort: srv.Address})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.GetCustomAttributes()["DevstackProbe"].String(); got != "Keyword" {
		t.Errorf("DevstackProbe registered as %q, want Keyword", got)
	}
	if got := resp.GetCustomAttributes()["DevstackWhen"].String(); got != "Datetime" {
		t.Errorf("DevstackWhen registered as %q, want Datetime", got)
	}

	uiAddr := srv.UIURL[len("http://"):]
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	assertNotListening(t, srv.Address)
	assertNotListening(t, uiAddr)
}

func assertNotListening(t *testing.T, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		conn.Close()
		t.Errorf("%s still accepts connections after Stop", addr)
	}
}

// A server that cannot start says why: here its port is taken.
func TestTemporalThatCannotStartSaysWhy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Temporal CLI")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = StartTemporal(context.Background(), TemporalOptions{Port: port, Headless: true, StartTimeout: 30 * time.Second})
	if err == nil {
		t.Fatal("started on a port in use")
	}
	if !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("error does not say why: %v", err)
	}
}
