package activities

import (
	"testing"

	"github.com/regioncopy/regioncopy/model"
)

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true},
		{"arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", true},
		{"arn:aws:ec2:*:*:volume/*", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", false},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/app-*", "arn:aws:dynamodb:us-east-1:123456789012:table/app-orders", true},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/app-*", "arn:aws:dynamodb:us-east-1:123456789012:table/web-orders", false},
		{"prod-?", "prod-1", true},
		{"prod-?", "prod-12", false},
		{"*-db-*", "eu-db-primary", true},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"", "", true},
	}
	for _, c := range cases {
		if got := globMatch(c.pattern, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

// The selection rules as AWS Backup applies them: Resources or ListOfTags (any), then
// every Conditions entry, then NotResources.
func TestSelectorMatchesLikeAWSBackup(t *testing.T) {
	vol1 := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	vol2 := "arn:aws:ec2:us-east-1:123456789012:volume/vol-2"
	table := "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	prod := map[string]string{"env": "prod", "team": "payments"}
	dev := map[string]string{"env": "dev", "team": "payments"}
	cases := []struct {
		name string
		sel  model.PlanSelection
		arn  string
		tags map[string]string
		want bool
	}{
		{"explicit ARN", model.PlanSelection{Resources: []string{vol1}}, vol1, nil, true},
		{"explicit ARN, other resource", model.PlanSelection{Resources: []string{vol1}}, vol2, nil, false},
		{"wildcard", model.PlanSelection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}}, vol2, nil, true},
		{"NotResources wins", model.PlanSelection{Resources: []string{"*"}, NotResources: []string{vol2}}, vol2, nil, false},
		{"ListOfTags any: second matches", model.PlanSelection{ListOfTags: []model.PlanTagCondition{
			{ConditionType: "STRINGEQUALS", ConditionKey: "env", ConditionValue: "staging"},
			{ConditionType: "STRINGEQUALS", ConditionKey: "env", ConditionValue: "prod"}}}, table, prod, true},
		{"ListOfTags none matches", model.PlanSelection{ListOfTags: []model.PlanTagCondition{
			{ConditionType: "STRINGEQUALS", ConditionKey: "env", ConditionValue: "prod"}}}, table, dev, false},
		{"Resources or ListOfTags", model.PlanSelection{Resources: []string{vol1}, ListOfTags: []model.PlanTagCondition{
			{ConditionType: "STRINGEQUALS", ConditionKey: "env", ConditionValue: "prod"}}}, table, prod, true},
		{"Conditions all: both hold", model.PlanSelection{Resources: []string{"*"}, Conditions: model.PlanSelectionFilters{
			StringEquals: []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/env", ConditionValue: "prod"}},
			StringLike:   []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/team", ConditionValue: "pay*"}}}}, vol1, prod, true},
		{"Conditions all: one fails", model.PlanSelection{Resources: []string{"*"}, Conditions: model.PlanSelectionFilters{
			StringEquals: []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/env", ConditionValue: "prod"}},
			StringLike:   []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/team", ConditionValue: "web*"}}}}, vol1, prod, false},
		{"StringEquals needs the tag", model.PlanSelection{Resources: []string{"*"}, Conditions: model.PlanSelectionFilters{
			StringEquals: []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/env", ConditionValue: "prod"}}}}, vol1, nil, false},
		{"StringNotEquals holds without the tag", model.PlanSelection{Resources: []string{"*"}, Conditions: model.PlanSelectionFilters{
			StringNotEquals: []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/env", ConditionValue: "dev"}}}}, vol1, nil, true},
		{"StringNotEquals excludes", model.PlanSelection{Resources: []string{"*"}, Conditions: model.PlanSelectionFilters{
			StringNotEquals: []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/env", ConditionValue: "dev"}}}}, vol1, dev, false},
		{"StringNotLike excludes", model.PlanSelection{Resources: []string{"*"}, Conditions: model.PlanSelectionFilters{
			StringNotLike: []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/env", ConditionValue: "d*"}}}}, vol1, dev, false},
	}
	for _, c := range cases {
		if got := (selector{sel: c.sel}).matches(c.arn, c.tags); got != c.want {
			t.Errorf("%s: matches = %v, want %v", c.name, got, c.want)
		}
	}
}

// Only plain ARNs can be resolved without listing the Region's tagged resources.
func TestSelectorNeedsInventoryOnlyForTagsAndWildcards(t *testing.T) {
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	cases := []struct {
		sel  model.PlanSelection
		want bool
	}{
		{model.PlanSelection{Resources: []string{vol}, NotResources: []string{"arn:aws:ec2:*:*:volume/vol-9*"}}, false},
		{model.PlanSelection{Resources: []string{"arn:aws:ec2:*:*:volume/*"}}, true},
		{model.PlanSelection{Resources: []string{vol}, ListOfTags: []model.PlanTagCondition{{ConditionKey: "env", ConditionValue: "prod"}}}, true},
		{model.PlanSelection{Resources: []string{vol}, Conditions: model.PlanSelectionFilters{StringLike: []model.PlanTagCondition{{ConditionKey: "env", ConditionValue: "p*"}}}}, true},
		{model.PlanSelection{}, true},
	}
	for i, c := range cases {
		if got := (selector{sel: c.sel}).needsInventory(); got != c.want {
			t.Errorf("case %d %+v: needsInventory = %v, want %v", i, c.sel, got, c.want)
		}
	}
}
