// Package report builds `regioncopy report`: for every protected resource and required
// destination, what AWS itself holds (the destination vault's recovery points, the
// source Region's copy jobs), checked against what regioncopy recorded, with the RPO
// state and the transfer cost of the period.
//
// It is built in three parts: sources that read AWS (through package activities) and
// Temporal once each, a pure Join of what they read into rows, and renderers (table,
// JSON, CSV, HTML). The Join never calls anything, so every state and every evidence
// check is tested on plain values.
package report
