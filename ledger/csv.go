package ledger

import (
	"bytes"
	"encoding"
	"encoding/csv"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A row type is a struct whose exported fields carry a `csv:"column"` tag,
// in the order the columns appear in the file. Supported field types are
// string, int, int64, bool, time.Time (RFC 3339, UTC; empty for zero), and
// any other type that reads and writes itself as text (Euro).

// ParseError says exactly where a CSV file is wrong.
type ParseError struct {
	File   string
	Line   int
	Column string
	Err    error
}

func (e *ParseError) Error() string {
	where := e.File
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}
	if e.Column != "" {
		where += " column " + e.Column
	}
	return where + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

type rowCodec struct {
	columns []string
	fields  []int
	kinds   []reflect.Type
}

var codecs sync.Map // reflect.Type → *rowCodec; types never change at run time

var (
	timeType            = reflect.TypeOf(time.Time{})
	textMarshalerType   = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
	textUnmarshalerType = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// selfText reports whether a column type reads and writes itself as text.
// Such a value is never formula-escaped: its type decides its form.
func selfText(t reflect.Type) bool {
	return t != timeType && t.Implements(textMarshalerType) && reflect.PointerTo(t).Implements(textUnmarshalerType)
}

func codecFor(t reflect.Type) *rowCodec {
	if c, ok := codecs.Load(t); ok {
		return c.(*rowCodec)
	}
	c := &rowCodec{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, ok := f.Tag.Lookup("csv")
		if !ok || !f.IsExported() {
			continue
		}
		c.columns = append(c.columns, name)
		c.fields = append(c.fields, i)
		c.kinds = append(c.kinds, f.Type)
	}
	codecs.Store(t, c)
	return c
}

// Columns returns the header of the CSV file that holds rows of type R.
func Columns[R any]() []string {
	return append([]string(nil), codecFor(reflect.TypeOf((*R)(nil)).Elem()).columns...)
}

// DecodeCSV reads a whole CSV file strictly: the header must be exactly the
// columns of R, every row must have one value per column and every value must
// parse. Lines starting with '#' are comments. The error names file, line and
// column.
func DecodeCSV[R any](file string, data []byte) ([]R, error) {
	return decodeCSV[R](file, data, shareValues)
}

// decodeCSV is DecodeCSV, its values made as mode says (see readCSV).
func decodeCSV[R any](file string, data []byte, mode valueMode) ([]R, error) {
	c := codecFor(reflect.TypeOf((*R)(nil)).Elem())
	records, err := readCSV(data, mode)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.File = file
		}
		return nil, err
	}
	if len(records) == 0 {
		return nil, &ParseError{File: file, Line: 1, Err: errors.New("empty file: the header row is missing")}
	}
	if err := checkHeader(file, records[0].fields, c.columns); err != nil {
		return nil, err
	}
	rows := make([]R, 0, len(records)-1)
	for _, rec := range records[1:] {
		if len(rec.fields) != len(c.columns) {
			return nil, &ParseError{File: file, Line: rec.line, Err: fmt.Errorf("%d values, want %d (%s)", len(rec.fields), len(c.columns), strings.Join(c.columns, ","))}
		}
		var row R
		v := reflect.ValueOf(&row).Elem()
		for i, raw := range rec.fields {
			if err := setField(v.Field(c.fields[i]), c.kinds[i], raw); err != nil {
				return nil, &ParseError{File: file, Line: rec.line, Column: c.columns[i], Err: err}
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func checkHeader(file string, got, want []string) error {
	for i, col := range want {
		if i >= len(got) {
			return &ParseError{File: file, Line: 1, Column: col, Err: errors.New("column missing from the header")}
		}
		if got[i] != col {
			return &ParseError{File: file, Line: 1, Column: got[i], Err: fmt.Errorf("unexpected column, want %q here", col)}
		}
	}
	if len(got) > len(want) {
		return &ParseError{File: file, Line: 1, Column: got[len(want)], Err: errors.New("unknown column")}
	}
	return nil
}

// EncodeCSV writes the header and rows. Text that a spreadsheet would run as
// a formula is neutralised (see escapeFormula), and DecodeCSV undoes it, so
// any text round-trips byte for byte. It panics on a value it cannot write
// so that DecodeCSV reads it back (a time outside the years 0000–9999): it
// is for rows whose values the caller made, such as generated data. The
// ledger's writer checks every row of a mutation first and fails that one
// mutation instead.
func EncodeCSV[R any](rows []R) []byte { return must(encodeCSV(rows)) }

// AppendCSV returns data with rows appended, writing the header first when
// data is empty. Append-only files grow this way without re-encoding
// history. It panics where EncodeCSV does.
func AppendCSV[R any](data []byte, rows ...R) []byte { return must(appendCSV(data, rows...)) }

func must(data []byte, err error) []byte {
	if err != nil {
		panic("ledger: " + err.Error())
	}
	return data
}

// encodeCSV is EncodeCSV, with an error for a value it cannot write.
func encodeCSV[R any](rows []R) ([]byte, error) {
	c := codecFor(reflect.TypeOf((*R)(nil)).Elem())
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(c.columns) // a bytes.Buffer does not fail
	rec := make([]string, len(c.columns))
	for _, row := range rows {
		if err := c.format(reflect.ValueOf(row), rec); err != nil {
			return nil, err
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.Bytes(), nil
}

// appendCSV is AppendCSV, with an error for a value it cannot write.
func appendCSV[R any](data []byte, rows ...R) ([]byte, error) {
	enc, err := encodeCSV(rows)
	if err != nil || len(data) == 0 {
		return enc, err
	}
	header := bytes.IndexByte(enc, '\n')
	out := make([]byte, 0, len(data)+len(enc)-header)
	out = append(out, data...)
	if out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, enc[header+1:]...), nil
}

// checkRow reports a value of row that cannot be written so that it reads
// back, naming its column. Strings, numbers and booleans always can.
func checkRow[R any](row R) error {
	c := codecFor(reflect.TypeOf((*R)(nil)).Elem())
	return c.format(reflect.ValueOf(row), make([]string, len(c.columns)))
}

// format writes the values of row v into rec, one per column.
func (c *rowCodec) format(v reflect.Value, rec []string) error {
	for i := range c.columns {
		s, err := formatField(v.Field(c.fields[i]), c.kinds[i])
		if err != nil {
			return fmt.Errorf("column %s: %w", c.columns[i], err)
		}
		rec[i] = s
	}
	return nil
}

// escapeFormula makes text starting with =, +, -, @, tab or CR inert in a
// spreadsheet by putting an apostrophe in front of it, the convention
// spreadsheets themselves use for "this is text". Text starting with # gets
// one too, so that it cannot pass for a comment line, and so does text that
// already starts with an apostrophe, so that unescaping is unambiguous.
func escapeFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'', '#':
		return "'" + s
	}
	return s
}

func unescapeFormula(s string) string {
	if strings.HasPrefix(s, "'") {
		return s[1:]
	}
	return s
}

func setField(f reflect.Value, t reflect.Type, raw string) error {
	switch {
	case t == timeType:
		// Through a pointer: f.Set(reflect.ValueOf(ts)) would allocate a
		// copy of every time a load reads.
		if raw == "" {
			*f.Addr().Interface().(*time.Time) = time.Time{}
			return nil
		}
		ts, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return fmt.Errorf("%q is not an RFC 3339 time", raw)
		}
		*f.Addr().Interface().(*time.Time) = ts.UTC()
	case selfText(t):
		return f.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(raw))
	case t.Kind() == reflect.String:
		f.SetString(unescapeFormula(raw))
	case t.Kind() == reflect.Int, t.Kind() == reflect.Int64:
		if raw == "" {
			f.SetInt(0)
			return nil
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", raw)
		}
		f.SetInt(n)
	case t.Kind() == reflect.Bool:
		switch raw {
		case "true":
			f.SetBool(true)
		case "false", "":
			f.SetBool(false)
		default:
			return fmt.Errorf("%q is not true or false", raw)
		}
	default:
		return fmt.Errorf("unsupported field type %s", t)
	}
	return nil
}

func formatField(f reflect.Value, t reflect.Type) (string, error) {
	switch {
	case t == timeType:
		ts := f.Interface().(time.Time)
		if ts.IsZero() {
			return "", nil
		}
		// RFC 3339 has four digits for the year: Go writes a fifth, or a
		// minus sign, that no reader (this package's included) accepts.
		if y := ts.UTC().Year(); y < 0 || y > 9999 {
			return "", fmt.Errorf("time %s is outside the years 0000–9999 an RFC 3339 time can hold", ts.UTC().Format(time.RFC3339))
		}
		return ts.UTC().Format(time.RFC3339), nil
	case selfText(t):
		b, err := f.Interface().(encoding.TextMarshaler).MarshalText()
		return string(b), err
	case t.Kind() == reflect.String:
		return escapeFormula(f.String()), nil
	case t.Kind() == reflect.Int, t.Kind() == reflect.Int64:
		return strconv.FormatInt(f.Int(), 10), nil
	case t.Kind() == reflect.Bool:
		return strconv.FormatBool(f.Bool()), nil
	}
	return "", fmt.Errorf("unsupported field type %s", t)
}
