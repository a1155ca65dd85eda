package activities

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/model"
)

// RegisterAlerts registers the alert activity under model.ActSendRpoAlert (see Register
// for why names are explicit).
func RegisterAlerts(w worker.ActivityRegistry, a *Alerts) {
	for name, fn := range alertActivityFuncs(a) {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}

func alertActivityFuncs(a *Alerts) map[string]any {
	return map[string]any{model.ActSendRpoAlert: a.SendRpoAlert}
}
