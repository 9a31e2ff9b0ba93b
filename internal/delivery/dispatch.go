package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/store"
)

// Outbox is where messages wait until they are sent.
type Outbox interface {
	Claim(ctx context.Context, sender string, now time.Time, lease time.Duration, limit int) ([]store.Outgoing, error)
	Settle(ctx context.Context, id int64, state, reason string, at time.Time, messageID int) error
	Retry(ctx context.Context, id int64, at time.Time, reason string) error
	Retarget(ctx context.Context, id, chatID int64) error
	Recover(ctx context.Context, sender string) (int, error)
	Counts(ctx context.Context, job string) (store.JobCounts, error)
	MarkBlocked(ctx context.Context, chatID int64) error
	JobReported(ctx context.Context, job string) error
	Unreported(ctx context.Context, sender string) ([]string, error)
}

// Sender does what one outgoing message says (send, edit, delete) and
// returns the id of the message sent. Its error tells what to do next: a
// *RetryAfterError, *RejectedError or *MovedError, ErrBlocked,
// ErrUnauthorized, or anything else for a passing failure (a 5xx, the
// network) worth trying again.
type Sender interface {
	Send(ctx context.Context, m store.Outgoing) (messageID int, err error)
}

// ErrBlocked means the chat refuses the bot (blocked, deactivated, kicked):
// the message is never retried.
var ErrBlocked = errors.New("delivery: the chat refuses the bot")

// ErrUnauthorized means Telegram does not know the bot (401, 404: the token
// was revoked or is wrong). No message is at fault: every send waits
// Options.AuthPause and the message is tried again.
var ErrUnauthorized = errors.New("delivery: telegram refuses the bot's token")

// MovedError is a group that became a supergroup: the message goes to
// ChatID instead, once.
type MovedError struct{ ChatID int64 }

func (e *MovedError) Error() string {
	return fmt.Sprintf("delivery: the group is now chat %d", e.ChatID)
}

// RetryAfterError is Telegram's 429: every send waits After, then the
// message is tried again.
type RetryAfterError struct{ After time.Duration }

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("delivery: too many requests, retry after %v", e.After)
}

// RejectedError is a message Telegram will never take as it is (a 400).
type RejectedError struct{ Reason string }

func (e *RejectedError) Error() string { return "delivery: rejected: " + e.Reason }

// Options tune a Dispatcher; zero values take the defaults.
type Options struct {
	// Name says which jobs are this dispatcher's: those named "Name:…"
	// (default "telegram"), so that a console on the same database never
	// sends the bot's messages, nor the bot the console's.
	Name string
	// Batch is how many messages are claimed at once (default 64).
	Batch int
	// Lease is how long a claimed message is held before another sender
	// may take it (default 2 minutes).
	Lease time.Duration
	// Poll is how often the outbox is checked when nobody calls Wake
	// (default 2 s).
	Poll time.Duration
	// MaxAttempts bounds the tries of a message that keeps failing
	// (default 5); one that keeps drawing 429s gets four times as many,
	// so no message is tried forever.
	MaxAttempts int
	// Backoff is the wait before the second try, doubled for each further
	// one (default 2 s).
	Backoff time.Duration
	// AuthPause is how long every send waits after ErrUnauthorized
	// (default a minute): an operator has to fix the token.
	AuthPause time.Duration
	// Workers is how many messages are in flight at once (default 16),
	// so the rate is not bounded by one round trip.
	Workers int
	// Done, if set, is called once a job has nothing left to send.
	Done func(ctx context.Context, job string, c store.JobCounts)
	// Moved, if set, is told of a group that became a supergroup, so that
	// later messages go there at once.
	Moved func(ctx context.Context, from, to int64)
	Now   func() time.Time
	Log   *slog.Logger
}

// Dispatcher sends what the outbox holds, at the Pacer's pace. There is one
// per process: it owns the pace of every bulk message the bot sends.
type Dispatcher struct {
	outbox Outbox
	send   Sender
	pacer  *Pacer
	opt    Options
	wake   chan struct{}

	mu      sync.Mutex
	drained []chan struct{} // closed when a round finds nothing to send
}

