package cli

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// Flag names of `regioncopy copy`, the AWS CLI's own for `aws backup start-copy-job`.
const (
	flagRecoveryPointArn = "--recovery-point-arn"
	flagSourceVaultName  = "--source-backup-vault-name"
	flagDestVaultArn     = "--destination-backup-vault-arn"
	flagIamRoleArn       = "--iam-role-arn"
	flagLifecycle        = "--lifecycle"
	flagRegion           = "--region"
	flagCompletionWindow = "--completion-window"
	flagTimeScale        = "--time-scale"
)

// vaultNamePattern is botocore's BackupVaultName shape.
var vaultNamePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_]{2,50}$`)

// copyFlags holds `regioncopy copy`'s flag values before validation.
type copyFlags struct {
	RecoveryPointArn      string
	SourceBackupVaultName string
	DestinationVaultArns  []string
	IamRoleArn            string
	Lifecycle             string
	Region                string
	Coalesce              bool
	CompletionWindow      time.Duration
	TimeScale             float64
}

// request validates the flags and builds the workflow input. region is the Region after
// defaulting (flag, then environment, then profile). Every violation is reported at once,
// each naming its flag and rule; checks that need AWS (the recovery point exists and is
// COMPLETED, its resource type when the ARN does not show it, the vaults exist) are the
// workflow's, before it starts any copy job.
func (f copyFlags) request(region string, rules *policy.Rules) (model.CopyRequest, error) {
	var errs []error
	add := func(field, rule, format string, args ...any) {
		errs = append(errs, &policy.Violation{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}

	regionOK := false
	if region == "" {
		add(flagRegion, policy.RuleRequired, "no source Region: pass --region or set AWS_REGION, AWS_DEFAULT_REGION or a profile region")
	} else if err := policy.CheckRegion(region, flagRegion); err != nil {
		errs = append(errs, err)
	} else {
		regionOK = true
	}

	resourceType := ""
	if rp, err := policy.ParseRecoveryPointARN(f.RecoveryPointArn, flagRecoveryPointArn); err != nil {
		errs = append(errs, err)
	} else {
		resourceType = rp.ResourceType
		if regionOK && rp.Region != region {
			add(flagRecoveryPointArn, policy.RuleRegionMismatch, "the recovery point is in %s but the source Region (--region) is %s", rp.Region, region)
		}
	}
	if resourceType != "" {
		errs = append(errs, renameFields(rules.CheckResourceTypeCopyable(resourceType, flagRecoveryPointArn), nil))
	}

	if f.SourceBackupVaultName == "" {
		add(flagSourceVaultName, policy.RuleRequired, "the name of the vault holding the recovery point is required")
	} else if !vaultNamePattern.MatchString(f.SourceBackupVaultName) {
		add(flagSourceVaultName, policy.RuleARNSyntax, "%q is not a vault name: 2 to 50 letters, digits, '-' or '_'", f.SourceBackupVaultName)
	}

	if f.IamRoleArn == "" {
		add(flagIamRoleArn, policy.RuleRequired, "the IAM role AWS Backup assumes for the copy is required (arn:aws:iam::<account>:role/<name>)")
	} else if _, err := policy.ParseRoleARN(f.IamRoleArn, flagIamRoleArn); err != nil {
		errs = append(errs, err)
	}

	var lifecycle model.Lifecycle
	if f.Lifecycle != "" {
		l, err := parseLifecycle(f.Lifecycle)
		if len(policy.Violations(err)) > 0 {
			errs = append(errs, err) // a rule's violation already names --lifecycle.<key>
		} else if err != nil {
			add(flagLifecycle, "lifecycle-syntax", "%s", trimFlagPrefix(err.Error(), flagLifecycle))
		} else if err := checkLifecycle(rules, resourceType, l); err != nil {
			errs = append(errs, err)
		} else {
			lifecycle = l
		}
	}

	if len(f.DestinationVaultArns) == 0 {
		add(flagDestVaultArn, policy.RuleRequired, "at least one destination vault is required (arn:aws:backup:<region>:<account>:backup-vault:<name>); repeat the flag for several")
	}
	seen := map[string]bool{}
	var destinations []model.Destination
	for i, arn := range f.DestinationVaultArns {
		field := flagDestVaultArn
		if len(f.DestinationVaultArns) > 1 {
			field = fmt.Sprintf("%s[%d]", flagDestVaultArn, i)
		}
		if seen[arn] {
			add(field, policy.RuleDuplicateDestination, "%s is given twice", arn)
			continue
		}
		seen[arn] = true
		src := region
		if !regionOK {
			src = "" // already reported; do not report it again per destination
		}
		err := rules.CheckRoute(src, "", arn, "")
		errs = append(errs, renameFields(err, map[string]string{
			"SourceRegion":              flagRegion,
			"DestinationRegion":         field,
			"DestinationBackupVaultArn": field,
		}, "SourceRegion/"+policy.RuleRequired))
		if err := policy.CheckSameAccount(f.IamRoleArn, arn, field); err != nil {
			errs = append(errs, err)
		}
		destinations = append(destinations, model.Destination{BackupVaultArn: arn, Lifecycle: lifecycle})
	}

	if f.CompletionWindow < 0 {
		add(flagCompletionWindow, policy.RuleWindowNonNegative, "must not be negative, got %s", f.CompletionWindow)
	}
	if f.TimeScale < 1 {
		add(flagTimeScale, "time-scale-min", "must be at least 1 (1 = real AWS), got %g", f.TimeScale)
	}

	if err := errors.Join(errs...); err != nil {
		return model.CopyRequest{}, err
	}
	req := model.CopyRequest{
		SourceRegion:          region,
		RecoveryPointArn:      f.RecoveryPointArn,
		SourceBackupVaultName: f.SourceBackupVaultName,
		Destinations:          destinations,
		IamRoleArn:            f.IamRoleArn,
		Coalesce:              f.Coalesce,
		CompletionWindow:      f.CompletionWindow,
	}
	if f.TimeScale > 1 {
		req.TimeScale = f.TimeScale
	}
	return req, nil
}

// checkLifecycle checks --lifecycle against the rules. Whether the resource type supports
// cold storage is checked only when the recovery point's ARN shows the type: an
// arn:aws:backup:...:recovery-point:<id> ARN (EFS, the type with cold storage, among
// others) does not, and the workflow checks that rule once it has described the point.
func checkLifecycle(rules *policy.Rules, resourceType string, l model.Lifecycle) error {
	if resourceType == "" {
		return rules.CheckLifecycleArithmetic(l, flagLifecycle)
	}
	return rules.CheckLifecycle(resourceType, l, flagLifecycle)
}

// renameFields maps policy's field names to flag names so that every message names what
// the user typed. Violations whose "field/rule" is listed in drop are left out (they were
// reported once already).
func renameFields(err error, names map[string]string, drop ...string) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, v := range policy.Violations(err) {
		skip := false
		for _, d := range drop {
			if d == v.Field+"/"+v.Rule {
				skip = true
			}
		}
		if skip {
			continue
		}
		field := v.Field
		if n, ok := names[field]; ok {
			field = n
		}
		out = append(out, &policy.Violation{Field: field, Rule: v.Rule, Message: v.Message})
	}
	return errors.Join(out...)
}

// trimFlagPrefix drops "--flag: " from a message that will be given the flag as its field.
func trimFlagPrefix(msg, flag string) string {
	if len(msg) > len(flag)+2 && msg[:len(flag)+2] == flag+": " {
		return msg[len(flag)+2:]
	}
	return msg
}
