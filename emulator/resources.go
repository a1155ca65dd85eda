package emulator

import (
	"math"
	"regexp"
	"strings"
	"time"
)

// supportedResourceTypes is what GetSupportedResourceTypes answers.
var supportedResourceTypes = []string{
	"Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx",
	"Neptune", "RDS", "Redshift", "S3", "SAP HANA on Amazon EC2", "Storage Gateway",
	"Timestream", "VirtualMachine",
}

// resourceArnForms maps well-formed resource ARNs to their AWS Backup resource type.
// Capture group 1 is the Region ("" for global resources such as S3 buckets).
var resourceArnForms = []struct {
	pattern *regexp.Regexp
	typ     string
}{
	{regexp.MustCompile(`^arn:aws:ec2:([a-z0-9-]+):[0-9]{12}:volume/vol-[0-9a-f]{8,17}$`), "EBS"},
	{regexp.MustCompile(`^arn:aws:ec2:([a-z0-9-]+):[0-9]{12}:instance/i-[0-9a-f]{8,17}$`), "EC2"},
	{regexp.MustCompile(`^arn:aws:rds:([a-z0-9-]+):[0-9]{12}:db:[a-zA-Z][a-zA-Z0-9-]{0,62}$`), "RDS"},
	{regexp.MustCompile(`^arn:aws:rds:([a-z0-9-]+):[0-9]{12}:cluster:[a-zA-Z][a-zA-Z0-9-]{0,62}$`), "Aurora"},
	{regexp.MustCompile(`^arn:aws:elasticfilesystem:([a-z0-9-]+):[0-9]{12}:file-system/fs-[0-9a-f]{8,17}$`), "EFS"},
	{regexp.MustCompile(`^arn:aws:dynamodb:([a-z0-9-]+):[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}$`), "DynamoDB"},
	{regexp.MustCompile(`^arn:aws:fsx:([a-z0-9-]+):[0-9]{12}:file-system/fs-[0-9a-f]{8,17}$`), "FSx"},
	{regexp.MustCompile(`^arn:aws:s3:()::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`), "S3"},
	{regexp.MustCompile(`^arn:aws:storagegateway:([a-z0-9-]+):[0-9]{12}:gateway/sgw-[0-9A-F]{8}/volume/vol-[0-9A-F]{8,17}$`), "Storage Gateway"},
	{regexp.MustCompile(`^arn:aws:redshift:([a-z0-9-]+):[0-9]{12}:cluster:[a-z][a-z0-9-]{0,62}$`), "Redshift"},
	{regexp.MustCompile(`^arn:aws:timestream:([a-z0-9-]+):[0-9]{12}:database/[a-zA-Z0-9_.-]{3,256}/table/[a-zA-Z0-9_.-]{3,256}$`), "Timestream"},
	{regexp.MustCompile(`^arn:aws:backup-gateway:([a-z0-9-]+):[0-9]{12}:vm/vm-[0-9a-f]{8,17}$`), "VirtualMachine"},
	{regexp.MustCompile(`^arn:aws:cloudformation:([a-z0-9-]+):[0-9]{12}:stack/[a-zA-Z][a-zA-Z0-9-]{0,127}/[0-9a-f-]{36}$`), "CloudFormation"},
	{regexp.MustCompile(`^arn:aws:ssm-sap:([a-z0-9-]+):[0-9]{12}:HANA/[a-zA-Z0-9_-]+/DB/[a-zA-Z0-9_-]+$`), "SAP HANA on Amazon EC2"},
}

// classifyResource returns the resource type and Region of a resource ARN, ok=false when the
// ARN is not a well-formed ARN of a supported type.
func classifyResource(arn string) (typ, region string, ok bool) {
	for _, f := range resourceArnForms {
		if m := f.pattern.FindStringSubmatch(arn); m != nil {
			return f.typ, m[1], true
		}
	}
	return "", "", false
}

// changedBytes is how many distinct bytes of the resource change over d. Writes arrive at
// DailyWriteRate×Size per day; HotWriteShare of them fall uniformly on a hot set holding
// HotSetFraction of the blocks, the rest uniformly on the cold blocks. A block written twice
// changes once, so the distinct change of a set of size N after w bytes of writes is
// N·(1−e^(−w/N)): concave in time, which makes the change between two backups hours apart
// less than the sum of the hourly changes between them, as in real volumes and databases.
func (e *Emulator) changedBytes(r *resource, d time.Duration) int64 {
	if d < 0 {
		d = -d
	}
	size := float64(r.SizeBytes)
	written := r.DailyWriteRate * size * d.Hours() / 24
	hot := size * e.cfg.HotSetFraction
	cold := size - hot
	changed := hot * (1 - math.Exp(-e.cfg.HotWriteShare*written/hot))
	if cold > 0 {
		changed += cold * (1 - math.Exp(-(1-e.cfg.HotWriteShare)*written/cold))
	}
	return min(int64(math.Round(changed)), r.SizeBytes)
}

// resourceFor returns the resource record, creating it with the defaults on first use.
func (e *Emulator) resourceFor(arn, typ, region string) *resource {
	if r, ok := e.st.Resources[arn]; ok {
		return r
	}
	r := &resource{Arn: arn, Type: typ, Region: region, SizeBytes: e.cfg.DefaultResourceSize, DailyWriteRate: e.cfg.DefaultDailyWriteRate}
	e.st.Resources[arn] = r
	return r
}

// seedResource declares (or updates) a resource's size, write rate and tags. With
// keepSavedTags, a resource that already has tags (from a loaded state file) keeps them: what
// the API changed since the seed was first applied is not undone by a restart.
func (e *Emulator) seedResource(s ResourceSeed, keepSavedTags bool) *apiError {
	typ, region, ok := classifyResource(s.ResourceArn)
	if !ok {
		return errInvalidParameter("ResourceArn %q is not a well-formed ARN of a supported resource type", s.ResourceArn)
	}
	if s.SizeBytes <= 0 {
		return errInvalidParameter("SizeBytes of %s must be positive", s.ResourceArn)
	}
	if s.DailyWriteRate < 0 || math.IsNaN(s.DailyWriteRate) || math.IsInf(s.DailyWriteRate, 0) {
		return errInvalidParameter("DailyWriteRate of %s must be a non-negative number", s.ResourceArn)
	}
	if err := validateTagMap(s.Tags, "Tags of "+s.ResourceArn, false); err != nil {
		return err
	}
	r := e.resourceFor(s.ResourceArn, typ, region)
	r.SizeBytes = s.SizeBytes
	r.DailyWriteRate = s.DailyWriteRate
	if len(s.Tags) > 0 && !(keepSavedTags && r.Tagged) {
		if err := applyTags(r, s.Tags); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
