package toolbox

import "context"

// JobResult is one scheduled write: which job, for what, and its answer.
type JobResult struct {
	Job  string // finalize, decay
	Key  string // the task or month it ran for
	Text string // what it did, in words
	// Duplicate: it had run before for this key; nothing was written.
	Duplicate bool
	Err       error
}

// RunJobs does every scheduled write that is due at the ledger's clock.
func (tb *Toolbox) RunJobs(ctx context.Context) []JobResult {
	return nil
}
