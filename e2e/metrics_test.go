package e2e

// The metrics listener during a real run: scraped over HTTP before and
// after a known set of commands from the demo people, its counters move by
// exactly those commands, and /healthz and /readyz say the bot is up.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"smartup0.org/engelbot/chat"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/servers"
)

func TestMetricsDuringARun(t *testing.T) {
	var addr string
	e := newEnvWith(t, envOptions{configure: func(_ *servers.Gitea, cfg *config.Config) {
		addr = freeLoopbackAddr(t)
		cfg.Metrics.Listen = addr
		// Scheduled work commits as the bot, not as a command: off, so
		// that every commit here is one of the commands sent.
		cfg.Jobs.Disabled = true
	}})
	base := "http://" + addr

	if code, body := httpGet(t, base+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz: %d %q, want 200", code, body)
	}
	awaitReady(t, base)
	started := time.Now()
	before := scrape(t, base)

	carol, erin := e.login("carol"), e.login("erin")
	for _, c := range []struct {
		who  *chat.Client
		text string
		kind string // how the answer is checked apart from the metrics
	}{
		{carol, "!wallet", "query"},
		{carol, "!my_tasks", "query"},
		{carol, "!start_work 6_1_7_1", "write"},
		{carol, `!stop_work "checklist drafted"`, "write"},
		{erin, "!claim 6_1_7_3", "refusal"}, // a Watch license does not work on tasks
		{carol, "!frobnicate now", "unknown"},
	} {
		switch c.kind {
		case "write":
			e.write(c.who, idOf(e.room("team")), c.text) // exactly one audit row
		default:
			evt, reply := e.ask(c.who, "team", c.text)
			if c.kind == "unknown" && !strings.Contains(reply.Body, unknownCommand) {
				t.Errorf("%s answered %q, want that the command is unknown", c.text, reply.Body)
			}
			if rows := e.auditRows(evt); len(rows) != 0 {
				t.Errorf("%s wrote %d audit rows; it answered %q", c.text, len(rows), reply.Body)
			}
		}
	}
	// A command is counted once its answer is sent and recorded, a moment
	// after the client sees the answer: scrape until all six are counted,
	// then check that nothing else moved.
	after := awaitScrape(t, base, func(m map[string]*dto.MetricFamily) bool {
		return histCount(m, "engelbot_command_duration_seconds")-histCount(before, "engelbot_command_duration_seconds") >= 6
	})

	want := map[[2]string]float64{
		{"wallet", "answered"}:     1,
		{"my_tasks", "answered"}:   1,
		{"start_work", "answered"}: 1,
		{"stop_work", "answered"}:  1,
		{"claim", "refused"}:       1,
		{"unknown", "refused"}:     1,
	}
	for _, s := range after["engelbot_commands_total"].GetMetric() {
		key := [2]string{label(s, "command"), label(s, "outcome")}
		moved := s.GetCounter().GetValue() - counterOf(before, "engelbot_commands_total", key[0], key[1])
		if moved != want[key] {
			t.Errorf("engelbot_commands_total{command=%q,outcome=%q} moved by %v, want %v", key[0], key[1], moved, want[key])
		}
		delete(want, key)
	}
	for key := range want {
		t.Errorf("no engelbot_commands_total{command=%q,outcome=%q} after the commands", key[0], key[1])
	}
	if n := histCount(after, "engelbot_command_duration_seconds") - histCount(before, "engelbot_command_duration_seconds"); n != 6 {
		t.Errorf("command latencies observed: %d, want one per command sent (6)", n)
	}
	// Carol's two writes, one after the other: two commits of one command.
	if moved := counterOf(after, "engelbot_ledger_commits_total") - counterOf(before, "engelbot_ledger_commits_total"); moved != 2 {
		t.Errorf("engelbot_ledger_commits_total moved by %v, want 2", moved)
	}
	if n := histCount(after, "engelbot_ledger_commands_per_commit") - histCount(before, "engelbot_ledger_commands_per_commit"); n != 2 {
		t.Errorf("commits observed per command count: %d, want 2", n)
	}
	if at := gaugeOf(after, "engelbot_ledger_last_commit_timestamp_seconds"); at < float64(started.Unix()) {
		t.Errorf("last commit at %v, before the commands were sent (%d)", at, started.Unix())
	}
	if at := gaugeOf(after, "engelbot_sync_last_success_timestamp_seconds"); at < float64(started.Unix()) {
		t.Errorf("last sync at %v, before the commands were sent (%d)", at, started.Unix())
	}
	if _, ok := after["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}
	if _, ok := after["process_resident_memory_bytes"]; !ok {
		t.Error("no process metrics")
	}
	if code, body := httpGet(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after the commands: %d %q, want 200", code, body)
	}

	// The listener lives as long as the app.
	e.stopBot()
	if _, err := http.Get(base + "/healthz"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("/healthz once Engelbot stopped: %v, want the connection refused", err)
	}
}

// freeLoopbackAddr is a loopback address with a port nothing listens on.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func httpGet(t *testing.T, url string) (int, string) {
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

// awaitReady waits until /readyz answers 200: the bot has synced once,
// the ledger is loaded and the forge has answered.
func awaitReady(t *testing.T, base string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		code, body := httpGet(t, base+"/readyz")
		if code == http.StatusOK {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("/readyz still %d after a minute: %q", code, body)
		case <-tick.C:
		}
	}
}

// awaitScrape scrapes /metrics until cond holds, and fails the test if it
// does not within a minute.
func awaitScrape(t *testing.T, base string, cond func(map[string]*dto.MetricFamily) bool) map[string]*dto.MetricFamily {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		m := scrape(t, base)
		if cond(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatal("the metrics never counted every command sent")
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-tick.C:
		}
	}
}

// scrape reads /metrics as Prometheus would.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics is not Prometheus's text format: %v", err)
	}
	return families
}

func label(s *dto.Metric, name string) string {
	for _, l := range s.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// find is the sample of a family whose label values are these, in the
// order of its labels; nil when there is none.
func find(families map[string]*dto.MetricFamily, name string, values ...string) *dto.Metric {
samples:
	for _, s := range families[name].GetMetric() {
		if len(s.GetLabel()) != len(values) {
			continue
		}
		for i, l := range s.GetLabel() {
			if l.GetValue() != values[i] {
				continue samples
			}
		}
		return s
	}
	return nil
}

// counterOf is a counter's value; 0 when the sample is absent.
func counterOf(families map[string]*dto.MetricFamily, name string, values ...string) float64 {
	return find(families, name, values...).GetCounter().GetValue()
}

func gaugeOf(families map[string]*dto.MetricFamily, name string) float64 {
	return find(families, name).GetGauge().GetValue()
}

func histCount(families map[string]*dto.MetricFamily, name string) uint64 {
	return find(families, name).GetHistogram().GetSampleCount()
}
