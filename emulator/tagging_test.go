package emulator_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	rgtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// Resources of the tagging tests: a small estate in us-east-1 and one volume in eu-west-1.
const (
	taggedVol  = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0aaaaaaaaaaaaaaa1"
	devVol     = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0aaaaaaaaaaaaaaa2"
	plainVol   = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0aaaaaaaaaaaaaaa3"
	prodDB     = "arn:aws:rds:us-east-1:123456789012:db:orders"
	stagingFS  = "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"
	billingTbl = "arn:aws:dynamodb:us-east-1:123456789012:table/billing"
	westVol    = "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0bbbbbbbbbbbbbbb1"
)

func taggedEstate() []emulator.ResourceSeed {
	seed := func(arn string, tags map[string]string) emulator.ResourceSeed {
		return emulator.ResourceSeed{ResourceArn: arn, SizeBytes: 1 << 30, DailyWriteRate: 0.05, Tags: tags}
	}
	return []emulator.ResourceSeed{
		seed(taggedVol, map[string]string{"env": "prod", "team": "orders"}),
		seed(devVol, map[string]string{"env": "dev", "team": "orders"}),
		seed(plainVol, nil), // never tagged: the tagging API does not know it
		seed(prodDB, map[string]string{"env": "prod"}),
		seed(stagingFS, map[string]string{"env": "staging", "backup": ""}),
		seed(billingTbl, map[string]string{"team": "billing"}),
		seed(westVol, map[string]string{"env": "prod"}),
	}
}

func tagFilter(key string, values ...string) rgtypes.TagFilter {
	return rgtypes.TagFilter{Key: aws.String(key), Values: values}
}

// getARNs runs one GetResources call and returns the ARNs it answered, in order.
func getARNs(t *testing.T, c *resourcegroupstaggingapi.Client, in *resourcegroupstaggingapi.GetResourcesInput) []string {
	t.Helper()
	out, err := c.GetResources(ctx(t), in)
	if err != nil {
		t.Fatalf("GetResources: %v", err)
	}
	if out.PaginationToken == nil || *out.PaginationToken != "" {
		t.Fatalf("a one-page answer must carry PaginationToken \"\", got %v", out.PaginationToken)
	}
	return arnsOf(out.ResourceTagMappingList)
}

func arnsOf(ms []rgtypes.ResourceTagMapping) []string {
	arns := []string{}
	for _, m := range ms {
		arns = append(arns, aws.ToString(m.ResourceARN))
	}
	return arns
}

