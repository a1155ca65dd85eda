package activities

import (
	"context"
	"strconv"
	"time"

	"go.temporal.io/sdk/activity"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/regioncopy/regioncopy/model"
)

// Alerts holds the activity that reports a chain's changes into and out of RPO BREACH:
// a structured log line always, and a POST to a webhook when one is configured.
type Alerts struct {
	log     *zap.Logger
	webhook *Webhook
}

// NewAlerts returns the alert activity logging to log (nil: nowhere) and posting to
// webhook (nil: no POST).
func NewAlerts(log *zap.Logger, webhook *Webhook) *Alerts {
	if log == nil {
		log = zap.NewNop()
	}
	return &Alerts{log: log, webhook: webhook}
}

// SendRpoAlert logs the alert (WARN into BREACH, INFO out of it) and posts it to the
// webhook. The log line is written on the first attempt only, so a webhook that is down
// for an hour leaves one line per alert, not one per retry; a failed POST returns its
// classified error and Temporal retries the activity.
func (a *Alerts) SendRpoAlert(ctx context.Context, alert model.RpoAlert) error {
	if err := requireFields(model.ActSendRpoAlert,
		field{"ChainID", alert.ChainID}, field{"ResourceArn", alert.ResourceArn}, field{"State", alert.State}); err != nil {
		return err
	}
	if !activity.IsActivity(ctx) || activity.GetInfo(ctx).Attempt <= 1 {
		a.log.Check(alertLevel(alert), alertText(alert)).Write(alertFields(alert)...)
	}
	if a.webhook == nil {
		return nil
	}
	return a.webhook.Post(ctx, alert)
}

// alertLevel is WARN when the chain enters BREACH and INFO when it leaves it.
func alertLevel(alert model.RpoAlert) zapcore.Level {
	if alert.State == model.RpoBreach {
		return zapcore.WarnLevel
	}
	return zapcore.InfoLevel
}

// alertFields names each field like the model.RpoAlert member it carries, so a log
// query and the webhook's JSON use the same names.
func alertFields(alert model.RpoAlert) []zap.Field {
	fields := []zap.Field{
		zap.String("ChainID", alert.ChainID),
		zap.String("ResourceArn", alert.ResourceArn),
		zap.String("ResourceType", alert.ResourceType),
		zap.String("SourceRegion", alert.SourceRegion),
		zap.String("DestinationRegion", alert.DestinationRegion),
		zap.String("DestinationAccount", alert.DestinationAccount),
		zap.String("DestinationVault", alert.DestinationVault),
		zap.String("Plan", alert.Plan),
		zap.Int64("RpoMinutes", alert.RpoMinutes),
		zap.String("State", alert.State),
		zap.String("PreviousState", alert.PreviousState),
		zap.Time("Deadline", alert.Deadline),
		zap.String("NewestCopyArn", alert.NewestCopyArn),
		zap.Time("At", alert.At),
	}
	if !alert.NewestSourceCreatedAt.IsZero() {
		fields = append(fields, zap.Time("NewestSourceCreatedAt", alert.NewestSourceCreatedAt))
	}
	return fields
}

// alertText is the alert as one sentence a human reads in a chat channel: the resource,
// the Regions and vault, the state and the deadline.
func alertText(alert model.RpoAlert) string {
	resource := alert.ResourceArn
	if alert.ResourceType != "" {
		resource += " (" + alert.ResourceType + ")"
	}
	route := "from " + orUnknown(alert.SourceRegion) + " to " + orUnknown(alert.DestinationRegion)
	if alert.DestinationVault != "" {
		route += " vault " + alert.DestinationVault
	}
	rpo := rpoText(alert.RpoMinutes)
	deadline := alert.Deadline.UTC().Format(time.RFC3339)
	if alert.State == model.RpoBreach && alert.NewestCopyArn == "" && alert.Deadline.IsZero() {
		// A chain that never copied, counting on Temporal's clock under the emulator's
		// faster one, knows no deadline on AWS's clock.
		return "RPO BREACH: " + resource + " " + route + " has no copy at all, and its " + rpo + " RPO has passed."
	}
	if alert.State == model.RpoBreach {
		return "RPO BREACH: " + resource + " " + route + " has no copy newer than its " + rpo +
			" RPO; the deadline was " + deadline + "."
	}
	was := ""
	if alert.PreviousState != "" {
		was = " (was " + alert.PreviousState + ")"
	}
	return "RPO " + alert.State + was + ": " + resource + " " + route +
		" has a copy within its " + rpo + " RPO again; the next deadline is " + deadline + "."
}

// rpoText writes an RPO in whole hours when it is one ("24h"), in minutes otherwise.
func rpoText(minutes int64) string {
	if minutes%60 == 0 {
		return strconv.FormatInt(minutes/60, 10) + "h"
	}
	return strconv.FormatInt(minutes, 10) + "m"
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown Region"
	}
	return s
}
