package state

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix/id"
)

// openDB opens the state file at path and closes it when the test ends (Close is idempotent,
// so tests that reopen may close it themselves first).
func openDB(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(t.Context(), path, zerolog.Nop())
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// reopen closes db and opens the same file again, as a restart would.
func reopen(t *testing.T, db *DB, path string) *DB {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return openDB(t, path)
}

func tempPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "state.db")
}

func schemaVersion(t *testing.T, db *DB) int {
	t.Helper()
	var version int
	if err := db.Database().QueryRow(t.Context(), "SELECT version FROM version").Scan(&version); err != nil {
		t.Fatalf("read schema version: %v", err)
	}
	return version
}

func TestOpenCreatesSchema(t *testing.T) {
	tests := []struct {
		name string
		path func(dir string) string
	}{
		{"plain path", func(dir string) string { return filepath.Join(dir, "state.db") }},
		{"missing directory", func(dir string) string { return filepath.Join(dir, "a", "b", "state.db") }},
		{"URI characters in path", func(dir string) string { return filepath.Join(dir, "odd ?#%20 dir", "state.db") }},
	}
	latest := len(upgradeTable())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t.TempDir())
			db := openDB(t, path)

			for _, table := range []string{"setting", "sync_store", "processed_event"} {
				exists, err := db.Database().TableExists(t.Context(), table)
				if err != nil || !exists {
					t.Errorf("table %s: exists=%v err=%v", table, exists, err)
				}
			}
			if v := schemaVersion(t, db); v != latest {
				t.Errorf("schema version after first open = %d, want %d", v, latest)
			}
			// The exact path must be the file SQLite wrote to: a mangled URI would
			// silently open a different file.
			info, err := os.Stat(path)
			if err != nil {
				t.Fatalf("stat %s: %v", path, err)
			}
			if info.Size() == 0 {
				t.Errorf("%s is empty: the database was written somewhere else", path)
			}
			if perm := info.Mode().Perm(); perm != 0o600 {
				t.Errorf("%s has mode %o, want 600 (it holds an access token)", path, perm)
			}

			if err := db.Set(t.Context(), "k", "v"); err != nil {
				t.Fatalf("Set: %v", err)
			}
			db = reopen(t, db, path)
			if v := schemaVersion(t, db); v != latest {
				t.Errorf("schema version after reopen = %d, want %d", v, latest)
			}
			if got, ok, err := db.Get(t.Context(), "k"); err != nil || !ok || got != "v" {
				t.Errorf("Get after reopen = %q, %v, %v; want \"v\", true, nil (the file must not be recreated)", got, ok, err)
			}
		})
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	if _, err := db.Database().Exec(t.Context(), "UPDATE version SET version=99, compat=99"); err != nil {
		t.Fatalf("set version: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	newer, err := Open(t.Context(), path, zerolog.Nop())
	if err == nil {
		_ = newer.Close()
		t.Fatal("Open accepted a database from a newer version of the bot")
	}
	if !errors.Is(err, dbutil.ErrUnsupportedDatabaseVersion) {
		t.Errorf("Open error = %v, want dbutil.ErrUnsupportedDatabaseVersion", err)
	}
}

func TestSettings(t *testing.T) {
	db := openDB(t, tempPath(t))
	ctx := t.Context()

	if got, ok, err := db.Get(ctx, KeyDeviceID); err != nil || ok || got != "" {
		t.Fatalf("Get on empty database = %q, %v, %v; want \"\", false, nil", got, ok, err)
	}
	for _, value := range []string{"DEVICE1", "DEVICE2"} {
		if err := db.Set(ctx, KeyDeviceID, value); err != nil {
			t.Fatalf("Set(%q): %v", value, err)
		}
	}
	if got, ok, err := db.Get(ctx, KeyDeviceID); err != nil || !ok || got != "DEVICE2" {
		t.Errorf("Get after two Sets = %q, %v, %v; want the later value", got, ok, err)
	}
	if got, ok, err := db.Get(ctx, KeyAccessToken); err != nil || ok {
		t.Errorf("Get of another key = %q, %v, %v; want nothing stored", got, ok, err)
	}
}

func TestSyncStoreRoundTrip(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	ctx := t.Context()
	alice, bob := id.UserID("@alice:smartup0.org"), id.UserID("@bob:smartup0.org")

	store := db.SyncStore()
	steps := []struct {
		name string
		err  error
	}{
		{"alice next batch s1", store.SaveNextBatch(ctx, alice, "s1")},
		{"alice filter f1", store.SaveFilterID(ctx, alice, "f1")},
		{"alice next batch s2", store.SaveNextBatch(ctx, alice, "s2")},
		{"bob next batch b1", store.SaveNextBatch(ctx, bob, "b1")},
	}
	for _, s := range steps {
		if s.err != nil {
			t.Fatalf("%s: %v", s.name, s.err)
		}
	}

	store = reopen(t, db, path).SyncStore()
	tests := []struct {
		name string
		load func() (string, error)
		want string
	}{
		{"alice next batch is the latest", func() (string, error) { return store.LoadNextBatch(ctx, alice) }, "s2"},
		{"alice filter survives a later next batch", func() (string, error) { return store.LoadFilterID(ctx, alice) }, "f1"},
		{"bob next batch", func() (string, error) { return store.LoadNextBatch(ctx, bob) }, "b1"},
		{"bob filter never saved", func() (string, error) { return store.LoadFilterID(ctx, bob) }, ""},
		{"unknown user", func() (string, error) { return store.LoadNextBatch(ctx, "@carol:smartup0.org") }, ""},
	}
	for _, tt := range tests {
		got, err := tt.load()
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestFirstStartKeepsFirstValue(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	first := time.UnixMilli(1_700_000_000_000)

	calls := []struct {
		name string
		db   func() *DB
		now  time.Time
	}{
		{"first call ever", func() *DB { return db }, first},
		{"later call", func() *DB { return db }, first.Add(time.Hour)},
		{"after a restart", func() *DB { db = reopen(t, db, path); return db }, first.Add(48 * time.Hour)},
	}
	for _, c := range calls {
		got, err := c.db().FirstStart(t.Context(), c.now)
		if err != nil {
			t.Fatalf("%s: FirstStart: %v", c.name, err)
		}
		if !got.Equal(first) {
			t.Errorf("%s: FirstStart(%v) = %v, want the first start %v", c.name, c.now, got, first)
		}
	}
}

func TestClaimIsFirstOnce(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	ctx := t.Context()
	evt := Event{ID: "$a", RoomID: "!r:smartup0.org", Sender: "@alice:smartup0.org", Body: "!wallet"}

	if first, err := db.Claim(ctx, evt); err != nil || !first {
		t.Fatalf("first Claim = %v, %v; want true", first, err)
	}
	if first, err := db.Claim(ctx, evt); err != nil || first {
		t.Errorf("second Claim = %v, %v; want false (a redelivery)", first, err)
	}
	db = reopen(t, db, path)
	if first, err := db.Claim(ctx, evt); err != nil || first {
		t.Errorf("Claim after restart = %v, %v; want false", first, err)
	}
	if first, err := db.Claim(ctx, Event{ID: "$b"}); err != nil || !first {
		t.Errorf("Claim of another event = %v, %v; want true", first, err)
	}
	if _, err := db.Claim(ctx, Event{Body: "!wallet"}); !errors.Is(err, ErrEmptyEventID) {
		t.Errorf("Claim without ID: err = %v, want ErrEmptyEventID", err)
	}
}

func TestClaimConcurrentHasOneWinner(t *testing.T) {
	db := openDB(t, tempPath(t))
	const callers = 20
	evt := Event{ID: "$race", RoomID: "!r:smartup0.org", Sender: "@alice:smartup0.org", Body: "!start_work 6_1_2_3"}

	start := make(chan struct{})
	results := make(chan error, callers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for range callers {
		wg.Go(func() {
			<-start
			first, err := db.Claim(t.Context(), evt)
			if first {
				mu.Lock()
				winners++
				mu.Unlock()
			}
			results <- err
		})
	}
	close(start)
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil {
			t.Errorf("Claim: %v", err)
		}
	}
	if winners != 1 {
		t.Errorf("%d of %d concurrent claims were first, want exactly 1", winners, callers)
	}
}

func TestUnfinishedSurvivesRestartUntilFinished(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	ctx := t.Context()
	base := time.UnixMilli(1_700_000_000_000)
	later := Event{ID: "$later", RoomID: "!r:smartup0.org", Sender: "@alice:smartup0.org",
		Body: "!stop_work done, \"quoted\"\nsecond line", Thread: "$root", Timestamp: base.Add(2 * time.Second)}
	earlier := Event{ID: "$earlier", RoomID: "!r:smartup0.org", Sender: "@bob:smartup0.org",
		Body: "!claim 6_1_2_3", Timestamp: base.Add(time.Second)}
	answered := Event{ID: "$answered", RoomID: "!r:smartup0.org", Sender: "@bob:smartup0.org",
		Body: "!wallet", Timestamp: base}

	// Claimed out of timestamp order, to show the result is ordered by age, not by claim.
	for _, evt := range []Event{later, earlier, answered} {
		if _, err := db.Claim(ctx, evt); err != nil {
			t.Fatalf("Claim %s: %v", evt.ID, err)
		}
	}
	if err := db.Finish(ctx, answered.ID, "$reply"); err != nil {
		t.Fatalf("Finish: %v", err)
	}

	db = reopen(t, db, path)
	got, err := db.Unfinished(ctx)
	if err != nil {
		t.Fatalf("Unfinished: %v", err)
	}
	assertEvents(t, "after restart", got, []Event{earlier, later})

	if err := db.Finish(ctx, earlier.ID, "$reply2"); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	got, err = db.Unfinished(ctx)
	if err != nil {
		t.Fatalf("Unfinished: %v", err)
	}
	assertEvents(t, "after finishing one", got, []Event{later})
}

func assertEvents(t *testing.T, when string, got, want []Event) {
	t.Helper()
	if !slices.EqualFunc(got, want, func(a, b Event) bool {
		return a.ID == b.ID && a.RoomID == b.RoomID && a.Sender == b.Sender && a.Body == b.Body &&
			a.Thread == b.Thread && a.Timestamp.Equal(b.Timestamp)
	}) {
		t.Errorf("Unfinished %s:\n got  %+v\n want %+v", when, got, want)
	}
}

func TestFinishErrors(t *testing.T) {
	db := openDB(t, tempPath(t))
	ctx := t.Context()
	if _, err := db.Claim(ctx, Event{ID: "$done"}); err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if err := db.Finish(ctx, "$done", "$reply"); err != nil {
		t.Fatalf("Finish: %v", err)
	}

	tests := []struct {
		name    string
		eventID string
		want    error
	}{
		{"never claimed", "$unknown", ErrNotClaimed},
		{"finished twice", "$done", ErrAlreadyFinished},
		{"no event ID", "", ErrEmptyEventID},
	}
	for _, tt := range tests {
		if err := db.Finish(ctx, tt.eventID, "$reply"); !errors.Is(err, tt.want) {
			t.Errorf("%s: Finish(%q) = %v, want %v", tt.name, tt.eventID, err, tt.want)
		}
	}
}

func TestForgetPrunesOnlyOldFinishedRows(t *testing.T) {
	db := openDB(t, tempPath(t))
	ctx := t.Context()
	t0 := time.UnixMilli(1_700_000_000_000)
	db.now = func() time.Time { return t0 }

	for _, evtID := range []string{"$old", "$new", "$pending"} {
		if _, err := db.Claim(ctx, Event{ID: evtID}); err != nil {
			t.Fatalf("Claim %s: %v", evtID, err)
		}
	}
	if err := db.Finish(ctx, "$old", "$r1"); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	db.now = func() time.Time { return t0.Add(2 * time.Hour) }
	if err := db.Finish(ctx, "$new", "$r2"); err != nil {
		t.Fatalf("Finish: %v", err)
	}

	n, err := db.Forget(ctx, t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("Forget: %v", err)
	}
	if n != 1 {
		t.Errorf("Forget removed %d rows, want 1 (only $old)", n)
	}
	// Which rows remain shows through Claim: a forgotten event can be claimed again.
	wantFirst := map[string]bool{"$old": true, "$new": false, "$pending": false}
	for evtID, want := range wantFirst {
		if first, err := db.Claim(ctx, Event{ID: evtID}); err != nil || first != want {
			t.Errorf("Claim %s after Forget = %v, %v; want %v", evtID, first, err, want)
		}
	}
	unfinished, err := db.Unfinished(ctx)
	if err != nil {
		t.Fatalf("Unfinished: %v", err)
	}
	ids := make([]string, len(unfinished))
	for i, evt := range unfinished {
		ids[i] = evt.ID
	}
	slices.Sort(ids)
	if want := []string{"$old", "$pending"}; !slices.Equal(ids, want) {
		t.Errorf("Unfinished after Forget = %v, want %v ($pending kept, $old claimed anew)", ids, want)
	}
}

// A finished command's text is not kept: an onboarding command carries a
// real name and an e-mail address, which live only in the identity mapping.
func TestFinishDropsTheMessageText(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	ctx := t.Context()
	evt := Event{ID: "$onboard", RoomID: "!dm:smartup0.org", Sender: "@alice:smartup0.org",
		Body: `!add_owner @frank:smartup0.org frank work "Frank Example" frank@example.org`, Timestamp: time.UnixMilli(1_700_000_000_000)}
	if _, err := db.Claim(ctx, evt); err != nil {
		t.Fatal(err)
	}
	if err := db.Finish(ctx, evt.ID, "$reply"); err != nil {
		t.Fatal(err)
	}
	var body string
	if err := db.Database().QueryRow(ctx, "SELECT body FROM processed_event WHERE event_id=$1", evt.ID).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if body != "" {
		t.Fatalf("the finished command's text is still stored: %q", body)
	}
	// Nor is it left in the files' bytes: the database and its write-ahead log.
	for _, f := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("frank@example.org")) || bytes.Contains(data, []byte("Frank Example")) {
			t.Errorf("%s still holds the onboarding details", filepath.Base(f))
		}
	}
}

// An answer begun before a restart is remembered as begun, so the next run
// looks for it before sending another; a finished event is not marked.
func TestMarkAnsweringSurvivesRestart(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	ctx := t.Context()
	for _, evtID := range []string{"$sent", "$quiet", "$done"} {
		if _, err := db.Claim(ctx, Event{ID: evtID}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Finish(ctx, "$done", "$r"); err != nil {
		t.Fatal(err)
	}
	for _, evtID := range []string{"$sent", "$done"} {
		if err := db.MarkAnswering(ctx, evtID); err != nil {
			t.Fatalf("MarkAnswering %s: %v", evtID, err)
		}
	}
	db = reopen(t, db, path)
	pending, err := db.Unfinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range pending {
		got[p.ID] = p.Answering
	}
	if want := map[string]bool{"$sent": true, "$quiet": false}; !maps.Equal(got, want) {
		t.Errorf("unfinished after restart = %v, want %v", got, want)
	}
	var marked bool
	if err := db.Database().QueryRow(ctx, "SELECT answering_at IS NOT NULL FROM processed_event WHERE event_id='$done'").Scan(&marked); err != nil {
		t.Fatal(err)
	}
	if marked {
		t.Error("a finished event was marked as being answered")
	}
}

// A database written by the first schema is upgraded in place: its
// unfinished commands are kept and can be marked as being answered.
func TestUpgradeFromFirstSchema(t *testing.T) {
	path := tempPath(t)
	raw, err := dbutil.NewFromConfig(owner, dbutil.Config{PoolConfig: dbutil.PoolConfig{
		Type: "sqlite3-fk-wal", URI: "file:" + escapePath(path), MaxOpenConns: 1,
	}}, dbutil.ZeroLogger(zerolog.Nop()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, q := range []string{
		`CREATE TABLE version (version INTEGER, compat INTEGER)`,
		`INSERT INTO version VALUES (1, 1)`,
		`CREATE TABLE database_owner (key INTEGER PRIMARY KEY DEFAULT 0, owner TEXT NOT NULL)`,
		`INSERT INTO database_owner (owner) VALUES ('` + owner + `')`,
		`CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
		`CREATE TABLE sync_store (user_id TEXT PRIMARY KEY, next_batch TEXT NOT NULL DEFAULT '', filter_id TEXT NOT NULL DEFAULT '')`,
		`CREATE TABLE processed_event (event_id TEXT PRIMARY KEY, room_id TEXT NOT NULL, sender TEXT NOT NULL,
			body TEXT NOT NULL, thread TEXT NOT NULL, timestamp BIGINT, claimed_at BIGINT NOT NULL,
			finished_at BIGINT, reply_id TEXT)`,
		`INSERT INTO processed_event (event_id, room_id, sender, body, thread, timestamp, claimed_at)
			VALUES ('$left', '!r:s', '@a:s', '!wallet', '', 1, 1)`,
	} {
		if _, err := raw.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, path)
	if v, latest := schemaVersion(t, db), len(upgradeTable()); v != latest {
		t.Fatalf("schema version after upgrade = %d, want %d", v, latest)
	}
	if err := db.MarkAnswering(ctx, "$left"); err != nil {
		t.Fatal(err)
	}
	pending, err := db.Unfinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != "$left" || pending[0].Body != "!wallet" || !pending[0].Answering {
		t.Errorf("unfinished after upgrade = %+v", pending)
	}
	// The table for encrypted commands waiting for their keys came with it.
	if err := db.KeepUndecrypted(ctx, Undecrypted{EventID: "$enc", RoomID: "!r:s", Sender: "@a:s", Raw: "{}"}); err != nil {
		t.Fatal(err)
	}
	if waiting, err := db.Undecrypteds(ctx); err != nil || len(waiting) != 1 || waiting[0].EventID != "$enc" {
		t.Errorf("undecrypted after upgrade = %+v, %v", waiting, err)
	}
}
