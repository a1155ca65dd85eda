package worker

import (
	"fmt"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewLogger returns a zap logger writing JSON lines to stderr at level (debug, info,
// warn, error), with RFC 3339 UTC timestamps that log pipelines parse without help.
func NewLogger(level string) (*zap.Logger, error) {
	lvl, err := parseLevel(level)
	if err != nil {
		return nil, err
	}
	cfg := zap.NewProductionConfig()
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.EncoderConfig.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	cfg.EncoderConfig.TimeKey = "time"
	return cfg.Build()
}

func parseLevel(s string) (zapcore.Level, error) {
	switch s {
	case "debug", "info", "warn", "error":
		var l zapcore.Level
		return l, l.UnmarshalText([]byte(s))
	}
	return 0, fmt.Errorf("log level %q must be debug, info, warn or error", s)
}
