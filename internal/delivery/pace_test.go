package delivery

import (
	"context"
	"errors"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time                  { return c.t }
func (c *clock) advance(d time.Duration)         { c.t = c.t.Add(d) }
func (c *clock) since(t time.Time) time.Duration { return t.Sub(c.t) }

func newTestPacer(t *testing.T, l Limits) (*Pacer, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	p, err := NewPacer(l, c.now)
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

func TestPacerBudget(t *testing.T) {
	// 25/s with a fifth reserved: bulk gets 20/s, one every 50 ms.
	p, c := newTestPacer(t, DefaultLimits)
	start := c.t
	var last time.Time
	for i := range 100 {
		at := p.Book(int64(1000 + i))
		if i > 0 && at.Sub(last) != 50*time.Millisecond {
			t.Fatalf("message %d %v after the one before, want 50ms", i, at.Sub(last))
		}
		last = at
	}
	// 100 messages take 99 intervals, whatever the clock did meanwhile.
	if got := last.Sub(start); got != 99*50*time.Millisecond {
		t.Errorf("100 messages span %v", got)
	}
	// Within any one second, never more than the bulk budget.
	p2, _ := newTestPacer(t, Limits{PerSecond: 30, ChatGap: time.Second, GroupGap: 3 * time.Second})
	var times []time.Time
	for i := range 300 {
		times = append(times, p2.Book(int64(i+1)))
	}
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second; j++ {
			n++
		}
		if n > 30 {
			t.Fatalf("%d messages in the second from %v", n, times[i])
		}
	}
}

func TestPacerPerChat(t *testing.T) {
	p, c := newTestPacer(t, DefaultLimits)
	tests := []struct {
		name string
		chat int64
		gap  time.Duration
	}{
		{"private chat: one a second", 42, time.Second},
		{"group: twenty a minute", -100123, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := p.Book(tt.chat)
			second := p.Book(tt.chat)
			if got := second.Sub(first); got != tt.gap {
				t.Errorf("second message %v after the first, want %v", got, tt.gap)
			}
			// Another chat is not held up by this one.
			if other := p.Book(tt.chat + 7); !other.Before(second) {
				t.Errorf("another chat waits until %v, behind %v", c.since(other), c.since(second))
			}
		})
	}
}

func TestPacerIdleDoesNotBankSlots(t *testing.T) {
	// A quiet minute must not let the next broadcast start with a burst.
	p, c := newTestPacer(t, DefaultLimits)
	p.Book(1)
	c.advance(time.Minute)
	a, b := p.Book(2), p.Book(3)
	if a != c.t || b.Sub(a) != 50*time.Millisecond {
		t.Errorf("after idling: %v then %v, want now then 50ms later", c.since(a), c.since(b))
	}
}

func TestPacerPause(t *testing.T) {
	p, c := newTestPacer(t, DefaultLimits)
	p.Book(1)
	p.Pause(5 * time.Second)
	a, b := p.Book(2), p.Book(3)
	if c.since(a) != 5*time.Second || b.Sub(a) != 50*time.Millisecond {
		t.Errorf("after a 5 s pause: %v then %v", c.since(a), c.since(b))
	}
	// A shorter pause asked later does not cut the first one short.
	p.Pause(time.Second)
	if at := p.Book(4); at.Before(c.t.Add(5 * time.Second)) {
		t.Errorf("shorter pause shortened the longer: slot at %v", c.since(at))
	}
}

func TestPacerWait(t *testing.T) {
	p, _ := newTestPacer(t, DefaultLimits)
	if err := p.Wait(context.Background(), 42); err != nil {
		t.Fatalf("first message waits: %v", err)
	}
	// The clock stands still, so the next message to chat 42 is a second
	// away: a cancelled context must end the wait at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Wait(ctx, 42); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a cancelled context = %v", err)
	}
}

func TestLimitsValidate(t *testing.T) {
	tests := []struct {
		name string
		l    Limits
		ok   bool
	}{
		{"default", DefaultLimits, true},
		{"paid broadcast", Limits{PerSecond: 1000}, true},
		{"zero rate", Limits{}, false},
		{"too fast", Limits{PerSecond: 1001}, false},
		{"reserve everything", Limits{PerSecond: 25, Reserve: 1}, false},
		{"negative gap", Limits{PerSecond: 25, ChatGap: -time.Second}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.l.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
