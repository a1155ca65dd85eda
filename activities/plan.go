package activities

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// Plans holds the activities that find what a plan run covers: the resources of a
// backup selection and, for copy-only plans, a vault's new recovery points. It shares
// the AWS configuration and the per-Region Backup clients of a Backup.
type Plans struct {
	backup    *Backup
	timeScale float64
	taggingFn []func(*tagging.Options)

	mu      sync.Mutex
	tagging map[string]*tagging.Client
}

// PlansOption configures Plans.
type PlansOption func(*Plans)

// WithTimeScale tells plan runs that AWS's clock runs scale times faster than the wall
// clock (the emulator's --time-scale); the worker passes its REGIONCOPY_TIME_SCALE.
func WithTimeScale(scale float64) PlansOption { return func(p *Plans) { p.timeScale = scale } }

// WithTaggingClientOptions adds SDK options to every Region's tagging client.
func WithTaggingClientOptions(fns ...func(*tagging.Options)) PlansOption {
	return func(p *Plans) { p.taggingFn = append(p.taggingFn, fns...) }
}

// NewPlans returns the plan-run activities over b's AWS configuration.
func NewPlans(b *Backup, opts ...PlansOption) *Plans {
	p := &Plans{backup: b, timeScale: 1, tagging: map[string]*tagging.Client{}}
	for _, o := range opts {
		o(p)
	}
	if p.timeScale <= 0 {
		p.timeScale = 1
	}
	return p
}

// ResolvePlanSelection returns one page of the resources a backup selection covers in
// Region, in ARN order. A selection of plain ARNs is answered without any AWS call, so
// it works wherever AWS Backup does; tag conditions and wildcards list the Region's
// tagged resources through the Resource Groups Tagging API (GetResources), the same
// inventory AWS Backup selects from. Explicit ARNs stay selected even when the tagging
// API does not list them (resources that never had a tag).
func (p *Plans) ResolvePlanSelection(ctx context.Context, in model.ResolvePlanSelectionInput) (model.ResolvePlanSelectionOutput, error) {
	if err := requireFields(model.PlanActResolveSelection, field{"Region", in.Region}); err != nil {
		return model.ResolvePlanSelectionOutput{}, err
	}
	if in.Limit < 0 {
		return model.ResolvePlanSelectionOutput{}, invalidInput(model.PlanActResolveSelection, "Limit", "must not be negative")
	}
	s := selector{sel: in.Selection}
	var inv inventory
	if s.needsInventory() {
		var err error
		if inv, err = p.loadInventory(ctx, in.Region); err != nil {
			return model.ResolvePlanSelectionOutput{}, err
		}
	}
	out := model.ResolvePlanSelectionOutput{TimeScale: p.timeScale}
	explicit := s.explicitArns()
	candidates := slices.Clone(explicit)
	for arn := range inv {
		candidates = append(candidates, arn)
	}
	slices.Sort(candidates)
	candidates = slices.Compact(candidates)

	var selected []model.SelectedResource
	for _, arn := range candidates {
		if !s.matches(arn, inv[arn]) {
			continue
		}
		typ, err := policy.ResourceTypeFromARN(arn, "Selection.Resources")
		if err != nil {
			// The tagging API lists every taggable resource (topics, roles, ...); only
			// the ARNs the user named are worth a report.
			if _, named := slices.BinarySearch(explicit, arn); named && in.AfterArn == "" {
				out.Rejected = append(out.Rejected, model.PlanResourceFailure{ResourceArn: arn, Stage: "selection", Reason: err.Error()})
			}
			continue
		}
		selected = append(selected, model.SelectedResource{ResourceArn: arn, ResourceType: typ})
	}
	out.Resources, out.More = page(selected, in.AfterArn, in.Limit, func(r model.SelectedResource) string { return r.ResourceArn })
	return out, nil
}

// ListPlanRecoveryPoints returns one page, in ARN order, of the recovery points of a
// vault created in (CreatedAfter, CreatedBefore] whose resource the selection covers
// (every point when Selection is nil). Points being deleted or expired are left out:
// there is nothing to copy.
func (p *Plans) ListPlanRecoveryPoints(ctx context.Context, in model.ListPlanRecoveryPointsInput) (model.ListPlanRecoveryPointsOutput, error) {
	if err := requireFields(model.PlanActListRecoveryPoints, field{"Region", in.Region}, field{"BackupVaultName", in.BackupVaultName}); err != nil {
		return model.ListPlanRecoveryPointsOutput{}, err
	}
	if in.CreatedAfter.IsZero() {
		return model.ListPlanRecoveryPointsOutput{}, invalidInput(model.PlanActListRecoveryPoints, "CreatedAfter", "is required: a copy-only run copies what appeared since the previous run")
	}
	if in.Limit < 0 {
		return model.ListPlanRecoveryPointsOutput{}, invalidInput(model.PlanActListRecoveryPoints, "Limit", "must not be negative")
	}
	var s *selector
	var inv inventory
	if in.Selection != nil {
		s = &selector{sel: *in.Selection}
		if s.needsInventory() {
			var err error
			if inv, err = p.loadInventory(ctx, in.Region); err != nil {
				return model.ListPlanRecoveryPointsOutput{}, err
			}
		}
	}
	req := &backup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: aws.String(in.BackupVaultName),
		ByCreatedAfter:  aws.Time(in.CreatedAfter),
	}
	if !in.CreatedBefore.IsZero() {
		req.ByCreatedBefore = aws.Time(in.CreatedBefore)
	}
	if p.backup.pageSize > 0 {
		req.MaxResults = aws.Int32(p.backup.pageSize)
	}
	pages := backup.NewListRecoveryPointsByBackupVaultPaginator(p.backup.client(in.Region), req)
	var points []model.RecoveryPoint
	for pages.HasMorePages() {
		pg, err := pages.NextPage(ctx)
		if err != nil {
			return model.ListPlanRecoveryPointsOutput{}, classify(ctx, awsCall{"ListRecoveryPointsByBackupVault", in.Region}, err)
		}
		for _, rp := range pg.RecoveryPoints {
			pt := recoveryPointFromList(in.Region, rp)
			switch strings.ToUpper(pt.Status) {
			case "DELETING", "EXPIRED":
				continue
			}
			if s != nil && !s.matches(pt.ResourceArn, inv[pt.ResourceArn]) {
				continue
			}
			points = append(points, pt)
		}
	}
	slices.SortFunc(points, func(a, b model.RecoveryPoint) int { return strings.Compare(a.RecoveryPointArn, b.RecoveryPointArn) })
	out := model.ListPlanRecoveryPointsOutput{TimeScale: p.timeScale}
	out.RecoveryPoints, out.More = page(points, in.AfterArn, in.Limit, func(r model.RecoveryPoint) string { return r.RecoveryPointArn })
	if out.RecoveryPoints == nil {
		out.RecoveryPoints = []model.RecoveryPoint{}
	}
	return out, nil
}

// page returns the items (sorted by key) after the cursor, at most limit of them (all
// when limit is 0), and whether more remain.
func page[T any](sorted []T, after string, limit int, key func(T) string) ([]T, bool) {
	start := 0
	if after != "" {
		start, _ = slices.BinarySearchFunc(sorted, after, func(t T, k string) int { return strings.Compare(key(t), k) })
		if start < len(sorted) && key(sorted[start]) == after {
			start++
		}
	}
	rest := sorted[start:]
	if limit > 0 && len(rest) > limit {
		return rest[:limit], true
	}
	return rest, false
}
