package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
)

// Rules is the data every check reads. It is plain data so that it can be loaded from
// JSON (Load), compared, and handed to workflows as an argument; lists are slices, never
// maps, so nothing depends on iteration order.
type Rules struct {
	// NotCopyableCrossRegion lists resource types whose recovery points cannot be copied
	// to another Region.
	NotCopyableCrossRegion []string
	// RegionsWithoutCrossRegionCopy lists Regions that can neither send nor receive a
	// cross-Region copy.
	RegionsWithoutCrossRegionCopy []string
	// ColdStorageResourceTypes lists the resource types whose recovery points can move to
	// cold storage (Lifecycle.MoveToColdStorageAfterDays).
	ColdStorageResourceTypes []string
	// WholePlanCopyResourceTypes lists types whose copy rules apply to the whole plan:
	// when a plan selects such a resource, every copy action of every rule copies it, so
	// no copy action may leave it out.
	WholePlanCopyResourceTypes []string
	// NoMixedCrossRegionAndCrossAccount lists types for which one plan may not combine a
	// cross-Region copy with a cross-account copy.
	NoMixedCrossRegionAndCrossAccount []string

	// MinDaysInColdStorage: a recovery point stays in cold storage at least this long, so
	// DeleteAfterDays >= MoveToColdStorageAfterDays + MinDaysInColdStorage.
	MinDaysInColdStorage int64
	// MaxLifecycleDays bounds MoveToColdStorageAfterDays and DeleteAfterDays.
	MaxLifecycleDays int64
	// MaxCopyActionsPerRule and MaxRulesPerPlan are AWS Backup quotas.
	MaxCopyActionsPerRule int
	MaxRulesPerPlan       int
	// MinStartWindowMinutes is the smallest StartWindowMinutes AWS accepts.
	MinStartWindowMinutes int64
	// MinCompletionAfterStartMinutes: CompletionWindowMinutes must exceed
	// StartWindowMinutes by at least this much.
	MinCompletionAfterStartMinutes int64
	// MaxWindowMinutes bounds StartWindowMinutes and CompletionWindowMinutes.
	MaxWindowMinutes int64
	// DefaultStartWindowMinutes is the start window AWS applies when a rule sets none; a
	// completion window alone is compared with it.
	DefaultStartWindowMinutes int64
	// MinScheduleIntervalMinutes is the shortest time between two scheduled backups of a
	// rule (AWS schedules snapshot backups at most hourly); it also bounds an RPO from below.
	MinScheduleIntervalMinutes int64
}

// Default returns the rules regioncopy was seeded with. Each call returns a fresh copy,
// so callers may change it.
//
// Sources: the "Feature availability by resource" and cross-Region copy pages of the AWS
// Backup Developer Guide as they stood when regioncopy was seeded, and botocore's backup
// model (service-2.json) for the numbers:
//   - MinDaysInColdStorage 90 and MaxLifecycleDays 36,500: the Lifecycle shape ("must be
//     stored in cold storage for a minimum of 90 days", "maximum value of 100 years
//     (36,500 days)").
//   - MinStartWindowMinutes 60 and MaxWindowMinutes 52,560,000: BackupRuleInput and
//     StartBackupJob ("it must be at least 60 minutes", "maximum value of 100 years
//     (52,560,000 minutes)").
//   - MinCompletionAfterStartMinutes 60: StartBackupJob's CompleteWindowMinutes counts
//     from the scheduled time, not from the start ("does not add additional time for
//     StartWindowMinutes"), and CreateBackupPlan rejects a completion window that is not
//     at least 60 minutes longer than the start window.
//   - DefaultStartWindowMinutes 480: StartBackupJob's StartWindowMinutes ("the default is
//     8 hours").
//   - MinScheduleIntervalMinutes 60: the Developer Guide's "Backup plan options and
//     configuration" ("you can schedule snapshot backups as frequently as hourly").
//   - MaxCopyActionsPerRule 5 and MaxRulesPerPlan 10: the AWS Backup quotas page.
//
// AWS has since relaxed several seed rules (RDS-family and DynamoDB copies, the Region
// list); Load lets an operator follow AWS without a new release.
func Default() *Rules {
	return &Rules{
		NotCopyableCrossRegion:            []string{TypeDynamoDB},
		RegionsWithoutCrossRegionCopy:     []string{"af-south-1", "ap-east-1", "eu-south-1", "me-south-1"},
		ColdStorageResourceTypes:          []string{TypeEFS},
		WholePlanCopyResourceTypes:        []string{TypeEFS},
		NoMixedCrossRegionAndCrossAccount: []string{TypeAurora, TypeDocumentDB, TypeNeptune, TypeRDS},
		MinDaysInColdStorage:              90,
		MaxLifecycleDays:                  36500,
		MaxCopyActionsPerRule:             5,
		MaxRulesPerPlan:                   10,
		MinStartWindowMinutes:             60,
		MinCompletionAfterStartMinutes:    60,
		MaxWindowMinutes:                  52_560_000,
		DefaultStartWindowMinutes:         480,
		MinScheduleIntervalMinutes:        60,
	}
}

// Clone returns a deep copy.
func (r *Rules) Clone() *Rules {
	c := *r
	c.NotCopyableCrossRegion = slices.Clone(r.NotCopyableCrossRegion)
	c.RegionsWithoutCrossRegionCopy = slices.Clone(r.RegionsWithoutCrossRegionCopy)
	c.ColdStorageResourceTypes = slices.Clone(r.ColdStorageResourceTypes)
	c.WholePlanCopyResourceTypes = slices.Clone(r.WholePlanCopyResourceTypes)
	c.NoMixedCrossRegionAndCrossAccount = slices.Clone(r.NoMixedCrossRegionAndCrossAccount)
	return &c
}

