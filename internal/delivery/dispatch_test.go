package delivery

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/store"
)

// fakeSender records what arrived and answers each chat as told.
type fakeSender struct {
	mu       sync.Mutex
	got      map[int64]int     // chat → copies received
	script   map[int64][]error // chat → errors to answer, one per try
	calls    int
	last     map[int64]store.Outgoing // chat → the last message that arrived
	afterRun func(calls int)          // called after each send, outside the lock
}

func newFakeSender() *fakeSender {
	return &fakeSender{got: map[int64]int{}, script: map[int64][]error{}, last: map[int64]store.Outgoing{}}
}

func (f *fakeSender) Send(ctx context.Context, m store.Outgoing) (int, error) {
	chatID := m.ChatID
	f.mu.Lock()
	var err error
	if s := f.script[chatID]; len(s) > 0 {
		err, f.script[chatID] = s[0], s[1:]
	} else if errs, ok := f.script[-chatID]; ok && len(errs) > 0 {
		err = errs[0] // a standing answer, for every try
	}
	if err == nil {
		f.got[chatID]++
		f.last[chatID] = m
	}
	f.calls++
	calls := f.calls
	f.mu.Unlock()
	if f.afterRun != nil {
		f.afterRun(calls)
	}
	if err != nil {
		return 0, err
	}
	return 1000 + calls, nil
}

func testStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outbox.db")
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func fastPacer(t *testing.T) *Pacer {
	t.Helper()
	p, err := NewPacer(Limits{PerSecond: 1000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func enqueue(t *testing.T, s *store.Store, job string, chats int) {
	t.Helper()
	var msgs []store.Outgoing
	for c := 1; c <= chats; c++ {
		msgs = append(msgs, store.Outgoing{Job: job, ChatID: int64(c), HTML: fmt.Sprintf("hello %d", c)})
	}
	if _, err := s.Enqueue(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
}

// runUntilDone runs a dispatcher until job is reported done, and returns
// its figures.
func runUntilDone(t *testing.T, s *store.Store, send Sender, job string) store.JobCounts {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan store.JobCounts, 1)
	d := NewDispatcher(s, send, fastPacer(t), Options{Poll: 5 * time.Millisecond, Backoff: 5 * time.Millisecond, AuthPause: 5 * time.Millisecond, Batch: 16,
		Done: func(_ context.Context, j string, c store.JobCounts) {
			if j == job {
				done <- c
			}
		}})
	go d.Run(ctx)
	select {
	case c := <-done:
		return c
	case <-ctx.Done():
		c, _ := s.Counts(context.Background(), job)
		t.Fatalf("job not done: %+v", c)
		return c
	}
}

func TestDispatcherOutcomes(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	if err := s.SaveParticipant(ctx, store.Participant{UserID: 2, ChatID: 2}); err != nil {
		t.Fatal(err)
	}
	enqueue(t, s, "telegram:j", 60)
	f := newFakeSender()
	f.script[2] = []error{ErrBlocked}                                                 // never retried
	f.script[3] = []error{&RejectedError{Reason: "Bad Request: message is too long"}} // failed with its reason
	f.script[4] = []error{errors.New("502 Bad Gateway"), errors.New("EOF")}           // passing: retried
	f.script[5] = []error{&RetryAfterError{After: 20 * time.Millisecond}}             // 429: retried
	f.script[-6] = []error{errors.New("500 Internal Server Error")}                   // fails every try
	slow := &RetryAfterError{After: 5 * time.Millisecond}
	f.script[7] = []error{slow, slow, slow, slow, slow, slow} // more 429s than MaxAttempts: still sent
	f.script[8] = []error{&MovedError{ChatID: 1008}}          // a group became a supergroup: sent there
	f.script[9] = []error{ErrUnauthorized}                    // the token was refused: waits, then sent

	c := runUntilDone(t, s, f, "telegram:j")
	if c != (store.JobCounts{Sent: 57, Blocked: 1, Failed: 2}) {
		t.Errorf("counts %+v", c)
	}
	if f.got[1008] != 1 {
		t.Errorf("the supergroup received %d copies, want 1", f.got[1008])
	}
	for chat := int64(1); chat <= 60; chat++ {
		want := 1
		if chat == 2 || chat == 3 || chat == 6 || chat == 8 {
			want = 0
		}
		if f.got[chat] != want {
			t.Errorf("chat %d received %d copies, want %d", chat, f.got[chat], want)
		}
	}
	// Tries: 57 sent + 2 failed first tries at 4 + 1 at 5 + 1 blocked + 1
	// rejected + 5 at 6 (the bound) + 6 429s at 7 + the move + the 401.
	if want := 57 + 2 + 1 + 1 + 1 + 5 + 6 + 1 + 1; f.calls != want {
		t.Errorf("%d sends, want %d", f.calls, want)
	}
	// The chat that blocked the bot is left out of later broadcasts.
	if p, _ := s.Participant(ctx, 2); !p.Blocked {
		t.Error("the blocked chat is not marked")
	}
}

func TestDispatcherResumesAfterCrash(t *testing.T) {
	s, path := testStore(t)
	enqueue(t, s, "telegram:bus", 500)

	// The first run dies after 120 sends, some still in flight: its
	// context ends and nothing else it does is recorded.
	f := newFakeSender()
	ctx, kill := context.WithCancel(context.Background())
	f.afterRun = func(calls int) {
		if calls == 120 {
			kill()
		}
	}
	d := NewDispatcher(&dying{Store: s, ctx: ctx}, f, fastPacer(t), Options{Poll: 5 * time.Millisecond, Batch: 32})
	stopped := make(chan struct{})
	go func() { d.Run(ctx); close(stopped) }()
	<-stopped
	s.Close()

	// Another process opens the same file and finishes the job.
	s2, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	c := runUntilDone(t, s2, f, "telegram:bus")
	if c.Sent != 500 || !c.Done() {
		t.Errorf("counts after the restart %+v", c)
	}
	missing, dup := 0, 0
	for chat := int64(1); chat <= 500; chat++ {
		switch n := f.got[chat]; {
		case n == 0:
			missing++
		case n > 1:
			dup += n - 1
		}
	}
	// Only messages in flight at the crash (one per worker) may go twice.
	if missing != 0 || dup > 16 {
		t.Errorf("missing %d, duplicates %d", missing, dup)
	}
	if dup == 0 {
		t.Error("no message was in flight at the crash: the test shows nothing")
	}
}

// dying is an outbox whose process died when ctx ended: what it would
// have written after that never reaches the file.
type dying struct {
	*store.Store
	ctx context.Context
}

func (d *dying) Settle(ctx context.Context, id int64, state, reason string, at time.Time, messageID int) error {
	if d.ctx.Err() != nil {
		return d.ctx.Err()
	}
	return d.Store.Settle(ctx, id, state, reason, at, messageID)
}

// TestDispatcherDrained: once Drained returns, what was enqueued before it
// has been sent, even with no poll to find it.
func TestDispatcherDrained(t *testing.T) {
	s, _ := testStore(t)
	f := newFakeSender()
	d := NewDispatcher(s, f, fastPacer(t), Options{Poll: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx)
	for round := range 20 {
		job := fmt.Sprintf("telegram:%d", round)
		enqueue(t, s, job, 3)
		d.Wake()
		wait, stop := context.WithTimeout(ctx, 10*time.Second)
		if err := d.Drained(wait); err != nil {
			t.Fatal(err)
		}
		stop()
		if c, _ := s.Counts(ctx, job); c.Sent != 3 {
			t.Fatalf("round %d: Drained returned with %+v", round, c)
		}
	}
}

// TestDispatcherReportsAfterRestart: a job that finished as the process
// stopped, before it was reported, is reported by the next run, once.
func TestDispatcherReportsAfterRestart(t *testing.T) {
	s, _ := testStore(t)
	ctx := context.Background()
	enqueue(t, s, "telegram:done-before-crash", 3)
	msgs, err := s.Claim(ctx, "telegram", time.Now(), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs { // sent, then the process died
		if err := s.Settle(ctx, m.ID, store.StateSent, "", time.Now(), 7); err != nil {
			t.Fatal(err)
		}
	}
	reports := make(chan string, 4)
	run := func() {
		rctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		d := NewDispatcher(s, newFakeSender(), fastPacer(t), Options{Poll: 5 * time.Millisecond,
			Done: func(_ context.Context, job string, c store.JobCounts) { reports <- fmt.Sprintf("%s %d", job, c.Sent) }})
		d.Run(rctx)
	}
	run()
	run()
	close(reports)
	var got []string
	for r := range reports {
		got = append(got, r)
	}
	if len(got) != 1 || got[0] != "telegram:done-before-crash 3" {
		t.Errorf("reports %v, want the job once", got)
	}
}
