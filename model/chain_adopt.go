package model

// CopyAdopted marks the record of a copy that a chain found in its destination vault when
// it started without carried state (first run, or after its previous run was terminated
// or its history lost), rather than one it copied itself. Such a copy is tracked like any
// other live copy (expiry timers, newest-copy guard, incremental base), but the chain does
// not know whether AWS copied it in full or incrementally, nor which job made it.
const CopyAdopted CopyKind = "ADOPTED"

// AdoptedStatusMessage is the StatusMessage of a record adopted at chain start.
const AdoptedStatusMessage = "adopted from the vault at chain start"
