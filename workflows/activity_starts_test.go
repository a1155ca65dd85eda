package workflows

import (
	"context"
	"sync"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
)

// onActivityStarted calls fn for every activity env starts, saying whether it runs as a
// local activity.
func onActivityStarted(env *testsuite.TestWorkflowEnvironment, fn func(name string, local bool)) {
	env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) {
		fn(info.ActivityType.Name, true)
	})
	env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		fn(info.ActivityType.Name, false)
	})
}

// activityStarts counts the activities a workflow started, by how they ran.
type activityStarts struct {
	mu              sync.Mutex
	local, activity int
}

// countActivityStarts counts env's starts of the activity named name, or of every
// activity when name is "".
func countActivityStarts(env *testsuite.TestWorkflowEnvironment, name string) *activityStarts {
	k := &activityStarts{}
	onActivityStarted(env, func(n string, local bool) {
		if name != "" && n != name {
			return
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		if local {
			k.local++
		} else {
			k.activity++
		}
	})
	return k
}
