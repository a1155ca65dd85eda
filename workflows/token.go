package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// idempotencyToken derives StartCopyJob's IdempotencyToken from the chain's identity and
// the number of the StartCopyJob attempt (ChainState.TokenSeq, which only grows and is
// carried across continue-as-new). A retried activity, a replayed workflow or a worker
// killed between the call and its answer sends the same token and gets the same job back
// from AWS, while every new attempt (a retry after a FAILED job, a re-ordered point) gets
// a token never sent before. The first run id keeps tokens apart when a chain is started
// fresh again after its history ended (its sequence then restarts), whatever records it
// had then. SHA-256 in hex is 64 characters, within AWS's limit for client tokens.
func idempotencyToken(chainWorkflowID, firstRunID string, seq int64) string {
	sum := sha256.Sum256([]byte(chainWorkflowID + "\n" + firstRunID + "\n" + strconv.FormatInt(seq, 10)))
	return hex.EncodeToString(sum[:])
}
