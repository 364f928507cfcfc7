package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/ledger"
	"smartup0.org/engelbot/ledger/localgit"
	"smartup0.org/engelbot/publish"
	"smartup0.org/engelbot/toolbox"
)

// The scheduled publishing publishes at its start, and again as soon as a
// scheduled job asks (publishSoon), long before its interval is up; a
// ledger that did not change meanwhile makes no commit.
func TestScheduledPublishing(t *testing.T) {
	dir := t.TempDir()
	books, err := localgit.Open(filepath.Join(dir, "ledger.git"), "main")
	if err != nil {
		t.Fatal(err)
	}
	defer books.Close()
	l, err := ledger.Open(t.Context(), books, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	site := publish.Dir{Root: filepath.Join(dir, "site")}
	a := &App{
		log:       zerolog.New(zerolog.NewTestWriter(t)),
		site:      &sitePublisher{ledger: l, store: site, where: site.Root, target: publish.Target{Folder: "ledger"}},
		public:    config.Public{Interval: config.Every{D: time.Hour}},
		published: make(chan struct{}, 1),
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); a.runPublishing(ctx) }()
	defer func() { cancel(); <-done }()

	index := func() string {
		f, err := site.ReadFile(t.Context(), "docs/ledger/index.md")
		if err != nil {
			return ""
		}
		return string(f.Content)
	}
	awaitPage := func(what string, ok func(string) bool) string {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok(index()) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the section's index is %q", what, index())
			}
			time.Sleep(10 * time.Millisecond)
		}
		return index()
	}
	first := awaitPage("publishing at the start", func(s string) bool { return s != "" })

	// A change to the ledger, then a job's ask: published within the hour.
	tb := toolbox.New(l, toolbox.Config{Founder: "@ada:s.test"})
	if _, err := tb.Bootstrap(t.Context(), "ada"); err != nil {
		t.Fatal(err)
	}
	a.publishSoon()
	awaitPage("publishing after a job", func(s string) bool { return s != first })
}
