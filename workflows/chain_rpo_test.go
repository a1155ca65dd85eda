package workflows

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// rpoWatch records the RpoState a chain publishes, with when.
type rpoWatch struct {
	mu     sync.Mutex
	states []string
	at     []time.Duration
}

func watchRpo(h *chainHarness) *rpoWatch {
	w := &rpoWatch{}
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		if v, ok := args.Get(0).(temporal.SearchAttributes).GetKeyword(model.RpoStateKey); ok {
			w.mu.Lock()
			w.states = append(w.states, v)
			w.at = append(w.at, h.env.Now().Sub(t0))
			w.mu.Unlock()
		}
	}).Return(nil)
	return w
}

// assertThroughBreachAndBack checks the chain went from NO_RPO to OK, to AT_RISK at
// atRisk, to BREACH at breach and back to OK after okAfter (times since t0).
func (w *rpoWatch) assertThroughBreachAndBack(t *testing.T, atRisk, breach, okAfter time.Duration) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Equal(t, []string{model.RpoNone, model.RpoOK, model.RpoAtRisk, model.RpoBreach, model.RpoOK}, w.states)
	require.Len(t, w.at, 5)
	assert.Equal(t, atRisk, w.at[2], "AT_RISK")
	assert.Equal(t, breach, w.at[3], "BREACH")
	assert.Greater(t, w.at[4], okAfter, "OK once a copy has landed")
}

// A chain fed by a plan with a 24-hour RPO: OK while its newest copy's source is young,
// AT_RISK 6 hours before the deadline, BREACH at it (on the chain's timer, with no order
// or copy to wake it), OK again when a newer copy lands; one alert into BREACH, one out.
func TestChainRpoStateMovesOnItsTimerAndAlerts(t *testing.T) {
	h := newChainHarness(t)
	w := watchRpo(h)
	lc := model.Lifecycle{DeleteAfterDays: 35}
	o1 := h.order(1, t0.Add(-time.Hour), lc, "req-1")
	o1.Plan, o1.RpoMinutes = "compliance", 24*60
	o2 := h.order(2, t0.Add(30*time.Hour), lc, "req-2")
	o2.Plan, o2.RpoMinutes = "compliance", 24*60
	h.send(time.Minute, o1)
	h.send(30*time.Hour+time.Minute, o2)
	h.run(40*time.Hour, nil)

	require.Len(t, h.copies, 2)
	// NO_RPO until the first order arrives (the harness starts the chain without one).
	// Source created at -1h: deadline at 23h, AT_RISK a quarter of the RPO before it; OK
	// once the newer copy has landed.
	w.assertThroughBreachAndBack(t, 17*time.Hour, 23*time.Hour, 30*time.Hour)

	alerts := h.aws.sentAlerts()
	require.Len(t, alerts, 2)
	in, out := alerts[0], alerts[1]
	assert.Equal(t, model.RpoAtRisk, in.PreviousState)
	assert.Equal(t, model.RpoBreach, in.State)
	assert.Equal(t, t0.Add(23*time.Hour), in.Deadline)
	assert.Equal(t, "compliance", in.Plan)
	assert.Equal(t, int64(24*60), in.RpoMinutes)
	assert.Equal(t, h.id, in.ChainID)
	assert.Equal(t, o1.SourceCreationDate, in.NewestSourceCreatedAt)
	assert.NotEmpty(t, in.NewestCopyArn)
	assert.Equal(t, model.RpoBreach, out.PreviousState)
	assert.Equal(t, model.RpoOK, out.State)
	assert.Equal(t, t0.Add(54*time.Hour), out.Deadline)

	assert.Equal(t, model.RpoOK, h.status.RpoState)
	assert.Equal(t, t0.Add(54*time.Hour), h.status.RpoDeadline)
	assert.Equal(t, int64(24*60), h.status.RpoMinutes)
}

// A chain whose first copy never lands counts from the source creation of the first
// order under the RPO: it still reaches BREACH. On-demand orders (no plan) leave the RPO
// alone, and a chain without one says NO_RPO.
func TestChainRpoWithoutALandedCopyAndWithoutAnRpo(t *testing.T) {
	h := newChainHarness(t)
	w := watchRpo(h)
	for range 10 {
		h.aws.startErrs = append(h.aws.startErrs, temporal.NewNonRetryableApplicationError("denied", model.ErrAccessDenied, nil))
	}
	o := h.order(1, t0, model.Lifecycle{DeleteAfterDays: 35}, "req-1")
	o.Plan, o.RpoMinutes = "compliance", 60
	h.send(time.Minute, o)
	onDemand := h.order(2, t0.Add(30*time.Minute), model.Lifecycle{DeleteAfterDays: 35}, "req-2")
	h.send(10*time.Minute, onDemand)
	h.run(3*time.Hour, nil)

	w.mu.Lock()
	defer w.mu.Unlock()
	require.NotEmpty(t, w.states)
	assert.Equal(t, model.RpoBreach, w.states[len(w.states)-1])
	assert.Equal(t, time.Hour, w.at[len(w.at)-1], "an hour after the point's creation, with no copy landed")
	alerts := h.aws.sentAlerts()
	require.Len(t, alerts, 1)
	assert.Equal(t, model.RpoBreach, alerts[0].State)
	assert.Empty(t, alerts[0].NewestCopyArn)

	plain := newChainHarness(t)
	pw := watchRpo(plain)
	plain.send(time.Minute, plain.order(1, t0, model.Lifecycle{DeleteAfterDays: 35}, "req-1"))
	plain.run(2*time.Hour, nil)
	pw.mu.Lock()
	defer pw.mu.Unlock()
	assert.Equal(t, []string{model.RpoNone}, pw.states)
	assert.Empty(t, plain.aws.sentAlerts())
	assert.Equal(t, model.RpoNone, plain.status.RpoState)
}
