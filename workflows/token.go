package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// idempotencyToken derives StartCopyJob's IdempotencyToken from the chain's identity, the
// source recovery point and the attempt number: a retried activity, a replayed workflow or
// a worker killed between the call and its answer sends the same token and gets the same
// job back from AWS, while a deliberate new attempt after a FAILED job gets a new one.
// SHA-256 in hex is 64 characters, within AWS's limit for client tokens.
func idempotencyToken(chainWorkflowID, sourceRecoveryPointArn string, attempt int) string {
	sum := sha256.Sum256([]byte(chainWorkflowID + "\n" + sourceRecoveryPointArn + "\n" + strconv.Itoa(attempt)))
	return hex.EncodeToString(sum[:])
}
