package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// GetResources limits from the Resource Groups Tagging API model.
const (
	maxTagFilters          = 50
	maxTagFilterValues     = 20
	maxResourceTypeFilters = 100
	maxGetARNs             = 100
	maxResourcesPerPage    = 100
	minTagsPerPage         = 100
	maxTagsPerPage         = 500
)

// resourceTypeFilterPattern is service or service:resourceType, as embedded in ARNs.
var resourceTypeFilterPattern = regexp.MustCompile(`^[a-z0-9-]+(:[A-Za-z0-9-]+)?$`)

type tagFilter struct {
	Key    string
	Values []string
}

type getResourcesInput struct {
	PaginationToken           string
	TagFilters                []tagFilter
	ResourcesPerPage          *int64
	TagsPerPage               *int64
	ResourceTypeFilters       []string
	IncludeComplianceDetails  bool
	ExcludeCompliantResources bool
	ResourceARNList           []string
}

type tagWire struct {
	Key   string
	Value string
}

// complianceDetails is what a resource reports against the effective tag policy. The
// emulated account has no tag policy, so every resource complies.
type complianceDetails struct {
	NoncompliantKeys           []string
	KeysWithNoncompliantValues []string
	MissingTagKeys             []string
	ComplianceStatus           bool
}

type resourceTagMapping struct {
	ResourceARN       string
	Tags              []tagWire
	ComplianceDetails *complianceDetails `json:",omitempty"`
}

type getResourcesOutput struct {
	// PaginationToken is "" on the last page, as AWS answers.
	PaginationToken        string
	ResourceTagMappingList []resourceTagMapping
}

// pageToken is what a PaginationToken carries: the query it continues (a digest, so a token
// cannot be replayed against another query) and the last ARN already returned, so resources
// tagged between pages neither repeat nor shift others out of the listing.
type pageToken struct {
	Query string `json:"q"`
	After string `json:"a"`
}

func (e *Emulator) getResources(c *call) (any, *apiError) {
	var in getResourcesInput
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	out := getResourcesOutput{ResourceTagMappingList: []resourceTagMapping{}}
	if in.ExcludeCompliantResources {
		return out, nil // without a tag policy every resource complies
	}
	if len(in.ResourceARNList) > 0 {
		seen := map[string]bool{}
		for _, arn := range in.ResourceARNList {
			r := e.st.Resources[arn]
			if seen[arn] || r == nil || !r.Tagged || taggingRegion(r) != c.region {
				continue // AWS leaves out what it does not know, without an error
			}
			seen[arn] = true
			out.ResourceTagMappingList = append(out.ResourceTagMappingList, in.mapping(r))
		}
		return out, nil
	}

	query := in.digest(c.region)
	after := ""
	if in.PaginationToken != "" {
		tok, err := decodePageToken(in.PaginationToken)
		if err != nil || tok.Query != query {
			return nil, errTaggingParameter("PaginationToken %q was not issued by GetResources for this Region and these filters; repeat the query without it", in.PaginationToken)
		}
		after = tok.After
	}
	var matches []*resource
	for _, r := range e.st.Resources {
		if r.Tagged && taggingRegion(r) == c.region && r.Arn > after && in.matches(r) {
			matches = append(matches, r)
		}
	}
	slices.SortFunc(matches, func(a, b *resource) int { return strings.Compare(a.Arn, b.Arn) })

	perPage, tagBudget := int64(maxResourcesPerPage), int64(-1)
	if in.ResourcesPerPage != nil {
		perPage = *in.ResourcesPerPage
	}
	if in.TagsPerPage != nil {
		tagBudget = *in.TagsPerPage
	}
	for i, r := range matches {
		// A resource is never split across pages; one without tags counts as one tag.
		cost := int64(max(1, len(r.Tags)))
		full := int64(i) == perPage || (tagBudget >= 0 && i > 0 && cost > tagBudget)
		if full {
			out.PaginationToken = encodePageToken(pageToken{Query: query, After: matches[i-1].Arn})
			break
		}
		out.ResourceTagMappingList = append(out.ResourceTagMappingList, in.mapping(r))
		if tagBudget >= 0 {
			tagBudget -= cost
		}
	}
	return out, nil
}

