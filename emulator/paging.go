package emulator

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 1000
	maxPageSize     = 1000
)

// page cuts one page out of n ordered items using the nextToken and maxResults query
// members. key(i) is item i's place in the list order, as a string that sorts as the items
// do. The token is opaque to clients and bound to the operation; it carries the key of the
// last item returned, so the next page starts after that item wherever it now is: items
// created or deleted between calls shift nothing, and no item is skipped or repeated.
func page(c *call, n int, key func(i int) string) (start, end int, next *string, err *apiError) {
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
		after := strings.TrimPrefix(string(raw), prefix)
		if !validPageKey(after) {
			return 0, 0, nil, errInvalidParameter("nextToken %q is malformed", tok)
		}
		start = sort.Search(n, func(i int) bool { return key(i) > after })
	}
	end = min(start+size, n)
	if end < n {
		t := base64.RawURLEncoding.EncodeToString([]byte(c.op + ":" + key(end-1)))
		next = &t
	}
	return start, end, next, nil
}

// ascKey and descKey encode a number as a fixed-width key that sorts in the number's
// order, or in the reverse order; list keys concatenate them.
func ascKey(v int64) string  { return fmt.Sprintf("%016x", uint64(v)^(1<<63)) }
func descKey(v int64) string { return fmt.Sprintf("%016x", ^(uint64(v) ^ (1 << 63))) }

// validPageKey reports whether s is made of keys as ascKey and descKey write them.
func validPageKey(s string) bool {
	if s == "" || len(s)%16 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
