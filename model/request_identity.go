package model

import (
	"encoding/json"
	"time"
)

// RequestIdentity is the content of a CopyRequest that decides what gets copied and how:
// two requests with the same identity are the same request (one workflow, one set of copy
// jobs); any difference (another lifecycle, source vault, role, plan, completion window,
// coalescing, set of destinations or rules) is a new request. Destinations are sorted and the
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
	// Rules are the request's rules in their canonical encoding, absent for the built-in
	// rules, so a request without rules keeps the identity it always had.
	Rules json.RawMessage `json:",omitempty"`
}
