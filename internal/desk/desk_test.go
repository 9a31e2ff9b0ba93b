package desk

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/sample"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

type writer struct{}

func (writer) Card(_ context.Context, t store.Ticket, q string) (string, string) {
	return "card " + q, ""
}
func (writer) Lines(_ context.Context, t store.Ticket, texts []string) string {
	return "lines " + strings.Join(texts, "|")
}
func (writer) Caption(_ context.Context, t store.Ticket, c string) string { return "caption " + c }

func setup(t *testing.T) (*store.Store, store.Ticket, *time.Time) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, _ := sample.Programme()
	if _, err := st.Apply(ctx, p, store.Actor{Via: "import"}); err != nil {
		t.Fatal(err)
	}
	event, _ := st.DefaultEvent(ctx)
	tk, _, err := st.OpenTicket(ctx, event, 7, 7, "where is my bag?", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	return st, tk, &now
}

// desk returns what the outbox holds for the desk, oldest first.
func deskOutbox(t *testing.T, st *store.Store) []store.Outgoing {
	t.Helper()
	msgs, err := st.Claim(context.Background(), "telegram", time.Now().Add(time.Hour), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestFloodControlGathers(t *testing.T) {
	st, tk, now := setup(t)
	ctx := context.Background()
	s := New(st, "telegram", -100, func() {}, func() time.Time { return *now })
	for _, in := range []Incoming{
		{MessageID: 1, Kind: "text", Text: "one"},
		{MessageID: 2, Kind: "text", Text: "two"},
		{MessageID: 3, Kind: "photo", Text: "my bag"},
		{MessageID: 4, Kind: "text", Text: "four"},
		{MessageID: 5, Kind: "voice"},
		{MessageID: 6, Kind: "text", Text: "six"},
	} {
		if err := s.Forward(ctx, tk, in, writer{}); err != nil {
			t.Fatal(err)
		}
	}
	first := deskOutbox(t, st)
	if len(first) != PerMinute {
		t.Fatalf("%d messages reached the desk in the first minute, want %d", len(first), PerMinute)
	}
	if first[2].Op != store.OpCopy || first[2].FromChat != 7 || first[2].MessageID != 3 || first[2].HTML != "caption my bag" || first[2].ChatID != -100 {
		t.Errorf("the photo: %+v", first[2])
	}
	// Within the minute, nothing more goes.
	if err := s.Flush(ctx, writer{}); err != nil {
		t.Fatal(err)
	}
	if more := deskOutbox(t, st); len(more) != 0 {
		t.Fatalf("flushed %d within the minute", len(more))
	}
	// A message coming meanwhile waits behind those held.
	if err := s.Forward(ctx, tk, Incoming{MessageID: 7, Kind: "text", Text: "seven"}, writer{}); err != nil {
		t.Fatal(err)
	}
	// A minute on, they go in their order, words gathered between files.
	*now = now.Add(61 * time.Second)
	if err := s.Flush(ctx, writer{}); err != nil {
		t.Fatal(err)
	}
	later := deskOutbox(t, st)
	if len(later) != 3 || later[0].HTML != "lines four" || later[1].Op != store.OpCopy || later[1].MessageID != 5 || later[2].HTML != "lines six|seven" {
		t.Errorf("after a minute: %+v", later)
	}
	if held, _ := st.HeldDeskMessages(ctx, 0); len(held) != 0 {
		t.Errorf("%d still held", len(held))
	}
}

func TestDeskFollowsItsChat(t *testing.T) {
	st, _, now := setup(t)
	ctx := context.Background()
	s := New(st, "telegram", -100, func() {}, func() time.Time { return *now })
	if err := s.Moved(ctx, -555, -1000555); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Chat(ctx); c != -100 {
		t.Errorf("another group's move moved the desk to %d", c)
	}
	s.Moved(ctx, -100, -1000100)
	if c, _ := s.Chat(ctx); c != -1000100 {
		t.Errorf("desk at %d, want the supergroup", c)
	}
	// A new ORGANISERS_CHAT_ID is taken as it is.
	other := New(st, "telegram", -200, func() {}, time.Now)
	if c, _ := other.Chat(ctx); c != -200 {
		t.Errorf("desk at %d, want the configured -200", c)
	}
	none := New(st, "telegram", 0, func() {}, time.Now)
	if c, _ := none.Chat(ctx); c != 0 {
		t.Errorf("no desk configured, yet %d", c)
	}
}

func TestParseJob(t *testing.T) {
	for _, tt := range []struct {
		job        string
		kind, last string
		ticket     int64
		ok         bool
	}{
		{"telegram:ans:12:345", JobAnswer, "345", 12, true},
		{"telegram:desk:3:1700000000.4", JobDesk, "1700000000.4", 3, true},
		{"telegram:ann:3", "", "", 0, false},
		{"telegram:ans:x:1", "", "", 0, false},
	} {
		kind, ticket, last, ok := ParseJob(tt.job)
		if ok != tt.ok || ok && (kind != tt.kind || ticket != tt.ticket || last != tt.last) {
			t.Errorf("ParseJob(%q) = %s %d %s %v", tt.job, kind, ticket, last, ok)
		}
	}
}

// TestGatheredTextsFit: words held back are gathered into as many
// messages as they need, none lost.
func TestGatheredTextsFit(t *testing.T) {
	st, tk, now := setup(t)
	ctx := context.Background()
	s := New(st, "telegram", -100, func() {}, func() time.Time { return *now })
	long := strings.Repeat("я", 2000)
	for i := 0; i < 6; i++ {
		s.Forward(ctx, tk, Incoming{MessageID: i + 1, Kind: "text", Text: long}, writer{})
	}
	deskOutbox(t, st) // the first three
	*now = now.Add(61 * time.Second)
	s.Flush(ctx, writer{})
	got := 0
	for _, m := range deskOutbox(t, st) {
		got += strings.Count(m.HTML, "я")
	}
	if got != 3*2000 {
		t.Errorf("%d of %d letters reached the desk", got, 3*2000)
	}
}
