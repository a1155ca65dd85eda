package emulator

import (
	"encoding/base64"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 1000
	maxPageSize     = 1000
)

// page cuts one page out of n ordered items using the nextToken and maxResults query
// members; the token is an opaque offset bound to the operation.
func page(c *call, n int) (start, end int, next *string, err *apiError) {
	size := defaultPageSize
	if v := c.query.Get("maxResults"); v != "" {
		m, convErr := strconv.Atoi(v)
		if convErr != nil || m < 1 || m > maxPageSize {
			return 0, 0, nil, errInvalidParameter("maxResults %q must be a whole number from 1 to %d", v, maxPageSize)
		}
		size = m
	}
	if tok := c.query.Get("nextToken"); tok != "" {
		raw, decErr := base64.RawURLEncoding.DecodeString(tok)
		prefix := c.op + ":"
		if decErr != nil || !strings.HasPrefix(string(raw), prefix) {
			return 0, 0, nil, errInvalidParameter("nextToken %q was not issued by %s", tok, c.op)
		}
		off, convErr := strconv.Atoi(strings.TrimPrefix(string(raw), prefix))
		if convErr != nil || off < 0 {
			return 0, 0, nil, errInvalidParameter("nextToken %q is malformed", tok)
		}
		start = min(off, n)
	}
	end = min(start+size, n)
	if end < n {
		t := base64.RawURLEncoding.EncodeToString([]byte(c.op + ":" + strconv.Itoa(end)))
		next = &t
	}
	return start, end, next, nil
}
