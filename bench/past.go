package bench

import (
	"fmt"
	"time"

	"smartup0.org/engelbot/ledger"
)

// Past is a community with a working past: besides its owners, teams,
// roles, assignments and tasks (Community, mixed), the closed work sessions,
// SC and SK transactions and audit rows that years of work leave. Section 7
// generates two of the same shape at sizes 100× apart, so that whatever
// differs between them is the size of the history alone.
type Past struct {
	Community
	Sessions int // closed work sessions: per task, one by its attacker, one by its defender, then again
	SC       int // SC transactions: pending rows and the rows that settle them
	SK       int // SK transactions
	Events   int // master-events rows (EventShards)
}

// pastMonths is how many months the SC and SK rows are spread over,
// the current one included.
const pastMonths = 12

// newestJournalRows is how many SC and SK rows the current month's shard
// holds at any size (or all of them, if fewer): the shard an award would
// append to, as full in a small ledger as in a large one.
const newestJournalRows = 200

// pastNewestEvents is how full the newest master-events shard is at either
// size: each write re-uploads it, so it must weigh the same in both.
const pastNewestEvents = 900

// SessionRows returns the past's work sessions: session k is on task k mod
// Tasks, by its attacker in even rounds and its defender in odd ones, and
// numbered as start_work numbers them (<task>_ws1, _ws2, …), so that a new
// one takes the next free number. Every one is closed.
func (p Past) SessionRows() []ledger.Session {
	now := p.Now.UTC().Truncate(time.Second)
	out := make([]ledger.Session, p.Sessions)
	for k := range out {
		i, round := k%p.Tasks, k/p.Tasks
		who, position := p.Attacker(i), ledger.Attacker
		if round%2 == 1 && p.Defender(i) >= 0 {
			who, position = p.Defender(i), ledger.Defender
		}
		started := spread(k, p.Sessions, newestJournalRows, now)
		minutes := 30 + k%90
		out[k] = ledger.Session{
			ID: fmt.Sprintf("%s_ws%d", TaskID(i), round+1), Task: TaskID(i), Alias: Alias(who), Position: position,
			State: ledger.SessionClosed, Started: started, Stopped: started.Add(time.Duration(minutes) * time.Minute),
			Minutes: minutes, Summary: fmt.Sprintf("Generated work session %d", k),
			StartEvent: fmt.Sprintf("$ws%08d-start:%s", k, ServerName), StopEvent: fmt.Sprintf("$ws%08d-stop:%s", k, ServerName),
			// No page: committing hundreds of thousands of pages is beyond
			// what a benchmark can seed through the forge's API.
		}
	}
	return out
}

// SCRows returns the past's SC transactions in the order they were
// written: pairs of a pending row and the awarded row that settles it,
// pair m on task m mod Tasks, for its attacker (90% of the budget) in even
// rounds and its defender (10%) in odd ones. Every seventh pair is left
// pending (7 shares no factor with the task counts used here, so those pairs
// fall on every owner): owners hold pending SC as well as awarded.
func (p Past) SCRows() []ledger.SCTx {
	now := p.Now.UTC().Truncate(time.Second)
	_, _, _, _, tasks := p.Tables()
	out := make([]ledger.SCTx, p.SC)
	for k := range out {
		pair := k / 2
		i, round := pair%p.Tasks, pair/p.Tasks
		t := tasks[i]
		who, share, amount := t.Attacker, ledger.Attacker, t.BudgetSC-t.BudgetSC/10
		if round%2 == 1 && t.Defender != "" {
			who, share, amount = t.Defender, ledger.Defender, t.BudgetSC/10
		}
		row := ledger.SCTx{
			ID: fmt.Sprintf("sc_%d", k+1), Time: spread(k, p.SC, newestJournalRows, now), Alias: who, Task: t.ID,
			Kind: ledger.SCPending, Amount: amount, Share: share, EventID: fmt.Sprintf("$sc%08d:%s", k, ServerName),
		}
		if k%2 == 1 && pair%7 != 6 {
			row.Kind, row.Ref = ledger.SCAwarded, fmt.Sprintf("sc_%d", k) // settles the row before it
		}
		out[k] = row
	}
	return out
}

// SKRows returns the past's SK transactions: awards of 1 to 10 SK, row k
// to owner k mod Owners, given by the next owner.
func (p Past) SKRows() []ledger.SKTx {
	now := p.Now.UTC().Truncate(time.Second)
	categories := []string{"code_review", "mentoring", "documentation", "community_help"}
	out := make([]ledger.SKTx, p.SK)
	for k := range out {
		out[k] = ledger.SKTx{
			ID: fmt.Sprintf("sk_%d", k+1), Time: spread(k, p.SK, newestJournalRows, now), Alias: Alias(k % p.Owners),
			Category: categories[k%len(categories)], Amount: 1 + k%10, By: Alias((k + 1) % p.Owners),
			EventID: fmt.Sprintf("$sk%08d:%s", k, ServerName),
		}
	}
	return out
}

// Changes returns the whole past as files to create in an empty
// repository: the community's index shards, the sessions' index shards, the
// SC and SK journals in monthly shards, and the audit trail.
func (p Past) Changes() []ledger.Change {
	out := p.Community.Changes()
	out = append(out, ledger.IndexChanges(ledger.SessionsIndex, p.SessionRows(), ledger.DefaultShardRows)...)
	out = append(out, journalShards(ledger.SCDir, p.SCRows(), func(t ledger.SCTx) time.Time { return t.Time })...)
	out = append(out, journalShards(ledger.SKDir, p.SKRows(), func(t ledger.SKTx) time.Time { return t.Time })...)
	return append(out, EventShards(p.Events, pastNewestEvents, ledger.DefaultShardRows, p.Now)...)
}

// spread dates row k of n, oldest first: the newest rows (at most newest)
// in the current month up to now, the others evenly over the
// pastMonths-1 months before it.
func spread(k, n, newest int, now time.Time) time.Time {
	monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	newest = min(newest, n)
	older := n - newest
	if k >= older {
		step := now.Sub(monthStart) / time.Duration(newest+1)
		return monthStart.Add(time.Duration(k-older+1) * step).Truncate(time.Second)
	}
	from := monthStart.AddDate(0, -(pastMonths - 1), 0)
	step := monthStart.Sub(from) / time.Duration(older)
	return from.Add(time.Duration(k) * step).Truncate(time.Second)
}

// journalShards lays rows (oldest first) out as a journal's shards, as the
// ledger names them: <dir>/YYYY-MM-NNN.csv, a new one each month and
// whenever one holds DefaultShardRows rows.
func journalShards[R any](dir string, rows []R, at func(R) time.Time) []ledger.Change {
	var (
		out   []ledger.Change
		month string
		n     int
	)
	for start := 0; start < len(rows); {
		m := at(rows[start]).UTC().Format("2006-01")
		if m != month {
			month, n = m, 0
		}
		end := start
		for end < len(rows) && end-start < ledger.DefaultShardRows && at(rows[end]).UTC().Format("2006-01") == month {
			end++
		}
		n++
		out = append(out, ledger.Change{Op: ledger.OpCreate, Path: fmt.Sprintf("%s/%s-%03d.csv", dir, month, n), Content: ledger.EncodeCSV(rows[start:end])})
		start = end
	}
	return out
}