// validate applies the model's limits and the rules the API documents: ResourceARNList
// goes with no filter and no paging; ExcludeCompliantResources needs
// IncludeComplianceDetails.
func (in *getResourcesInput) validate() *apiError {
	if len(in.ResourceARNList) > 0 {
		switch {
		case len(in.TagFilters) > 0:
			return errTaggingParameter("ResourceARNList cannot be combined with TagFilters")
		case len(in.ResourceTypeFilters) > 0:
			return errTaggingParameter("ResourceARNList cannot be combined with ResourceTypeFilters")
		case in.ResourcesPerPage != nil || in.TagsPerPage != nil || in.PaginationToken != "":
			return errTaggingParameter("ResourceARNList cannot be combined with ResourcesPerPage, TagsPerPage or PaginationToken")
		case len(in.ResourceARNList) > maxGetARNs:
			return errTaggingParameter("ResourceARNList holds %d ARNs; at most %d", len(in.ResourceARNList), maxGetARNs)
		}
		for i, a := range in.ResourceARNList {
			if !arnShape.MatchString(a) {
				return errTaggingParameter("ResourceARNList[%d] %q is not an ARN (arn:aws:<service>:<region>:<account>:<resource>)", i, a)
			}
		}
	}
	if in.ExcludeCompliantResources && !in.IncludeComplianceDetails {
		return errTaggingParameter("ExcludeCompliantResources can be true only when IncludeComplianceDetails is true")
	}
	if n := in.ResourcesPerPage; n != nil && (*n < 1 || *n > maxResourcesPerPage) {
		return errTaggingParameter("ResourcesPerPage %d must be from 1 to %d", *n, maxResourcesPerPage)
	}
	if n := in.TagsPerPage; n != nil && (*n < minTagsPerPage || *n > maxTagsPerPage) {
		return errTaggingParameter("TagsPerPage %d must be from %d to %d", *n, minTagsPerPage, maxTagsPerPage)
	}
	if len(in.TagFilters) > maxTagFilters {
		return errTaggingParameter("TagFilters holds %d filters; at most %d", len(in.TagFilters), maxTagFilters)
	}
	for i, f := range in.TagFilters {
		field := fmt.Sprintf("TagFilters[%d]", i)
		if err := validateTagKey(f.Key, field+".Key"); err != nil {
			return err
		}
		if len(f.Values) > maxTagFilterValues {
			return errTaggingParameter("%s.Values holds %d values; at most %d", field, len(f.Values), maxTagFilterValues)
		}
		for j, v := range f.Values {
			if len([]rune(v)) > maxTagValueLength {
				return errTaggingParameter("%s.Values[%d] is longer than %d characters", field, j, maxTagValueLength)
			}
		}
	}
	if len(in.ResourceTypeFilters) > maxResourceTypeFilters {
		return errTaggingParameter("ResourceTypeFilters holds %d types; at most %d", len(in.ResourceTypeFilters), maxResourceTypeFilters)
	}
	for i, t := range in.ResourceTypeFilters {
		if !resourceTypeFilterPattern.MatchString(t) {
			return errTaggingParameter("ResourceTypeFilters[%d] %q must be service or service:resourceType as the ARN spells them, such as ec2:volume or rds:db", i, t)
		}
	}
	return nil
}

// matches applies the filters: every tag filter (AND), each satisfied by any of its values
// (OR) or, without values, by the key alone; and any of the resource type filters.
func (in *getResourcesInput) matches(r *resource) bool {
	for _, f := range in.TagFilters {
		v, ok := r.Tags[f.Key]
		if !ok || (len(f.Values) > 0 && !slices.Contains(f.Values, v)) {
			return false
		}
	}
	if len(in.ResourceTypeFilters) == 0 {
		return true
	}
	service, typ := taggingType(r.Arn)
	for _, t := range in.ResourceTypeFilters {
		s, rt, hasType := strings.Cut(t, ":")
		if s == service && (!hasType || rt == typ) {
			return true
		}
	}
	return false
}

func (in *getResourcesInput) mapping(r *resource) resourceTagMapping {
	m := resourceTagMapping{ResourceARN: r.Arn, Tags: []tagWire{}}
	for k, v := range r.Tags {
		m.Tags = append(m.Tags, tagWire{Key: k, Value: v})
	}
	slices.SortFunc(m.Tags, func(a, b tagWire) int { return strings.Compare(a.Key, b.Key) })
	if in.IncludeComplianceDetails {
		m.ComplianceDetails = &complianceDetails{NoncompliantKeys: []string{}, KeysWithNoncompliantValues: []string{}, MissingTagKeys: []string{}, ComplianceStatus: true}
	}
	return m
}

// digest identifies the query a page belongs to: Region and filters, not page sizes.
func (in *getResourcesInput) digest(region string) string {
	b, _ := json.Marshal([]any{region, in.TagFilters, in.ResourceTypeFilters, in.IncludeComplianceDetails})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func encodePageToken(t pageToken) string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodePageToken(s string) (pageToken, error) {
	var t pageToken
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return t, err
	}
	err = json.Unmarshal(b, &t)
	return t, err
}
