package temporalclient

import (
	"fmt"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
)

// zapLogger adapts zap to the SDK's logger interface: the SDK's alternating key/value
// arguments become structured zap fields, so JSON logs stay queryable.
type zapLogger struct{ z *zap.Logger }

// NewLogger returns an SDK logger writing to z.
func NewLogger(z *zap.Logger) log.Logger {
	return &zapLogger{z: z.WithOptions(zap.AddCallerSkip(1))}
}

var (
	_ log.WithLogger      = (*zapLogger)(nil)
	_ log.WithSkipCallers = (*zapLogger)(nil)
)

func (l *zapLogger) Debug(msg string, keyvals ...any) { l.z.Debug(msg, fields(keyvals)...) }
func (l *zapLogger) Info(msg string, keyvals ...any)  { l.z.Info(msg, fields(keyvals)...) }
func (l *zapLogger) Warn(msg string, keyvals ...any)  { l.z.Warn(msg, fields(keyvals)...) }
func (l *zapLogger) Error(msg string, keyvals ...any) { l.z.Error(msg, fields(keyvals)...) }

// With returns a logger that adds keyvals to every entry (the SDK uses it for
// workflow and activity ids).
func (l *zapLogger) With(keyvals ...any) log.Logger {
	return &zapLogger{z: l.z.With(fields(keyvals)...)}
}

// WithCallerSkip lets the SDK's own wrappers report their caller's line.
func (l *zapLogger) WithCallerSkip(depth int) log.Logger {
	return &zapLogger{z: l.z.WithOptions(zap.AddCallerSkip(depth))}
}

// fields turns alternating keys and values into zap fields. A non-string key is
// printed; a missing last value is logged rather than dropped.
func fields(keyvals []any) []zap.Field {
	out := make([]zap.Field, 0, (len(keyvals)+1)/2)
	for i := 0; i < len(keyvals); i += 2 {
		key, ok := keyvals[i].(string)
		if !ok {
			key = fmt.Sprint(keyvals[i])
		}
		if i+1 == len(keyvals) {
			out = append(out, zap.String("_unpaired", key))
			break
		}
		if err, isErr := keyvals[i+1].(error); isErr {
			out = append(out, zap.NamedError(key, err))
			continue
		}
		out = append(out, zap.Any(key, keyvals[i+1]))
	}
	return out
}
