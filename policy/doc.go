// Package policy holds regioncopy's cross-Region copy rules as data and the checks that
// apply them: which resource types may be copied across Regions, which Regions take part
// in cross-Region copy at all, which types support cold storage, the lifecycle arithmetic,
// AWS Backup's plan limits, and the syntax of Regions and ARNs.
//
// The rules are data (Rules) rather than code because AWS keeps relaxing them: Default
// returns the rules regioncopy was seeded with, and Load overlays a JSON document on
// them, so an operator can follow AWS without a new release.
//
// Everything here is pure and deterministic, because workflows call it during replay:
// no clock, no randomness, no map iteration for decisions and no I/O except the explicit
// JSON loader. Every check reports all its violations at once, as an errors.Join of
// *Violation values, each naming the field and the rule it breaks.
package policy
