package emulator

import (
	"fmt"
	"regexp"
	"strings"
)

// AWS's tag limits (the Resource Groups Tagging API model and the tagging rules every
// service shares).
const (
	maxTagsPerResource   = 50
	maxTagKeyLength      = 128
	maxTagValueLength    = 256
	maxTagUntagARNs      = 20
	reservedTagPrefix    = "aws:"
	globalResourceRegion = "us-east-1" // serves resources whose ARN names no Region (S3 buckets)
)

// arnShape is any ARN: partition, service, Region, account, resource.
var arnShape = regexp.MustCompile(`^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):([0-9]{12})?:(.+)$`)

// taggingRegion is the Region whose tagging API serves the resource: the one in its ARN,
// us-east-1 for S3 buckets, whose ARNs name none.
func taggingRegion(r *resource) string { return homeRegion(r.Region) }

// homeRegion is the Region serving a resource whose ARN names arnRegion ("" for none).
func homeRegion(arnRegion string) string {
	if arnRegion == "" {
		return globalResourceRegion
	}
	return arnRegion
}

// taggingType is the resource's service and type as ResourceTypeFilters name them: the
// service of its ARN and the first word of its resource part ("ec2", "volume"); "bucket"
// for S3 buckets.
func taggingType(arn string) (service, typ string) {
	m := arnShape.FindStringSubmatch(arn)
	if m == nil {
		return "", ""
	}
	service, res := m[1], m[4]
	if i := strings.IndexAny(res, "/:"); i >= 0 {
		return service, res[:i]
	}
	if service == "s3" {
		return service, "bucket"
	}
	return service, res
}

// validateTagKey checks one tag key against AWS's rules; field names it in the message.
func validateTagKey(k, field string) *apiError {
	switch {
	case k == "":
		return errTaggingParameter("%s: a tag key must not be empty", field)
	case len([]rune(k)) > maxTagKeyLength:
		return errTaggingParameter("%s: tag key %q is longer than %d characters", field, k, maxTagKeyLength)
	}
	return nil
}

// validateTagMap checks tags to be set: keys, values, count (at least one when required),
// and no key in the aws: namespace, which only AWS may set.
func validateTagMap(tags map[string]string, field string, required bool) *apiError {
	if required && len(tags) == 0 {
		return errTaggingParameter("%s is required and must hold 1 to %d tags", field, maxTagsPerResource)
	}
	if len(tags) > maxTagsPerResource {
		return errTaggingParameter("%s holds %d tags; a resource takes at most %d", field, len(tags), maxTagsPerResource)
	}
	for k, v := range tags {
		if err := validateTagKey(k, field); err != nil {
			return err
		}
		if strings.HasPrefix(strings.ToLower(k), reservedTagPrefix) {
			return errTaggingParameter("%s: tag key %q uses the reserved prefix %q, which only AWS may set", field, k, reservedTagPrefix)
		}
		if len([]rune(v)) > maxTagValueLength {
			return errTaggingParameter("%s: the value of tag %q is longer than %d characters", field, k, maxTagValueLength)
		}
	}
	return nil
}

// applyTags sets the given keys on r (other keys stay), refusing to go over the limit.
func applyTags(r *resource, tags map[string]string) *apiError {
	n := len(r.Tags)
	for k := range tags {
		if _, ok := r.Tags[k]; !ok {
			n++
		}
	}
	if n > maxTagsPerResource {
		return errTaggingParameter("%s would have %d tags; a resource takes at most %d", r.Arn, n, maxTagsPerResource)
	}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	for k, v := range tags {
		r.Tags[k] = v
	}
	r.Tagged = true
	return nil
}

type failureInfo struct {
	StatusCode   int
	ErrorCode    string
	ErrorMessage string
}

type tagResourcesInput struct {
	ResourceARNList []string
	Tags            map[string]string
}

type untagResourcesInput struct {
	ResourceARNList []string
	TagKeys         []string
}

// failedResourcesOutput is the answer of TagResources and UntagResources: per-resource
// failures, an empty map when every resource was tagged.
type failedResourcesOutput struct {
	FailedResourcesMap map[string]failureInfo
}

func validateTagUntagARNs(arns []string) *apiError {
	if len(arns) == 0 || len(arns) > maxTagUntagARNs {
		return errTaggingParameter("ResourceARNList is required and must hold 1 to %d ARNs, got %d", maxTagUntagARNs, len(arns))
	}
	for i, a := range arns {
		if !arnShape.MatchString(a) {
			return errTaggingParameter("ResourceARNList[%d] %q is not an ARN (arn:aws:<service>:<region>:<account>:<resource>)", i, a)
		}
	}
	return nil
}

// taggable finds (creating on first use, as StartBackupJob does) the protected resource an
// ARN names in the call's Region, or says why it cannot be tagged here.
func (e *Emulator) taggable(c *call, arn string, create bool) (*resource, *failureInfo) {
	typ, region, ok := classifyResource(arn)
	if !ok {
		return nil, &failureInfo{StatusCode: 400, ErrorCode: "InvalidParameterException",
			ErrorMessage: arn + " is not a resource this emulator models: only resources AWS Backup protects (EBS volumes, EC2 instances, RDS, EFS, DynamoDB, ...) carry tags here"}
	}
	if home := homeRegion(region); home != c.region {
		return nil, &failureInfo{StatusCode: 400, ErrorCode: "InvalidParameterException",
			ErrorMessage: arn + " is in " + home + "; the tagging API of " + c.region + " tags resources of " + c.region + " only"}
	}
	if r, ok := e.st.Resources[arn]; ok || !create {
		return r, nil
	}
	return e.resourceFor(arn, typ, region), nil
}

func (e *Emulator) tagResources(c *call) (any, *apiError) {
	var in tagResourcesInput
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	if err := validateTagUntagARNs(in.ResourceARNList); err != nil {
		return nil, err
	}
	if err := validateTagMap(in.Tags, "Tags", true); err != nil {
		return nil, err
	}
	out := failedResourcesOutput{FailedResourcesMap: map[string]failureInfo{}}
	for _, arn := range in.ResourceARNList {
		r, fail := e.taggable(c, arn, true)
		if fail == nil {
			if err := applyTags(r, in.Tags); err != nil {
				fail = &failureInfo{StatusCode: err.Status, ErrorCode: err.Code, ErrorMessage: err.Message}
			}
		}
		if fail != nil {
			out.FailedResourcesMap[arn] = *fail
		}
	}
	e.dirty = true
	return out, nil
}

func (e *Emulator) untagResources(c *call) (any, *apiError) {
	var in untagResourcesInput
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	if err := validateTagUntagARNs(in.ResourceARNList); err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 || len(in.TagKeys) > maxTagsPerResource {
		return nil, errTaggingParameter("TagKeys is required and must hold 1 to %d keys, got %d", maxTagsPerResource, len(in.TagKeys))
	}
	for i, k := range in.TagKeys {
		if err := validateTagKey(k, fmt.Sprintf("TagKeys[%d]", i)); err != nil {
			return nil, err
		}
	}
	out := failedResourcesOutput{FailedResourcesMap: map[string]failureInfo{}}
	for _, arn := range in.ResourceARNList {
		r, fail := e.taggable(c, arn, false)
		if fail != nil {
			out.FailedResourcesMap[arn] = *fail
			continue
		}
		if r == nil {
			continue // a resource never seen has no tags to remove
		}
		for _, k := range in.TagKeys {
			delete(r.Tags, k)
		}
	}
	e.dirty = true
	return out, nil
}
