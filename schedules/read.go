package schedules

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// AppliedRules reads back every applied rule of every plan in the namespace (the
// PlanRun input each schedule was last applied with), in schedule id order. Schedules
// not made by regioncopy are skipped.
func (m *Manager) AppliedRules(ctx context.Context) ([]model.PlanRunInput, error) {
	it, err := m.c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	var ids []string
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		if strings.HasPrefix(e.ID, "plan/") {
			ids = append(ids, e.ID)
		}
	}
	slices.Sort(ids)
	var rules []model.PlanRunInput
	for _, id := range ids {
		d, err := temporalclient.DescribeSchedule(ctx, m.c.ScheduleClient().GetHandle(ctx, id))
		if isNotFound(err) {
			continue // deleted since it was listed
		}
		if err != nil {
			return nil, fmt.Errorf("describe schedule %s: %w", id, err)
		}
		in, _, err := appliedInput(d)
		if err != nil {
			continue
		}
		rules = append(rules, in)
	}
	return rules, nil
}
