package bench

import (
	"fmt"
	"io"
	"time"
)

// Options size a run. FullOptions is what `make bench` measures; a test
// uses TinyOptions.
type Options struct {
	// Samples is how many !start_work + !stop_work pairs section 1 times,
	// each command beside a bare commit of its own.
	Samples int
	// QueryOwners and QueryTasks size the large ledger of sections 2 and 5.
	QueryOwners, QueryTasks int
	// QuerySamples is how many times each query is timed.
	QuerySamples int
	// Burst is how many owners send a write command at the same moment.
	Burst int
	// OneSender is how many write commands one owner sends in quick
	// succession (section 3).
	OneSender int
	// OriginalDeadline is a safety cap on the original system's pattern in
	// the burst: set to let it finish, so that its time is measured; when
	// it is hit, the report says so and its time is a lower bound.
	OriginalDeadline time.Duration
	// HistorySmall and HistoryLarge are the master-events rows already in
	// the ledger in section 4; HistorySamples the pairs timed at each size.
	HistorySmall, HistoryLarge, HistorySamples int
	// LargeWrites is how many writes section 4 times on the large ledger,
	// for comparison (section 7 measures what they upload).
	LargeWrites int
	// FlatLarge and FlatSmall are section 7's two ledgers, of one shape at
	// sizes 100× apart (Now is set by the run); FlatSamples the write pairs
	// timed on each, FlatQuerySamples the times each query is timed on
	// each, and FlatBurst the owners of the burst on the large one.
	FlatLarge, FlatSmall                     Past
	FlatSamples, FlatQuerySamples, FlatBurst int
	// Progress receives a line as each step starts; nil for none.
	Progress io.Writer
}

// FullOptions are the sizes of the project's targets.
func FullOptions() Options {
	return Options{
		Samples:          10,
		QueryOwners:      10000,
		QueryTasks:       100000,
		QuerySamples:     2000,
		Burst:            50,
		OneSender:        30,
		OriginalDeadline: 600 * time.Second,
		HistorySmall:     1000,
		HistoryLarge:     100000,
		HistorySamples:   6,
		LargeWrites:      3,
		FlatLarge:        pastAt(1),
		FlatSmall:        pastAt(100),
		FlatSamples:      10,
		FlatQuerySamples: 2000,
		FlatBurst:        50,
	}
}

// TinyOptions run every section in seconds, to prove the machinery works.
func TinyOptions() Options {
	return Options{
		Samples:          1,
		QueryOwners:      40,
		QueryTasks:       200,
		QuerySamples:     20,
		Burst:            3,
		OneSender:        5,
		OriginalDeadline: 60 * time.Second,
		HistorySmall:     10,
		HistoryLarge:     1100,
		HistorySamples:   1,
		LargeWrites:      1,
		FlatLarge:        pastAt(500),
		FlatSmall:        pastAt(2500),
		FlatSamples:      2,
		FlatQuerySamples: 20,
		FlatBurst:        3,
	}
}

// pastAt is section 7's large ledger divided by div: at 1, 10,000 owners,
// 100,000 tasks, 200,000 work sessions, 400,000 SC and 100,000 SK
// transactions, and an audit trail of 100,000 rows.
func pastAt(div int) Past {
	return Past{
		Community: Community{Owners: 10000 / div, Tasks: 100000 / div, Mixed: true},
		Sessions:  200000 / div, SC: 400000 / div, SK: 100000 / div, Events: 100000 / div,
	}
}

func (o Options) check() error {
	switch {
	case o.Samples < 1, o.QuerySamples < 1, o.Burst < 1, o.OneSender < 1, o.HistorySamples < 1, o.LargeWrites < 1,
		o.FlatSamples < 1, o.FlatQuerySamples < 1, o.FlatBurst < 1:
		return fmt.Errorf("bench: every sample count must be at least 1")
	case o.QueryOwners < 2 || o.QueryTasks < o.QueryOwners:
		return fmt.Errorf("bench: the query ledger needs at least 2 owners and a task per owner")
	case o.HistorySmall < 1 || o.HistoryLarge < o.HistorySmall:
		return fmt.Errorf("bench: history sizes must be positive and in order")
	case len(workers(o.FlatSmall.Community, o.FlatSamples)) < o.FlatSamples || len(workers(o.FlatLarge.Community, o.FlatSamples+o.FlatBurst)) < o.FlatSamples+o.FlatBurst:
		return fmt.Errorf("bench: section 7's ledgers need a worker for each write pair and each owner of the burst")
	case o.OriginalDeadline <= 0:
		return fmt.Errorf("bench: the original pattern needs a deadline")
	}
	return nil
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "bench %s: "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}
