package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// epochTime is a timestamp as restJson1 carries it in bodies: epoch seconds as a JSON
// number, fractions allowed.
type epochTime struct{ time.Time }

func (t epochTime) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

func (t *epochTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
		return fmt.Errorf("timestamp must be epoch seconds, got %s", b)
	}
	sec, frac := math.Modf(f)
	t.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// wireTime is t as clients see it: epochTime writes milliseconds. Filters compare this, so
// a timestamp read from a response and sent back as a bound means what the client saw.
func wireTime(t time.Time) time.Time { return t.Truncate(time.Millisecond) }

// ts is the wire form of t, nil (omitted) when t is zero.
func ts(t time.Time) *epochTime {
	if t.IsZero() {
		return nil
	}
	return &epochTime{t}
}

// Lifecycle is AWS Backup's Lifecycle structure.
type Lifecycle struct {
	MoveToColdStorageAfterDays          *int64  `json:",omitempty"`
	DeleteAfterDays                     *int64  `json:",omitempty"`
	OptInToArchiveForSupportedResources *bool   `json:",omitempty"`
	DeleteAfterEvent                    *string `json:",omitempty"`
}

func (l *Lifecycle) clone() *Lifecycle {
	if l == nil {
		return nil
	}
	c := *l
	return &c
}

// calculatedLifecycle is AWS Backup's CalculatedLifecycle structure.
type calculatedLifecycle struct {
	MoveToColdStorageAt *epochTime `json:",omitempty"`
	DeleteAt            *epochTime `json:",omitempty"`
}

// decodeBody reads a JSON request body into v. An empty body is an empty object, as AWS
// treats it; anything else that is not one JSON object of the right shape is a
// SerializationException naming what was wrong.
func decodeBody(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return errSerialization("request body is not valid JSON for this operation: %s", cleanJSONError(err))
	}
	if dec.More() {
		return errSerialization("request body has data after the JSON object")
	}
	return nil
}

func cleanJSONError(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// parseQueryTime reads a timestamp from a query string: ISO 8601 as the SDKs send it, or
// epoch seconds.
func parseQueryTime(name, v string) (time.Time, *apiError) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) < 1e11 {
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, errInvalidParameter("%s %q is not an ISO 8601 timestamp", name, v)
}