func tagsOf(m rgtypes.ResourceTagMapping) map[string]string {
	tags := map[string]string{}
	for _, tag := range m.Tags {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return tags
}

func TestGetResourcesFilters(t *testing.T) {
	s := start(t, emulator.Config{Resources: taggedEstate()})
	tc := s.TaggingClient(east)
	// Resources the account knows without tags (seeded bare, or created by a backup) are
	// not in the tagging index, as on AWS.
	mustVault(t, s.Client(east), "src", "")
	mustBackup(t, s.Client(east), "src", volume)

	for _, c := range []struct {
		name string
		in   resourcegroupstaggingapi.GetResourcesInput
		want []string
	}{
		{"everything tagged in the Region, by ARN", resourcegroupstaggingapi.GetResourcesInput{},
			[]string{billingTbl, taggedVol, devVol, stagingFS, prodDB}},
		{"one value", resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("env", "prod")}},
			[]string{taggedVol, prodDB}},
		{"values are OR'ed", resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("env", "prod", "dev")}},
			[]string{taggedVol, devVol, prodDB}},
		{"filters are AND'ed", resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("env", "prod", "dev"), tagFilter("team", "orders")}},
			[]string{taggedVol, devVol}},
		{"a key without values matches any value", resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("team")}},
			[]string{billingTbl, taggedVol, devVol}},
		{"an empty value is a value", resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("backup", "")}},
			[]string{stagingFS}},
		{"tags are case-sensitive", resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("Env", "prod")}},
			[]string{}},
		{"a resource type", resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"ec2:volume"}},
			[]string{taggedVol, devVol}},
		{"resource types are OR'ed", resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"rds:db", "elasticfilesystem:file-system", "dynamodb:table"}},
			[]string{billingTbl, stagingFS, prodDB}},
		{"a service alone", resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"ec2"}},
			[]string{taggedVol, devVol}},
		{"a type the account has none of", resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"ec2:instance", "rds:cluster"}},
			[]string{}},
		{"types and tags together", resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"ec2:volume"}, TagFilters: []rgtypes.TagFilter{tagFilter("env", "prod")}},
			[]string{taggedVol}},
		{"listed ARNs, unknown, untagged and other-Region ones left out", resourcegroupstaggingapi.GetResourcesInput{ResourceARNList: []string{prodDB, volume, plainVol, westVol, taggedVol, prodDB}},
			[]string{prodDB, taggedVol}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := getARNs(t, tc, &c.in); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}

	out, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{ResourceARNList: []string{taggedVol}})
	if err != nil {
		t.Fatal(err)
	}
	m := out.ResourceTagMappingList[0]
	if got := tagsOf(m); len(got) != 2 || got["env"] != "prod" || got["team"] != "orders" || aws.ToString(m.Tags[0].Key) != "env" {
		t.Fatalf("tags of %s: %v (want env=prod, team=orders sorted by key)", taggedVol, m.Tags)
	}
	if m.ComplianceDetails != nil {
		t.Fatal("compliance details answered without IncludeComplianceDetails")
	}

	// The other Region sees its own resources only.
	if got := getARNs(t, s.TaggingClient(west), &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("env", "prod")}}); !slices.Equal(got, []string{westVol}) {
		t.Fatalf("eu-west-1 answered %v, want only %s", got, westVol)
	}

	// Without a tag policy, every resource complies.
	out, err = tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{IncludeComplianceDetails: aws.Bool(true), TagFilters: []rgtypes.TagFilter{tagFilter("env", "prod")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ResourceTagMappingList) != 2 || out.ResourceTagMappingList[0].ComplianceDetails == nil || !aws.ToBool(out.ResourceTagMappingList[0].ComplianceDetails.ComplianceStatus) {
		t.Fatalf("compliance details: %+v", out.ResourceTagMappingList)
	}
	if got := getARNs(t, tc, &resourcegroupstaggingapi.GetResourcesInput{IncludeComplianceDetails: aws.Bool(true), ExcludeCompliantResources: aws.Bool(true)}); len(got) != 0 {
		t.Fatalf("non-compliant resources without a tag policy: %v", got)
	}

	if n := s.Emulator.Counters().Calls["GetResources"]; n < 16 {
		t.Fatalf("GetResources calls counted: %d", n)
	}
}

func TestTagAndUntagResources(t *testing.T) {
	s := start(t, emulator.Config{Resources: taggedEstate()})
	tc := s.TaggingClient(east)
	mustVault(t, s.Client(east), "src", "")
	// A resource created by its first backup has no tags, so no tag query finds it...
	mustBackup(t, s.Client(east), "src", volume)
	byTeam := &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("team", "orders")}}
	if got := getARNs(t, tc, byTeam); slices.Contains(got, volume) {
		t.Fatalf("an untagged resource matched a tag filter: %v", got)
	}

	// ...until it is tagged. TagResources sets the keys it names and keeps the others; it
	// reports the resources it could not tag (another Region's, a type AWS Backup does not
	// protect) without failing the call.
	const queue = "arn:aws:sqs:us-east-1:123456789012:orders"
	out, err := tc.TagResources(ctx(t), &resourcegroupstaggingapi.TagResourcesInput{
		ResourceARNList: []string{volume, devVol, westVol, queue},
		Tags:            map[string]string{"team": "orders", "env": "prod"},
	})
	if err != nil {
		t.Fatalf("TagResources: %v", err)
	}
	if len(out.FailedResourcesMap) != 2 {
		t.Fatalf("FailedResourcesMap %v, want %s and %s", out.FailedResourcesMap, westVol, queue)
	}
	for _, arn := range []string{westVol, queue} {
		f, ok := out.FailedResourcesMap[arn]
		if !ok || f.ErrorCode != rgtypes.ErrorCodeInvalidParameterException || f.StatusCode != 400 || aws.ToString(f.ErrorMessage) == "" {
			t.Fatalf("failure for %s: %+v", arn, f)
		}
	}
	if got := getARNs(t, tc, byTeam); !slices.Equal(got, []string{volume, taggedVol, devVol}) {
		t.Fatalf("after tagging: %v", got)
	}
	if got := getARNs(t, tc, &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("env", "dev")}}); len(got) != 0 {
		t.Fatalf("env=dev was overwritten with prod, yet matched %v", got)
	}

	// A resource tagged before anything else happened to it exists from then on, so a
	// backup of it works.
	fresh := "arn:aws:ec2:us-east-1:123456789012:volume/vol-0ccccccccccccccc1"
	if out, err := tc.TagResources(ctx(t), &resourcegroupstaggingapi.TagResourcesInput{ResourceARNList: []string{fresh}, Tags: map[string]string{"env": "prod"}}); err != nil || len(out.FailedResourcesMap) != 0 {
		t.Fatalf("tagging a new volume: %v %v", out, err)
	}
	mustBackup(t, s.Client(east), "src", fresh)

	// UntagResources removes keys; a resource whose every tag is gone is still listed,
	// with an empty tag set, as AWS lists resources that ever had a tag.
	if _, err := tc.UntagResources(ctx(t), &resourcegroupstaggingapi.UntagResourcesInput{ResourceARNList: []string{prodDB, devVol}, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatalf("UntagResources: %v", err)
	}
	if got := getARNs(t, tc, &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("env")}}); slices.Contains(got, prodDB) || slices.Contains(got, devVol) {
		t.Fatalf("untagged env still matches: %v", got)
	}
	all, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"rds:db"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.ResourceTagMappingList) != 1 || aws.ToString(all.ResourceTagMappingList[0].ResourceARN) != prodDB || all.ResourceTagMappingList[0].Tags == nil || len(all.ResourceTagMappingList[0].Tags) != 0 {
		t.Fatalf("a resource without tags left: %+v", all.ResourceTagMappingList)
	}
	if got := tagsOf(getOne(t, tc, devVol)); len(got) != 1 || got["team"] != "orders" {
		t.Fatalf("untag removed more than env: %v", got)
	}
}

