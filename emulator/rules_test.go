package emulator_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/policy"
)

// An emulator that follows an operator's rules document enforces the relaxed rules, as
// AWS does once it relaxes them: with the late-2025 rules a DynamoDB recovery point
// copies to another Region, which the built-in rules refuse.
func TestEmulatorFollowsARulesDocument(t *testing.T) {
	rules, err := policy.LoadFile("../policy/testdata/aws-late-2025.json")
	if err != nil {
		t.Fatal(err)
	}
	dynamo := "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	for _, tc := range []struct {
		name    string
		rules   *policy.Rules
		refused bool
	}{{"built-in rules", nil, true}, {"late-2025 rules", rules, false}} {
		t.Run(tc.name, func(t *testing.T) {
			err := copyUnder(t, tc.rules, dynamo, nil)
			if tc.refused {
				wantAPIError(t, err, "InvalidRequestException", 400)
			} else if err != nil {
				t.Fatalf("cross-Region copy of DynamoDB under the late-2025 rules: %v", err)
			}
		})
	}
}

// The lifecycle arithmetic follows the rules document too: a document that shortens the
// time in cold storage or lengthens the longest lifecycle makes the emulator accept what
// regioncopy's checks then accept, and refuse what they refuse.
func TestEmulatorFollowsARulesDocumentsLifecycleArithmetic(t *testing.T) {
	rules, err := policy.Load(strings.NewReader(`{"MinDaysInColdStorage": 30, "MaxLifecycleDays": 40000}`))
	if err != nil {
		t.Fatal(err)
	}
	none, err := policy.Load(strings.NewReader(`{"MinDaysInColdStorage": 0}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		rules      *policy.Rules
		cold, dele int64
		refused    bool
	}{
		{"built-in rules, 30 days in cold", nil, 10, 40, true},
		{"built-in rules, 90 days in cold", nil, 10, 100, false},
		{"built-in rules, beyond 36,500 days", nil, 0, 39000, true},
		{"document: 30 days in cold", rules, 10, 40, false},
		{"document: 20 days in cold", rules, 10, 30, true},
		{"document: up to 40,000 days", rules, 0, 39000, false},
		{"document: no time in cold", none, 10, 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &types.Lifecycle{DeleteAfterDays: aws.Int64(tc.dele)}
			if tc.cold > 0 {
				l.MoveToColdStorageAfterDays = aws.Int64(tc.cold)
			}
			err := copyUnder(t, tc.rules, volume, func(in *backup.StartCopyJobInput) { in.Lifecycle = l })
			if tc.refused {
				wantAPIError(t, err, "InvalidParameterValueException", 400)
			} else if err != nil {
				t.Fatalf("copy with lifecycle cold %d, delete %d: %v", tc.cold, tc.dele, err)
			}
		})
	}
}

// copyUnder starts an emulator following rules (nil: the built-in ones), backs resource
// up in us-east-1 and returns StartCopyJob's answer for a copy to eu-west-1, mod
// changing the request.
func copyUnder(t *testing.T, rules *policy.Rules, resource string, mod func(*backup.StartCopyJobInput)) error {
	t.Helper()
	cfg := emulator.Config{}
	if rules != nil {
		cfg.FollowRules(rules)
	}
	s := start(t, cfg)
	src := s.Client(east, noRetry)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	b := completedBackup(t, s, src, "src", resource)
	_, err := startCopy(src, t, aws.ToString(b.RecoveryPointArn), "src", dstArn, mod)
	return err
}
