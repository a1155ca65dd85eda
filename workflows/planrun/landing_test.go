package planrun

import (
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/model"
)

// Every answer a chain can give maps to one landing: a copy deleted at its expiry still
// landed; a coalesced one was superseded, with the chain's reason; an answer without a
// record or with a job that did not complete did not land.
func TestLandingClassifiesEveryChainAnswer(t *testing.T) {
	rec := func(state, msg string) *model.CopyRecord { return &model.CopyRecord{State: state, StatusMessage: msg} }
	cases := []struct {
		name    string
		answer  model.DestinationResult
		landing string
		reason  string
	}{
		{"completed", model.DestinationResult{Record: rec(model.JobCompleted, "")}, model.PlanCopyLanded, ""},
		{"deleted since", model.DestinationResult{Record: rec(model.RecordDeleted, "")}, model.PlanCopyLanded, ""},
		{"failed", model.DestinationResult{Record: rec(model.JobFailed, "KMS key disabled"), Error: "KMS key disabled"}, model.PlanCopyFailed, "KMS key disabled"},
		{"superseded", model.DestinationResult{Record: rec(model.RecordSuperseded, "coalesced: newer recovery point rp-2")}, model.PlanCopySuperseded, "newer recovery point rp-2"},
		{"no record", model.DestinationResult{ChainWorkflowId: "chain/x"}, model.PlanCopyFailed, "chain/x answered without a copy record"},
		{"partial", model.DestinationResult{Record: rec("PARTIAL", "some files skipped")}, model.PlanCopyFailed, "copy ended PARTIAL: some files skipped"},
	}
	for _, c := range cases {
		landing, reason := landing(c.answer)
		if landing != c.landing || !strings.Contains(reason, c.reason) || (c.reason == "") != (reason == "") {
			t.Errorf("%s: %s %q, want %s %q", c.name, landing, reason, c.landing, c.reason)
		}
	}
}
