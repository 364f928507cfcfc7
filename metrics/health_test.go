package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartup0.org/engelbot/forgejo"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/ledgertest"
	"smartup0.org/engelbot/metrics"
	"smartup0.org/engelbot/servers"
)

func TestReadyzSaysWhatIsMissing(t *testing.T) {
	clk := newClock()
	m := metrics.New(metrics.Options{Clock: clk.Now})
	url := serve(t, m)

	if code, body := get(t, url+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz before anything: %d %q, want 200", code, body)
	}
	code, body := get(t, url+"/readyz")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz before the ledger is loaded and a sync done: %d %q, want 503", code, body)
	}
	if got := lines(body); len(got) != 2 || !strings.HasPrefix(got[0], "bot: ") || !strings.HasPrefix(got[1], "ledger: ") {
		t.Errorf("/readyz reasons %q, want one line for the bot and one for the ledger", got)
	}

	st := &countingStore{Store: newLocalStore(t)}
	openLedger(t, st, m, ledger.Options{})
	code, body = get(t, url+"/readyz")
	if got := lines(body); code != http.StatusServiceUnavailable || len(got) != 1 || !strings.HasPrefix(got[0], "bot: ") {
		t.Fatalf("/readyz with the ledger loaded, before a sync: %d %q, want 503 naming only the bot", code, body)
	}

	m.Synced(time.Time{}) // as the bot does once its first sync is recorded
	if code, body := get(t, url+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz once synced and loaded: %d %q, want 200", code, body)
	}

	// Quiet for longer than a minute: /readyz asks the store itself, once.
	heads := st.heads.Load()
	clk.advance(2 * time.Minute)
	if code, body := get(t, url+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz after two quiet minutes, the store answering: %d %q, want 200", code, body)
	}
	if got := st.heads.Load() - heads; got != 1 {
		t.Errorf("the quiet store was asked for its head %d times, want once", got)
	}
	if code, _ := get(t, url+"/readyz"); code != http.StatusOK || st.heads.Load()-heads != 1 {
		t.Errorf("/readyz right after a probe: %d, and the store asked %d times; want 200 without asking again", code, st.heads.Load()-heads)
	}
}

// The forge stops answering: once its last answer is more than a minute
// old and the probe fails too, /readyz says 503 and why, and asks the
// forge at most once per ten seconds. The ledger's writer counts the
// failures as "unavailable" and retries them.
func TestReadyzForgeUnreachable(t *testing.T) {
	g := servers.GiteaForTest(t)
	if err := g.CreateRepo(t.Context(), "Smartup_Zero", "2_workplace", true); err != nil {
		t.Fatal(err)
	}
	fc, err := forgejo.New(forgejo.Config{URL: g.URL, Owner: "Smartup_Zero", Repo: "2_workplace", Branch: "main", Token: g.Token, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	st := &countingStore{Store: fc}
	clk := newClock()
	m := metrics.New(metrics.Options{Clock: clk.Now})
	url := serve(t, m)
	l := openLedger(t, st, m, ledger.Options{RetryFor: 3 * time.Second})
	m.Synced(time.Time{})
	if _, err := l.Apply(t.Context(), ledgertest.AddTask("$before", "6_1_7_1")); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, url+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz with the forge up: %d %q, want 200", code, body)
	}

	if err := g.Stop(); err != nil {
		t.Fatal(err)
	}
	// Within the minute the last answer still counts.
	clk.advance(30 * time.Second)
	if code, body := get(t, url+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz 30 s after the forge's last answer: %d %q, want 200", code, body)
	}
	clk.advance(31 * time.Second)
	heads := st.heads.Load()
	code, body := get(t, url+"/readyz")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with the forge stopped for over a minute: %d %q, want 503", code, body)
	}
	got := lines(body)
	if len(got) != 1 || !strings.HasPrefix(got[0], "forge: ") || !strings.Contains(got[0], "asking it for the branch head failed") {
		t.Errorf("/readyz reasons %q, want one line saying the forge does not answer", got)
	}
	if st.heads.Load()-heads != 1 {
		t.Errorf("the forge was asked for its head %d times, want once", st.heads.Load()-heads)
	}
	if code, _ := get(t, url+"/readyz"); code != http.StatusServiceUnavailable || st.heads.Load()-heads != 1 {
		t.Errorf("/readyz again at once: %d, forge asked %d times in all; want 503 without asking again", code, st.heads.Load()-heads)
	}
	clk.advance(10 * time.Second)
	if code, _ := get(t, url+"/readyz"); code != http.StatusServiceUnavailable || st.heads.Load()-heads != 2 {
		t.Errorf("/readyz ten seconds later: %d, forge asked %d times in all; want 503 after asking again", code, st.heads.Load()-heads)
	}

	// A write meanwhile fails for good after its retries.
	if _, err := l.Apply(t.Context(), ledgertest.AddTask("$during", "6_1_7_2")); !errors.Is(err, ledger.ErrUnavailable) {
		t.Fatalf("writing with the forge stopped: %v, want ErrUnavailable", err)
	}
	if got := value(t, m, "engelbot_forge_failures_total", "class", "unavailable"); got < 2 {
		t.Errorf("unavailable failures: %v, want at least 2 (a first try and a retry)", got)
	}
	if got := value(t, m, "engelbot_forge_retries_total", "class", "unavailable"); got < 1 {
		t.Errorf("retries after the forge was unavailable: %v, want at least 1", got)
	}
	if got := value(t, m, "engelbot_ledger_commits_total"); got != 1 {
		t.Errorf("commits: %v, want only the one before the forge stopped", got)
	}
	if code, _ := get(t, url+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with the forge stopped: %d, want 200: the process runs", code)
	}
}

// countingStore is a real store that counts the questions for its
// branch head.
type countingStore struct {
	ledger.Store
	heads atomic.Int32
}

func (c *countingStore) Head(ctx context.Context) (string, error) {
	c.heads.Add(1)
	return c.Store.Head(ctx)
}