func getOne(t *testing.T, c *resourcegroupstaggingapi.Client, arn string) rgtypes.ResourceTagMapping {
	t.Helper()
	out, err := c.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{ResourceARNList: []string{arn}})
	if err != nil || len(out.ResourceTagMappingList) != 1 {
		t.Fatalf("GetResources of %s: %v %v", arn, out, err)
	}
	return out.ResourceTagMappingList[0]
}

func volumeARN(i int) string {
	return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%017x", i)
}

// firstVolume sorts before every volumeARN.
const firstVolume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-00000000"

func TestGetResourcesPaging(t *testing.T) {
	var seeds []emulator.ResourceSeed
	for i := range 25 {
		tags := map[string]string{"fleet": "a"}
		for k := range 29 {
			tags[fmt.Sprintf("k%02d", k)] = "v"
		}
		seeds = append(seeds, emulator.ResourceSeed{ResourceArn: volumeARN(i), SizeBytes: 1 << 30, Tags: tags})
	}
	s := start(t, emulator.Config{Resources: seeds})
	tc := s.TaggingClient(east)
	query := func() *resourcegroupstaggingapi.GetResourcesInput {
		return &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("fleet", "a")}, ResourcesPerPage: aws.Int32(10)}
	}

	// The SDK's paginator walks the pages: 10, 10, 5, every resource once, in ARN order,
	// even when a resource is tagged between pages.
	p := resourcegroupstaggingapi.NewGetResourcesPaginator(tc, query())
	var sizes []int
	var got []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("page %d: %v", len(sizes)+1, err)
		}
		sizes = append(sizes, len(page.ResourceTagMappingList))
		got = append(got, arnsOf(page.ResourceTagMappingList)...)
		if len(sizes) == 1 {
			// Sorts before everything already returned: must not shift the later pages.
			if _, err := tc.TagResources(ctx(t), &resourcegroupstaggingapi.TagResourcesInput{ResourceARNList: []string{firstVolume}, Tags: map[string]string{"fleet": "a"}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !slices.Equal(sizes, []int{10, 10, 5}) {
		t.Fatalf("page sizes %v, want [10 10 5]", sizes)
	}
	var want []string
	for i := range 25 {
		want = append(want, volumeARN(i))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged ARNs:\n got  %v\n want %v", got, want)
	}

	// TagsPerPage never splits a resource: the 1-tag volume and three 30-tag ones make 91
	// tags; a fifth resource would bring 121, over the 100 asked for.
	out, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{TagsPerPage: aws.Int32(100), ResourceTypeFilters: []string{"ec2:volume"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ResourceTagMappingList) != 4 || aws.ToString(out.PaginationToken) == "" {
		t.Fatalf("TagsPerPage 100 of 30-tag resources: %d resources, token %q", len(out.ResourceTagMappingList), aws.ToString(out.PaginationToken))
	}

	// A token continues only the query that issued it (whose first page now starts with the
	// volume tagged mid-walk).
	first, err := tc.GetResources(ctx(t), query())
	if err != nil {
		t.Fatal(err)
	}
	other := &resourcegroupstaggingapi.GetResourcesInput{PaginationToken: first.PaginationToken, TagFilters: []rgtypes.TagFilter{tagFilter("fleet", "b")}}
	_, err = s.TaggingClient(east, noTagRetry).GetResources(ctx(t), other)
	wantAPIError(t, err, "InvalidParameterException", 400)
	_, err = s.TaggingClient(east, noTagRetry).GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{PaginationToken: aws.String("not-a-token")})
	wantAPIError(t, err, "InvalidParameterException", 400)
	next := query()
	next.PaginationToken = first.PaginationToken
	page, err := tc.GetResources(ctx(t), next)
	if err != nil {
		t.Fatal(err)
	}
	if got := arnsOf(page.ResourceTagMappingList); len(got) != 10 || got[0] != volumeARN(9) {
		t.Fatalf("the token's own query continues after the first page's %s: %v", volumeARN(8), got)
	}
}

func noTagRetry(o *resourcegroupstaggingapi.Options) { o.RetryMaxAttempts = 1 }

func TestTaggingErrors(t *testing.T) {
	s := start(t, emulator.Config{Resources: taggedEstate()})
	tc := s.TaggingClient(east, noTagRetry)
	tooMany := map[string]string{}
	for i := range 51 {
		tooMany[fmt.Sprintf("k%d", i)] = "v"
	}
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"ARN list with tag filters", func() error {
			_, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{ResourceARNList: []string{taggedVol}, TagFilters: []rgtypes.TagFilter{tagFilter("env")}})
			return err
		}},
		{"ARN list with paging", func() error {
			_, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{ResourceARNList: []string{taggedVol}, ResourcesPerPage: aws.Int32(5)})
			return err
		}},
		{"ResourcesPerPage over 100", func() error {
			_, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{ResourcesPerPage: aws.Int32(101)})
			return err
		}},
		{"TagsPerPage under 100", func() error {
			_, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{TagsPerPage: aws.Int32(50)})
			return err
		}},
		{"malformed resource type", func() error {
			_, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{ResourceTypeFilters: []string{"ec2 volume"}})
			return err
		}},
		{"tag filter without a key", func() error {
			_, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{{Values: []string{"prod"}}}})
			return err
		}},
		{"excluding compliant resources without compliance details", func() error {
			_, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{ExcludeCompliantResources: aws.Bool(true)})
			return err
		}},
		{"reserved tag key", func() error {
			_, err := tc.TagResources(ctx(t), &resourcegroupstaggingapi.TagResourcesInput{ResourceARNList: []string{taggedVol}, Tags: map[string]string{"aws:backup": "x"}})
			return err
		}},
		{"more than 50 tags", func() error {
			_, err := tc.TagResources(ctx(t), &resourcegroupstaggingapi.TagResourcesInput{ResourceARNList: []string{taggedVol}, Tags: tooMany})
			return err
		}},
		{"not an ARN", func() error {
			_, err := tc.TagResources(ctx(t), &resourcegroupstaggingapi.TagResourcesInput{ResourceARNList: []string{"vol-0123"}, Tags: map[string]string{"env": "prod"}})
			return err
		}},
		{"no tag keys to remove", func() error {
			_, err := tc.UntagResources(ctx(t), &resourcegroupstaggingapi.UntagResourcesInput{ResourceARNList: []string{taggedVol}, TagKeys: []string{}})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			wantAPIError(t, err, "InvalidParameterException", 400)
			var ipe *rgtypes.InvalidParameterException
			if !errors.As(err, &ipe) || ipe.ErrorMessage() == "" {
				t.Fatalf("the SDK did not decode %v as its modelled InvalidParameterException with a message", err)
			}
		})
	}

	// Injected faults speak the tagging API's own errors.
	if err := s.Emulator.SetFaults(emulator.Faults{ThrottleRate: 1, Operations: []string{"GetResources"}}); err != nil {
		t.Fatal(err)
	}
	_, err := tc.GetResources(ctx(t), &resourcegroupstaggingapi.GetResourcesInput{})
	var throttled *rgtypes.ThrottledException
	if !errors.As(err, &throttled) {
		t.Fatalf("throttled GetResources: %v, want ThrottledException", err)
	}
	if err := s.Emulator.SetFaults(emulator.Faults{ServerErrorRate: 1, Operations: []string{"TagResources"}}); err != nil {
		t.Fatal(err)
	}
	_, err = tc.TagResources(ctx(t), &resourcegroupstaggingapi.TagResourcesInput{ResourceARNList: []string{taggedVol}, Tags: map[string]string{"a": "b"}})
	wantAPIError(t, err, "InternalServiceException", 500)
}

