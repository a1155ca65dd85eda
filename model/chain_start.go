package model

// ChainStart is the first start argument of the CopyChain workflow. The chain is started
// by signal-with-start from the EnqueueCopy activity, which cannot import package
// workflows; both sides therefore agree on this plain type.
type ChainStart struct {
	Key ChainKey
	// TimeScale > 1 means AWS's clock runs that many times faster than Temporal's (the
	// emulator's --time-scale); see CopyRequest.TimeScale.
	TimeScale float64 `json:",omitempty"`
	// TaskQueue is the queue the chain's activities run on; "" means DefaultTaskQueue.
	TaskQueue string `json:",omitempty"`
}
