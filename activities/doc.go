// Package activities is the only code in regioncopy that talks to AWS. Its Temporal
// activities wrap AWS Backup calls (one aws-sdk-go-v2 client per Region) and the
// Temporal signal-with-start that feeds copy chains. Every method takes one input type
// from package model and returns one output type from package model, and is registered
// under the matching model.Act* name, so workflows call activities by name without
// importing this package or the AWS SDK.
//
// Every error an activity returns is a temporal.ApplicationError whose Type is one of
// the model.Err* constants (see classify.go): throttling and service faults are
// retryable, everything else is not and carries AWS's error code and message.
package activities
