package temporalclient

import (
	"errors"
	"testing"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestLoggerTurnsKeyValuesIntoFields(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	l := NewLogger(zap.New(core))

	l.Info("copy started", "CopyJobId", "job-1", "Bytes", int64(42))
	l.Error("copy failed", "Error", errors.New("AccessDeniedException"))
	log.With(l, "WorkflowID", "chain/x").Warn("slow", "Attempt", 3)
	l.Debug("odd", "lonely")

	entries := logs.All()
	if len(entries) != 4 {
		t.Fatalf("got %d entries, want 4", len(entries))
	}
	first := entries[0].ContextMap()
	if first["CopyJobId"] != "job-1" || first["Bytes"] != int64(42) || entries[0].Level != zapcore.InfoLevel {
		t.Errorf("first entry fields = %v at %s", first, entries[0].Level)
	}
	if got := entries[1].ContextMap()["Error"]; got != "AccessDeniedException" || entries[1].Level != zapcore.ErrorLevel {
		t.Errorf("error field = %v at %s, want the error's text at error level", got, entries[1].Level)
	}
	if got := entries[2].ContextMap(); got["WorkflowID"] != "chain/x" || got["Attempt"] != int64(3) || entries[2].Level != zapcore.WarnLevel {
		t.Errorf("With fields = %v at %s, want WorkflowID and Attempt at warn", got, entries[2].Level)
	}
	if got := entries[3].ContextMap()["_unpaired"]; got != "lonely" {
		t.Errorf("unpaired key = %v, want it kept", got)
	}
}
