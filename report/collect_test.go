package report

import (
	"testing"

	"github.com/regioncopy/regioncopy/model"
)

func TestAttachChains(t *testing.T) {
	selected := requirement(dailyRPO)
	other := "arn:aws:ec2:us-east-1:123456789012:volume/vol-2"
	rules := []model.PlanRunInput{{Plan: "copyonly", SourceRegion: "us-east-1", CopyActions: []model.PlanCopyAction{
		{DestinationBackupVaultArn: vaultArn, RpoMinutes: 60, Lifecycle: model.Lifecycle{DeleteAfterDays: 7}}}}}
	chains := []Chain{
		*planChain, // the selected resource's chain
		{WorkflowId: "c2", ResourceArn: other, SourceRegion: "us-east-1", DestinationVaultArn: vaultArn, Plan: "copyonly"},
		{WorkflowId: "c3", ResourceArn: other, SourceRegion: "us-west-2", DestinationVaultArn: vaultArn},
	}
	got := attachChains([]Requirement{selected}, chains, copyOnlyActions(rules), "")
	if len(got) != 3 {
		t.Fatalf("%d requirements, want 3: %+v", len(got), got)
	}
	if got[0].Chain == nil || got[0].Chain.WorkflowId != chainID || got[0].RpoMinutes != dailyRPO {
		t.Errorf("the selected resource: %+v, want its plan's RPO and its chain", got[0])
	}
	if got[1].RpoMinutes != 60 || got[1].DeleteAfterDays != 7 || got[1].Plan != "copyonly" {
		t.Errorf("a copy-only plan's chain: %+v, want the copy action's RPO and lifecycle", got[1])
	}
	if got[2].RpoMinutes != 0 || got[2].Chain.WorkflowId != "c3" {
		t.Errorf("an on-demand chain: %+v, want no RPO", got[2])
	}
	if only := attachChains(nil, chains, copyOnlyActions(rules), "copyonly"); len(only) != 1 || only[0].Chain.WorkflowId != "c2" {
		t.Errorf("--plan copyonly keeps %+v, want its chain alone", only)
	}
}

func TestFilterRequirementsNamingNothingIsAnInputError(t *testing.T) {
	reqs := []Requirement{requirement(dailyRPO)}
	if _, err := filterRequirements(reqs, Options{DestinationRegion: "ap-northeast-3"}); err == nil {
		t.Error("a destination no requirement has is accepted")
	}
	if _, err := filterRequirements(reqs, Options{ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-9"}); err == nil {
		t.Error("a resource no requirement has is accepted")
	}
	if got, err := filterRequirements(reqs, Options{DestinationRegion: "eu-west-1", ResourceArn: volume}); err != nil || len(got) != 1 {
		t.Errorf("filters keep %v, %v", got, err)
	}
}
