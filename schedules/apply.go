package schedules

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/plan"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// ChangeKind says what Apply did (or, in a dry run, would do) to one schedule.
type ChangeKind string

const (
	Created   ChangeKind = "create"
	Updated   ChangeKind = "update"
	Unchanged ChangeKind = "unchanged"
	Deleted   ChangeKind = "delete"
)

// Change is Apply's report for one schedule.
type Change struct {
	ScheduleID string
	Kind       ChangeKind
	// Diff lists, for an update, each changed field as "path: old -> new".
	Diff []string `json:",omitempty"`
}

// Manager applies plans to Temporal Schedules.
type Manager struct {
	c client.Client
	o Options
}

// NewManager returns a Manager using c.
func NewManager(c client.Client, o Options) *Manager { return &Manager{c: c, o: o} }

// Apply makes the plan's schedules match the validated plan file: it creates the
// schedules of new rules, updates in place those whose rule changed (keeping their
// paused state, history and recent runs), leaves the others alone and deletes the
// schedules of rules no longer in the file. Applying the same file again changes
// nothing. With dryRun it only reports what it would do. Changes come in rule order,
// deletions last.
func (m *Manager) Apply(ctx context.Context, f *plan.File, dryRun bool) ([]Change, error) {
	rules, err := Build(f, m.o)
	if err != nil {
		return nil, err
	}
	var changes []Change
	for _, r := range rules {
		ch, err := m.applyRule(ctx, r, dryRun)
		if err != nil {
			return changes, err
		}
		changes = append(changes, ch)
	}
	existing, err := m.ScheduleIDs(ctx, f.BackupPlan.BackupPlanName)
	if err != nil {
		return changes, err
	}
	for _, id := range existing {
		if slices.ContainsFunc(rules, func(r Rule) bool { return r.ID == id }) {
			continue
		}
		if !dryRun {
			if err := m.c.ScheduleClient().GetHandle(ctx, id).Delete(ctx); err != nil && !isNotFound(err) {
				return changes, fmt.Errorf("delete schedule %s of a rule no longer in the plan: %w", id, err)
			}
		}
		changes = append(changes, Change{ScheduleID: id, Kind: Deleted})
	}
	return changes, nil
}

func (m *Manager) applyRule(ctx context.Context, r Rule, dryRun bool) (Change, error) {
	h := m.c.ScheduleClient().GetHandle(ctx, r.ID)
	desc, err := temporalclient.DescribeSchedule(ctx, h)
	if isNotFound(err) {
		if !dryRun {
			_, err := m.c.ScheduleClient().Create(ctx, client.ScheduleOptions{
				ID:                    r.ID,
				Spec:                  r.Spec,
				Action:                r.action(),
				Overlap:               r.Policies.Overlap,
				CatchupWindow:         r.Policies.CatchupWindow,
				PauseOnFailure:        r.Policies.PauseOnFailure,
				TypedSearchAttributes: r.action().TypedSearchAttributes,
				Memo:                  map[string]any{"Plan": r.Input.Plan, "Rule": r.Input.Rule},
			})
			if err != nil {
				return Change{}, fmt.Errorf("create schedule %s: %w%s", r.ID, err, searchAttributeHint(err))
			}
		}
		return Change{ScheduleID: r.ID, Kind: Created}, nil
	}
	if err != nil {
		return Change{}, fmt.Errorf("describe schedule %s: %w", r.ID, err)
	}
	current, queue, err := appliedInput(desc)
	if err != nil {
		return Change{}, fmt.Errorf("schedule %s: %w", r.ID, err)
	}
	if current.Revision == r.Input.Revision {
		return Change{ScheduleID: r.ID, Kind: Unchanged}, nil
	}
	ch := Change{ScheduleID: r.ID, Kind: Updated, Diff: diff(current, r.Input)}
	if queue != r.TaskQueue {
		ch.Diff = append(ch.Diff, fmt.Sprintf("TaskQueue: %q -> %q", queue, r.TaskQueue))
	}
	if len(ch.Diff) == 0 {
		ch.Diff = []string{fmt.Sprintf("Revision: %q -> %q (the schedule is rebuilt by a newer regioncopy)", current.Revision, r.Input.Revision)}
	}
	if dryRun {
		return ch, nil
	}
	err = h.Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			spec, policies := r.Spec, r.Policies
			s.Spec, s.Policy, s.Action = &spec, &policies, r.action()
			sa := r.action().TypedSearchAttributes
			return &client.ScheduleUpdate{Schedule: &s, TypedSearchAttributes: &sa}, nil
		},
	})
	if err != nil {
		return Change{}, fmt.Errorf("update schedule %s: %w%s", r.ID, err, searchAttributeHint(err))
	}
	return ch, nil
}

// appliedInput reads back the PlanRunInput and task queue a schedule was last applied with.
func appliedInput(desc *client.ScheduleDescription) (model.PlanRunInput, string, error) {
	var in model.PlanRunInput
	a, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction)
	if !ok || len(a.Args) != 1 {
		return in, "", errors.New("its action is not a PlanRun workflow with one argument; it was not made by regioncopy")
	}
	p, ok := a.Args[0].(*commonpb.Payload)
	if !ok {
		return in, "", fmt.Errorf("its PlanRun argument is a %T, not a payload", a.Args[0])
	}
	if err := converter.GetDefaultDataConverter().FromPayload(p, &in); err != nil {
		return in, "", fmt.Errorf("decode its PlanRun argument: %w", err)
	}
	return in, a.TaskQueue, nil
}

// diff lists the fields that differ between two inputs, by JSON path.
func diff(old, new model.PlanRunInput) []string {
	old.Revision, new.Revision = "", ""
	a, b := flatten(old), flatten(new)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if a[k] != b[k] {
			out = append(out, fmt.Sprintf("%s: %s -> %s", k, orNone(a[k]), orNone(b[k])))
		}
	}
	sort.Strings(out)
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// flatten maps each leaf of v's JSON form to its path: CopyActions[0].Lifecycle.DeleteAfterDays.
func flatten(v any) map[string]string {
	b, _ := json.Marshal(v)
	var tree any
	_ = json.Unmarshal(b, &tree)
	out := map[string]string{}
	var walk func(prefix string, n any)
	walk = func(prefix string, n any) {
		switch n := n.(type) {
		case map[string]any:
			for k, c := range n {
				walk(strings.TrimPrefix(prefix+"."+k, "."), c)
			}
		case []any:
			for i, c := range n {
				walk(fmt.Sprintf("%s[%d]", prefix, i), c)
			}
		default:
			leaf, _ := json.Marshal(n)
			out[prefix] = string(leaf)
		}
	}
	walk("", tree)
	return out
}

// searchAttributeHint says what to do when the namespace lacks the Plan search attribute.
func searchAttributeHint(err error) string {
	var ia *serviceerror.InvalidArgument
	if errors.As(err, &ia) && strings.Contains(strings.ToLower(ia.Error()), "search attribute") {
		return fmt.Sprintf(" (register the %s search attribute: start the regioncopy worker once, or run "+
			"`temporal operator search-attribute create --name %s --type Keyword`)", model.PlanKey.GetName(), model.PlanKey.GetName())
	}
	return ""
}

func isNotFound(err error) bool {
	var nf *serviceerror.NotFound
	return errors.As(err, &nf)
}
