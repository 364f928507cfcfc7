package toolbox

import (
	"context"
	"fmt"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Proposals are decided by the scheduled job, never by a command: nobody,
// the author included, can close one early. Each is closed under the event
// ID job:proposal:<id>, so a restart or a second process writes its result
// once.

// closeProposals decides every proposal whose time is up at now: an open
// one whose lazy-consensus window passed (no objection came, or it would
// be voting) passes; a vote that ended is tallied. The room the proposal
// was made in hears the result.
func (tb *Toolbox) closeProposals(ctx context.Context, tx *ledger.Tx, now time.Time) []JobResult {
	var out []JobResult
	for p := range tx.Proposals() {
		if !proposalDue(p, now) {
			continue
		}
		id := p.ID
		r := tb.job(ctx, "proposal", id, func(tx *ledger.Tx) (ledger.Outcome, error) { return closeProposal(tx, tb.founder, id) })
		if r.Err == nil && !r.Duplicate {
			if done, ok := tb.ledger.Current().ReadAt(now).Proposal(id); ok {
				r.Announce = announceAll(done, resultWords(done))
			}
		}
		out = append(out, r)
	}
	return out
}

// proposalDue reports whether p's time is up: its window or its vote ended
// at least finalizeDelay ago, so that an objection or a vote sent in the
// last moment, still in the queue, is counted first.
func proposalDue(p ledger.Proposal, now time.Time) bool {
	switch p.State {
	case ledger.ProposalOpen:
		return !now.Before(p.WindowEnds.Add(finalizeDelay))
	case ledger.ProposalVoting:
		return !now.Before(p.VoteEnds.Add(finalizeDelay))
	}
	return false
}

// closeProposal writes a proposal's result, checking again on the data it
// commits on.
func closeProposal(tx *ledger.Tx, founder, id string) (ledger.Outcome, error) {
	p, ok := tx.Proposal(id)
	if !ok {
		return ledger.Outcome{}, fmt.Errorf("proposal %s is not in the ledger", id)
	}
	if !proposalDue(p, tx.Now()) {
		return ledger.Outcome{}, ledger.Refuse("proposal %s is %s and not due: nothing to close", id, p.State)
	}
	if p.State == ledger.ProposalOpen {
		p.State, p.Result = ledger.ProposalPassed, fmt.Sprintf("lazy consensus: no objection in %d hours", windowHours())
	} else {
		t := tallyOf(lastVotes(tx, id))
		p.Yes, p.No, p.Abstain = t.yes, t.no, t.abstain
		p.YesWeight, p.NoWeight, p.AbstainWeight = t.yesW, t.noW, t.abstainW
		passed, why := outcome(p, t)
		p.State, p.Result = ledger.ProposalFailed, why
		if passed {
			p.State = ledger.ProposalPassed
		}
		switch p.Kind {
		case ledger.ProposalContestedSC:
			p.Result += settleContested(tx, p, passed)
		case ledger.ProposalElection, ledger.ProposalRecall:
			p.Result += settleCaptaincy(tx, founder, p, passed)
		}
	}
	p.Closed = tx.Now()
	tx.PutProposal(p)
	return ledger.Outcome{Action: "proposal.close", Target: id, Reply: resultWords(p)}, nil
}

// resultWords says how a proposal was decided.
func resultWords(p ledger.Proposal) string {
	return fmt.Sprintf("Proposal %s %s: %s.", proposalWords(p), p.State, mdText(p.Result))
}