// Load reads a JSON rules document and lays it over Default: a member present in the
// document replaces the default value (a list is replaced whole, so [] clears it), an
// absent member keeps it. Unknown members are errors, so a misspelt rule is not silently
// ignored; the result is checked with Validate. testdata/aws-late-2025.json is an example
// that follows AWS's late-2025 relaxations.
func Load(rd io.Reader) (*Rules, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("read rules document: %w", err)
	}
	r := Default()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		return nil, &Violation{Field: "rules document", Rule: RuleRulesDocument, Message: err.Error()}
	}
	if dec.More() {
		return nil, &Violation{Field: "rules document", Rule: RuleRulesDocument, Message: "more than one JSON value"}
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// FromJSON returns the rules a workflow input carries (see Encode): nil or empty means
// Default(), so inputs written before rules travelled with them keep the seed rules;
// anything else is read as Load reads a rules document. It reads no file, so workflow
// code may call it. Violations name field (the document as a whole) or field.<member>.
func FromJSON(raw []byte, field string) (*Rules, error) {
	if len(raw) == 0 {
		return Default(), nil
	}
	r, err := Load(bytes.NewReader(raw))
	if err == nil {
		return r, nil
	}
	var vs violations
	for _, v := range Violations(err) {
		f := join(field, v.Field)
		if v.Field == "rules document" {
			f = field
		}
		vs.add(f, v.Rule, "%s", v.Message)
	}
	if len(vs) == 0 {
		vs.add(field, RuleRulesDocument, "%v", err)
	}
	return nil, vs.err()
}

// Encode returns the rules as the JSON document a workflow input carries (FromJSON reads
// it back). Every member is written, in declaration order, so equal rules encode to equal
// bytes whatever file they were loaded from. A nil *Rules encodes as nil: the input then
// means the seed rules.
func (r *Rules) Encode() json.RawMessage {
	if r == nil {
		return nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		// Strings, string slices and integers always marshal.
		panic("policy: marshal rules: " + err.Error())
	}
	return b
}

// Validate checks that the rules themselves make sense: Region names spelt like Regions,
// resource types AWS Backup knows, positive limits.
func (r *Rules) Validate() error {
	var vs violations
	for i, reg := range r.RegionsWithoutCrossRegionCopy {
		checkRegion(&vs, reg, fmt.Sprintf("RegionsWithoutCrossRegionCopy[%d]", i))
	}
	typeLists := []struct {
		name string
		list []string
	}{
		{"NotCopyableCrossRegion", r.NotCopyableCrossRegion},
		{"ColdStorageResourceTypes", r.ColdStorageResourceTypes},
		{"WholePlanCopyResourceTypes", r.WholePlanCopyResourceTypes},
		{"NoMixedCrossRegionAndCrossAccount", r.NoMixedCrossRegionAndCrossAccount},
	}
	for _, tl := range typeLists {
		for i, t := range tl.list {
			if !slices.Contains(KnownResourceTypes, t) {
				vs.add(fmt.Sprintf("%s[%d]", tl.name, i), RuleUnknownResourceTypeInRule,
					"%q is not an AWS Backup resource type (known: %v)", t, KnownResourceTypes)
			}
		}
	}
	positive := []struct {
		name string
		v    int64
	}{
		{"MaxLifecycleDays", r.MaxLifecycleDays},
		{"MaxCopyActionsPerRule", int64(r.MaxCopyActionsPerRule)},
		{"MaxRulesPerPlan", int64(r.MaxRulesPerPlan)},
		{"MaxWindowMinutes", r.MaxWindowMinutes},
	}
	for _, p := range positive {
		if p.v <= 0 {
			vs.add(p.name, RuleRulesDocument, "must be positive, got %d", p.v)
		}
	}
	nonNegative := []struct {
		name string
		v    int64
	}{
		{"MinDaysInColdStorage", r.MinDaysInColdStorage},
		{"MinStartWindowMinutes", r.MinStartWindowMinutes},
		{"MinCompletionAfterStartMinutes", r.MinCompletionAfterStartMinutes},
		{"DefaultStartWindowMinutes", r.DefaultStartWindowMinutes},
		{"MinScheduleIntervalMinutes", r.MinScheduleIntervalMinutes},
	}
	for _, p := range nonNegative {
		if p.v < 0 {
			vs.add(p.name, RuleRulesDocument, "must not be negative, got %d", p.v)
		}
	}
	return vs.err()
}

// orDefault lets a nil *Rules mean the seed rules.
func (r *Rules) orDefault() *Rules {
	if r == nil {
		return Default()
	}
	return r
}

// CopyableCrossRegion reports whether resourceType may be copied to another Region.
func (r *Rules) CopyableCrossRegion(resourceType string) bool {
	return !slices.Contains(r.orDefault().NotCopyableCrossRegion, resourceType)
}

// SupportsColdStorage reports whether resourceType can move to cold storage.
func (r *Rules) SupportsColdStorage(resourceType string) bool {
	return slices.Contains(r.orDefault().ColdStorageResourceTypes, resourceType)
}

// RegionAllowsCrossRegionCopy reports whether region can send and receive cross-Region copies.
func (r *Rules) RegionAllowsCrossRegionCopy(region string) bool {
	return !slices.Contains(r.orDefault().RegionsWithoutCrossRegionCopy, region)
}

// LoadFile is Load on the named file; errors name the file.
func LoadFile(path string) (*Rules, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}
