// Package temporalclient is the one place regioncopy dials Temporal. It reads the same
// client configuration as the Temporal CLI (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TLS variables, profiles in temporal.toml), logs through zap and
// reports SDK metrics to Prometheus. It also registers custom search attributes, so
// nothing is configured by hand.
package temporalclient
