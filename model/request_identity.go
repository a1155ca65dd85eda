package model

import "time"

// RequestIdentity is the content of a CopyRequest that decides what gets copied and how:
// two requests with the same identity are the same request (one workflow, one set of copy
// jobs); any difference (another lifecycle, source vault, role, plan, completion window,
// coalescing or set of destinations) is a new request. Destinations are sorted and the
// completion window made explicit, so the order in which destinations were listed and
// leaving the default window implicit do not change it. TimeScale is not part of it: it
// describes the environment, not the request.
type RequestIdentity struct {
	SourceRegion          string
	RecoveryPointArn      string
	SourceBackupVaultName string
	Destinations          []Destination
	IamRoleArn            string
	Coalesce              bool
	Plan                  string
	CompletionWindow      time.Duration
}
