package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"smartup0.org/engelbot/ledger"
)

// hangGuard is how long a call may take before a test calls it hung. It
// only ends a call that would otherwise never return; a correct ledger
// answers these calls at once.
const hangGuard = 10 * time.Second

// No caller hangs on a closed ledger: calls racing Close and calls made
// after it all get an answer, each either committed or ErrClosed, and
// what a caller was told matches what the branch holds.
func TestApplyAroundCloseNeverHangs(t *testing.T) {
	committing := make(chan struct{})
	var once sync.Once
	store := &faultStore{Store: newLocalStore(t)}
	store.onCommit = func(context.Context, int32) error {
		once.Do(func() { close(committing) })
		return nil
	}
	l, err := ledger.Open(t.Context(), store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	type answer struct {
		res ledger.Result
		err error
	}
	answers := make([]answer, n)
	racing, closed := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Even calls race Close; odd ones come after it returned.
			if i%2 == 0 {
				<-racing
			} else {
				<-closed
			}
			ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
			defer cancel()
			answers[i].res, answers[i].err = l.Apply(ctx, taskMutation(fmt.Sprintf("$c%d", i), fmt.Sprintf("6_1_1_%d", i)))
		}()
	}
	// Close while the first group commits and the other racing calls are
	// still arriving.
	close(racing)
	<-committing
	l.Close()
	close(closed)
	wg.Wait()

	hung, committed := 0, 0
	for i, a := range answers {
		switch {
		case errors.Is(a.err, context.DeadlineExceeded):
			hung++
		case a.err == nil:
			committed++
			if a.res.Commit == "" {
				t.Errorf("call %d: answered %+v without a commit", i, a.res)
			}
			if i%2 == 1 {
				t.Errorf("call %d came after Close and was committed", i)
			}
		case !errors.Is(a.err, ledger.ErrClosed) || !errors.Is(a.err, ledger.ErrUnavailable):
			t.Errorf("call %d: %v, want a commit or ledger.ErrClosed (which is ledger.ErrUnavailable)", i, a.err)
		}
	}
	if hung > 0 {
		t.Fatalf("%d of %d calls made around Close hung until their deadline", hung, n)
	}
	t.Logf("%d of %d calls committed, the others closed", committed, n)
	// Nothing was dropped silently: a call told it committed is on the
	// branch, and one told ErrClosed is not.
	reopened, err := ledger.Open(t.Context(), store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	for i, a := range answers {
		if _, ok := reopened.Current().Applied(fmt.Sprintf("$c%d", i)); ok != (a.err == nil) {
			t.Errorf("call %d: answered %v, but on the branch: %v", i, a.err, ok)
		}
	}
}

// Close lets the group being committed finish, and answers what is still
// queued with ErrClosed without waiting for that commit.
func TestCloseFinishesTheGroupInFlight(t *testing.T) {
	l, _, entered, release := holdingFirstCommit(t)
	inFlight := applyAsync(l, taskMutation("$a", "6_1_1_1"))
	<-entered
	queued := applyAsync(l, taskMutation("$b", "6_1_1_2"))
	waitFor(t, "the second call to be queued", func() bool { return l.Queued() == 1 })
	closeDone := make(chan struct{})
	go func() { l.Close(); close(closeDone) }()

	if a := <-queued; !errors.Is(a.err, ledger.ErrClosed) {
		t.Errorf("the queued call: %+v, %v; want ledger.ErrClosed", a.res, a.err)
	}
	select {
	case <-closeDone:
		t.Fatal("Close returned while a group was still being committed")
	default:
	}
	close(release)
	if a := <-inFlight; a.err != nil || a.res.Commit == "" {
		t.Errorf("the call in flight: %+v, %v; want it committed", a.res, a.err)
	}
	<-closeDone
	if a := <-applyAsync(l, taskMutation("$c", "6_1_1_3")); !errors.Is(a.err, ledger.ErrClosed) {
		t.Errorf("Apply after Close: %v, want ledger.ErrClosed", a.err)
	}
}

// Shutdown bounds the wait for the group in flight: when its context ends
// it cancels the commit, whose callers get ErrClosed, and returns once the
// writer has stopped.
func TestShutdownCancelsTheGroupInFlight(t *testing.T) {
	entered := make(chan struct{})
	store := &faultStore{Store: newLocalStore(t)}
	store.onCommit = func(ctx context.Context, n int32) error {
		if n == 1 {
			close(entered)
		}
		<-ctx.Done() // a forge that does not answer
		return ctx.Err()
	}
	l, err := ledger.Open(t.Context(), store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inFlight := applyAsync(l, taskMutation("$a", "6_1_1_1"))
	<-entered
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the grace period is over before it began
	if err := l.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown = %v, want context.Canceled: the group did not finish in time", err)
	}
	a := <-inFlight
	if !errors.Is(a.err, ledger.ErrClosed) || !errors.Is(a.err, ledger.ErrUnavailable) {
		t.Errorf("the call in flight: %+v, %v; want ledger.ErrClosed", a.res, a.err)
	}
	if n := store.commits.Load(); n != 1 {
		t.Errorf("%d commit attempts: the writer went on after Shutdown", n)
	}
	if err := l.Shutdown(t.Context()); err != nil {
		t.Errorf("a second Shutdown: %v", err)
	}
	if a := <-applyAsync(l, taskMutation("$b", "6_1_1_2")); !errors.Is(a.err, ledger.ErrClosed) {
		t.Errorf("Apply after Shutdown: %v, want ledger.ErrClosed", a.err)
	}
}

// landsUnanswered is a store whose commits land but whose answer never
// comes: a forge that took the commit and then stopped talking.
// landsUnanswered is a store whose commits land but whose answer never
// comes before the caller gives up; landed is closed once the first one has
// landed, so a test cuts it short only after that.
type landsUnanswered struct {
	ledger.Store
	landed chan struct{}
	once   *sync.Once
}

func (s landsUnanswered) Commit(ctx context.Context, c ledger.Commit) (ledger.CommitResult, error) {
	if _, err := s.Store.Commit(ctx, c); err != nil {
		return ledger.CommitResult{}, err
	}
	s.once.Do(func() { close(s.landed) })
	<-ctx.Done()
	return ledger.CommitResult{}, ctx.Err()
}

// A commit that Shutdown cut short after it landed is answered from the
// branch, not as unwritten: told "nothing was written", the owner would
// send it again and it would land twice.
func TestShutdownAnswersACommitThatLandedFromTheBranch(t *testing.T) {
	store := landsUnanswered{Store: newLocalStore(t), landed: make(chan struct{}), once: &sync.Once{}}
	l, err := ledger.Open(t.Context(), store, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inFlight := applyAsync(l, taskMutation("$a", "6_1_1_1"))
	<-store.landed
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_ = l.Shutdown(ctx)
	if a := <-inFlight; a.err != nil || a.res.Reply != "created 6_1_1_1" {
		t.Errorf("the call whose commit landed: %+v, %v; want its reply", a.res, a.err)
	}
}

type applied struct {
	res ledger.Result
	err error
}

// applyAsync applies m in a goroutine; its answer arrives on the channel.
func applyAsync(l *ledger.Ledger, m ledger.Mutation) <-chan applied {
	out := make(chan applied, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
		defer cancel()
		res, err := l.Apply(ctx, m)
		out <- applied{res, err}
	}()
	return out
}

// waitFor yields until cond holds; it fails the test if that never comes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
		runtime.Gosched()
	}
}
