package workflows

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regioncopy/regioncopy/model"
)

// TestStatusSaysSizesNotBytesMoved: the byte counts regioncopy shows are recovery point
// sizes (AWS's BackupSizeInBytes); AWS does not report bytes transferred, so no text may
// claim them.
func TestStatusSaysSizesNotBytesMoved(t *testing.T) {
	rec := model.CopyRecord{State: model.JobCompleted, Kind: model.CopyIncremental,
		DestinationRecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-0000000000000000a", BackupSizeInBytes: 2 << 30,
		StatusMessage: "already copied; lifecycle changed from DeleteAfterDays=30 to DeleteAfterDays=90 by a new order"}
	c := &chain{start: model.ChainStart{Key: chainKey}, ChainState: ChainState{
		Newest: &TrackedCopy{Record: rec}, CopiesTotal: 2, FullCopies: 1, BytesTotal: 4 << 30}}
	r := &request{req: model.CopyRequest{RecoveryPointArn: snapshotArn(1), SourceRegion: srcRegion}, state: model.RequestCompleted,
		destinations: []model.DestinationProgress{{Destination: model.Destination{BackupVaultArn: dstVaultArn},
			Result: &model.DestinationResult{Record: &rec}}}}

	chainText, requestText := c.details(), r.details()
	assert.Contains(t, chainText, "**size of copies:** 4.0 GiB")
	assert.Contains(t, chainText, "INCREMENTAL, recovery point of 2.0 GiB")
	assert.Contains(t, requestText, "INCREMENTAL copy `arn:aws:ec2:eu-west-1::snapshot/snap-0000000000000000a` (recovery point of 2.0 GiB)")
	assert.Contains(t, requestText, "lifecycle changed from DeleteAfterDays=30 to DeleteAfterDays=90",
		"the request's page says when its order changed an existing copy")
	for _, text := range []string{chainText, requestText} {
		for _, claim := range []string{"moved", "copied:", "transferred", "copy of 2.0 GiB"} {
			assert.NotContains(t, text, claim)
		}
	}
}
