package awscron

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// The server is the judge of Temporal's semantics: schedules created from converted
// specs (paused, started in the future with StartAt so that the interesting days are
// among the ten the server lists) must list the same next runs as Next, once the runs
// ShouldRun drops are left out. Those may only be runs at a repeated wall time: the
// second pass everywhere, and in zones east of UTC also a run the server adds in the
// first pass of the repeated hour for a calendar of the hour before it (01:00 in Sydney
// also fires at the first 02:00), which ShouldRun drops as well.
func TestDevServerNextActionTimes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := temporaltest.Start(t).Client

	anchored, _ := Parse("rate(12 hours)")
	anchored = anchored.AnchoredAt(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	cases := []struct {
		expr    string
		e       *Expression
		tz      string
		startAt time.Time
	}{
		{expr: "cron(0 0 L * ? *)", startAt: utc(2028, 1, 15)},
		{expr: "cron(0 0 L * ? *)", startAt: utc(2099, 6, 15)},
		{expr: "cron(0 0 ? * 6L *)", tz: "Asia/Kolkata", startAt: utc(2028, 1, 1)},
		{expr: "cron(0 12 15W * ? *)", tz: "Europe/Berlin", startAt: utc(2027, 1, 1)},
		{expr: "cron(0 12 31W * ? *)", startAt: utc(2027, 1, 1)},
		{expr: "cron(0 5 1W * ? *)", startAt: utc(2027, 6, 1)},
		{expr: "cron(0 9 ? * 2#1 *)", tz: "America/New_York", startAt: utc(2027, 1, 1)},
		{expr: "cron(0 6 ? * 1#5 *)", startAt: utc(2027, 1, 1)},
		{expr: "cron(0 0 29 2 ? *)", startAt: utc(2027, 1, 1)},
		{expr: "cron(0/5 8-17 ? * MON-FRI *)", startAt: time.Date(2027, 1, 1, 17, 30, 0, 0, time.UTC)},
		{expr: "cron(30 2 * * ? *)", tz: "America/New_York", startAt: utc(2027, 3, 10)},
		{expr: "cron(30 1 * * ? *)", tz: "America/New_York", startAt: utc(2027, 11, 4)},
		{expr: "cron(30 2 * * ? *)", tz: "Europe/Berlin", startAt: utc(2027, 3, 25)},
		{expr: "cron(0/15 * * * ? *)", tz: "America/New_York", startAt: time.Date(2027, 11, 7, 5, 0, 0, 0, time.UTC)},
		{expr: "cron(0 1 * * ? *)", tz: "Australia/Sydney", startAt: utc(2027, 4, 1)},
		{expr: "rate(7 days)", startAt: utc(2027, 1, 1)},
		{expr: anchored.String() + " anchored", e: &anchored, startAt: utc(2027, 6, 1)},
	}
	t.Run("repeated hour east of UTC", func(t *testing.T) { checkRepeatedHourEastOfUTC(ctx, t, c) })
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%s in %q from %s", tc.expr, tc.tz, tc.startAt.Format(time.RFC3339)), func(t *testing.T) {
			e := tc.e
			if e == nil {
				parsed, err := Parse(tc.expr)
				if err != nil {
					t.Fatal(err)
				}
				e = &parsed
			}
			spec, err := e.ScheduleSpec(tc.tz)
			if err != nil {
				t.Fatal(err)
			}
			spec.StartAt = tc.startAt
			h, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
				ID:     fmt.Sprintf("awscron-devserver-%d", i),
				Spec:   spec,
				Paused: true,
				Action: &client.ScheduleWorkflowAction{
					ID:        fmt.Sprintf("awscron-devserver-run-%d", i),
					Workflow:  "PlanRun",
					TaskQueue: "awscron-devserver",
				},
			})
			if err != nil {
				t.Fatalf("create schedule: %v", err)
			}
			defer func() { _ = h.Delete(context.Background()) }()
			desc, err := temporalclient.DescribeSchedule(ctx, h)
			if err != nil {
				t.Fatalf("describe schedule: %v", err)
			}
			loc, _ := time.LoadLocation(spec.TimeZoneName)
			var server []time.Time
			for _, ts := range desc.Info.NextActionTimes {
				if e.ShouldRun(ts, loc) {
					server = append(server, ts.UTC())
				} else if !e.IsDSTRepeat(ts, loc) {
					t.Fatalf("server runs at %s, which AWS does not and which is no repeated wall time", fmtLocal(ts, loc))
				}
			}
			if len(server) < 3 {
				t.Fatalf("server lists %d runs (%v); want several to compare", len(server), desc.Info.NextActionTimes)
			}
			want := e.Next(tc.startAt.Add(-time.Second), loc)
			for j, got := range server {
				if !got.Equal(want) {
					t.Fatalf("run %d: server %s, AWS (Next) %s; server list %v", j, fmtLocal(got, loc), fmtLocal(want, loc), desc.Info.NextActionTimes)
				}
				want = e.Next(want, loc)
			}
		})
	}
}

// Temporal's scheduler (server 1.29) resolves a wall time with Go's time.Date, which in
// zones east of UTC returns the later instant of a repeated wall time: the server never
// fires the earlier one that AWS runs. This pins that behaviour so that a server upgrade
// that changes it is noticed (see the package documentation).
func checkRepeatedHourEastOfUTC(ctx context.Context, t *testing.T, c client.Client) {
	e, _ := Parse("cron(30 2 * * ? *)")
	spec, _ := e.ScheduleSpec("Europe/Berlin")
	spec.StartAt = utc(2027, 10, 30)
	h, err := c.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID: "awscron-devserver-east", Spec: spec, Paused: true,
		Action: &client.ScheduleWorkflowAction{Workflow: "PlanRun", TaskQueue: "awscron-devserver"},
	})
	if err != nil {
		t.Fatalf("create schedule: %v", err)
	}
	desc, err := temporalclient.DescribeSchedule(ctx, h)
	if err != nil {
		t.Fatalf("describe schedule: %v", err)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	awsRun := time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC)    // 02:30 CEST, the first 02:30
	serverRun := time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC) // 02:30 CET, the second
	got := desc.Info.NextActionTimes
	if len(got) < 2 || !got[1].Equal(serverRun) {
		t.Fatalf("server lists %v; the limitation documented here expects its second run at %s", got, serverRun)
	}
	if !e.Next(utc(2027, 10, 31), berlin).Equal(awsRun) || e.ShouldRun(serverRun, berlin) {
		t.Fatalf("AWS runs 02:30 at %s only", awsRun)
	}
}
