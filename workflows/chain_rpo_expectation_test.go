package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// A chain that only ever heard of a plan's failed backups (RPO expectations, as a plan
// run hands them over) counts its 2-hour RPO from the earliest run's nominal time: OK,
// AT_RISK, BREACH on its own timer, without a copy job; a later expectation does not move
// the deadline. The status says it holds no copy and since which run. A copy that lands
// later (the plan's next successful run) supersedes the expectation: OK again, counted
// from that copy's source, with one alert into BREACH and one out.
func TestChainRpoExpectationBreachesWithoutACopyUntilOneLands(t *testing.T) {
	h := newChainHarness(t)
	h.aws.setJobDuration(10 * time.Minute)
	w := watchRpo(h)
	h.send(time.Minute, model.ExpectationOrder("compliance", 120, t0))
	h.send(30*time.Minute, model.ExpectationOrder("compliance", 120, t0.Add(time.Hour)))
	var breached model.ChainStatus
	var startsWhileBreached int
	h.at(3*time.Hour, func() {
		_, breached = h.observe()
		startsWhileBreached = len(h.aws.calls().starts)
	})
	o := h.order(1, t0.Add(4*time.Hour), model.Lifecycle{DeleteAfterDays: 35}, "planresource-2")
	o.Plan, o.RpoMinutes = "compliance", 120
	h.send(4*time.Hour+time.Minute, o)
	h.run(5*time.Hour, nil)

	assert.Zero(t, startsWhileBreached, "an expectation never starts a copy job")
	assert.Equal(t, model.RpoBreach, breached.RpoState)
	assert.Equal(t, t0.Add(2*time.Hour), breached.RpoDeadline, "counted from the earliest expectation")
	assert.Equal(t, t0, breached.RpoExpectedAt)
	assert.Zero(t, breached.CopiesTotal)
	assert.Empty(t, breached.Pending, "an expectation waits for nothing")

	// AT_RISK half an hour before the deadline, BREACH at the earliest expectation plus
	// the RPO, OK once the copy landed.
	w.assertThroughBreachAndBack(t, 90*time.Minute, 2*time.Hour, 4*time.Hour)

	require.Len(t, h.copies, 1)
	assert.Equal(t, model.JobCompleted, h.copies[0].State)
	assert.Equal(t, model.RpoOK, h.status.RpoState)
	assert.Equal(t, t0.Add(6*time.Hour), h.status.RpoDeadline, "counted from the landed copy's source")
	assert.Zero(t, h.status.RpoExpectedAt, "the landed copy superseded the expectation")

	alerts := h.aws.sentAlerts()
	require.Len(t, alerts, 2)
	assert.Equal(t, model.RpoBreach, alerts[0].State)
	assert.Equal(t, "compliance", alerts[0].Plan)
	assert.Empty(t, alerts[0].NewestCopyArn, "no copy had landed")
	assert.Equal(t, model.RpoOK, alerts[1].State)
}

// Under AWS's faster clock (the emulator's time scale) a chain that never started a copy
// job has no reading of AWS's clock: it counts the expectation on Temporal's clock, the
// RPO scaled, so it still reaches BREACH on time, and leaves RpoDeadline unset rather
// than name an instant on the wrong clock.
func TestChainRpoExpectationCountsOnTemporalsClockWithoutAReadingOfAWSs(t *testing.T) {
	h := newChainHarness(t)
	w := watchRpo(h)
	h.send(time.Second, model.ExpectationOrder("compliance", 24*60, t0))
	h.run(time.Minute, &ChainInput{ChainStart: model.ChainStart{Key: chainKey, TimeScale: 3600}})

	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Equal(t, []string{model.RpoNone, model.RpoOK, model.RpoAtRisk, model.RpoBreach}, w.states)
	require.Len(t, w.at, 4)
	assert.Equal(t, 18*time.Second, w.at[2], "AT_RISK 6 AWS hours before the deadline")
	assert.Equal(t, 24*time.Second, w.at[3], "BREACH 24 AWS hours (24 s) after the nominal time")
	assert.Equal(t, model.RpoBreach, h.status.RpoState)
	assert.Zero(t, h.status.RpoDeadline)
	assert.Equal(t, t0, h.status.RpoExpectedAt)
}

// A chain whose history took an expectation before chain-rpo-expectation existed ignored
// it, as an order without a recovery point: replaying it keeps doing so.
func TestChainRpoExpectationIgnoredOnTheOldVersion(t *testing.T) {
	h := newChainHarness(t)
	h.env.OnGetVersion(rpoExpectationChange, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	w := watchRpo(h)
	h.send(time.Minute, model.ExpectationOrder("compliance", 60, t0))
	h.run(3*time.Hour, nil)

	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Equal(t, []string{model.RpoNone}, w.states)
	assert.Equal(t, model.RpoNone, h.status.RpoState)
	assert.Zero(t, h.status.RpoExpectedAt)
	assert.Empty(t, h.aws.sentAlerts())
}

// The chain's page says what an operator needs of a chain that never copied: BREACH
// since when, and the plan run the RPO counts from.
func TestChainDetailsOfAChainWithoutACopy(t *testing.T) {
	c := &chain{start: model.ChainStart{Key: chainKey}, ChainState: ChainState{
		Plan: "compliance", RpoMinutes: 120, RpoExpectedAt: t0}}
	c.published.rpoState, c.published.rpoDeadline = model.RpoBreach, t0.Add(2*time.Hour)
	text := c.details()
	assert.Contains(t, text, "**RPO:** BREACH since 2026-01-01T02:00:00Z, 2h0m0s")
	assert.Contains(t, text, "**No copy yet:** plan compliance selected this resource in its run of 2026-01-01T00:00:00Z")
	assert.Contains(t, text, "No live copies.")

	c.Newest = &TrackedCopy{Record: model.CopyRecord{DestinationRecoveryPointArn: "arn:copy", SourceCreationDate: t0}}
	assert.NotContains(t, c.details(), "No copy yet", "a landed copy counts instead")
}

// On Temporal's clock the timer fires when the state has changed, whatever the scale and
// RPO (no rounding leaves the chain waking to an unchanged state).
func TestChainRpoExpectationTimerOnAnOddScale(t *testing.T) {
	h := newChainHarness(t)
	w := watchRpo(h)
	h.send(time.Second, model.ExpectationOrder("compliance", 61, t0))
	h.run(time.Hour, &ChainInput{ChainStart: model.ChainStart{Key: chainKey, TimeScale: 7}})

	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Equal(t, []string{model.RpoNone, model.RpoOK, model.RpoAtRisk, model.RpoBreach}, w.states)
	require.Len(t, w.at, 4)
	rpo := Scaled(61*time.Minute, 7)
	assert.Equal(t, rpo, w.at[3], "BREACH 61 AWS minutes after the nominal time, on Temporal's clock")
	assert.Equal(t, rpo-time.Duration(float64(rpo)*model.RpoAtRiskMargin), w.at[2])
}
