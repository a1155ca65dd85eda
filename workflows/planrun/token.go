package planrun

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
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
	return "planrun/" + plan + "/" + rule + "/" + nominal.UTC().Format(time.RFC3339) + "/" + arn
}
