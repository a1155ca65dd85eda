package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/regioncopy/regioncopy/prodstack"
)

// On the stack topology the server's SIGKILLs and PostgreSQL's restarts are added to the
// schedule, after the three deliberate kills and never in place of a worker kill, at
// places the seed decides.
func TestStackKillsJoinTheScheduleAfterTheDeliberateOnes(t *testing.T) {
	places := map[int]bool{}
	for seed := int64(1); seed <= 50; seed++ {
		base := schedule(rand.New(rand.NewSource(seed)), 6)
		rng := rand.New(rand.NewSource(seed))
		_ = schedule(rng, 6)
		kinds := withStackKills(rng, base, 2, 1)
		if len(kinds) != len(base)+3 {
			t.Fatalf("seed %d: %v: want the %d kills and 3 more", seed, kinds, len(base))
		}
		if !slices.Equal(kinds[:3], base[:3]) {
			t.Errorf("seed %d: %v does not start with the deliberate kills %v", seed, kinds, base[:3])
		}
		rest := slices.DeleteFunc(slices.Clone(kinds), func(k string) bool { return k == KillServer || k == RestartPostgres })
		if !slices.Equal(rest, base) {
			t.Errorf("seed %d: without the stack kills %v, want %v", seed, rest, base)
		}
		if n := strings.Count(strings.Join(kinds, " "), KillServer); n != 2 {
			t.Errorf("seed %d: %d server kills, want 2", seed, n)
		}
		places[slices.Index(kinds, RestartPostgres)] = true
		rng2 := rand.New(rand.NewSource(seed))
		_ = schedule(rng2, 6)
		if again := withStackKills(rng2, base, 2, 1); !slices.Equal(kinds, again) {
			t.Errorf("seed %d: schedules differ: %v and %v", seed, kinds, again)
		}
	}
	if len(places) < 4 {
		t.Errorf("PostgreSQL restarts at %d places over 50 seeds, want them spread", len(places))
	}
}

// With several workers a random kill hits one, drawn from the seed, and a deliberate
// kill every one; the dev topology's sole worker is hit without a draw, so its seeds
// repeat the schedules they always made.
func TestKillTargets(t *testing.T) {
	three := &killer{rng: rand.New(rand.NewSource(1)), workers: fakeWorkers(3)}
	hit := map[int]bool{}
	for range 60 {
		got := three.targets(KillRandom)
		if len(got) != 1 {
			t.Fatalf("random kill hit %v, want one worker", got)
		}
		hit[got[0]] = true
	}
	if len(hit) != 3 {
		t.Errorf("60 random kills hit workers %v, want all three at some point", hit)
	}
	for _, kind := range []string{KillStartCopyInFlight, KillStartCopyAnswered, KillPoll, KillDelete} {
		if got := three.targets(kind); !slices.Equal(got, []int{0, 1, 2}) {
			t.Errorf("%s hit %v, want every worker", kind, got)
		}
	}
	rng := rand.New(rand.NewSource(1))
	one := &killer{rng: rng, workers: fakeWorkers(1)}
	if got := one.targets(KillRandom); !slices.Equal(got, []int{0}) {
		t.Errorf("the sole worker: hit %v", got)
	}
	if rng.Int63() != rand.New(rand.NewSource(1)).Int63() {
		t.Error("targeting the sole worker drew from the seed's source")
	}
}

// fakeWorkers names n workers; the targeting tests never kill or start them.
type fakeWorkers int

func (f fakeWorkers) names() []string {
	out := make([]string, f)
	for i := range out {
		out[i] = "worker-" + string(rune('1'+i))
	}
	return out
}
func (f fakeWorkers) kill(int) error                   { return nil }
func (f fakeWorkers) start(context.Context, int) error { return nil }
func (f fakeWorkers) startCount() int                  { return int(f) }

// The server's SIGKILLs and PostgreSQL's restarts are counted apart from the worker
// kills: every worker kill landed, each worker's SIGKILLs are counted from what the
// kills hit, and the stack's check passes when the restarts match the options.
func TestStackKillsCountedApartFromWorkerKills(t *testing.T) {
	all := []string{"worker-1", "worker-2", "worker-3"}
	kills := []Kill{
		{Kind: KillStartCopyInFlight, Landed: true, Hit: all},
		{Kind: KillRandom, Landed: true, Hit: []string{"worker-2"}},
		{Kind: KillServer, Landed: true, Hit: []string{"temporal-server"}, Recovery: 2 * time.Second},
		{Kind: RestartPostgres, Landed: true, Hit: []string{"postgres"}, Recovery: time.Second},
		{Kind: KillServer, Landed: true, Hit: []string{"temporal-server"}, Recovery: 3 * time.Second},
	}
	o := DefaultOptions()
	o.Topology, o.ServerKills, o.PostgresRestarts = TopologyStack, 2, 1
	v := &verifier{fig: &Figures{Deleted: 1}} // expiry deletions are checked with the kills
	v.checkKills(kills, o)
	v.checkStack(kills, &prodstack.Stack{}, o)
	for _, c := range v.checks {
		if !c.Pass {
			t.Errorf("%s: want %s, got %s: %v", c.Name, c.Want, c.Got, c.Details)
		}
	}
	f := v.fig
	if f.Kills != 2 || f.DeliberateKills != 1 || f.ServerKills != 2 || f.PostgresRestarts != 1 || f.ServerRecoverySeconds != 3 {
		t.Errorf("figures %+v: want 2 worker kills (1 deliberate), 2 server kills (longest 3s), 1 PostgreSQL restart", f)
	}
	if want := map[string]int{"worker-1": 1, "worker-2": 2, "worker-3": 1}; !maps.Equal(f.WorkerKills, want) {
		t.Errorf("kills by worker %v, want %v", f.WorkerKills, want)
	}
	o.ServerKills = 3
	v = &verifier{fig: &Figures{}}
	v.checkStack(kills, &prodstack.Stack{}, o)
	if v.checks[0].Pass {
		t.Error("two server kills of three asked for passed the stack check")
	}
}

// A send is made again when the server or its database is down, and only then.
func TestServerDownErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		down bool
	}{
		{serviceerror.NewUnavailable("connection refused"), true},
		{serviceerror.NewNamespaceNotFound("default"), true},
		{fmt.Errorf("start: %w", context.DeadlineExceeded), true},
		{serviceerror.NewDeadlineExceeded("timed out"), true},
		{serviceerror.NewInvalidArgument("bad id"), false},
		{serviceerror.NewWorkflowExecutionAlreadyStarted("started", "", ""), false},
		{errors.New("payload too large"), false},
	} {
		if got := serverDown(c.err); got != c.down {
			t.Errorf("serverDown(%v) = %v, want %v", c.err, got, c.down)
		}
	}
}
