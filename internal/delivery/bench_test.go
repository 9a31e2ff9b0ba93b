package delivery

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/store"
)

// limitedTelegram stands in for Telegram's limits: at most 30 messages in
// any second, one a second to a chat, 429 with retry_after beyond that, and
// every fiftieth chat (2%) blocking the bot. Time runs scale times faster.
type limitedTelegram struct {
	scale float64
	start time.Time

	mu        sync.Mutex
	recent    []time.Time // accepted sends of the last second
	chatLast  map[int64]time.Time
	got       map[int64]int
	delivered int
	tooMany   int // 429s
	lateMany  int // 429s after the first second
	onSend    func(delivered int)
}

func newLimitedTelegram(scale float64) *limitedTelegram {
	return &limitedTelegram{scale: scale, start: time.Now(), chatLast: map[int64]time.Time{}, got: map[int64]int{}}
}

func (f *limitedTelegram) second() time.Duration {
	return time.Duration(float64(time.Second) / f.scale)
}

func (f *limitedTelegram) Send(ctx context.Context, m store.Outgoing) (int, error) {
	chatID := m.ChatID
	f.mu.Lock()
	now := time.Now()
	sec := f.second()
	for len(f.recent) > 0 && now.Sub(f.recent[0]) >= sec {
		f.recent = f.recent[1:]
	}
	last, seen := f.chatLast[chatID]
	if len(f.recent) >= 30 || seen && now.Sub(last) < sec {
		f.tooMany++
		if now.Sub(f.start) > sec {
			f.lateMany++
		}
		f.mu.Unlock()
		return 0, &RetryAfterError{After: sec}
	}
	if chatID%50 == 0 {
		f.mu.Unlock()
		return 0, ErrBlocked
	}
	f.recent = append(f.recent, now)
	f.chatLast[chatID] = now
	f.got[chatID]++
	f.delivered++
	n := f.delivered
	f.mu.Unlock()
	if f.onSend != nil {
		f.onSend(n)
	}
	return n, nil
}

func benchScale(b *testing.B) float64 {
	if s := os.Getenv("DELIVERY_SCALE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			b.Fatalf("DELIVERY_SCALE=%q", s)
		}
		return v
	}
	return 20
}

// BenchmarkBroadcast sends 10,000 messages through the real outbox (SQLite)
// and dispatcher at the default pace, with time scaled by DELIVERY_SCALE
// (default 20; 1 is real time, about 8 minutes). It reports the achieved
// rate as a share of the configured budget and of the bulk share of it,
// 429s after the first second, missing and duplicated deliveries.
// With CRASH=1 the dispatcher dies after 3,000 deliveries, losing what it
// had not recorded, and a new one resumes from the file.
func BenchmarkBroadcast(b *testing.B) {
	const recipients = 10000
	scale := benchScale(b)
	crash := os.Getenv("CRASH") == "1"
	for b.Loop() {
		path := b.TempDir() + "/bench.db"
		s, err := store.Open(context.Background(), path)
		if err != nil {
			b.Fatal(err)
		}
		msgs := make([]store.Outgoing, recipients)
		for i := range msgs {
			msgs[i] = store.Outgoing{Job: "telegram:bus", ChatID: int64(i + 1), HTML: "The bus leaves in 10 minutes from Gate 2"}
		}
		if _, err := s.Enqueue(context.Background(), msgs); err != nil {
			b.Fatal(err)
		}
		limits := DefaultLimits
		limits.PerSecond *= scale
		limits.ChatGap = time.Duration(float64(limits.ChatGap) / scale)
		limits.GroupGap = time.Duration(float64(limits.GroupGap) / scale)
		tg := newLimitedTelegram(scale)
		opts := Options{Poll: 10 * time.Millisecond, Backoff: 10 * time.Millisecond}

		start := time.Now()
		inFlight := 0
		if crash {
			ctx, kill := context.WithCancel(context.Background())
			tg.onSend = func(n int) {
				if n == 3000 {
					kill()
				}
			}
			pacer, _ := NewPacer(limits, nil)
			d := NewDispatcher(&dying{Store: s, ctx: ctx}, tg, pacer, opts)
			d.Run(ctx)
			tg.onSend = nil
			c, _ := s.Counts(context.Background(), "telegram:bus")
			inFlight = tg.delivered - c.Sent
			s.Close()
			if s, err = store.Open(context.Background(), path); err != nil {
				b.Fatal(err)
			}
		}
		done := make(chan store.JobCounts, 1)
		ctx, stop := context.WithCancel(context.Background())
		opts.Done = func(_ context.Context, _ string, c store.JobCounts) { done <- c }
		pacer, _ := NewPacer(limits, nil)
		d := NewDispatcher(s, tg, pacer, opts)
		go d.Run(ctx)
		c := <-done
		elapsed := time.Since(start)
		stop()
		s.Close()

		missing, dups := 0, 0
		for chat := int64(1); chat <= recipients; chat++ {
			switch n := tg.got[chat]; {
			case n == 0 && chat%50 != 0:
				missing++
			case n > 1:
				dups += n - 1
			}
		}
		rate := float64(tg.delivered+c.Blocked) / elapsed.Seconds() / scale
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(rate/DefaultLimits.PerSecond, "of-budget")
		b.ReportMetric(rate/(DefaultLimits.PerSecond*(1-DefaultLimits.Reserve)), "of-bulk-share")
		b.ReportMetric(float64(tg.lateMany), "429s-after-1s")
		b.ReportMetric(float64(missing), "missing")
		b.ReportMetric(float64(dups), "duplicates")
		if crash {
			b.ReportMetric(float64(inFlight), "in-flight-at-crash")
		}
		if c.Failed != 0 || missing != 0 {
			b.Errorf("failed %d, missing %d", c.Failed, missing)
		}
	}
}
