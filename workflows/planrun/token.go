package planrun

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// backupToken is the IdempotencyToken of a run's backup job: derived from the plan, the
// rule, the resource and the nominal time only, so a retried activity, a replayed or
// reset workflow and a second run for the same nominal time all get the same job, and
// different nominal times never share one.
func backupToken(plan, rule, resourceArn string, nominal time.Time) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{plan, rule, resourceArn, nominal.UTC().Format(time.RFC3339Nano)}, "\x00")))
	return "regioncopy-plan-" + hex.EncodeToString(sum[:16])
}

// childWorkflowID is planrun/<plan>/<rule>/<nominal time RFC3339>/<ARN>.
func childWorkflowID(plan, rule string, nominal time.Time, arn string) string {
	return childIDPrefix(plan, rule, nominal) + arn
}

func childIDPrefix(plan, rule string, nominal time.Time) string {
	return "planrun/" + plan + "/" + rule + "/" + nominal.UTC().Format(time.RFC3339) + "/"
}

// boundedChildIDsChange gates boundedChildWorkflowID: runs before it started children
// under their whole ARN whatever its length. GetVersion is asked only for a child whose
// id would pass model.MaxWorkflowIDLength, so other children record no marker.
const boundedChildIDsChange = "bounded-child-ids"

// boundedChildWorkflowID is childWorkflowID with the ARN cut and followed by '~' and its
// hash (model.ShortenArn) when the id would pass model.MaxWorkflowIDLength: a DynamoDB
// table's name alone may be 255 characters, past the 255-character ids of Temporal's
// SQL stores. Plan and rule names are at most 50 characters each, so the ARN keeps room.
func boundedChildWorkflowID(plan, rule string, nominal time.Time, arn string) string {
	prefix := childIDPrefix(plan, rule, nominal)
	if room := model.MaxWorkflowIDLength - len(prefix); len(arn) > room {
		arn = model.ShortenArn(arn, room)
	}
	return prefix + arn
}
