package policy

import (
	"fmt"

	"github.com/regioncopy/regioncopy/model"
)

// CopyCheck describes one cross-Region copy to be checked before anything starts.
type CopyCheck struct {
	ResourceType      string // the recovery point's ResourceType (EBS, EFS, DynamoDB, ...)
	SourceRegion      string
	DestinationRegion string // may be left empty: then taken from DestinationVaultArn
	// DestinationVaultArn, when set, must be a backup vault ARN in DestinationRegion.
	DestinationVaultArn string
	Lifecycle           model.Lifecycle
	// Field prefixes every field name in the violations, e.g. "Destinations[1]".
	Field string
}

// CheckCopy checks one copy against every rule and returns all violations at once
// (errors.Join of *Violation; list them with Violations). Field names in violations are
// Field + ".ResourceType", ".SourceRegion", ".DestinationRegion",
// ".DestinationBackupVaultArn" and ".Lifecycle.<member>".
func (r *Rules) CheckCopy(c CopyCheck) error {
	r = r.orDefault()
	var vs violations
	if c.ResourceType == "" {
		vs.add(join(c.Field, "ResourceType"), RuleRequired, "the resource type is required to check a copy")
	} else {
		vs.addErr(r.CheckResourceTypeCopyable(c.ResourceType, join(c.Field, "ResourceType")))
	}
	vs.addErr(r.CheckRoute(c.SourceRegion, c.DestinationRegion, c.DestinationVaultArn, c.Field))
	vs.addErr(r.CheckLifecycle(c.ResourceType, c.Lifecycle, join(c.Field, "Lifecycle")))
	return vs.err()
}

// CheckResourceTypeCopyable reports a violation when resourceType cannot be copied to
// another Region.
func (r *Rules) CheckResourceTypeCopyable(resourceType, field string) error {
	r = r.orDefault()
	if r.CopyableCrossRegion(resourceType) {
		return nil
	}
	return &Violation{Field: field, Rule: RuleTypeNotCopyable,
		Message: fmt.Sprintf("%s recovery points cannot be copied to another Region", resourceType)}
}

// CheckRoute checks where a copy goes, independent of what is copied: Region names, the
// destination vault ARN and its Region, a destination in another Region than the source,
// and neither Region among those without cross-Region copy. A destination Region left
// empty is taken from the vault ARN. Violations name field + ".SourceRegion",
// ".DestinationRegion" or ".DestinationBackupVaultArn".
func (r *Rules) CheckRoute(sourceRegion, destinationRegion, destinationVaultArn, field string) error {
	var vs violations
	srcOK := checkRegion(&vs, sourceRegion, join(field, "SourceRegion"))
	if srcOK {
		r.orDefault().checkSourceRegion(&vs, sourceRegion, join(field, "SourceRegion"))
	}
	r.orDefault().checkDestination(&vs, sourceRegion, srcOK, destinationRegion, destinationVaultArn,
		join(field, "DestinationRegion"), join(field, "DestinationBackupVaultArn"))
	return vs.err()
}

func (r *Rules) checkSourceRegion(vs *violations, region, field string) {
	if !r.RegionAllowsCrossRegionCopy(region) {
		vs.add(field, RuleRegionWithoutCopy, "%s does not support cross-Region copy (Regions without it: %v)", region, r.RegionsWithoutCrossRegionCopy)
	}
}

// checkDestination checks the destination half of a route; srcOK says whether
// sourceRegion is a valid Region to compare with. It returns the parsed vault ARN when
// there is one and it parsed.
func (r *Rules) checkDestination(vs *violations, sourceRegion string, srcOK bool, destinationRegion, destinationVaultArn, dstField, vaultField string) (ARN, bool) {
	var vault ARN
	vaultOK, dstOK := false, false
	if destinationVaultArn != "" {
		v, err := ParseVaultARN(destinationVaultArn, vaultField)
		switch {
		case err != nil:
			vs.addErr(err)
		case destinationRegion == "":
			vault, vaultOK = v, true
			destinationRegion, dstField, dstOK = v.Region, vaultField, true
		case v.Region != destinationRegion:
			vault, vaultOK = v, true
			vs.add(vaultField, RuleRegionMismatch, "the vault is in %s but the destination Region is %s", v.Region, destinationRegion)
		default:
			vault, vaultOK = v, true
		}
	}
	if !dstOK && (destinationRegion != "" || destinationVaultArn == "") {
		dstOK = checkRegion(vs, destinationRegion, dstField)
	}
	if srcOK && dstOK && sourceRegion == destinationRegion {
		vs.add(dstField, RuleSameRegion, "the destination is in the source Region %s; a cross-Region copy must go to another Region", sourceRegion)
	}
	if dstOK && !r.RegionAllowsCrossRegionCopy(destinationRegion) {
		vs.add(dstField, RuleRegionWithoutCopy, "%s does not support cross-Region copy (Regions without it: %v)", destinationRegion, r.RegionsWithoutCrossRegionCopy)
	}
	return vault, vaultOK
}

// CheckSameAccount refuses a destination vault in another account than the IAM role's
// (the account AWS Backup works in). regioncopy keys a chain by the vault's name, not its
// account, and manages the copies with its own account's credentials, looking the vault
// up by name there; a vault in another account would share a chain with a same-named
// vault of its own and hold copies regioncopy cannot describe or expire. Until
// cross-account copy is supported it is refused. ARNs that do not parse are left to the
// checks that report them. The violation names field.
func CheckSameAccount(iamRoleArn, destinationVaultArn, field string) error {
	role, err := ParseRoleARN(iamRoleArn, "")
	if err != nil {
		return nil
	}
	vault, err := ParseVaultARN(destinationVaultArn, "")
	if err != nil {
		return nil
	}
	var vs violations
	checkSameAccount(&vs, role.AccountID, vault, field)
	return vs.err()
}

// checkSameAccount is CheckSameAccount with account (the IAM role's, "" = unknown) and
// the vault already parsed.
func checkSameAccount(vs *violations, account string, vault ARN, field string) {
	if account == "" || vault.AccountID == "" || vault.AccountID == account {
		return
	}
	vs.add(field, RuleUnsupported,
		"the vault is in account %s but the IAM role (the account AWS Backup works in) is in account %s; regioncopy does not support cross-account copy, so the destination vault must be in account %s",
		vault.AccountID, account, account)
}
