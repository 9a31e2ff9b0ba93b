package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// TestForgedCallbacks presses buttons with data the bot never made: each is
// answered with a notice and changes nothing.
func TestForgedCallbacks(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	u := h.user("en")
	day := only(t, h.say(u, "/schedule"))
	for _, data := range []string{
		"", "x", "day", "day:1", "day:1:20300506", "day:1:20300506:99", "day:1:20300508:0", "day:999:20300506:0",
		"day:abc:20300506:0", "ses:1:nope", "ses:1:d1-s1:extra", "ven:1:../../etc", "mat:1:cyber-slides",
		"lang:xx", "lang:", "matd:1:19990101:0", "matd:1:general:7", "vens:1:5", "vens:-1:0",
		"day:1:20300506:01", "day:1:20300506:-0", "day:1:20300506:+1",
	} {
		cb, msgs := h.pressData(u, day, data)
		if !strings.Contains(cb.Text, "out of date") {
			t.Errorf("%q: notice %q", data, cb.Text)
		}
		if len(msgs) != 0 {
			t.Errorf("%q changed the chat: %+v", data, msgs)
		}
	}
}

// panickyStore panics the first time a programme is read.
type panickyStore struct {
	Store
	panicked *atomic.Bool
}

func (s panickyStore) Programme(ctx context.Context, id int64) (*programme.Programme, error) {
	if !s.panicked.Swap(true) {
		panic("boom")
	}
	return s.Store.Programme(ctx, id)
}

func TestPanicIsContained(t *testing.T) {
	h := newHarness(t, at(6, 9, 0), withStore(func(s Store) Store { return panickyStore{s, new(atomic.Bool)} }))
	u := h.user("ru")
	got := only(t, h.say(u, "/schedule")).Text
	if !strings.Contains(got, "что-то пошло не так") && !strings.Contains(got, "Что-то пошло не так") {
		t.Errorf("polite error in Russian expected:\n%s", got)
	}
	// The bot lives on.
	if got := only(t, h.say(u, "/help")).Text; !strings.Contains(got, "/schedule") {
		t.Errorf("after a panic:\n%s", got)
	}
}

func TestParticipantRemembered(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	u := h.user("uz")
	h.say(u, "/start")
	p, err := h.store.Participant(context.Background(), u.ID)
	if err != nil || p.ChatID != u.ID || p.TelegramLanguage != "uz" || p.FirstName != "Delegate" {
		t.Errorf("participant %+v, %v", p, err)
	}
}

// slowStore holds every programme read until released.
type slowStore struct {
	Store
	entered chan<- struct{}
	release <-chan struct{}
}

func (s slowStore) Programme(ctx context.Context, id int64) (*programme.Programme, error) {
	s.entered <- struct{}{}
	<-s.release
	return s.Store.Programme(ctx, id)
}

// TestShutdownFinishesHandlers stops the bot while a reply is being
// prepared: the reply still goes out, and Run returns only after it.
func TestShutdownFinishesHandlers(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	h := newHarness(t, at(6, 9, 0), withStore(func(s Store) Store { return slowStore{s, entered, release} }))
	u := h.user("en")
	h.api.SendText(u, "/schedule")
	<-entered
	h.stop()
	select {
	case <-h.stopped:
		t.Fatal("Run returned while a handler was still working")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	select {
	case <-h.stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the handler finished")
	}
	if msgs := h.api.Messages(u.ID); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Mon 6 May") {
		t.Errorf("the reply in flight was lost: %+v", msgs)
	}
}