// NewDispatcher returns a Dispatcher sending from outbox through send.
func NewDispatcher(outbox Outbox, send Sender, pacer *Pacer, opt Options) *Dispatcher {
	if opt.Name == "" {
		opt.Name = "telegram"
	}
	if opt.Batch <= 0 {
		opt.Batch = 64
	}
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.Poll <= 0 {
		opt.Poll = 2 * time.Second
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 5
	}
	if opt.Backoff <= 0 {
		opt.Backoff = 2 * time.Second
	}
	if opt.Workers <= 0 {
		opt.Workers = 16
	}
	if opt.AuthPause <= 0 {
		opt.AuthPause = time.Minute
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	return &Dispatcher{outbox: outbox, send: send, pacer: pacer, opt: opt, wake: make(chan struct{}, 1)}
}

// Wake tells the dispatcher that messages were enqueued.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Drained waits until everything due has been sent and reported, or ctx is
// done. Messages waiting to be retried later do not count.
func (d *Dispatcher) Drained(ctx context.Context) error {
	ch := make(chan struct{})
	d.mu.Lock()
	d.drained = append(d.drained, ch)
	d.mu.Unlock()
	d.Wake()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run sends until ctx is done. It first takes back what a previous run left
// in flight, so a restart resumes a broadcast at once.
func (d *Dispatcher) Run(ctx context.Context) error {
	if n, err := d.outbox.Recover(ctx, d.opt.Name); err != nil {
		return err
	} else if n > 0 {
		d.opt.Log.Info("delivery: resuming messages left in flight", "count", n)
		// The sends of the previous run's last moments are unknown here:
		// wait one chat gap (Telegram's window) so as not to draw a 429 by
		// sending again at once to a chat it has just sent to.
		d.pacer.Pause(d.pacer.chatGap)
	}
	// Jobs that finished as the previous run stopped are reported now.
	if d.opt.Done != nil {
		jobs, err := d.outbox.Unreported(ctx, d.opt.Name)
		if err != nil {
			return err
		}
		for _, job := range jobs {
			if err := d.report(ctx, job); err != nil {
				return err
			}
		}
	}
	tick := time.NewTicker(d.opt.Poll)
	defer tick.Stop()
	for {
		// Only those who asked before this round's claim may hear that
		// it found nothing: a message enqueued after it was not seen.
		d.mu.Lock()
		waiting := d.drained
		d.drained = nil
		d.mu.Unlock()
		n, err := d.round(ctx)
		if err != nil && ctx.Err() == nil {
			d.opt.Log.Error("delivery", "err", err)
		}
		if n == 0 && err == nil {
			for _, ch := range waiting {
				close(ch)
			}
		} else {
			d.mu.Lock()
			d.drained = append(d.drained, waiting...)
			d.mu.Unlock()
		}
		if n > 0 && err == nil {
			continue // more may be waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake:
		case <-tick.C:
		}
	}
}

// round claims one batch, sends it, and reports the jobs it finished.
func (d *Dispatcher) round(ctx context.Context) (int, error) {
	batch, err := d.outbox.Claim(ctx, d.opt.Name, d.opt.Now(), d.opt.Lease, d.opt.Batch)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	work := make(chan store.Outgoing)
	var wg sync.WaitGroup
	for range min(d.opt.Workers, len(batch)) {
		wg.Go(func() {
			for m := range work {
				d.deliver(ctx, m)
			}
		})
	}
	jobs := map[string]bool{}
	for _, m := range batch {
		jobs[m.Job] = true
		work <- m
	}
	close(work)
	wg.Wait()
	if d.opt.Done != nil {
		// What was settled is reported, shutting down or not.
		rep := context.WithoutCancel(ctx)
		for job := range jobs {
			if err := d.report(rep, job); err != nil {
				return len(batch), err
			}
		}
	}
	return len(batch), nil
}

// report tells Done of a job with nothing left to send, once.
func (d *Dispatcher) report(ctx context.Context, job string) error {
	c, err := d.outbox.Counts(ctx, job)
	if err != nil || !c.Done() {
		return err
	}
	d.opt.Done(ctx, job, c)
	return d.outbox.JobReported(ctx, job)
}

// deliver sends one message and records the outcome. Whatever happens, the
// message ends settled or given back: it is never left claimed by a
// dispatcher that is still running.
func (d *Dispatcher) deliver(ctx context.Context, m store.Outgoing) {
	if err := d.pacer.Wait(ctx, m.ChatID); err != nil {
		return // shutting down; Recover gives it back at the next start
	}
	// A send is not cut off by a shutdown: Telegram may take a message
	// whose answer never arrived, and the retry would be a second copy.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	msgID, err := d.send.Send(sctx, m)
	cancel()
	// Record the outcome even when shutting down: the message went.
	rec := context.WithoutCancel(ctx)
	now := d.opt.Now()
	var retryAfter *RetryAfterError
	var rejected *RejectedError
	var moved *MovedError
	var serr error
	switch {
	case err == nil:
		serr = d.outbox.Settle(rec, m.ID, store.StateSent, "", now, msgID)
	case errors.Is(err, ErrBlocked):
		serr = errors.Join(d.outbox.Settle(rec, m.ID, store.StateBlocked, err.Error(), now, 0), d.outbox.MarkBlocked(rec, m.ChatID))
	case errors.As(err, &rejected):
		d.opt.Log.Warn("delivery: rejected", "job", m.Job, "chat", m.ChatID, "reason", rejected.Reason)
		serr = d.outbox.Settle(rec, m.ID, store.StateFailed, rejected.Reason, now, 0)
	case errors.As(err, &moved) && m.Attempts < d.opt.MaxAttempts:
		d.opt.Log.Info("delivery: group moved", "from", m.ChatID, "to", moved.ChatID)
		serr = d.outbox.Retarget(rec, m.ID, moved.ChatID)
		if d.opt.Moved != nil {
			d.opt.Moved(rec, m.ChatID, moved.ChatID)
		}
	case errors.Is(err, ErrUnauthorized) && m.Attempts < 4*d.opt.MaxAttempts:
		d.opt.Log.Error("delivery: telegram refuses the token; sending waits", "pause", d.opt.AuthPause)
		d.pacer.Pause(d.opt.AuthPause)
		serr = d.outbox.Retry(rec, m.ID, now.Add(d.opt.AuthPause), err.Error())
	case errors.As(err, &retryAfter) && m.Attempts < 4*d.opt.MaxAttempts:
		// Telegram's own pushback is no fault of the message: it gets more
		// tries than a failing one, though not endless ones.
		d.opt.Log.Warn("delivery: telegram asks to slow down", "retry_after", retryAfter.After)
		d.pacer.Pause(retryAfter.After)
		serr = d.outbox.Retry(rec, m.ID, now.Add(retryAfter.After), err.Error())
	case m.Attempts >= d.opt.MaxAttempts:
		d.opt.Log.Warn("delivery: giving up", "job", m.Job, "chat", m.ChatID, "attempts", m.Attempts, "err", err)
		serr = d.outbox.Settle(rec, m.ID, store.StateFailed, err.Error(), now, 0)
	default:
		serr = d.outbox.Retry(rec, m.ID, now.Add(d.opt.Backoff<<(m.Attempts-1)), err.Error())
	}
	if serr != nil {
		d.opt.Log.Error("delivery: record outcome", "id", m.ID, "err", serr)
	}
}
