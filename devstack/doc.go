// Package devstack starts the whole regioncopy system on one machine, for a newcomer
// (`regioncopy dev`) and for end-to-end tests: the Temporal dev server from the pinned
// Temporal CLI, the AWS Backup emulator, the regioncopy worker pointed at the emulator,
// and a sample (vaults in two Regions, an EBS volume with a completed backup) that can be
// copied at once. Everything it starts it also stops; nothing is left listening.
package devstack
