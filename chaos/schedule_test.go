package main

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// The schedule holds every random kill and each deliberate one exactly once, the
// deliberate ones first (the in-flight StartCopyJob kill leading), and the same seed
// gives the same schedule.
func TestScheduleIsSeededAndComplete(t *testing.T) {
	for seed := int64(1); seed <= 50; seed++ {
		kinds := schedule(rand.New(rand.NewSource(seed)), 7)
		if len(kinds) != 10 || kinds[0] != KillStartCopyInFlight {
			t.Fatalf("seed %d: schedule %v: want 10 kills starting with %s", seed, kinds, KillStartCopyInFlight)
		}
		count := map[string]int{}
		for _, k := range kinds {
			count[k]++
		}
		if count[KillRandom] != 7 || count[KillPoll] != 1 || count[KillStartCopyAnswered] != 1 || count[KillStartCopyInFlight] != 1 ||
			!slices.Contains(kinds[1:3], KillPoll) || !slices.Contains(kinds[1:3], KillStartCopyAnswered) {
			t.Errorf("seed %d: schedule %v", seed, kinds)
		}
		if again := schedule(rand.New(rand.NewSource(seed)), 7); !slices.Equal(kinds, again) {
			t.Errorf("seed %d: schedules differ: %v and %v", seed, kinds, again)
		}
	}
}

// Bad options are refused naming the flag and its rule.
func TestOptionsValidateNamesEachProblem(t *testing.T) {
	o := DefaultOptions()
	o.Resources, o.Points, o.ShortLifecycle, o.RandomKills, o.TimeScale = 0, 41, 1, -1, 10
	err := o.validate()
	if err == nil {
		t.Fatal("bad options accepted")
	}
	for _, want := range []string{"resources 0 must be", "points 41 must be", "short-lifecycle 1 must be", "kills -1 must not", "time-scale 10 must be"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if err := DefaultOptions().validate(); err != nil {
		t.Errorf("default options refused: %v", err)
	}
}

// The Markdown summary says FAIL and lists the failed check's details.
func TestMarkdownShowsFailures(t *testing.T) {
	r := Results{Seed: 7, Checks: []Check{{Name: "one job per token", Want: "1", Got: "2", Details: []string{"token x made 2 copy jobs"}}}}
	md := r.markdown()
	for _, want := range []string{"# Chaos run: FAIL", "seed 7", "| one job per token | 1 | 2 | **FAIL** |", "- token x made 2 copy jobs"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	r.Checks[0].Pass = true
	if !r.OK() || !strings.Contains(r.markdown(), "# Chaos run: PASS") {
		t.Error("a run whose checks all pass is not reported as PASS")
	}
}
