package policy

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

func TestCheckSameAccount(t *testing.T) {
	const role = "arn:aws:iam::111111111111:role/backup"
	assertViolations(t, CheckSameAccount(role, "arn:aws:backup:eu-west-1:111111111111:backup-vault:dr", "Vault"))
	assertViolations(t, CheckSameAccount(role, "arn:aws:backup:eu-west-1:222222222222:backup-vault:dr", "Vault"),
		want{"Vault", RuleUnsupported})
	// ARNs that do not parse are left to the checks that report them.
	assertViolations(t, CheckSameAccount("role/backup", "arn:aws:backup:eu-west-1:222222222222:backup-vault:dr", "Vault"))
	assertViolations(t, CheckSameAccount(role, "vault", "Vault"))
}

func TestRulesTravelAsJSON(t *testing.T) {
	data, err := os.ReadFile("testdata/aws-late-2025.json")
	if err != nil {
		t.Fatal(err)
	}
	late, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromJSON(late.Encode(), "Rules")
	if err != nil || !reflect.DeepEqual(back, late) {
		t.Fatalf("FromJSON(Encode()) = %+v, %v; want %+v", back, err, late)
	}
	if seed, err := FromJSON(nil, "Rules"); err != nil || !reflect.DeepEqual(seed, Default()) {
		t.Errorf("FromJSON(nil) = %+v, %v; want the seed rules", seed, err)
	}
	if (*Rules)(nil).Encode() != nil {
		t.Error("nil rules encode as something")
	}
	_, err = FromJSON([]byte(`{"MaxRulesPerPlan": -1, "Bogus": 1}`), "Rules")
	assertViolations(t, err, want{"Rules", RuleRulesDocument})
	_, err = FromJSON([]byte(`{"MaxRulesPerPlan": -1}`), "Rules")
	assertViolations(t, err, want{"Rules.MaxRulesPerPlan", RuleRulesDocument})
}
