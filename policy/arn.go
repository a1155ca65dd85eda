package policy

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ARNKind says what an ARN names, as far as regioncopy cares.
type ARNKind string

const (
	KindResource      ARNKind = "resource"       // a protected resource: volume, instance, table, file system...
	KindBackupVault   ARNKind = "backup-vault"   // arn:aws:backup:<region>:<account>:backup-vault:<name>
	KindRecoveryPoint ARNKind = "recovery-point" // arn:aws:backup:...:recovery-point:<id>, or the type's own snapshot or backup ARN
	KindIAMRole       ARNKind = "iam-role"       // arn:aws:iam::<account>:role/<path/name>
)

// ARN is a parsed and classified Amazon Resource Name.
type ARN struct {
	Raw       string
	Partition string
	Service   string
	Region    string // "" for global ARNs (S3 buckets, IAM roles)
	AccountID string // "" where AWS leaves it out (S3 buckets, EBS snapshots, AMIs)
	Resource  string // everything after the fifth colon
	Kind      ARNKind
	// ResourceType is the AWS Backup resource type the ARN reveals: the type of a
	// resource ARN, or of a recovery point whose ARN is the type's own snapshot ARN
	// (EBS snapshot, EC2 AMI, RDS snapshot, DynamoDB backup). It is "" for
	// arn:aws:backup recovery points, whose type only DescribeRecoveryPoint knows.
	ResourceType string
	// Name is the last identifying part: vault name, recovery point id, snapshot id,
	// role name, table name, bucket name...
	Name string
	// Wildcard is set by ParseResourceSelector when the ARN is a selection pattern.
	Wildcard bool
}

