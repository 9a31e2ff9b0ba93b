// Package delivery keeps bulk messages within Telegram's limits: a global
// budget per second, at least a second between messages to one private
// chat, at most twenty a minute to one group, and a pause for everyone when
// Telegram answers 429. It knows chats only by their numeric ids.
package delivery

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Limits are the pace a Pacer keeps.
type Limits struct {
	// PerSecond is the whole budget of messages a second (Telegram allows
	// about 30 in bulk).
	PerSecond float64
	// Reserve is the share of PerSecond bulk sending leaves free, so that
	// delegates asking questions during a broadcast are answered at once.
	Reserve float64
	// ChatGap is the least time between two messages to one private chat.
	ChatGap time.Duration
	// GroupGap is the least time between two messages to one group.
	GroupGap time.Duration
}

// DefaultLimits stay below Telegram's published limits.
var DefaultLimits = Limits{PerSecond: 25, Reserve: 0.2, ChatGap: time.Second, GroupGap: 3 * time.Second}

// Validate reports limits no Pacer can keep.
func (l Limits) Validate() error {
	switch {
	case !(l.PerSecond > 0) || l.PerSecond > 1000:
		return fmt.Errorf("delivery: %v messages a second is outside 0–1000", l.PerSecond)
	case !(l.Reserve >= 0 && l.Reserve < 1):
		return fmt.Errorf("delivery: reserve %v is outside [0, 1)", l.Reserve)
	case l.ChatGap < 0 || l.GroupGap < 0:
		return fmt.Errorf("delivery: negative gap")
	}
	return nil
}

// Pacer books a time for each bulk message. Slots are spaced evenly rather
// than granted in bursts: Telegram counts per second, and a burst at the
// start of one second followed by another at the end of it is what draws 429s.
type Pacer struct {
	now      func() time.Time
	interval time.Duration
	chatGap  time.Duration
	groupGap time.Duration

	mu          sync.Mutex
	booked      []time.Time         // slots given out and not yet past, ascending
	pausedUntil time.Time           // after a 429
	chatNext    map[int64]time.Time // earliest next message per chat
}

// NewPacer returns a Pacer keeping l, reading the time from now (time.Now
// when nil).
func NewPacer(l Limits, now func() time.Time) (*Pacer, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Pacer{
		now: now,
		// Rounded up: rounding down lets one message too many into a second.
		interval: time.Duration(math.Ceil(float64(time.Second) / (l.PerSecond * (1 - l.Reserve)))),
		chatGap:  l.ChatGap,
		groupGap: l.GroupGap,
		chatNext: map[int64]time.Time{},
	}, nil
}

// Book reserves the earliest slot for a message to chatID and returns its
// time. Telegram's private chats have positive ids, groups and channels
// negative ones.
func (p *Pacer) Book(chatID int64) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	at := p.slot(now, latest(now, p.pausedUntil, p.chatNext[chatID]))
	gap := p.chatGap
	if chatID < 0 {
		gap = p.groupGap
	}
	p.chatNext[chatID] = at.Add(gap)
	// Forget chats whose gap has passed, so a broadcast to thousands does
	// not leave thousands of entries behind.
	if len(p.chatNext) > 1024 {
		for id, t := range p.chatNext {
			if !t.After(now) {
				delete(p.chatNext, id)
			}
		}
	}
	return at
}

// slot books the earliest time from lo on that is an interval away from
// every slot already given out. A message that must wait for its chat takes
// a slot later on without holding back the messages to other chats.
func (p *Pacer) slot(now, lo time.Time) time.Time {
	past := 0
	for past < len(p.booked) && !p.booked[past].Add(p.interval).After(now) {
		past++
	}
	p.booked = p.booked[past:]
	at, i := lo, 0
	for ; i < len(p.booked); i++ {
		b := p.booked[i]
		if !b.Add(p.interval).After(at) {
			continue // well before
		}
		if !at.Add(p.interval).After(b) {
			break // fits before b
		}
		at = b.Add(p.interval)
	}
	p.booked = slices.Insert(p.booked, i, at)
	return at
}

// Pause holds every send for d from now, as Telegram asks with retry_after.
// Wait books a slot again when the one it holds falls inside the pause, so
// the end of a pause is spaced as before, not a burst.
func (p *Pacer) Pause(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := p.now().Add(d)
	if until.After(p.pausedUntil) {
		p.pausedUntil = until
	}
}

// Wait books a slot for chatID and sleeps until it comes, or until ctx is
// done.
func (p *Pacer) Wait(ctx context.Context, chatID int64) error {
	at := p.Book(chatID)
	for {
		p.mu.Lock()
		paused := p.pausedUntil.After(at)
		p.mu.Unlock()
		if paused {
			at = p.Book(chatID)
		}
		d := at.Sub(p.now())
		if d <= 0 {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}
