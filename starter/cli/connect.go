package cli

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/temporalclient"
)

// temporalOptions are the connection settings given on the command line; empty fields
// fall back to the standard configuration (TEMPORAL_* variables, temporal.toml).
func (a *App) temporalOptions() temporalclient.Options {
	return temporalclient.Options{Address: a.Address, Namespace: a.Namespace, Profile: a.Profile, Identity: "regioncopy-cli"}
}

// dial connects to Temporal; a failure is ExitUnavailable.
func (a *App) dial(ctx context.Context) (client.Client, error) {
	var (
		c   client.Client
		err error
	)
	if a.Env.Dial != nil {
		c, err = a.Env.Dial(ctx, a)
		if err != nil {
			conn := a.connection()
			return nil, unavailable(fmt.Errorf("cannot connect to Temporal at %s (namespace %s): %w", conn.HostPort, conn.Namespace, err))
		}
		return c, nil
	}
	c, err = temporalclient.Dial(ctx, a.temporalOptions())
	if err != nil {
		// temporalclient's error already says what it tried ("connect to Temporal at
		// <address> (namespace <ns>): ..." or "load Temporal client configuration ..."),
		// so it is prefixed, not wrapped in a second copy of the address.
		return nil, unavailable(fmt.Errorf("cannot %w", err))
	}
	return c, nil
}

// connection is the resolved Temporal address and namespace, for messages and links.
func (a *App) connection() client.Options {
	opts, err := temporalclient.LoadClientOptions(a.temporalOptions())
	if err != nil {
		opts = client.Options{HostPort: a.Address, Namespace: a.Namespace}
	}
	if opts.HostPort == "" {
		opts.HostPort = client.DefaultHostPort
	}
	if opts.Namespace == "" {
		opts.Namespace = client.DefaultNamespace
	}
	return opts
}

// uiBase is the Temporal UI's address: REGIONCOPY_UI_URL when set; for a server on this
// machine the dev server's UI port (its gRPC port + 1000, 8233 by default); Temporal
// Cloud's web UI for a cloud address; else "" (unknown).
func (a *App) uiBase() string {
	if u := a.Env.Getenv("REGIONCOPY_UI_URL"); u != "" {
		return strings.TrimSuffix(u, "/")
	}
	host, portText, err := net.SplitHostPort(a.connection().HostPort)
	if err != nil {
		return ""
	}
	if strings.HasSuffix(host, ".tmprl.cloud") {
		return "https://cloud.temporal.io"
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return fmt.Sprintf("http://localhost:%d", port+1000)
	}
	return ""
}

// workflowURL links to one workflow run in the Temporal UI, or says how to get a link.
func (a *App) workflowURL(workflowID, runID string) string {
	base := a.uiBase()
	if base == "" {
		return "(set REGIONCOPY_UI_URL to the Temporal UI's address to get a link)"
	}
	u := fmt.Sprintf("%s/namespaces/%s/workflows/%s", base, url.PathEscape(a.connection().Namespace), url.PathEscape(workflowID))
	if runID != "" {
		u += "/" + url.PathEscape(runID) + "/history"
	}
	return u
}