var (
	partitionPattern = regexp.MustCompile(`^aws(-[a-z]+)*$`)
	servicePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	// vaultNamePattern is botocore's BackupVaultName shape.
	vaultNamePattern     = regexp.MustCompile(`^[a-zA-Z0-9\-_]{2,50}$`)
	recoveryPointIDChars = regexp.MustCompile(`^[A-Za-z0-9\-_.:/]+$`)
	ebsSnapshotPattern   = regexp.MustCompile(`^snapshot/snap-[0-9a-f]{8,17}$`)
	amiPattern           = regexp.MustCompile(`^image/ami-[0-9a-f]{8,17}$`)
	rolePattern          = regexp.MustCompile(`^role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
	// dynamoTablePattern is botocore's DynamoDB TableName shape.
	dynamoTablePattern = regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)
	// dynamoBackupIDPattern is the id DynamoDB gives a backup: a creation timestamp in
	// milliseconds, '-', and hex digits (01489602797149-73d8d5bc).
	dynamoBackupIDPattern = regexp.MustCompile(`^[0-9]+-[0-9a-f]+$`)
)

// ParseARN parses s as any ARN regioncopy deals with (resource, backup vault, recovery
// point, IAM role) and classifies it. Errors are *Violation values naming field.
func ParseARN(s, field string) (ARN, error) {
	var vs violations
	a, ok := parseARN(&vs, s, field)
	if !ok {
		return ARN{}, vs.err()
	}
	return a, nil
}

// ParseVaultARN parses a backup vault ARN.
func ParseVaultARN(s, field string) (ARN, error) { return parseKind(s, field, KindBackupVault) }

// ParseRecoveryPointARN parses a recovery point ARN: arn:aws:backup:...:recovery-point:<id>
// or a type's own snapshot ARN (EBS arn:aws:ec2:<region>::snapshot/snap-..., EC2 AMIs, RDS
// snapshots, DynamoDB backups arn:aws:dynamodb:<region>:<account>:table/<table>/backup/<id>).
func ParseRecoveryPointARN(s, field string) (ARN, error) {
	return parseKind(s, field, KindRecoveryPoint)
}

// ParseResourceARN parses the ARN of a protected resource and finds its resource type.
func ParseResourceARN(s, field string) (ARN, error) { return parseKind(s, field, KindResource) }

// ParseRoleARN parses an IAM role ARN (the role AWS Backup assumes).
func ParseRoleARN(s, field string) (ARN, error) { return parseKind(s, field, KindIAMRole) }

// ResourceTypeFromARN returns the AWS Backup resource type of a resource ARN, or an error
// naming field when the ARN is malformed or names no resource type regioncopy knows.
func ResourceTypeFromARN(s, field string) (string, error) {
	a, err := ParseResourceARN(s, field)
	if err != nil {
		return "", err
	}
	return a.ResourceType, nil
}

// ParseResourceSelector parses one entry of a backup selection's Resources or
// NotResources: a resource ARN, "*" (every resource), or an ARN pattern with "*" as a
// whole Region or account field or at the end of the resource part, as AWS Backup
// accepts (arn:aws:ec2:*:*:volume/*, arn:aws:dynamodb:us-east-1:123456789012:table/app-*).
// ResourceType is set when the pattern fixes it.
func ParseResourceSelector(s, field string) (ARN, error) {
	if s == "*" {
		return ARN{Raw: s, Kind: KindResource, Wildcard: true}, nil
	}
	if !strings.Contains(s, "*") {
		return ParseResourceARN(s, field)
	}
	var vs violations
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		vs.add(field, RuleARNSyntax, "%q is neither \"*\" nor an ARN pattern arn:<partition>:<service>:<region>:<account>:<resource>", s)
		return ARN{}, vs.err()
	}
	a := ARN{Raw: s, Partition: parts[1], Service: parts[2], Region: parts[3], AccountID: parts[4], Resource: parts[5], Kind: KindResource, Wildcard: true}
	if !partitionPattern.MatchString(a.Partition) {
		vs.add(field, RuleARNSyntax, "%q: partition %q is not an AWS partition (aws, aws-cn, aws-us-gov...)", s, a.Partition)
	}
	if !servicePattern.MatchString(a.Service) {
		vs.add(field, RuleARNSyntax, "%q: the service field must be a service name, not a pattern", s)
	}
	if a.Region != "" && a.Region != "*" && !ValidRegion(a.Region) {
		vs.add(field, RuleRegionSyntax, "%q: %q is neither \"*\" nor a Region name", s, a.Region)
	}
	if a.AccountID != "" && a.AccountID != "*" && !accountPattern.MatchString(a.AccountID) {
		vs.add(field, RuleARNSyntax, "%q: account %q is neither \"*\" nor 12 digits", s, a.AccountID)
	}
	if i := strings.Index(a.Resource, "*"); i >= 0 && i != len(a.Resource)-1 {
		vs.add(field, RuleARNSyntax, "%q: AWS Backup accepts \"*\" only at the end of the resource part (a prefix pattern)", s)
	}
	if len(vs) > 0 {
		return ARN{}, vs.err()
	}
	// S3 bucket ARNs have no kind segment: the service alone fixes the type.
	if kind, _ := splitResource(a.Resource); a.Service == "s3" || (kind != "" && !strings.Contains(kind, "*")) {
		a.ResourceType = resourceTypeFor(a.Service, kind)
	}
	return a, nil
}

func parseKind(s, field string, want ARNKind) (ARN, error) {
	var vs violations
	a, ok := parseARN(&vs, s, field)
	if !ok {
		// Say what the field expects. A misspelt "backup-vualt" parses as a resource ARN
		// of no known type, which says nothing useful in a field that wants another
		// kind: that one is told as not being the kind wanted.
		if ex := kindExample(want); ex != "" {
			for _, e := range vs {
				v, isV := e.(*Violation)
				switch {
				case !isV:
				case strings.HasSuffix(v.Message, errNoResourceType.Error()):
					v.Message = fmt.Sprintf("%q is no ARN this field takes; expected %s ARN%s", s, aKind(want), ex)
				default:
					v.Message += "; expected " + aKind(want) + " ARN" + ex
				}
			}
		}
		return ARN{}, vs.err()
	}
	if a.Kind != want {
		vs.add(field, RuleARNKind, "%q is %s ARN, expected %s ARN%s", s, aKind(a.Kind), aKind(want), kindExample(want))
		return ARN{}, vs.err()
	}
	return a, nil
}

// aKind is k with its article: "a backup-vault", "an iam-role".
func aKind(k ARNKind) string {
	if strings.ContainsAny(string(k)[:1], "aeiou") {
		return "an " + string(k)
	}
	return "a " + string(k)
}

func kindExample(k ARNKind) string {
	switch k {
	case KindBackupVault:
		return " (arn:aws:backup:<region>:<account>:backup-vault:<name>)"
	case KindRecoveryPoint:
		return " (arn:aws:backup:<region>:<account>:recovery-point:<id>, or arn:aws:ec2:<region>::snapshot/snap-... for EBS, arn:aws:dynamodb:<region>:<account>:table/<table>/backup/<id> for DynamoDB)"
	case KindIAMRole:
		return " (arn:aws:iam::<account>:role/<name>)"
	}
	return ""
}

// splitResource splits "volume/vol-1" or "db:mydb" into its kind and the rest.
func splitResource(r string) (kind, rest string) {
	if i := strings.IndexAny(r, "/:"); i >= 0 {
		return r[:i], r[i+1:]
	}
	return r, ""
}

func parseARN(vs *violations, s, field string) (ARN, bool) {
	if s == "" {
		vs.add(field, RuleRequired, "an ARN is required")
		return ARN{}, false
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		vs.add(field, RuleARNSyntax, "%q is not an ARN (expected arn:<partition>:<service>:<region>:<account>:<resource>)", s)
		return ARN{}, false
	}
	a := ARN{Raw: s, Partition: parts[1], Service: parts[2], Region: parts[3], AccountID: parts[4], Resource: parts[5]}
	n := len(*vs)
	if !partitionPattern.MatchString(a.Partition) {
		vs.add(field, RuleARNSyntax, "%q: partition %q is not an AWS partition (aws, aws-cn, aws-us-gov...)", s, a.Partition)
	}
	if !servicePattern.MatchString(a.Service) {
		vs.add(field, RuleARNSyntax, "%q: service %q is not a service name", s, a.Service)
	}
	if a.Region != "" && !ValidRegion(a.Region) {
		vs.add(field, RuleRegionSyntax, "%q: %q is not a Region name (expected a name like us-east-1)", s, a.Region)
	}
	if a.AccountID != "" && !accountPattern.MatchString(a.AccountID) {
		vs.add(field, RuleARNSyntax, "%q: account %q is not a 12-digit account id", s, a.AccountID)
	}
	if a.Resource == "" {
		vs.add(field, RuleARNSyntax, "%q: the resource part is empty", s)
	}
	if len(*vs) > n {
		return ARN{}, false
	}
	if err := classify(&a); err != nil {
		vs.add(field, RuleARNSyntax, "%q: %v", s, err)
		return ARN{}, false
	}
	return a, true
}

// errNoResourceType is classify's answer for an ARN of no kind it knows.
var errNoResourceType = errors.New("names no resource type AWS Backup protects (EBS volume, EC2 instance, RDS db or cluster, EFS or FSx file system, DynamoDB table, S3 bucket, ...)")

// classify fills Kind, ResourceType and Name, and checks the parts each kind requires.
func classify(a *ARN) error {
	kind, rest := splitResource(a.Resource)
	needRegionAccount := func() error {
		switch {
		case a.Region == "" && a.AccountID == "":
			return errors.New("the Region and account fields are empty")
		case a.Region == "":
			return errors.New("the Region field is empty")
		case a.AccountID == "":
			return errors.New("the account field is empty")
		}
		return nil
	}
	switch {
	case a.Service == "backup" && kind == "backup-vault":
		if err := needRegionAccount(); err != nil {
			return err
		}
		if !vaultNamePattern.MatchString(rest) {
			return errors.New("a backup vault name has 2 to 50 letters, digits, '-' or '_'")
		}
		a.Kind, a.Name = KindBackupVault, rest
	case a.Service == "backup" && kind == "recovery-point":
		if err := needRegionAccount(); err != nil {
			return err
		}
		if rest == "" || !recoveryPointIDChars.MatchString(rest) {
			return errors.New("the recovery point id is empty or has characters AWS never uses")
		}
		a.Kind, a.Name = KindRecoveryPoint, rest
	case a.Service == "ec2" && (kind == "snapshot" || kind == "image"):
		// EBS snapshots and EC2 AMIs made by AWS Backup: account field left empty.
		if a.Region == "" {
			return errors.New("the Region field is empty")
		}
		if kind == "snapshot" && !ebsSnapshotPattern.MatchString(a.Resource) {
			return errors.New("an EBS snapshot is snapshot/snap-<8 or 17 hex digits>")
		}
		if kind == "image" && !amiPattern.MatchString(a.Resource) {
			return errors.New("an AMI is image/ami-<8 or 17 hex digits>")
		}
		a.Kind, a.Name = KindRecoveryPoint, rest
		a.ResourceType = TypeEBS
		if kind == "image" {
			a.ResourceType = TypeEC2
		}
	case a.Service == "rds" && (kind == "snapshot" || kind == "cluster-snapshot"):
		if err := needRegionAccount(); err != nil {
			return err
		}
		if rest == "" {
			return errors.New("the snapshot name is empty")
		}
		a.Kind, a.Name = KindRecoveryPoint, rest
		a.ResourceType = TypeRDS
		if kind == "cluster-snapshot" {
			a.ResourceType = TypeAurora
		}
	case a.Service == "dynamodb" && kind == "table" && isDynamoBackup(rest):
		// A DynamoDB backup without AWS Backup's advanced features keeps DynamoDB's own
		// ARN: table/<table>/backup/<id>. It is a recovery point, and one AWS cannot copy
		// to another Region; recognizing it lets the copy rules say so.
		if err := needRegionAccount(); err != nil {
			return err
		}
		table, id, _ := strings.Cut(rest, "/")
		id = strings.TrimPrefix(strings.TrimPrefix(id, "backup"), "/")
		if !dynamoTablePattern.MatchString(table) {
			return errors.New("a DynamoDB table name has 3 to 255 letters, digits, '_', '-' or '.'")
		}
		if !dynamoBackupIDPattern.MatchString(id) {
			return errors.New("a DynamoDB backup ARN ends in table/<table>/backup/<id>, the id digits, '-' and hex digits (01489602797149-73d8d5bc)")
		}
		a.Kind, a.Name, a.ResourceType = KindRecoveryPoint, id, TypeDynamoDB
	case a.Service == "iam":
		if a.Region != "" {
			return errors.New("IAM ARNs have no Region")
		}
		if a.AccountID == "" {
			return errors.New("the account field is empty")
		}
		if !rolePattern.MatchString(a.Resource) {
			return errors.New("an IAM role ARN ends in role/<name>")
		}
		a.Kind, a.Name = KindIAMRole, a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	case a.Service == "s3":
		// Buckets are global: arn:aws:s3:::bucket.
		if a.Region != "" || a.AccountID != "" {
			return errors.New("an S3 bucket ARN has empty Region and account fields (arn:aws:s3:::bucket)")
		}
		if kind != a.Resource {
			return errors.New("an S3 bucket ARN names a bucket, not an object")
		}
		a.Kind, a.Name, a.ResourceType = KindResource, a.Resource, TypeS3
	default:
		t := resourceTypeFor(a.Service, kind)
		if t == "" {
			return errNoResourceType
		}
		if err := needRegionAccount(); err != nil {
			return err
		}
		if rest == "" {
			return errors.New("the resource id is empty")
		}
		a.Kind, a.ResourceType = KindResource, t
		a.Name = rest
		if i := strings.LastIndexAny(rest, "/:"); i >= 0 {
			a.Name = rest[i+1:]
		}
	}
	return nil
}

// isDynamoBackup says whether the part of a DynamoDB ARN after "table/" names a backup
// of the table (<table>/backup/...) rather than the table itself.
func isDynamoBackup(rest string) bool {
	_, sub, ok := strings.Cut(rest, "/")
	return ok && (sub == "backup" || strings.HasPrefix(sub, "backup/"))
}
