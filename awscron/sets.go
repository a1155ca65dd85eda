package awscron

import (
	"math/bits"

	"go.temporal.io/sdk/client"
)

// valueSet holds the values of one field below 64 (minutes, hours, days, months,
// weekdays): bit v is set when v is in the set.
type valueSet uint64

func (s valueSet) has(v int) bool { return v >= 0 && v < 64 && s&(1<<v) != 0 }

func (s *valueSet) add(v int) { *s |= 1 << v }

func (s valueSet) empty() bool { return s == 0 }

func (s valueSet) count() int { return bits.OnesCount64(uint64(s)) }

// span returns the set of lo..hi inclusive.
func span(lo, hi int) valueSet {
	var s valueSet
	for v := lo; v <= hi; v++ {
		s.add(v)
	}
	return s
}

// values lists the members in increasing order.
func (s valueSet) values() []int {
	out := make([]int, 0, s.count())
	for v := 0; v < 64; v++ {
		if s.has(v) {
			out = append(out, v)
		}
	}
	return out
}

// Years run from 1970 to 2199 in AWS; yearSet keeps one bit per year from firstYear.
const (
	firstYear = 1970
	lastYear  = 2199
)

type yearSet [4]uint64

func (s yearSet) has(y int) bool {
	i := y - firstYear
	return i >= 0 && i < 256 && s[i/64]&(1<<(i%64)) != 0
}

func (s *yearSet) add(y int) {
	i := y - firstYear
	s[i/64] |= 1 << (i % 64)
}

func (s yearSet) empty() bool { return s == yearSet{} }

func (s yearSet) intersect(o yearSet) yearSet {
	for i := range s {
		s[i] &= o[i]
	}
	return s
}

func (s yearSet) union(o yearSet) yearSet {
	for i := range s {
		s[i] |= o[i]
	}
	return s
}

func yearSpan(lo, hi int) yearSet {
	var s yearSet
	for y := lo; y <= hi; y++ {
		s.add(y)
	}
	return s
}

func (s yearSet) values() []int {
	var out []int
	for y := firstYear; y <= lastYear; y++ {
		if s.has(y) {
			out = append(out, y)
		}
	}
	return out
}

// toRanges writes a sorted list of values as Temporal ranges: the whole list as one
// stepped range when it is an arithmetic progression (0/15 stays "0-45 step 15" in the
// Temporal UI), otherwise one range per run of consecutive values. Both forms are exact.
func toRanges(vs []int) []client.ScheduleRange {
	if len(vs) == 0 {
		return nil
	}
	if len(vs) >= 3 {
		step := vs[1] - vs[0]
		progression := step > 1
		for i := 2; i < len(vs) && progression; i++ {
			progression = vs[i]-vs[i-1] == step
		}
		if progression {
			return []client.ScheduleRange{{Start: vs[0], End: vs[len(vs)-1], Step: step}}
		}
	}
	var out []client.ScheduleRange
	start := vs[0]
	for i := 1; i <= len(vs); i++ {
		if i < len(vs) && vs[i] == vs[i-1]+1 {
			continue
		}
		out = append(out, client.ScheduleRange{Start: start, End: vs[i-1]})
		if i < len(vs) {
			start = vs[i]
		}
	}
	return out
}
