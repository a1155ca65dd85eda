package emulator_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// TestAWSCLITagging drives the tagging API with the AWS CLI v2 (botocore's awsJson1.1
// client, SigV4 verified for the tagging service), whose get-resources pages on its own
// until the PaginationToken comes back empty.
func TestAWSCLITagging(t *testing.T) {
	keyID, secret := "AKIACLITAGS", "cli-tags-secret"
	s := emulatortest.Start(t, emulator.Config{Resources: taggedEstate(), Credentials: map[string]string{keyID: secret}})
	c := newCLI(t, s, keyID, secret)
	run := func(args ...string) map[string]any {
		t.Helper()
		out, stderr, err := c.execService("resourcegroupstaggingapi", east, args...)
		if err != nil {
			t.Fatalf("aws resourcegroupstaggingapi %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("aws resourcegroupstaggingapi %s printed %q: %v", args[0], out, err)
		}
		return v
	}
	arns := func(v map[string]any) []string {
		var out []string
		for _, m := range v["ResourceTagMappingList"].([]any) {
			out = append(out, str(m.(map[string]any)["ResourceARN"]))
		}
		return out
	}

	tagged := run("tag-resources", "--resource-arn-list", volume, "--tags", "env=prod,team=orders")
	if failed, _ := tagged["FailedResourcesMap"].(map[string]any); len(failed) != 0 {
		t.Fatalf("tag-resources: %v", tagged)
	}
	// Pages of one resource each (--page-size sets ResourcesPerPage): the CLI follows the
	// tokens to the end.
	got := arns(run("get-resources", "--tag-filters", "Key=env,Values=prod", "--resource-type-filters", "ec2:volume", "rds:db", "--page-size", "1"))
	if want := []string{volume, taggedVol, prodDB}; !slices.Equal(got, want) {
		t.Fatalf("get-resources env=prod: %v, want %v", got, want)
	}
	if n := s.Emulator.Counters().Calls["GetResources"]; n < 3 {
		t.Fatalf("the CLI read three resources in %d GetResources calls; pages of one need three", n)
	}
	run("untag-resources", "--resource-arn-list", volume, "--tag-keys", "env")
	if got := arns(run("get-resources", "--tag-filters", "Key=env,Values=prod", "Key=team")); !slices.Equal(got, []string{taggedVol}) {
		t.Fatalf("get-resources env=prod and team after untagging: %v", got)
	}

	_, stderr, err := c.execService("resourcegroupstaggingapi", east, "get-resources", "--resource-type-filters", "ec2 volume")
	if err == nil || !strings.Contains(stderr, "InvalidParameterException") {
		t.Fatalf("a malformed resource type: %v %s", err, stderr)
	}
}
