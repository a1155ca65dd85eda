package plan

import (
	"reflect"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

func TestCopyTargetsMergeDestinationSettings(t *testing.T) {
	f, err := Load("testdata/good.json", opts())
	if err != nil {
		t.Fatal(err)
	}
	got := f.CopyTargets(0)
	want := []CopyTarget{
		{
			DestinationBackupVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:orders-dr",
			DestinationRegion:         "us-west-2",
			Lifecycle:                 model.Lifecycle{DeleteAfterDays: 14},
			RPO:                       2 * time.Hour,
			Coalesce:                  true, // the plan's setting
		},
		{
			DestinationBackupVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:orders-dr",
			DestinationRegion:         "eu-west-1",
			Lifecycle:                 model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120},
			RPO:                       24 * time.Hour,
			Coalesce:                  false, // overridden by the destination
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CopyTargets(0):\n got  %+v\n want %+v", got, want)
	}
	if r := f.SourceRegion("eu-central-1"); r != "us-east-1" {
		t.Fatalf("SourceRegion = %q, want the file's us-east-1", r)
	}
	f.RegionCopy = nil
	if r := f.SourceRegion("eu-central-1"); r != "eu-central-1" {
		t.Fatalf("SourceRegion without RegionCopy = %q, want the default", r)
	}
	if ts := f.CopyTargets(1); len(ts) != 1 || ts[0].Coalesce || ts[0].RPO != 0 {
		t.Fatalf("without RegionCopy, targets carry no settings: %+v", ts)
	}
}
