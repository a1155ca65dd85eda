package main

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/smithy-go"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
)

// The same seed draws the same bursts, each within the options' bounds, and a long
// enough run of them uses every operation and code.
func TestBurstsAreSeededAndBounded(t *testing.T) {
	f := DefaultAWSFaults()
	a, b := newBurstSource(7, f), newBurstSource(7, f)
	ops, codes := map[string]bool{}, map[string]bool{}
	for i := range 200 {
		x, y := a.next(), b.next()
		if x != y {
			t.Fatalf("burst %d: %+v and %+v from the same seed", i, x, y)
		}
		if x.Gap < f.BurstGap/10 || x.Gap >= f.BurstGap || x.Calls < 1 || x.Calls > f.BurstCalls {
			t.Fatalf("burst %d out of bounds: %+v", i, x)
		}
		ops[x.Operation], codes[x.Code] = true, true
	}
	if len(ops) != len(f.Operations) || len(codes) != len(f.Codes) {
		t.Errorf("200 bursts used %d of %d operations and %d of %d codes", len(ops), len(f.Operations), len(codes), len(f.Codes))
	}
	if newBurstSource(8, f).next() == newBurstSource(7, f).next() && newBurstSource(9, f).next() == newBurstSource(7, f).next() {
		t.Error("different seeds drew the same first burst")
	}
}

// A burst answers its calls with its code and is counted by operation and code; an
// in-flight kill's latency ends it and keeps bursts off the delayed operation; taking
// off a latency that was never laid on leaves a burst's count alone; the job faults stay
// on until stop, which turns every fault off.
func TestFaultControllerBurstsAndLatency(t *testing.T) {
	s, err := devstack.StartEmulator(emulator.Config{Seed: 1}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Stop() }()
	c := backup.NewFromConfig(s.AWSConfig(sourceRegion), func(o *backup.Options) { o.RetryMaxAttempts = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	list := func() string {
		_, err := c.ListCopyJobs(ctx, &backup.ListCopyJobsInput{})
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			return apiErr.ErrorCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return ""
	}

	fc := newFaultController(s.Emulator, DefaultAWSFaults(), io.Discard)
	if err := fc.start(); err != nil {
		t.Fatal(err)
	}
	if got := s.Emulator.Faults(); got.FailJobRate != 0.1 || got.HoldRate != 0.1 || !slices.Equal(got.JobKinds, []string{"copy"}) {
		t.Fatalf("job faults after start: %+v", got)
	}
	if err := fc.open(burst{Operation: "ListCopyJobs", Code: "TooManyRequestsException", Calls: 2}); err != nil {
		t.Fatal(err)
	}
	first := list()
	if err := fc.undelay(); err != nil {
		t.Fatal(err)
	}
	if got := []string{first, list(), list()}; !slices.Equal(got, []string{"TooManyRequestsException", "TooManyRequestsException", ""}) {
		t.Fatalf("calls answered %q, want two TooManyRequestsException then none", got)
	}
	if err := fc.open(burst{Operation: "ListCopyJobs", Code: "InternalFailure", Calls: 5}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "InternalFailure" {
		t.Fatalf("second burst answered %q", got)
	}
	if err := fc.delay("ListCopyJobs", time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "" {
		t.Fatalf("a delayed call answered %q: the latency must end the burst", got)
	}
	if err := fc.open(burst{Operation: "ListCopyJobs", Code: "ThrottlingException", Calls: 1}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "" {
		t.Fatalf("a burst on the delayed operation answered %q", got)
	}
	if err := fc.undelay(); err != nil {
		t.Fatal(err)
	}
	fig, err := fc.stop()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"ListCopyJobs TooManyRequestsException": 2, "ListCopyJobs InternalFailure": 1}
	if fig.Bursts != 2 || fig.Throttled != 2 || fig.ServiceFaults != 1 || len(fig.Injected) != 2 ||
		fig.Injected["ListCopyJobs TooManyRequestsException"] != 2 || fig.Injected["ListCopyJobs InternalFailure"] != 1 {
		t.Errorf("figures %+v, want 2 bursts, injected %v", fig, want)
	}
	if got := s.Emulator.Faults(); got.FailJobRate != 0 || got.HoldRate != 0 || len(got.Errors) != 0 {
		t.Errorf("faults after stop: %+v, want none", got)
	}
	if err := fc.open(burst{Operation: "ListCopyJobs", Code: "ThrottlingException", Calls: 1}); err != nil || list() != "" {
		t.Errorf("a burst after stop was injected (%v)", err)
	}
}
