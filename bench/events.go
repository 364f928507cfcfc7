package bench

import (
	"fmt"
	"time"

	"smartup0.org/engelbot/ledger"
)

// EventShards returns n audit rows with an unbroken hash chain (seq from 1),
// laid out as master-events shards of the month of now, ready to be created
// through a Store. The newest shard holds newest rows (or n, if fewer),
// every shard before it shardRows, and the oldest the remainder: so a write
// that follows appends to a shard of a chosen size whatever n is.
func EventShards(n, newest, shardRows int, now time.Time) []ledger.Change {
	now = now.UTC().Truncate(time.Second)
	monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	step := time.Duration(0)
	if n > 0 {
		step = now.Sub(monthStart) / time.Duration(n)
	}
	newest = min(newest, n)
	rest := n - newest
	var sizes []int
	if first := rest % shardRows; first > 0 {
		sizes = append(sizes, first)
	}
	for range rest / shardRows {
		sizes = append(sizes, shardRows)
	}
	if newest > 0 {
		sizes = append(sizes, newest)
	}

	var changes []ledger.Change
	seq, prev := int64(0), ""
	for k, size := range sizes {
		rows := make([]ledger.Event, size)
		for i := range rows {
			seq++
			task := TaskID(int(seq) % 1000)
			sid := task + "_ws1"
			e := ledger.Event{
				Seq: seq, Time: monthStart.Add(time.Duration(seq-1) * step).Truncate(time.Second),
				EventID: fmt.Sprintf("$seed%08d:%s", seq, ServerName), Actor: Alias(int(seq) % 997),
				Command: "!start_work " + task, Action: "work_session.start", Target: sid,
				Files:    ledger.SessionPagesDir + "/" + sid + ".md;" + ledger.TasksIndex + ";" + ledger.SessionsIndex,
				Result:   fmt.Sprintf("Work session started on `%s` (Generated task) as attacker at 10:00 UTC. `!stop_work <summary>` when you are done.", task),
				PrevHash: prev,
			}
			e.Hash = ledger.ChainHash(e)
			prev = e.Hash
			rows[i] = e
		}
		path := fmt.Sprintf("%s/%s-%03d.csv", ledger.EventsDir, now.Format("2006-01"), k+1)
		changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: path, Content: ledger.EncodeCSV(rows)})
	}
	return changes
}
