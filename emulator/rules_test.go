package emulator_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

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
			cfg := emulator.Config{}
			if tc.rules != nil {
				cfg.FollowRules(tc.rules)
			}
			s := start(t, cfg)
			east := s.Client(east, noRetry)
			mustVault(t, east, "src", "")
			dstArn := mustVault(t, s.Client(west), "dst", "")
			b := completedBackup(t, s, east, "src", dynamo)
			_, err := startCopy(east, t, aws.ToString(b.RecoveryPointArn), "src", dstArn, nil)
			if tc.refused {
				wantAPIError(t, err, "InvalidRequestException", 400)
			} else if err != nil {
				t.Fatalf("cross-Region copy of DynamoDB under the late-2025 rules: %v", err)
			}
		})
	}
}
