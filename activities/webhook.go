package activities

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// WebhookTimeout bounds one POST of an alert; a slower receiver counts as a network
// error and the activity is retried.
const WebhookTimeout = 10 * time.Second

// Webhook posts alerts as JSON to one URL.
type Webhook struct {
	url    string
	target string // scheme and host only: a webhook URL's path often holds its secret
	header string // an extra header's name ("" for none), such as Authorization
	value  string
	client *http.Client
}

// NewWebhook checks rawURL (absolute, http or https) and header ("" or "Name: value",
// sent with every POST, for receivers that authenticate by header) and returns the
// webhook. Errors never repeat the URL's path or the header's value, which are secrets.
func NewWebhook(rawURL, header string) (*Webhook, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook URL must be an absolute http:// or https:// URL")
	}
	w := &Webhook{
		url:    u.String(),
		target: u.Scheme + "://" + u.Host,
		client: &http.Client{
			Timeout: WebhookTimeout,
			// A redirect would turn the POST into a GET on some statuses; a receiver that
			// redirects is answered as a non-2xx status instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	if strings.TrimSpace(header) != "" {
		name, value, ok := strings.Cut(header, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !isHeaderName(name) || value == "" || strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("webhook header must be written \"Name: value\", such as \"Authorization: Bearer <token>\"")
		}
		w.header, w.value = http.CanonicalHeaderKey(name), value
	}
	return w, nil
}

// webhookBody is what is posted: the alert's members as model.RpoAlert names them, and
// text, the member Slack-compatible receivers (Slack, Mattermost, Rocket.Chat, Teams
// workflows) show as the message.
type webhookBody struct {
	model.RpoAlert
	Text string `json:"text"`
}

// Post sends alert once. A 2xx answer is success; anything else is an error classified
// by classifyWebhook (retryable unless a 4xx other than 408 and 429 says the request
// itself is wrong).
func (w *Webhook) Post(ctx context.Context, alert model.RpoAlert) error {
	body, err := json.Marshal(webhookBody{RpoAlert: alert, Text: alertText(alert)})
	if err != nil {
		return invalidInput(model.ActSendRpoAlert, "alert", "cannot be written as JSON: "+err.Error())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return classifyWebhook(ctx, w.target, 0, "", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "regioncopy")
	// Retries of one alert carry one key, so a receiver that saw a POST whose answer was
	// lost can tell the retry from a new alert.
	req.Header.Set("Idempotency-Key", alertKey(alert))
	if w.header != "" {
		req.Header.Set(w.header, w.value)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return classifyWebhook(ctx, w.target, 0, "", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	// Drain a little more so the connection can be reused, never an unbounded body.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return classifyWebhook(ctx, w.target, resp.StatusCode, string(snippet), nil)
}

// alertKey identifies one alert: its chain, new state and time.
func alertKey(alert model.RpoAlert) string {
	sum := sha256.Sum256([]byte(alert.ChainID + "\n" + alert.State + "\n" + alert.At.UTC().Format(time.RFC3339Nano)))
	return hex.EncodeToString(sum[:16])
}

// isHeaderName reports whether s is an HTTP field name (RFC 9110 token).
func isHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return true
}
