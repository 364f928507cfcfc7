package metrics_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/metrics"
)

// sample finds the metric name with exactly these labels (name, value
// pairs) in what the registry gathers; ok is false when there is none.
func sample(t *testing.T, m *metrics.Metrics, name string, labels ...string) (*dto.Metric, bool) {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, s := range f.GetMetric() {
			if len(s.GetLabel())*2 != len(labels) {
				continue
			}
			for i, l := range s.GetLabel() {
				if l.GetName() != labels[2*i] || l.GetValue() != labels[2*i+1] {
					continue metrics
				}
			}
			return s, true
		}
	}
	return nil, false
}

// value is a counter's or a gauge's value; a missing metric fails the test.
func value(t *testing.T, m *metrics.Metrics, name string, labels ...string) float64 {
	t.Helper()
	s, ok := sample(t, m, name, labels...)
	if !ok {
		t.Fatalf("no metric %s%v", name, labels)
	}
	switch {
	case s.Counter != nil:
		return s.Counter.GetValue()
	case s.Gauge != nil:
		return s.Gauge.GetValue()
	}
	t.Fatalf("%s is neither a counter nor a gauge", name)
	return 0
}

// histogram is a histogram's number of observations and their sum.
func histogram(t *testing.T, m *metrics.Metrics, name string) (uint64, float64) {
	t.Helper()
	s, ok := sample(t, m, name)
	if !ok || s.Histogram == nil {
		t.Fatalf("no histogram %s", name)
	}
	return s.Histogram.GetSampleCount(), s.Histogram.GetSampleSum()
}

// clock is a test's clock, moved by the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// serve starts m's listener on a free loopback port and returns its base
// URL.
func serve(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv, err := m.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(context.Background()); err != nil {
			t.Errorf("closing the listener: %v", err)
		}
	})
	return "http://" + srv.Addr()
}

// get fetches a URL and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// lines are a plain-text body's non-empty lines.
func lines(body string) []string {
	return strings.FieldsFunc(body, func(r rune) bool { return r == '\n' })
}

// newLocalStore is a fresh ledger repository on disk.
func newLocalStore(t *testing.T) *localgit.Store {
	t.Helper()
	st, err := localgit.Open(t.TempDir()+"/ledger.git", "main")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// openLedger opens a ledger on st that m observes, as the app wires it.
func openLedger(t *testing.T, st ledger.Store, m *metrics.Metrics, opts ledger.Options) *ledger.Ledger {
	t.Helper()
	opts.Observer = m
	l, err := ledger.Open(t.Context(), st, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	m.WatchLedger(l.Queued, func(ctx context.Context) error {
		_, err := l.Snapshot(ctx)
		return err
	})
	return l
}
