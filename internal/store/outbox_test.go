package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestOutbox(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	const lease = 30 * time.Second

	var msgs []Outgoing
	for chat := int64(1); chat <= 1200; chat++ { // more than one insert batch
		msgs = append(msgs, Outgoing{Job: "t:notice:7", ChatID: chat, HTML: "<b>Moved</b>"})
	}
	if n, err := s.Enqueue(ctx, msgs); err != nil || n != 1200 {
		t.Fatalf("Enqueue = %d, %v", n, err)
	}
	// Enqueueing again (a retry after a crash) adds nobody twice; another
	// job reaches the same chats.
	if n, err := s.Enqueue(ctx, msgs[:10]); err != nil || n != 0 {
		t.Fatalf("second Enqueue = %d, %v", n, err)
	}
	if n, err := s.Enqueue(ctx, []Outgoing{{Job: "t:notice:8", ChatID: 1, HTML: "x"}}); err != nil || n != 1 {
		t.Fatalf("other job = %d, %v", n, err)
	}

	first, err := s.Claim(ctx, "t", now, lease, 3)
	if err != nil || len(first) != 3 || first[0].ChatID != 1 || first[0].Attempts != 1 || first[0].HTML != "<b>Moved</b>" {
		t.Fatalf("Claim = %+v, %v", first, err)
	}
	// Claimed messages are not claimed again while their lease holds.
	second, err := s.Claim(ctx, "t", now, lease, 3)
	if err != nil || second[0].ChatID != 4 {
		t.Fatalf("second Claim = %+v, %v", second, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Settle(ctx, first[0].ID, StateSent, "", now, 0))
	must(s.Settle(ctx, first[1].ID, StateBlocked, "Forbidden: bot was blocked by the user", now, 0))
	must(s.Retry(ctx, first[2].ID, now.Add(2*time.Second), "Too Many Requests")) // 429
	if b, _ := s.Claim(ctx, "t", now.Add(time.Second), lease, 1); b[0].ChatID == 3 {
		t.Error("a message given back for later was claimed before its time")
	}
	if err := s.Settle(ctx, first[0].ID, "lost", "", now, 0); err == nil {
		t.Error("an unknown state was accepted")
	}

	c, err := s.Counts(ctx, "t:notice:7")
	must(err)
	if c != (JobCounts{Pending: 1198, InFlight: 4, Sent: 1, Blocked: 1}) || c.Done() {
		t.Errorf("counts %+v", c)
	}

	// A restart: the store reopens and the lease of the three in flight
	// (second) runs out; they come back, with the one given back, first,
	// then the one claimed just above.
	s.Close()
	s, err = Open(ctx, path)
	must(err)
	defer s.Close()
	again, err := s.Claim(ctx, "t", now.Add(lease+time.Second), lease, 4)
	must(err)
	var chats []int64
	for _, m := range again {
		chats = append(chats, m.ChatID)
	}
	if len(chats) != 4 || chats[0] != 3 || chats[1] != 4 || chats[3] != 6 || again[0].Attempts != 2 || again[1].Attempts != 2 {
		t.Errorf("after the lease ran out: chats %v, %+v", chats, again)
	}
	// Settled messages never come back.
	for {
		batch, err := s.Claim(ctx, "t", now.Add(time.Hour), lease, 500)
		must(err)
		if len(batch) == 0 {
			break
		}
		for _, m := range batch {
			if m.ChatID == 1 && m.Job == "t:notice:7" || m.ChatID == 2 {
				t.Fatalf("settled message claimed again: %+v", m)
			}
			must(s.Settle(ctx, m.ID, StateSent, "", now, 0))
		}
	}
	if c, _ := s.Counts(ctx, "t:notice:7"); !c.Done() || c.Sent != 1199 {
		t.Errorf("final counts %+v", c)
	}
}

func TestOutboxRecover(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	now := time.Now()
	if _, err := s.Enqueue(ctx, []Outgoing{{Job: "t:j", ChatID: 1, HTML: "a"}, {Job: "t:j", ChatID: 2, HTML: "b"}}); err != nil {
		t.Fatal(err)
	}
	inFlight, err := s.Claim(ctx, "t", now, time.Hour, 1)
	if err != nil || len(inFlight) != 1 {
		t.Fatalf("Claim = %v, %v", inFlight, err)
	}
	// The sender died; the next one recovers at start-up, not an hour later.
	if n, err := s.Recover(ctx, "t"); err != nil || n != 1 {
		t.Fatalf("Recover = %d, %v", n, err)
	}
	if got, err := s.Claim(ctx, "t", now, time.Hour, 10); err != nil || len(got) != 2 {
		t.Errorf("after Recover: %v, %v", got, err)
	}
	// Another sender on the same file neither takes nor recovers them.
	if _, err := s.Enqueue(ctx, []Outgoing{{Job: "console:j", ChatID: 1, HTML: "c"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Recover(ctx, "console"); err != nil || n != 0 {
		t.Errorf("console recovered %d of another sender's, %v", n, err)
	}
	if got, err := s.Claim(ctx, "console", now.Add(2*time.Hour), time.Hour, 10); err != nil || len(got) != 1 || got[0].Job != "console:j" {
		t.Errorf("console claimed %+v, %v", got, err)
	}
}

func TestForgetOffered(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id, err := s.KeepDeskMessage(ctx, DeskMessage{UserID: 7, MessageID: 3, Kind: "text", Text: "where is my bag?", State: DeskOffered})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.ForgetOffered(ctx, time.Now().Add(-time.Hour)); n != 0 {
		t.Fatalf("forgot %d fresh questions", n)
	}
	if n, _ := s.ForgetOffered(ctx, time.Now().Add(time.Minute)); n != 1 {
		t.Fatalf("forgot %d old questions, want 1", n)
	}
	if _, err := s.TakeDeskMessage(ctx, id, 7); !errors.Is(err, ErrNotFound) {
		t.Errorf("a forgotten question could still be sent: %v", err)
	}
}
