package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// Options say what a report covers.
type Options struct {
	Now   time.Time
	Since time.Time
	// Plan, ResourceArn and DestinationRegion keep only the requirements they name.
	Plan              string
	ResourceArn       string
	DestinationRegion string
	// AllRecords reads every chain's records, not only those the cheap check doubts.
	AllRecords bool
	// Parallel bounds the AWS and Temporal reads in flight at once (default 16).
	Parallel int
}

// Collect reads what a report needs: the plans' rules and their selections resolved
// against AWS now, the chains, each destination vault once, each source Region's copy
// jobs once, and the records of the chains whose search attributes disagree with their
// vault (NeedsRecords; every chain's with AllRecords). It answers the snapshot and how
// many chains' records it read.
func Collect(ctx context.Context, aws AWS, tmp Temporal, o Options) (Snapshot, int, error) {
	if o.Parallel <= 0 {
		o.Parallel = 16
	}
	s := Snapshot{Now: o.Now, Since: o.Since, Vaults: map[string]VaultRead{}, Jobs: map[string]JobsRead{}, Records: map[string]RecordsRead{}}
	rules, err := planRules(ctx, tmp, o.Plan)
	if err != nil {
		return s, 0, err
	}
	chains, err := tmp.Chains(ctx)
	if err != nil {
		return s, 0, err
	}
	reqs, err := planRequirements(ctx, aws, rules, o.Plan)
	if err != nil {
		return s, 0, err
	}
	reqs = attachChains(reqs, chains, copyOnlyActions(rules), o.Plan)
	if reqs, err = filterRequirements(reqs, o); err != nil {
		return s, 0, err
	}
	s.Requirements = reqs
	if err := readVaults(ctx, aws, reqs, o.Parallel, s.Vaults); err != nil {
		return s, 0, err
	}
	readJobs(ctx, aws, reqs, o.Since, o.Parallel, s.Jobs)
	n := readRecords(ctx, tmp, s, o)
	return s, n, nil
}

// planSettle bounds how long a report on one plan waits for Temporal's visibility store
// to list the plan's schedules, which may lag a plan applied a moment ago.
const planSettle = 5 * time.Second