// TestTaggingWithVerifiedSignatures: with SigV4 verification on, tagging calls must be
// signed for the tagging service, as AWS requires, and the backup API keeps working beside it.
func TestTaggingWithVerifiedSignatures(t *testing.T) {
	s := start(t, emulator.Config{Resources: taggedEstate(), Credentials: map[string]string{"AKIATAGGING": "tagging-secret"}})
	if got := getARNs(t, s.TaggingClient(east), &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("env", "prod")}}); !slices.Equal(got, []string{taggedVol, prodDB}) {
		t.Fatalf("signed GetResources: %v", got)
	}
	mustVault(t, s.Client(east), "src", "")

	// The tagging target signed for the backup service is refused.
	resp, body := rawCallWith(t, s, east, "POST", "/", []byte(`{}`), "backup", map[string]string{
		"X-Amz-Target": "ResourceGroupsTaggingAPI_20170126.GetResources", "Content-Type": "application/x-amz-json-1.1"})
	if resp.StatusCode != 403 || body["__type"] != "InvalidSignatureException" {
		t.Fatalf("tagging call signed for backup: %d %v", resp.StatusCode, body)
	}
}

func TestTaggingUnknownOperation(t *testing.T) {
	s := emulatortest.Start(t, emulator.Config{})
	resp, body := rawCallWith(t, s, east, "POST", "/", []byte(`{}`), "tagging", map[string]string{
		"X-Amz-Target": "ResourceGroupsTaggingAPI_20170126.GetComplianceSummary", "Content-Type": "application/x-amz-json-1.1"})
	if resp.StatusCode != 400 || body["__type"] != "UnknownOperationException" || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("unknown tagging operation: %d %q %v", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = rawCallWith(t, s, east, "POST", "/", []byte(`{"TagFilters": "env"}`), "tagging", map[string]string{
		"X-Amz-Target": "ResourceGroupsTaggingAPI_20170126.GetResources", "Content-Type": "application/x-amz-json-1.1"})
	if resp.StatusCode != 400 || body["__type"] != "SerializationException" {
		t.Fatalf("malformed GetResources body: %d %v", resp.StatusCode, body)
	}
}

// TestTagsPersist: tags survive a restart from the state file, and restarting with the same
// seed file does not undo what TagResources and UntagResources changed since.
func TestTagsPersist(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	cfg := emulator.Config{StateFile: file, Resources: taggedEstate()}
	t.Run("before the restart", func(t *testing.T) { // its cleanup closes the emulator, saving the state
		tc := emulatortest.Start(t, cfg).TaggingClient(east)
		if _, err := tc.TagResources(ctx(t), &resourcegroupstaggingapi.TagResourcesInput{ResourceARNList: []string{taggedVol, volume}, Tags: map[string]string{"env": "dr-test"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := tc.UntagResources(ctx(t), &resourcegroupstaggingapi.UntagResourcesInput{ResourceARNList: []string{prodDB}, TagKeys: []string{"env"}}); err != nil {
			t.Fatal(err)
		}
	})

	for _, c := range []struct {
		name string
		cfg  emulator.Config
	}{
		{"with the same seeds", cfg},
		{"without seeds", emulator.Config{StateFile: file}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := emulatortest.Start(t, c.cfg)
			tc := s.TaggingClient(east)
			if got := getARNs(t, tc, &resourcegroupstaggingapi.GetResourcesInput{TagFilters: []rgtypes.TagFilter{tagFilter("env", "dr-test")}}); !slices.Equal(got, []string{volume, taggedVol}) {
				t.Fatalf("env=dr-test after restart: %v", got)
			}
			if got := tagsOf(getOne(t, tc, taggedVol)); got["env"] != "dr-test" || got["team"] != "orders" {
				t.Fatalf("tags of %s after restart: %v", taggedVol, got)
			}
			if got := tagsOf(getOne(t, tc, prodDB)); len(got) != 0 {
				t.Fatalf("a removed tag came back after restart: %v", got)
			}
		})
	}
}
