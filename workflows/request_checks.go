package workflows

import (
	"errors"
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// Rules of the request's checks against AWS, in the style of policy's rule identifiers.
const (
	RuleRecoveryPointNotFound     = "recovery-point-not-found"
	RuleRecoveryPointNotCompleted = "recovery-point-not-completed"
	RuleRecoveryPointCold         = "recovery-point-in-cold-storage"
	RuleVaultNotFound             = "backup-vault-not-found"
	RuleAWSRefused                = "aws-refused-check"
)

// checkFields checks the request's own fields, without calling AWS: ARNs, Regions, the
// routes (not the source Region, not a Region without cross-Region copy), destination
// vaults in the IAM role's account, duplicate destinations and the lifecycle arithmetic.
// The resource type is not known yet, so the type-dependent rules wait for checkInAWS.
// The rules are the request's own (CopyRequest.Rules, else the seed rules); a rules
// document that does not read is the only problem reported, since no other check can
// be trusted without the rules.
func (r *request) checkFields(ctx workflow.Context) []policy.Violation {
	var errs []error
	req := r.req
	rules, err := policy.FromJSON(req.Rules, "Rules")
	if err != nil {
		return flatten([]error{err})
	}
	r.rules = rules
	if err := policy.CheckRegion(req.SourceRegion, "SourceRegion"); err != nil {
		errs = append(errs, err)
	}
	if a, err := policy.ParseRecoveryPointARN(req.RecoveryPointArn, "RecoveryPointArn"); err != nil {
		errs = append(errs, err)
	} else if a.Region != "" && policy.ValidRegion(req.SourceRegion) && a.Region != req.SourceRegion {
		errs = append(errs, &policy.Violation{Field: "RecoveryPointArn", Rule: policy.RuleRegionMismatch,
			Message: fmt.Sprintf("the recovery point is in %s but SourceRegion is %s", a.Region, req.SourceRegion)})
	}
	if req.SourceBackupVaultName == "" {
		errs = append(errs, &policy.Violation{Field: "SourceBackupVaultName", Rule: policy.RuleRequired,
			Message: "the name of the vault holding the recovery point is required"})
	}
	if _, err := policy.ParseRoleARN(req.IamRoleArn, "IamRoleArn"); err != nil {
		errs = append(errs, err)
	}
	if len(req.Destinations) == 0 {
		errs = append(errs, &policy.Violation{Field: "Destinations", Rule: policy.RuleRequired,
			Message: "at least one destination vault is required"})
	}
	seen := map[string]int{}
	for i, d := range req.Destinations {
		field := fmt.Sprintf("Destinations[%d]", i)
		if j, dup := seen[d.BackupVaultArn]; dup && d.BackupVaultArn != "" {
			errs = append(errs, &policy.Violation{Field: field + ".BackupVaultArn", Rule: policy.RuleDuplicateDestination,
				Message: fmt.Sprintf("the same vault as Destinations[%d]", j)})
			continue
		}
		seen[d.BackupVaultArn] = i
		if d.BackupVaultArn == "" {
			errs = append(errs, &policy.Violation{Field: field + ".BackupVaultArn", Rule: policy.RuleRequired,
				Message: "the destination vault ARN is required"})
		} else {
			errs = append(errs, routeProblems(rules.CheckRoute(req.SourceRegion, "", d.BackupVaultArn, field), field, errs)...)
			errs = append(errs, policy.CheckSameAccount(req.IamRoleArn, d.BackupVaultArn, field+".BackupVaultArn"))
		}
		if err := rules.CheckLifecycleArithmetic(d.Lifecycle, field+".Lifecycle"); err != nil {
			errs = append(errs, err)
		}
	}
	if req.CompletionWindow < 0 {
		errs = append(errs, &policy.Violation{Field: "CompletionWindow", Rule: policy.RuleWindowNonNegative,
			Message: "must not be negative (zero means the default of " + DefaultCompletionWindow.String() + ")"})
	}
	return flatten(errs)
}

// routeProblems names the violations of a destination's route check (field is
// "Destinations[i]") by the request's own fields: policy names the vault
// DestinationBackupVaultArn, and the destination Region taken from it DestinationRegion,
// which in a CopyRequest are both Destinations[i].BackupVaultArn; a problem of the source
// Region is the request's SourceRegion's, named once however many destinations share it
// (have holds the problems found so far).
func routeProblems(err error, field string, have []error) []error {
	var out []error
	for _, v := range policy.Violations(err) {
		p := *v
		switch p.Field {
		case field + ".DestinationBackupVaultArn", field + ".DestinationRegion":
			p.Field = field + ".BackupVaultArn"
		case field + ".SourceRegion":
			p.Field = "SourceRegion"
			if slices.Contains(flatten(have), p) {
				continue
			}
		}
		out = append(out, &p)
	}
	return out
}

// checkInAWS describes the source vault, the recovery point and every destination vault
// (all at once) and applies the type-dependent rules. Every problem is collected; none
// stops the others from being found.
func (r *request) checkInAWS(ctx workflow.Context) []policy.Violation {
	srcVaultFuture := r.call(ctx, awsCallOptions("check source vault "+r.req.SourceBackupVaultName),
		model.ActDescribeBackupVault, model.DescribeBackupVaultInput{
			Region:          r.req.SourceRegion,
			BackupVaultName: r.req.SourceBackupVaultName,
		})
	rpFuture := r.call(ctx, awsCallOptions("check recovery point "+r.req.RecoveryPointArn),
		model.ActDescribeRecoveryPoint, model.DescribeRecoveryPointInput{
			Region:           r.req.SourceRegion,
			BackupVaultName:  r.req.SourceBackupVaultName,
			RecoveryPointArn: r.req.RecoveryPointArn,
		})
	vaultFutures := make([]workflow.Future, len(r.req.Destinations))
	for i, d := range r.req.Destinations {
		vaultFutures[i] = r.call(ctx, awsCallOptions("check vault "+d.BackupVaultArn),
			model.ActDescribeBackupVault, model.DescribeBackupVaultInput{
				Region:          model.RegionFromArn(d.BackupVaultArn),
				BackupVaultName: model.VaultNameFromArn(d.BackupVaultArn),
				BackupVaultArn:  d.BackupVaultArn,
			})
	}

	var errs []error
	sourceVaultMissing := false
	var v model.BackupVault
	if err := srcVaultFuture.Get(ctx, &v); err != nil {
		p := awsProblem("SourceBackupVaultName", RuleVaultNotFound, err)
		if p.Rule == RuleVaultNotFound {
			sourceVaultMissing = true
			p.Message = fmt.Sprintf("backup vault %q not found in %s (%s)", r.req.SourceBackupVaultName, r.req.SourceRegion, p.Message)
		}
		errs = append(errs, p)
	}
	var rp model.RecoveryPoint
	if err := rpFuture.Get(ctx, &rp); err != nil {
		p := awsProblem("RecoveryPointArn", RuleRecoveryPointNotFound, err)
		switch {
		case p.Rule == RuleRecoveryPointNotFound && sourceVaultMissing:
			// The missing vault explains it; the vault's problem is already listed.
		case p.Rule == RuleRecoveryPointNotFound:
			// AWS cannot tell which of the two is wrong: the point may exist in another vault.
			p.Message = fmt.Sprintf("recovery point %s not found in vault %q in %s: check RecoveryPointArn and SourceBackupVaultName (%s)",
				r.req.RecoveryPointArn, r.req.SourceBackupVaultName, r.req.SourceRegion, p.Message)
			errs = append(errs, p)
		default:
			errs = append(errs, p)
		}
	} else {
		r.rp = &rp
		if rp.Status != model.JobCompleted {
			errs = append(errs, &policy.Violation{Field: "RecoveryPointArn", Rule: RuleRecoveryPointNotCompleted,
				Message: fmt.Sprintf("the recovery point is %s; only COMPLETED recovery points can be copied", rp.Status)})
		}
		if rp.StorageClass == "COLD" {
			errs = append(errs, &policy.Violation{Field: "RecoveryPointArn", Rule: RuleRecoveryPointCold,
				Message: "the recovery point is in cold storage, which AWS Backup cannot copy"})
		}
		errs = append(errs, checkRecoveryPointRules(rp, r.req, r.rules))
	}
	for i, f := range vaultFutures {
		var v model.BackupVault
		if err := f.Get(ctx, &v); err != nil {
			errs = append(errs, awsProblem(fmt.Sprintf("Destinations[%d].BackupVaultArn", i), RuleVaultNotFound, err))
		}
	}
	return flatten(errs)
}

// checkRecoveryPointRules applies the rules that depend on the recovery point's resource
// type. The type belongs to the recovery point, so a type that cannot be copied is named
// once, on RecoveryPointArn; lifecycle rules name each destination's lifecycle. The
// routes were checked with the request's fields, by the same rules.
func checkRecoveryPointRules(rp model.RecoveryPoint, req model.CopyRequest, rules *policy.Rules) error {
	var errs []error
	if rp.ResourceType == "" {
		errs = append(errs, &policy.Violation{Field: "RecoveryPointArn", Rule: policy.RuleRequired,
			Message: "AWS reports no resource type for the recovery point, so the copy rules cannot be checked"})
	} else if err := rules.CheckResourceTypeCopyable(rp.ResourceType, "RecoveryPointArn"); err != nil {
		errs = append(errs, err)
	}
	for i, d := range req.Destinations {
		errs = append(errs, rules.CheckLifecycle(rp.ResourceType, d.Lifecycle, fmt.Sprintf("Destinations[%d].Lifecycle", i)))
	}
	return errors.Join(errs...)
}

// awsProblem turns a failed describe into a violation: notFoundRule when AWS says the
// thing does not exist, RuleAWSRefused with AWS's message otherwise.
func awsProblem(field, notFoundRule string, err error) *policy.Violation {
	rule := RuleAWSRefused
	if errorType(err) == model.ErrNotFound {
		rule = notFoundRule
	}
	return &policy.Violation{Field: field, Rule: rule, Message: errorMessage(err)}
}

// flatten lists every *policy.Violation in errs, in order.
func flatten(errs []error) []policy.Violation {
	var out []policy.Violation
	for _, err := range errs {
		for _, v := range policy.Violations(err) {
			out = append(out, *v)
		}
	}
	return out
}
