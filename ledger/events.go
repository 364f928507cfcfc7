package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ShardRows is how many rows a master-events file holds before the next
// one starts. Bounded files keep a write's cost independent of history: an
// append re-uploads at most one shard, never the whole trail.
const ShardRows = 1000

// shard is one master-events file: master-events/YYYY-MM-NNN.csv.
type shard struct {
	path   string
	sha    string
	data   []byte // kept only for the last shard, the one that grows
	events []Event
	byID   map[string]int
}

// eventLog is the audit trail in memory: every shard parsed, indexed by the
// Matrix event ID for the exactly-once check.
type eventLog struct {
	shards []*shard // in path order, which is chronological
}

// shardPath names the shard for a month and a counter.
func shardPath(t time.Time, n int) string {
	return fmt.Sprintf("%s/%s-%03d.csv", EventsDir, t.UTC().Format("2006-01"), n)
}

func isShard(p string) bool {
	return path.Dir(p) == EventsDir && strings.HasSuffix(p, ".csv")
}

func parseShard(p, sha string, data []byte, keepData bool) (*shard, error) {
	events, err := DecodeCSV[Event](p, data)
	if err != nil {
		return nil, err
	}
	s := &shard{path: p, sha: sha, events: events, byID: make(map[string]int, len(events))}
	for i, e := range events {
		if e.EventID != "" {
			s.byID[e.EventID] = i
		}
	}
	if keepData {
		s.data = data
	}
	return s, nil
}

func sortShards(shards []*shard) {
	sort.Slice(shards, func(i, j int) bool { return shards[i].path < shards[j].path })
}

// find returns the audit row of an applied event.
func (l *eventLog) find(eventID string) (Event, bool) {
	// Newest first: a redelivery is almost always of something recent.
	for i := len(l.shards) - 1; i >= 0; i-- {
		s := l.shards[i]
		if j, ok := s.byID[eventID]; ok {
			return s.events[j], true
		}
	}
	return Event{}, false
}

func (l *eventLog) last() (Event, bool) {
	for i := len(l.shards) - 1; i >= 0; i-- {
		if n := len(l.shards[i].events); n > 0 {
			return l.shards[i].events[n-1], true
		}
	}
	return Event{}, false
}

// count is the number of audit rows in the whole trail.
func (l *eventLog) count() int {
	n := 0
	for _, s := range l.shards {
		n += len(s.events)
	}
	return n
}

// appendTarget says which shard new rows at time t go to, and whether it
// must be created.
func (l *eventLog) appendTarget(t time.Time) (p string, create bool) {
	if len(l.shards) == 0 {
		return shardPath(t, 1), true
	}
	lastShard := l.shards[len(l.shards)-1]
	month := t.UTC().Format("2006-01")
	base := path.Base(lastShard.path)
	if strings.HasPrefix(base, month+"-") && len(lastShard.events) < ShardRows {
		return lastShard.path, false
	}
	n := 1
	if strings.HasPrefix(base, month+"-") {
		cur, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(base, month+"-"), ".csv"))
		n = cur + 1
	}
	return shardPath(t, n), true
}

// ChainHash is the hash of an audit row: SHA-256 over the previous row's hash
// and every other column of this row, so neither can change unnoticed.
func ChainHash(e Event) string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), e.Time.UTC().Format(time.RFC3339), e.EventID,
		e.Actor, e.Command, e.Action, e.Target, e.Files, e.Result,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}
