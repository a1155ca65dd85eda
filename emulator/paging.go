package emulator

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
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
// do. The token is opaque to clients and bound to the query that issued it (operation,
// Region, path and filters; not the page size): a cursor sent with another vault, Region
// or filter would silently skip that list's items before it, so it is refused, as a
// GetResources PaginationToken is. It carries the key of the last item returned, so the
// next page starts after that item wherever it now is: items created or deleted between
// calls shift nothing, and no item is skipped or repeated.
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
		rest, issued := strings.CutPrefix(string(raw), c.op+":")
		if decErr != nil || !issued {
			return 0, 0, nil, errInvalidParameter("nextToken %q was not issued by %s", tok, c.op)
		}
		scope, after, _ := strings.Cut(rest, ":")
		if !validPageKey(scope) || len(scope) != 16 || !validPageKey(after) {
			return 0, 0, nil, errInvalidParameter("nextToken %q is malformed", tok)
		}
		if scope != pageScope(c) {
			return 0, 0, nil, errInvalidParameter("nextToken %q was issued by %s for another Region, path or filter; repeat the query without it", tok, c.op)
		}
		start = sort.Search(n, func(i int) bool { return key(i) > after })
	}
	end = min(start+size, n)
	if end < n {
		t := base64.RawURLEncoding.EncodeToString([]byte(c.op + ":" + pageScope(c) + ":" + key(end-1)))
		next = &t
	}
	return start, end, next, nil
}

// pageScope is a digest of what a list call lists: its Region, path labels and query
// members other than the paging ones.
func pageScope(c *call) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%q", c.region)
	for _, k := range slices.Sorted(maps.Keys(c.labels)) {
		fmt.Fprintf(h, " %q=%q", k, c.labels[k])
	}
	for _, k := range slices.Sorted(maps.Keys(c.query)) {
		if k != "nextToken" && k != "maxResults" {
			fmt.Fprintf(h, " ?%q=%q", k, c.query[k])
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
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
