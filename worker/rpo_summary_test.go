package worker

import (
	"maps"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

func TestSummarizeRpoGroupsByPlanAndDestination(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	chains := []openChain{
		{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoOK, LastCopyAt: now.Add(-2 * time.Hour)},
		{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoBreach, LastCopyAt: now.Add(-30 * time.Hour)},
		{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoAtRisk}, // never copied: no age
		{Plan: "daily", DestinationRegion: "us-west-2", RpoState: model.RpoOK, LastCopyAt: now.Add(-time.Hour)},
		{DestinationRegion: "eu-west-1", LastCopyAt: now.Add(-5 * time.Hour)},                            // no plan, no RPO state
		{DestinationRegion: "eu-west-1", RpoState: model.RpoNone, LastCopyAt: now.Add(10 * time.Minute)}, // AWS's clock ahead
	}
	got := summarizeRpo(chains, now)
	want := map[rpoGroup]rpoGroupSummary{
		{"daily", "eu-west-1"}: {
			Resources:           map[string]int{model.RpoOK: 1, model.RpoBreach: 1, model.RpoAtRisk: 1},
			OldestNewestCopyAge: 30 * time.Hour,
		},
		{"daily", "us-west-2"}: {Resources: map[string]int{model.RpoOK: 1}, OldestNewestCopyAge: time.Hour},
		{onDemandPlan, "eu-west-1"}: {
			Resources:           map[string]int{model.RpoNone: 2},
			OldestNewestCopyAge: 5 * time.Hour,
		},
	}
	if len(got) != len(want) {
		t.Fatalf("groups = %v, want %v", got, want)
	}
	for g, w := range want {
		s, ok := got[g]
		if !ok {
			t.Errorf("group %+v missing", g)
			continue
		}
		if !maps.Equal(s.Resources, w.Resources) || s.OldestNewestCopyAge != w.OldestNewestCopyAge {
			t.Errorf("group %+v = %+v, want %+v", g, s, w)
		}
	}
}

func TestSummarizeRpoOfNoChainsIsEmpty(t *testing.T) {
	if got := summarizeRpo(nil, time.Now()); len(got) != 0 {
		t.Errorf("summary of no chains = %v, want empty", got)
	}
}

// A group whose chains never landed a copy has age zero, and a copy landed later than
// now never makes the age negative.
func TestSummarizeRpoAgeNeverNegative(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	got := summarizeRpo([]openChain{
		{Plan: "p", DestinationRegion: "r", LastCopyAt: now.Add(time.Hour)},
		{Plan: "q", DestinationRegion: "r"},
	}, now)
	for g, s := range got {
		if s.OldestNewestCopyAge != 0 {
			t.Errorf("group %+v age %s, want 0", g, s.OldestNewestCopyAge)
		}
	}
}
