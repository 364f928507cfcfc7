package toolbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"smartup0.org/engelbot/toolbox"
)

// fakePublisher answers !publish's questions as the app would.
type fakePublisher struct {
	res   toolbox.PublishResult
	err   error
	calls int
}

func (p *fakePublisher) Publish(context.Context) (toolbox.PublishResult, error) {
	p.calls++
	return p.res, p.err
}

func TestPublishAnswers(t *testing.T) {
	f := newCaptainFixture(t)
	dm := toolbox.Room{Kind: toolbox.RoomDirect}

	r := f.run("alice", dm, "!publish")
	if !r.Refused || !strings.Contains(r.Text, "not configured") || !strings.Contains(r.Text, "ENGELBOT_PUBLIC_TOKEN") {
		t.Errorf("without a site: %+v", r)
	}

	p := &fakePublisher{res: toolbox.PublishResult{Where: "Smartup_Zero/1_general_forum", Commit: "0123456789abcdef0123456789abcdef01234567", Created: 2, Updated: 1}}
	f.tb.SetPublisher(p)
	head := f.head()
	r = f.run("alice", dm, "!publish")
	if r.Refused || !strings.Contains(r.Text, "Commit `0123456`") || !strings.Contains(r.Text, "3 files changed (2 new, 1 updated)") || strings.Contains(r.Text, "0123456789abcdef") {
		t.Errorf("a publish that committed: %+v", r)
	}
	if f.head() != head {
		t.Error("!publish wrote to the ledger")
	}

	p.res = toolbox.PublishResult{Where: "Smartup_Zero/1_general_forum"}
	if r := f.run("alice", dm, "!publish"); r.Refused || !strings.Contains(r.Text, "Nothing public changed") {
		t.Errorf("a publish with nothing to write: %+v", r)
	}

	p.err = errors.New("forgejo: token secret-token refused")
	r = f.run("alice", dm, "!publish")
	if !r.Refused || r.Err == nil || strings.Contains(r.Text, "secret-token") || !strings.Contains(r.Text, "Nothing was written") {
		t.Errorf("a failed publish: %+v", r)
	}
	p.err = fmt.Errorf("%w: mkdocs.yml does not parse", toolbox.ErrSiteConfig)
	if r := f.run("alice", dm, "!publish"); !r.Refused || !strings.Contains(r.Text, "cannot be edited safely") || !strings.Contains(r.Text, "mkdocs.yml does not parse") {
		t.Errorf("a publish refused for the site's mkdocs.yml: %+v", r)
	}
	if r := f.run("bob", dm, "!publish"); !r.Denied || p.calls != 4 {
		t.Errorf("a captain who is no admin: %+v (publisher asked %d times, want 4)", r, p.calls)
	}
}