// planRules reads every plan's rules; a plan asked for by name that no schedule names
// (after planSettle) is an input error.
func planRules(ctx context.Context, tmp Temporal, plan string) ([]model.PlanRunInput, error) {
	deadline := time.Now().Add(planSettle)
	for {
		rules, err := tmp.PlanRules(ctx)
		if err != nil || plan == "" || slices.ContainsFunc(rules, func(r model.PlanRunInput) bool { return r.Plan == plan }) {
			return rules, err
		}
		if time.Now().After(deadline) {
			return nil, &InputError{fmt.Sprintf("--plan: no plan named %q is applied in this namespace", plan)}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// planRequirements resolves each rule's selection (once per Region and selection) and
// makes a requirement per selected resource and copy action.
func planRequirements(ctx context.Context, aws AWS, rules []model.PlanRunInput, plan string) ([]Requirement, error) {
	resolved := map[string][]model.SelectedResource{}
	var reqs []Requirement
	for _, r := range rules {
		if (plan != "" && r.Plan != plan) || r.Selection == nil {
			continue // a copy-only rule without a selection covers whatever its vault gets: its chains say which
		}
		b, _ := json.Marshal(r.Selection)
		key := r.SourceRegion + "|" + string(b)
		resources, ok := resolved[key]
		if !ok {
			var err error
			if resources, err = aws.SelectedResources(ctx, r.SourceRegion, *r.Selection); err != nil {
				return nil, fmt.Errorf("resolve the selection of plan %s, rule %s, in %s: %w", r.Plan, r.Rule, r.SourceRegion, err)
			}
			resolved[key] = resources
		}
		for _, ca := range r.CopyActions {
			for _, res := range resources {
				if len(ca.ResourceTypes) > 0 && !slices.Contains(ca.ResourceTypes, res.ResourceType) {
					continue
				}
				reqs = append(reqs, Requirement{
					ResourceArn: res.ResourceArn, ResourceType: res.ResourceType, SourceRegion: r.SourceRegion,
					DestinationVaultArn: ca.DestinationBackupVaultArn, Plan: r.Plan, RpoMinutes: ca.RpoMinutes,
					DeleteAfterDays: ca.Lifecycle.DeleteAfterDays,
				})
			}
		}
	}
	return reqs, nil
}

// copyOnlyActions are the copy actions of the rules without a selection (copy-only plans
// that copy whatever their vault gets), by plan, source Region and destination vault:
// their chains are the only list of what they protect, and take their RPO from here.
func copyOnlyActions(rules []model.PlanRunInput) map[string]model.PlanCopyAction {
	out := map[string]model.PlanCopyAction{}
	for _, r := range rules {
		if r.Selection != nil {
			continue
		}
		for _, ca := range r.CopyActions {
			out[r.Plan+"|"+r.SourceRegion+"|"+ca.DestinationBackupVaultArn] = ca
		}
	}
	return out
}

// attachChains gives each requirement its chain, and makes a requirement of every other
// chain: the RPO and lifecycle of its copy-only plan's copy action, none for on-demand
// copies and for plan copies of resources no longer selected.
func attachChains(reqs []Requirement, chains []Chain, copyOnly map[string]model.PlanCopyAction, plan string) []Requirement {
	byKey := map[string][]int{}
	for i, r := range reqs {
		k := requirementKey(r.ResourceArn, r.SourceRegion, r.DestinationVaultArn)
		byKey[k] = append(byKey[k], i)
	}
	for _, c := range chains {
		if at, ok := byKey[requirementKey(c.ResourceArn, c.SourceRegion, c.DestinationVaultArn)]; ok {
			for _, i := range at {
				reqs[i].Chain = &c
			}
			continue
		}
		if plan != "" && c.Plan != plan {
			continue
		}
		r := Requirement{ResourceArn: c.ResourceArn, ResourceType: c.ResourceType, SourceRegion: c.SourceRegion,
			DestinationVaultArn: c.DestinationVaultArn, Plan: c.Plan, Chain: &c}
		if ca, ok := copyOnly[c.Plan+"|"+c.SourceRegion+"|"+c.DestinationVaultArn]; ok && c.Plan != "" &&
			(len(ca.ResourceTypes) == 0 || slices.Contains(ca.ResourceTypes, c.ResourceType)) {
			r.RpoMinutes, r.DeleteAfterDays = ca.RpoMinutes, ca.Lifecycle.DeleteAfterDays
		}
		reqs = append(reqs, r)
	}
	return reqs
}

// filterRequirements keeps those of --resource-arn and --destination-region; a filter
// that keeps nothing names nothing regioncopy protects, which is an input error.
func filterRequirements(reqs []Requirement, o Options) ([]Requirement, error) {
	reqs = slices.Clone(reqs)
	if o.ResourceArn != "" {
		reqs = slices.DeleteFunc(reqs, func(r Requirement) bool { return r.ResourceArn != o.ResourceArn })
		if len(reqs) == 0 {
			return nil, &InputError{fmt.Sprintf("--resource-arn: no plan selects and no chain copies %s", o.ResourceArn)}
		}
	}
	if o.DestinationRegion != "" {
		reqs = slices.DeleteFunc(reqs, func(r Requirement) bool { return model.RegionFromArn(r.DestinationVaultArn) != o.DestinationRegion })
		if len(reqs) == 0 {
			return nil, &InputError{fmt.Sprintf("--destination-region: no plan or chain copies to %s", o.DestinationRegion)}
		}
	}
	return reqs, nil
}

// errType is the model.Err* class activities gave an AWS error.
func errType(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return ae.Type()
	}
	return ""
}

// readVaults lists every destination vault once. A vault that does not exist is an
// input error naming it and who requires it; one AWS would not let us read (access
// denied, throttling past retries, a fault) makes its rows UNKNOWN.
func readVaults(ctx context.Context, aws AWS, reqs []Requirement, parallel int, into map[string]VaultRead) error {
	who := map[string]string{}
	var arns []string
	for _, r := range reqs {
		if _, ok := who[r.DestinationVaultArn]; !ok {
			arns = append(arns, r.DestinationVaultArn)
			who[r.DestinationVaultArn] = requiredBy(r)
		}
	}
	var mu sync.Mutex
	var missing []error
	forEach(arns, parallel, func(arn string) {
		v, points, err := aws.VaultContents(ctx, arn)
		mu.Lock()
		defer mu.Unlock()
		switch t := errType(err); {
		case err == nil:
			into[arn] = VaultRead{Vault: v, Points: points}
		case t == model.ErrNotFound || t == model.ErrInvalidParameter:
			missing = append(missing, fmt.Errorf("destination vault %s (%s) cannot be read: %v", arn, who[arn], err))
		default:
			into[arn] = VaultRead{Unreadable: err.Error()}
		}
	})
	if len(missing) > 0 {
		slices.SortFunc(missing, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return &InputError{errors.Join(missing...).Error()}
	}
	return nil
}

func requiredBy(r Requirement) string {
	if r.Plan != "" {
		return "plan " + r.Plan
	}
	return "chain " + r.Chain.WorkflowId
}

// readJobs lists each source Region's copy jobs of the period once.
func readJobs(ctx context.Context, aws AWS, reqs []Requirement, since time.Time, parallel int, into map[string]JobsRead) {
	var regions []string
	for _, r := range reqs {
		if !slices.Contains(regions, r.SourceRegion) {
			regions = append(regions, r.SourceRegion)
		}
	}
	var mu sync.Mutex
	forEach(regions, parallel, func(region string) {
		jobs, err := aws.CopyJobsSince(ctx, region, since)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			into[region] = JobsRead{Unreadable: err.Error()}
			return
		}
		into[region] = JobsRead{Jobs: jobs}
	})
}

// readRecords reads, Parallel at a time, the records of the chains the cheap check
// doubts (or of every chain), and answers how many it read.
func readRecords(ctx context.Context, tmp Temporal, s Snapshot, o Options) int {
	idx := newIndex(s)
	var ids []string
	picked := map[string]bool{}
	for _, r := range MergeRequirements(s.Requirements) {
		if r.Chain == nil || picked[r.Chain.WorkflowId] {
			continue
		}
		vr, ok := s.Vaults[r.DestinationVaultArn]
		if !ok || vr.Unreadable != "" {
			continue
		}
		copies := chainCopies(idx.resourcePoints(r.DestinationVaultArn, r.ResourceArn), r.ResourceArn, r.SourceRegion)
		if doubt, _ := NeedsRecords(*r.Chain, copies); doubt || o.AllRecords {
			ids = append(ids, r.Chain.WorkflowId)
			picked[r.Chain.WorkflowId] = true
		}
	}
	var mu sync.Mutex
	forEach(ids, o.Parallel, func(id string) {
		recs, err := tmp.ChainRecords(ctx, id)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			s.Records[id] = RecordsRead{Unreadable: err.Error()}
			return
		}
		s.Records[id] = RecordsRead{Records: recs}
	})
	return len(ids)
}

// forEach runs fn on every item, at most parallel at once.
func forEach[T any](items []T, parallel int, fn func(T)) {
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, it := range items {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			fn(it)
		})
	}
	wg.Wait()
}
