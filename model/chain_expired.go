package model

// A copy job can finish after its own DeleteAt (source creation + DeleteAfterDays): a
// long wait in the copy quota queue, or a worker away longer than the copy's lifecycle.
// AWS then removes the new copy at once, so the chain must not count it as a copy.

// RecordExpiredOnLanding is the terminal state of a copy whose job COMPLETED but whose
// destination recovery point was already gone (or going) when the chain described it:
// it landed after its DeleteAt. It is not live, not an incremental base and not guarded,
// and its requesters get an error result.
const RecordExpiredOnLanding = "EXPIRED_ON_LANDING"

// Recovery point Status and StorageClass values that mean AWS is removing or has removed
// the point (AWS Backup's RecoveryPointStatus and StorageClass enums).
const (
	RecoveryPointExpired  = "EXPIRED"
	RecoveryPointDeleting = "DELETING"
	StorageClassDeleted   = "DELETED"
	// RecoveryPointAvailable is how AWS describes some live points instead of COMPLETED.
	RecoveryPointAvailable = "AVAILABLE"
	StorageClassCold       = "COLD"
)
