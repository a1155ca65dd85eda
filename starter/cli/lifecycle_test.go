package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/model"
)

func TestParseLifecycle(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lifecycle.json")
	if err := os.WriteFile(file, []byte(`{"DeleteAfterDays": 35}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in      string
		want    model.Lifecycle
		wantErr string
	}{
		{in: "MoveToColdStorageAfterDays=30,DeleteAfterDays=120", want: model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120}},
		{in: "DeleteAfterDays=7", want: model.Lifecycle{DeleteAfterDays: 7}},
		{in: " DeleteAfterDays = 7 , MoveToColdStorageAfterDays=1", want: model.Lifecycle{MoveToColdStorageAfterDays: 1, DeleteAfterDays: 7}},
		{in: `{"MoveToColdStorageAfterDays":30,"DeleteAfterDays":120}`, want: model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120}},
		{in: "file://" + file, want: model.Lifecycle{DeleteAfterDays: 35}},
		{in: "", wantErr: "empty value"},
		{in: "DeleteAfterDays", wantErr: "is not Key=Value"},
		{in: "DeleteAfterDays=ten", wantErr: "whole number of days"},
		{in: "DeleteAfterDays=1.5", wantErr: "whole number of days"},
		// The rule plan files follow too: written as 0, refused by policy.
		{in: "DeleteAfterDays=0", wantErr: "--lifecycle.DeleteAfterDays: must be at least 1 day, got 0"},
		{in: `{"MoveToColdStorageAfterDays": 0, "DeleteAfterDays": 30}`, wantErr: "(rule lifecycle-min-days)"},
		// Negative values are the lifecycle check's to refuse (see TestUsageErrors...).
		{in: "DeleteAfterDays=-3", want: model.Lifecycle{DeleteAfterDays: -3}},
		{in: "DeleteAfterDays=3,DeleteAfterDays=4", wantErr: "DeleteAfterDays given twice"},
		{in: "DeleteAfterDay=3", wantErr: `unknown key "DeleteAfterDay"`},
		{in: "OptInToArchiveForSupportedResources=true", wantErr: "not supported by regioncopy"},
		{in: `{"DeleteAfterDays": 1.5}`, wantErr: "whole number of days"},
		{in: `{"DeleteAfterDays": "7"}`, wantErr: "whole number of days"},
		{in: `{"Bogus": 7}`, wantErr: `unknown key "Bogus"`},
		{in: `{}`, wantErr: "no value given"},
		{in: `{"DeleteAfterDays": 7`, wantErr: "not valid JSON"},
		{in: "file://" + filepath.Join(t.TempDir(), "missing.json"), wantErr: "no such file"},
	} {
		got, err := parseLifecycle(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseLifecycle(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "--lifecycle") {
				t.Errorf("parseLifecycle(%q) error %q does not name the flag", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseLifecycle(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}
