package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
)

// csvRecord is one row of a CSV file and the line it starts on.
type csvRecord struct {
	line   int
	fields []string
}

// readCSV splits a CSV file (RFC 4180) into records. It exists because
// encoding/csv turns "\r\n" inside a quoted value into "\n": the ledger must
// give back exactly the bytes it was given. Lines that start with '#' are
// comments; line ends outside quotes may be "\n" or "\r\n".
//
// Values repeat down a column (a team, a state, an owner's alias): in
// shareValues mode an unquoted value seen lately in its column is
// allocated once and shared by the rows that hold it (see sharer). A
// loaded ledger is then smaller, and, above all, its long-lived strings are
// not scattered one by one among the load's garbage, which kept about 20 MB
// of the bench's large ledger's heap spans from being given back. In
// sliceValues mode, for rows that do not outlive the load, every unquoted
// value is a slice of one copy of the file, and reading one allocates
// nothing.
func readCSV(data []byte, mode valueMode) ([]csvRecord, error) {
	var (
		records []csvRecord
		line    = 1
		i       = 0
		values  fieldSource
		fields  []string // every record's values, one after another
	)
	switch mode {
	case shareValues:
		values.seen = sharers.Get().(*sharer)
		defer func() {
			clear(values.seen.slots[:]) // it must not keep this file's values alive
			sharers.Put(values.seen)
		}()
	case sliceValues:
		values.whole = string(data)
	}
	for i < len(data) {
		if data[i] == '#' { // a comment runs to the end of its line
			end := bytes.IndexByte(data[i:], '\n')
			if end < 0 {
				break
			}
			i += end + 1
			line++
			continue
		}
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		if data[i] == '\n' { // a blank line
			i++
			line++
			continue
		}
		rec := csvRecord{line: line}
		first := len(fields)
		for {
			field, next, lines, err := values.read(data, i, len(fields)-first)
			if err != nil {
				return nil, &ParseError{Line: line, Err: err}
			}
			fields = append(fields, field)
			line += lines
			i = next
			if i >= len(data) {
				break
			}
			if data[i] == ',' {
				i++
				continue
			}
			if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			if data[i] == '\n' {
				i++
				line++
				break
			}
			return nil, &ParseError{Line: line, Err: fmt.Errorf("unexpected %q after a value", data[i])}
		}
		// Capped, so that a later append to fields never writes into a
		// record already taken.
		rec.fields = fields[first:len(fields):len(fields)]
		records = append(records, rec)
	}
	return records, nil
}

// fieldSource turns a value's bytes into a string: a slice of whole, the
// file as one string, when set; else a copy, shared through seen when set.
type fieldSource struct {
	whole string
	seen  *sharer
}

// read reads the value of column col starting at i and returns it, the
// index just after it, and how many line breaks it contained.
func (fs *fieldSource) read(data []byte, i, col int) (string, int, int, error) {
	if i >= len(data) || data[i] != '"' {
		end := i
		for end < len(data) && data[end] != ',' && data[end] != '\n' && !(data[end] == '\r' && end+1 < len(data) && data[end+1] == '\n') {
			if data[end] == '"' {
				return "", 0, 0, errors.New(`a bare " in an unquoted value`)
			}
			end++
		}
		switch {
		case fs.whole != "":
			return fs.whole[i:end], end, 0, nil
		case fs.seen != nil:
			return fs.seen.value(col, data[i:end]), end, 0, nil
		}
		return string(data[i:end]), end, 0, nil
	}
	var b []byte
	lines := 0
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '"':
			if j+1 < len(data) && data[j+1] == '"' {
				b = append(b, '"')
				j++
				continue
			}
			return string(b), j + 1, lines, nil
		case '\n':
			lines++
		}
		b = append(b, data[j])
	}
	return "", 0, 0, errors.New("a quoted value is not closed")
}

// sharerSlots is how many values a sharer remembers per column.
const sharerSlots = 256

// sharerColumns is how many columns a sharer remembers values of; the
// widest table has twelve.
const sharerColumns = 16

// sharer remembers, per column, the values last read, each in the slot
// its hash picks (a direct-mapped cache). Unlike a map of every value, it
// does not grow with the file: a column of IDs, each seen once, only
// overwrites its own slots, while a column of a few teams or states finds
// them every time.
type sharer struct {
	slots [sharerColumns][sharerSlots]string
}

var sharerSeed = maphash.MakeSeed()

// sharers reuses sharers: one is 64 KB, and a packed shard read for a
// command is a fraction of that.
var sharers = sync.Pool{New: func() any { return new(sharer) }}

// value returns b as a string, the one remembered when it is there.
func (s *sharer) value(col int, b []byte) string {
	if col >= sharerColumns || len(b) == 0 {
		return string(b)
	}
	slot := &s.slots[col][maphash.Bytes(sharerSeed, b)%sharerSlots]
	if *slot == string(b) { // the conversion does not allocate
		return *slot
	}
	*slot = string(b)
	return *slot
}

// loadValues says how a load makes the values of a file of rows of type
// R; kept says whether the load keeps the file's rows decoded (the last
// shard of a table or journal, and every shard of a table not packed).
//
// The rows of the audit trail, the SC and SK transactions and the work
// sessions that the load does not keep are let go once it has summed and
// packed them, so their values are slices of the file, which costs no
// allocation; what outlives the load (a table's keys, see newTable; an
// open session's owner and ID, see buildRefs; the running sums' aliases
// and open pending rows, see sumsEdit.own; a key index's clashes) is
// copied out. Rows read later from a packed shard are decoded with
// copies (DecodeCSV): a command may keep one, and a slice would keep the
// whole file alive with it. Every other file's values are copies, shared
// where they repeat.
func loadValues[R any](kept bool) valueMode {
	var r R
	switch any(r).(type) {
	case Event, Session, SCTx, SKTx:
		if !kept {
			return sliceValues
		}
	}
	return shareValues
}

// valueMode is how readCSV makes a value's string.
type valueMode int

const (
	shareValues valueMode = iota // a copy, shared with the rows that repeat it
	sliceValues                  // a slice of one copy of the whole file
)
