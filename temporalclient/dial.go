package temporalclient

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	"go.uber.org/zap"
)

// Options adjusts what the environment and temporal.toml say.
type Options struct {
	// Profile selects a temporal.toml profile; "" means TEMPORAL_PROFILE or "default".
	Profile string
	// ConfigFile overrides the temporal.toml path; "" means TEMPORAL_CONFIG_FILE or the
	// user config directory.
	ConfigFile string
	// Address and Namespace, when set, win over file and environment (command flags).
	Address   string
	Namespace string
	// Identity names this client in the Temporal UI (worker identity).
	Identity string
	// Logger receives the SDK's logs; nil means zap.NewNop.
	Logger *zap.Logger
	// MetricsHandler receives the SDK's metrics; nil means none (see NewPrometheus).
	MetricsHandler client.MetricsHandler
}

// LoadClientOptions resolves the client options: temporal.toml profile, then
// environment variables, then the explicit fields of o. The namespace is always set.
func LoadClientOptions(o Options) (client.Options, error) {
	opts, err := envconfig.LoadClientOptions(envconfig.LoadClientOptionsRequest{
		ConfigFilePath:    o.ConfigFile,
		ConfigFileProfile: o.Profile,
	})
	if err != nil {
		return client.Options{}, fmt.Errorf("load Temporal client configuration (temporal.toml and TEMPORAL_* variables): %w", err)
	}
	if o.Address != "" {
		opts.HostPort = o.Address
	}
	if o.Namespace != "" {
		opts.Namespace = o.Namespace
	}
	if opts.HostPort == "" {
		opts.HostPort = client.DefaultHostPort
	}
	if opts.Namespace == "" {
		opts.Namespace = client.DefaultNamespace
	}
	if o.Identity != "" {
		opts.Identity = o.Identity
	}
	z := o.Logger
	if z == nil {
		z = zap.NewNop()
	}
	opts.Logger = NewLogger(z)
	if o.MetricsHandler != nil {
		opts.MetricsHandler = o.MetricsHandler
	}
	return opts, nil
}

// Dial connects to Temporal with LoadClientOptions(o) and checks the connection.
func Dial(ctx context.Context, o Options) (client.Client, error) {
	opts, err := LoadClientOptions(o)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (namespace %s): %w", opts.HostPort, opts.Namespace, err)
	}
	return c, nil
}
