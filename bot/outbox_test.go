package bot

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	tg "github.com/go-telegram/bot"

	"github.com/delegatedesk/delegatedesk/internal/delivery"
	"github.com/delegatedesk/delegatedesk/internal/localapi"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// TestSenderErrorClasses: each answer of the Bot API becomes what the
// dispatcher needs to know, against the fake server over HTTP.
func TestSenderErrorClasses(t *testing.T) {
	api := localapi.New(testToken)
	srv := httptest.NewServer(api)
	defer srv.Close()
	client, err := tg.New(testToken, tg.WithServerURL(srv.URL), tg.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	s := sender{api: client}
	ctx := context.Background()
	const ok, throttled, blocked, failing, group, moved = 11, 12, 13, 14, -100, -1000100
	for _, id := range []int64{ok, throttled, blocked, failing} {
		api.SendText(localapi.User{ID: id, FirstName: "D"}, "/start")
	}
	api.Throttle(throttled, 1)
	api.Block(blocked)
	api.Fail(failing, 1)
	api.Group(group)
	api.Migrate(group, moved)

	sent, err := s.Send(ctx, store.Outgoing{ChatID: ok, HTML: "<b>Bus</b> at 10"})
	if err != nil || sent == 0 {
		t.Fatalf("send: %d, %v", sent, err)
	}
	wrong, _ := tg.New("999:wrong", tg.WithServerURL(srv.URL), tg.WithSkipGetMe())
	tests := []struct {
		name  string
		s     sender
		m     store.Outgoing
		check func(error) bool
	}{
		{"429 waits", s, store.Outgoing{ChatID: throttled, HTML: "x"}, func(err error) bool {
			var ra *delivery.RetryAfterError
			return errors.As(err, &ra) && ra.After > time.Second
		}},
		{"403 blocks", s, store.Outgoing{ChatID: blocked, HTML: "x"}, func(err error) bool { return errors.Is(err, delivery.ErrBlocked) }},
		{"400 rejects", s, store.Outgoing{ChatID: ok, HTML: "<b>x"}, func(err error) bool {
			var rej *delivery.RejectedError
			return errors.As(err, &rej)
		}},
		{"5xx passes", s, store.Outgoing{ChatID: failing, HTML: "x"}, func(err error) bool {
			var rej *delivery.RejectedError
			return err != nil && !errors.As(err, &rej) && !errors.Is(err, delivery.ErrBlocked) && !errors.Is(err, delivery.ErrUnauthorized)
		}},
		{"a supergroup moves", s, store.Outgoing{ChatID: group, HTML: "x"}, func(err error) bool {
			var mv *delivery.MovedError
			return errors.As(err, &mv) && mv.ChatID == moved
		}},
		{"401 stops everything", sender{api: wrong}, store.Outgoing{ChatID: ok, HTML: "x"}, func(err error) bool { return errors.Is(err, delivery.ErrUnauthorized) }},
		{"an edit that changes nothing is done", s, store.Outgoing{ChatID: ok, Op: store.OpEdit, MessageID: sent, HTML: "<b>Bus</b> at 10"}, func(err error) bool { return err == nil }},
		{"an edit", s, store.Outgoing{ChatID: ok, Op: store.OpEdit, MessageID: sent, HTML: "<b>Bus</b> at 10:30"}, func(err error) bool { return err == nil }},
		{"a deletion", s, store.Outgoing{ChatID: ok, Op: store.OpDelete, MessageID: sent}, func(err error) bool { return err == nil }},
		{"a deletion of what is gone is done", s, store.Outgoing{ChatID: ok, Op: store.OpDelete, MessageID: sent}, func(err error) bool { return err == nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.s.Send(ctx, tt.m); !tt.check(err) {
				t.Errorf("error %v (%T)", err, err)
			}
		})
	}
	msgs := api.Messages(ok)
	last := msgs[len(msgs)-1]
	if last.ID != sent || !last.Deleted || last.HTML != "<b>Bus</b> at 10:30" {
		t.Errorf("the copy: %+v", last)
	}
}

// TestNoticeFollowsSupergroup: a message to a group that became a
// supergroup reaches the supergroup.
func TestNoticeFollowsSupergroup(t *testing.T) {
	h, _ := adminHarness(t)
	const group, moved = -100, -1000100
	h.api.Group(group)
	h.api.Migrate(group, moved)
	if _, err := h.store.Enqueue(context.Background(), []store.Outgoing{{Job: "telegram:notice:0:1", ChatID: group, HTML: "Desk opens at 9"}}); err != nil {
		t.Fatal(err)
	}
	h.await(moved, "Desk opens at 9")
}
