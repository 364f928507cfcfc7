package identity_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/identity"
	"smartup0.org/engelbot/ledger/localgit"
)

func openStore(t *testing.T) *localgit.Store {
	t.Helper()
	st, err := localgit.Open(filepath.Join(t.TempDir(), "identity.git"), "main")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func head(t *testing.T, st ledger.Store) string {
	t.Helper()
	h, err := st.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var at = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func entry(n int) identity.Entry {
	return identity.Entry{
		MatrixID: fmt.Sprintf("@user%d:s.test", n), Alias: fmt.Sprintf("user%d", n),
		RealName: fmt.Sprintf("Person Number%d", n), Email: fmt.Sprintf("p%d@example.org", n),
		RecordedAt: at, RecordedBy: "bob", EventID: fmt.Sprintf("$ev%d", n),
	}
}

// The file in the store, read with the ledger's strict codec: what another
// tool (or a person with the repository) would see.
func fileRows(t *testing.T, st ledger.Store) []identity.Entry {
	t.Helper()
	f, err := st.ReadFile(t.Context(), identity.File)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ledger.DecodeCSV[identity.Entry](identity.File, f.Content)
	if err != nil {
		t.Fatalf("the mapping does not parse: %v", err)
	}
	return rows
}

func TestRecordAndLookup(t *testing.T) {
	st := openStore(t)
	b := identity.New(st)
	if _, ok, err := b.Lookup(t.Context(), "@user1:s.test"); err != nil || ok {
		t.Fatalf("lookup in an empty mapping: ok=%v err=%v", ok, err)
	}
	for n := 1; n <= 2; n++ {
		if err := b.Record(t.Context(), entry(n)); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := b.Lookup(t.Context(), "@user2:s.test")
	if err != nil || !ok || got != entry(2) {
		t.Fatalf("lookup: %+v ok=%v err=%v, want %+v", got, ok, err, entry(2))
	}
	if rows := fileRows(t, st); len(rows) != 2 || rows[0] != entry(1) || rows[1] != entry(2) {
		t.Fatalf("file rows %+v", rows)
	}
	if _, ok, _ := b.Lookup(t.Context(), "@user3:s.test"); ok {
		t.Fatal("found a Matrix ID nobody recorded")
	}
}

// One row per Matrix ID: a new event replaces the row in place.
func TestRecordReplacesByMatrixID(t *testing.T) {
	st := openStore(t)
	b := identity.New(st)
	for n := 1; n <= 3; n++ {
		if err := b.Record(t.Context(), entry(n)); err != nil {
			t.Fatal(err)
		}
	}
	changed := entry(2)
	changed.RealName, changed.Email, changed.EventID = "Another Name", "", "$later"
	if err := b.Record(t.Context(), changed); err != nil {
		t.Fatal(err)
	}
	rows := fileRows(t, st)
	if len(rows) != 3 || rows[0] != entry(1) || rows[1] != changed || rows[2] != entry(3) {
		t.Fatalf("after the update: %+v", rows)
	}
}

// The same command delivered again records nothing, even if it would now
// say something else: the event is the exactly-once key.
func TestSameEventWritesNothing(t *testing.T) {
	st := openStore(t)
	b := identity.New(st)
	if err := b.Record(t.Context(), entry(1)); err != nil {
		t.Fatal(err)
	}
	before := head(t, st)
	again := entry(1)
	again.RecordedAt = at.Add(time.Hour)
	if err := b.Record(t.Context(), again); err != nil {
		t.Fatal(err)
	}
	if head(t, st) != before {
		t.Fatal("recording the same event again made a commit")
	}
	if rows := fileRows(t, st); len(rows) != 1 || rows[0] != entry(1) {
		t.Fatalf("rows %+v", rows)
	}
}

// Text that would break a naive CSV writer or run in a spreadsheet is
// stored escaped and read back exactly.
func TestAwkwardTextRoundTrips(t *testing.T) {
	st := openStore(t)
	b := identity.New(st)
	cases := []identity.Entry{
		{RealName: `Smith, "Jo" Anne`, Email: "jo,anne@example.org"},
		{RealName: "two\nlines\r\nhere", Email: "=HYPERLINK(\"http://x\")"},
		{RealName: "=SUM(A1:A9)", Email: "+31 6 1234"},
		{RealName: "-minus", Email: "@at"},
		{RealName: "'quoted already", Email: "#not a comment"},
		{RealName: "Ünïcødé 名前", Email: ""},
	}
	for i := range cases {
		cases[i].MatrixID = fmt.Sprintf("@odd%d:s.test", i)
		cases[i].Alias, cases[i].EventID, cases[i].RecordedAt, cases[i].RecordedBy = fmt.Sprintf("odd%d", i), fmt.Sprintf("$odd%d", i), at, "bob"
		if err := b.Record(t.Context(), cases[i]); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range cases {
		got, ok, err := b.Lookup(t.Context(), want.MatrixID)
		if err != nil || !ok || got != want {
			t.Errorf("round trip of %q / %q: got %+v (ok=%v err=%v)", want.RealName, want.Email, got, ok, err)
		}
	}
	f, err := st.ReadFile(t.Context(), identity.File)
	if err != nil {
		t.Fatal(err)
	}
	// A formula never starts a cell in the file itself.
	for _, bad := range []string{",=SUM", ",=HYPERLINK", ",+31", ",-minus", ",@at"} {
		if bytes.Contains(f.Content, []byte(bad)) {
			t.Errorf("the file has an unescaped cell starting %q:\n%s", bad[1:], f.Content)
		}
	}
	if rows := fileRows(t, st); len(rows) != len(cases) {
		t.Fatalf("%d rows, want %d", len(rows), len(cases))
	}
}

func TestRecordRefusesEntriesWithoutKey(t *testing.T) {
	st := openStore(t)
	b := identity.New(st)
	before := head(t, st)
	for _, e := range []identity.Entry{
		{Alias: "a", EventID: "$1"},
		{MatrixID: "frank", Alias: "a", EventID: "$1"},
		{MatrixID: "@frank:s.test", EventID: "$1"},
		{MatrixID: "@frank:s.test", Alias: "frank"},
	} {
		if err := b.Record(t.Context(), e); err == nil {
			t.Errorf("recorded %+v", e)
		}
	}
	if head(t, st) != before {
		t.Fatal("a refused entry was written")
	}
}

// raceStore lets another writer commit between a Book's read and its
// commit, the moment a conflict can happen.
type raceStore struct {
	ledger.Store
	mu      sync.Mutex
	between func() // run once, after the next read of the mapping
	commits int    // commits tried through this store
}

func (s *raceStore) ReadFile(ctx context.Context, path string) (ledger.File, error) {
	f, err := s.Store.ReadFile(ctx, path)
	s.mu.Lock()
	fn := s.between
	s.between = nil
	s.mu.Unlock()
	if fn != nil {
		fn()
	}
	return f, err
}

func (s *raceStore) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	s.mu.Lock()
	s.commits++
	s.mu.Unlock()
	return s.Store.Commit(ctx, c)
}

// Two Books on one store: the second commits between the first's read and
// its commit. The first's stale update is refused by the store, and the
// Book reads again and records on top: both rows are there.
func TestConflictIsRetriedOnFreshData(t *testing.T) {
	st := openStore(t)
	if err := identity.New(st).Record(t.Context(), entry(1)); err != nil {
		t.Fatal(err)
	}
	other := identity.New(st)
	racer := &raceStore{Store: st, between: func() {
		if err := other.Record(t.Context(), entry(2)); err != nil {
			t.Errorf("the other Book: %v", err)
		}
	}}
	if err := identity.New(racer).Record(t.Context(), entry(3)); err != nil {
		t.Fatal(err)
	}
	if racer.commits != 2 {
		t.Errorf("%d commits tried, want 2 (one conflict, one retry)", racer.commits)
	}
	rows := fileRows(t, st)
	if len(rows) != 3 || rows[0] != entry(1) || rows[1] != entry(2) || rows[2] != entry(3) {
		t.Fatalf("rows after the race: %+v", rows)
	}
}

// A store that conflicts every time: Record gives up after a few tries,
// says so with ErrConflict, and writes nothing.
func TestEndlessConflictGivesUp(t *testing.T) {
	st := openStore(t)
	if err := identity.New(st).Record(t.Context(), entry(1)); err != nil {
		t.Fatal(err)
	}
	other := identity.New(st)
	n := 100
	racer := &raceStore{Store: st}
	var rearm func()
	rearm = func() {
		n++
		if err := other.Record(t.Context(), entry(n)); err != nil {
			t.Errorf("the other Book: %v", err)
		}
		racer.between = rearm
	}
	racer.between = rearm
	err := identity.New(racer).Record(t.Context(), entry(2))
	if !errors.Is(err, ledger.ErrConflict) {
		t.Fatalf("Record = %v, want an ErrConflict", err)
	}
	if _, ok, _ := identity.New(st).Lookup(t.Context(), entry(2).MatrixID); ok {
		t.Fatal("the entry was written although Record failed")
	}
}

// Books writing at once — a few admins onboarding in the same moment —
// lose nothing.
func TestConcurrentBooks(t *testing.T) {
	st := openStore(t)
	books := []*identity.Book{identity.New(st), identity.New(st)}
	var wg sync.WaitGroup
	const writers = 4
	errs := make(chan error, writers)
	for n := 1; n <= writers; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- books[n%2].Record(t.Context(), entry(n))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := fileRows(t, st)
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.MatrixID] = true
	}
	if len(rows) != writers || len(seen) != writers {
		t.Fatalf("%d rows (%d distinct) after %d concurrent records: %+v", len(rows), len(seen), writers, rows)
	}
}

// A mapping file that does not parse is reported by line and column, never
// with the value found there: it may be someone's name or address.
func TestParseErrorsQuoteNoValues(t *testing.T) {
	st := openStore(t)
	bad := "matrix_id,alias,real_name,email,recorded_at,recorded_by,event_id\n" +
		"@frank:s.test,frank,Frank Example,frank@example.org,frank@example.org,bob,$ev1\n"
	if _, err := st.Commit(t.Context(), ledger.Commit{Message: "hand-edited", Author: ledger.Signature{Name: "x", Email: "x@x"},
		Changes: []ledger.Change{{Op: ledger.OpCreate, Path: identity.File, Content: []byte(bad)}}}); err != nil {
		t.Fatal(err)
	}
	_, _, err := identity.New(st).Lookup(t.Context(), "@frank:s.test")
	if err == nil {
		t.Fatal("a malformed mapping was read without an error")
	}
	if msg := err.Error(); strings.Contains(msg, "frank@example.org") || strings.Contains(msg, "Frank Example") || !strings.Contains(msg, "line 2") {
		t.Fatalf("the error %q quotes a private value or does not say where", msg)
	}
}
