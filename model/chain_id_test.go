package model

import (
	"strings"
	"testing"
)

const (
	idVolume = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0a1b2c3d4e5f60718"
	idVault  = "arn:aws:backup:us-west-2:123456789012:backup-vault:Default"
)

func idKey(resource, source, vault string) ChainKey {
	return ChainKey{ResourceArn: resource, ResourceType: "EBS", SourceRegion: source,
		DestinationRegion: RegionFromArn(vault), DestinationBackupVaultArn: vault}
}

// The id names the resource, the source Region, the destination account, Region and
// vault, in the documented order, and reads back into them.
func TestChainWorkflowIDFormat(t *testing.T) {
	id := ChainWorkflowID(idKey(idVolume, "eu-west-1", idVault))
	want := "chain/" + idVolume + "/from/eu-west-1/to/123456789012/us-west-2/Default"
	if id != want {
		t.Fatalf("id\n %s\nwant\n %s", id, want)
	}
	got, ok := ParseChainWorkflowID(id)
	if !ok || got != (ChainID{Resource: idVolume, SourceRegion: "eu-west-1", DestinationAccount: "123456789012",
		DestinationRegion: "us-west-2", VaultName: "Default"}) {
		t.Errorf("ParseChainWorkflowID(%s) = %+v, %v", id, got, ok)
	}
	for _, other := range []string{
		"chain/" + idVolume + "/us-west-2/Default", // the form without source Region and account
		"chain/" + idVolume + "/from/eu-west-1/to/123456789012/us-west-2/",
		"chain//from/eu-west-1/to/123456789012/us-west-2/Default",
		"copy/" + idVolume + "/from/eu-west-1/to/123456789012/us-west-2/Default",
	} {
		if c, ok := ParseChainWorkflowID(other); ok {
			t.Errorf("ParseChainWorkflowID(%s) = %+v, want not a chain id", other, c)
		}
	}
}

// A copy of a copy (same resource, another source Region) and a vault of the same name in
// another account or Region each have a chain of their own.
func TestChainWorkflowIDIsUniquePerIdentity(t *testing.T) {
	const otherAccountVault = "arn:aws:backup:us-west-2:210987654321:backup-vault:Default"
	keys := []ChainKey{
		idKey(idVolume, "us-east-1", idVault),
		idKey(idVolume, "eu-west-1", idVault),
		idKey(idVolume, "us-east-1", otherAccountVault),
		idKey(idVolume, "eu-west-1", otherAccountVault),
		idKey(idVolume, "us-east-1", "arn:aws:backup:eu-central-1:123456789012:backup-vault:Default"),
		idKey(idVolume, "us-east-1", "arn:aws:backup:us-west-2:123456789012:backup-vault:Other"),
		idKey(strings.Replace(idVolume, "0718", "0719", 1), "us-east-1", idVault),
	}
	seen := map[string]int{}
	for i, k := range keys {
		id := ChainWorkflowID(k)
		if j, dup := seen[id]; dup {
			t.Errorf("keys %d and %d share the id %s", j, i, id)
		}
		seen[id] = i
	}
}

// The longest ARNs AWS forms for the resources AWS Backup protects, in the longest
// partition and Regions, into a vault with the longest name, make ids within
// MaxWorkflowIDLength; such ids keep the start of the ARN and still tell apart ARNs
// that differ only at their end. ARNs of ordinary length are kept whole.
func TestChainWorkflowIDLengthIsBounded(t *testing.T) {
	const (
		partition = "aws-us-gov"
		region    = "us-gov-west-1"
		account   = "123456789012"
	)
	longVault := "arn:" + partition + ":backup:" + region + ":" + account + ":backup-vault:" + strings.Repeat("v", 50)
	prefix := "arn:" + partition + ":%s:" + region + ":" + account + ":"
	arn := func(service, resource string) string { return strings.Replace(prefix, "%s", service, 1) + resource }
	longest := map[string]string{
		// DynamoDB table names have up to 255 characters.
		"DynamoDB": arn("dynamodb", "table/"+strings.Repeat("t", 255)),
		// Timestream database and table names have up to 256 characters each.
		"Timestream": arn("timestream", "database/"+strings.Repeat("d", 256)+"/table/"+strings.Repeat("t", 256)),
		// CloudFormation stack names have up to 128 characters, then the stack's UUID.
		"CloudFormation": arn("cloudformation", "stack/"+strings.Repeat("s", 128)+"/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
		// RDS and Aurora identifiers have up to 63 characters.
		"Aurora": arn("rds", "cluster:"+strings.Repeat("c", 63)),
		"FSx":    arn("fsx", "volume/fs-0123456789abcdef0/fsvol-0123456789abcdef0"),
	}
	for name, resource := range longest {
		k := idKey(resource, "ap-southeast-5", longVault)
		id := ChainWorkflowID(k)
		if len(id) > MaxWorkflowIDLength {
			t.Errorf("%s: id of %d characters, want at most %d: %s", name, len(id), MaxWorkflowIDLength, id)
		}
		got, ok := ParseChainWorkflowID(id)
		if !ok || got.SourceRegion != "ap-southeast-5" || got.DestinationAccount != account || got.VaultName != strings.Repeat("v", 50) {
			t.Errorf("%s: %s reads back as %+v, %v", name, id, got, ok)
		}
		if got.Resource != resource {
			short, hash, cut := strings.Cut(got.Resource, shortenedArnMark)
			if !cut || len(hash) != 16 || !strings.HasPrefix(resource, short) || len(short) < len(prefix) {
				t.Errorf("%s: shortened ARN %q is not a start of %s, '~' and 16 hex digits", name, got.Resource, resource)
			}
		}
		// An ARN differing from it only in its last character has another id.
		twin := k
		twin.ResourceArn = resource[:len(resource)-1] + "x"
		if ChainWorkflowID(twin) == id {
			t.Errorf("%s: ARNs differing at their end share the id %s", name, id)
		}
	}
	if id := ChainWorkflowID(idKey(arn("ec2", "volume/vol-0123456789abcdef0"), region, longVault)); !strings.Contains(id, arn("ec2", "volume/vol-0123456789abcdef0")+"/from/") {
		t.Errorf("an EBS volume's ARN is cut in %s", id)
	}
	if id := ChainWorkflowID(idKey(longest["DynamoDB"], region, longVault)); !strings.HasPrefix(id, "chain/"+arn("dynamodb", "table/ttt")) {
		t.Errorf("a shortened id does not start with the ARN's start: %s", id)
	}
}
