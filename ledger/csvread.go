package ledger

import (
	"bytes"
	"errors"
	"fmt"
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
// Values repeat down a column (a team, a state, an owner's alias): each
// distinct unquoted value of a file is allocated once and shared by the
// rows that hold it. A loaded ledger is then smaller, and, above all, its
// long-lived strings are not scattered one by one among the load's garbage,
// which kept about 20 MB of the bench's large ledger's heap spans from
// being given back.
func readCSV(data []byte, share bool) ([]csvRecord, error) {
	var (
		records []csvRecord
		line    = 1
		i       = 0
		seen    map[string]string
	)
	if share {
		seen = make(map[string]string, 1024)
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
		for {
			field, next, lines, err := readField(data, i, seen)
			if err != nil {
				return nil, &ParseError{Line: line, Err: err}
			}
			rec.fields = append(rec.fields, field)
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
		records = append(records, rec)
	}
	return records, nil
}

// readField reads one value starting at i and returns it, the index just
// after it, and how many line breaks it contained.
func readField(data []byte, i int, seen map[string]string) (string, int, int, error) {
	if i >= len(data) || data[i] != '"' {
		end := i
		for end < len(data) && data[end] != ',' && data[end] != '\n' && !(data[end] == '\r' && end+1 < len(data) && data[end+1] == '\n') {
			if data[end] == '"' {
				return "", 0, 0, errors.New(`a bare " in an unquoted value`)
			}
			end++
		}
		if seen == nil {
			return string(data[i:end]), end, 0, nil
		}
		if v, ok := seen[string(data[i:end])]; ok { // the conversion does not allocate
			return v, end, 0, nil
		}
		v := string(data[i:end])
		seen[v] = v
		return v, end, 0, nil
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

// sharesValues reports whether rows of type R are worth sharing values
// between: not the audit trail's nor the work sessions', whose rows are
// let go once a load has packed them (only their keys, or hashes, stay),
// so that looking their values up would only cost the load time.
func sharesValues[R any]() bool {
	var r R
	switch any(r).(type) {
	case Event, Session:
		return false
	}
	return true
}
