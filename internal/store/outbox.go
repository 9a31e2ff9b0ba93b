package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// States of an outgoing message. A message is pending until a sender
// claims it; it is sending while that sender holds its lease; then sent,
// blocked (the chat refuses the bot: never retried) or failed. A pending
// message may be held (its job is paused) or cancelled.
const (
	StatePending   = "pending"
	StateSending   = "sending"
	StateSent      = "sent"
	StateBlocked   = "blocked"
	StateFailed    = "failed"
	StateHeld      = "held"
	StateCancelled = "stopped" // fits the column's 8 letters

)

// What an outgoing message does to its chat.
const (
	OpSend   = "send"   // a new message
	OpEdit   = "edit"   // new text for the message MessageID
	OpDelete = "delete" // removes the message MessageID
	OpCopy   = "copy"   // a copy of message MessageID of chat FromChat; HTML, if any, its new caption
)

// Outgoing is one message to one chat, part of a job (a notice, an
// announcement, its correction). A job reaches a chat at most once.
type Outgoing struct {
	ID     int64
	Job    string
	ChatID int64
	// Op is OpSend (the default), OpEdit or OpDelete.
	Op   string
	HTML string
	// Variant is the language of the version sent, so that a correction
	// of one version reaches exactly its copies.
	Variant string
	// MediaKind ("document", "photo") and MediaID (a file_id) make the
	// message a file with HTML as its caption.
	MediaKind, MediaID string
	// MessageID is the message edited or deleted, or once sent, the
	// message it became.
	MessageID int
	// FromChat is the chat a copy is made from.
	FromChat int64
	// ThreadID is the forum topic it goes to; ReplyTo the message it
	// answers, in its chat.
	ThreadID, ReplyTo int
	// Markup is its buttons, as the Bot API's reply_markup JSON.
	Markup   string
	Attempts int // claims so far, this one included
}

type outgoingRow struct {
	ID         int64 `gorm:"primaryKey"`
	Job        string
	ChatID     int64
	Op         string
	HTML       string
	Variant    string
	MediaKind  string
	MediaID    string
	MessageID  int
	FromChat   int64
	ThreadID   int
	ReplyTo    int
	Markup     string
	State      string
	LeaseUntil time.Time
	Attempts   int
	Reason     string
	CreatedAt  time.Time
	SentAt     *time.Time
}

func (r outgoingRow) outgoing() Outgoing {
	return Outgoing{ID: r.ID, Job: r.Job, ChatID: r.ChatID, Op: r.Op, HTML: r.HTML, Variant: r.Variant,
		MediaKind: r.MediaKind, MediaID: r.MediaID, MessageID: r.MessageID, FromChat: r.FromChat, ThreadID: r.ThreadID,
		ReplyTo: r.ReplyTo, Markup: r.Markup, Attempts: r.Attempts}
}

func (outgoingRow) TableName() string { return "outgoings" }

// enqueueBatch keeps each insert well under SQLite's limit of bound
// variables while writing thousands of rows in few statements.
const enqueueBatch = 500

// Enqueue adds a job's messages in one transaction and reports how many are
// new: a chat the job already holds keeps its first message, so enqueueing
// again after a crash adds nothing twice.
func (s *Store) Enqueue(ctx context.Context, msgs []Outgoing) (int, error) {
	rows := make([]outgoingRow, len(msgs))
	// Times are stored as text: one zone, so that they compare.
	now := time.Now().UTC()
	for i, m := range msgs {
		if m.Op == "" {
			m.Op = OpSend
		}
		rows[i] = outgoingRow{Job: m.Job, ChatID: m.ChatID, Op: m.Op, HTML: m.HTML, Variant: m.Variant,
			MediaKind: m.MediaKind, MediaID: m.MediaID, MessageID: m.MessageID, FromChat: m.FromChat, ThreadID: m.ThreadID,
			ReplyTo: m.ReplyTo, Markup: m.Markup, State: StatePending, LeaseUntil: time.Time{}.UTC(), CreatedAt: now}
	}
	var added int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for len(rows) > 0 {
			n := min(len(rows), enqueueBatch)
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(rows[:n])
			if res.Error != nil {
				return res.Error
			}
			added += res.RowsAffected
			rows = rows[n:]
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: enqueue: %w", err)
	}
	return int(added), nil
}

// Jobs belong to a sender, named by the job's prefix up to its first colon
// ("telegram:notice:…"): the bot serving Telegram and a console trying the
// same database each send only their own.
func ofSender(tx *gorm.DB, sender string) *gorm.DB {
	return tx.Where("job LIKE ?", sender+":%")
}

// Claim leases up to limit of sender's messages that are due, oldest first: pending
// ones whose retry time has come, and ones whose sender's lease ran out (it
// died mid-send, so the chat may get that one message twice — never more,
// never none).
func (s *Store) Claim(ctx context.Context, sender string, now time.Time, lease time.Duration, limit int) ([]Outgoing, error) {
	// Times are stored as text: compare them in one zone.
	now = now.UTC()
	var rows []outgoingRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := ofSender(tx, sender).Where("state IN ? AND lease_until <= ?", []string{StatePending, StateSending}, now).
			Order("id").Limit(limit).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, len(rows))
		for i := range rows {
			ids[i] = rows[i].ID
		}
		return tx.Model(&outgoingRow{}).Where("id IN ?", ids).Updates(map[string]any{
			"state": StateSending, "lease_until": now.Add(lease), "attempts": gorm.Expr("attempts + 1"),
		}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim outgoing: %w", err)
	}
	out := make([]Outgoing, len(rows))
	for i, r := range rows {
		out[i] = r.outgoing()
		out[i].Attempts++
	}
	return out, nil
}

// Settle records how a claimed message ended: StateSent (with the message
// it became, for a later correction), StateBlocked or StateFailed with its
// reason.
func (s *Store) Settle(ctx context.Context, id int64, state, reason string, at time.Time, messageID int) error {
	fields := map[string]any{"state": state, "reason": reason}
	switch state {
	case StateSent:
		fields["sent_at"] = at.UTC()
		if messageID != 0 {
			fields["message_id"] = messageID
		}
	case StateBlocked, StateFailed:
	default:
		return fmt.Errorf("store: settle outgoing %d: unknown state %q", id, state)
	}
	if err := s.db.WithContext(ctx).Model(&outgoingRow{}).Where("id = ? AND state = ?", id, StateSending).Updates(fields).Error; err != nil {
		return fmt.Errorf("store: settle outgoing %d: %w", id, err)
	}
	return nil
}

// Retry gives a claimed message back, to be claimed again from at on.
func (s *Store) Retry(ctx context.Context, id int64, at time.Time, reason string) error {
	if err := s.db.WithContext(ctx).Model(&outgoingRow{}).Where("id = ? AND state = ?", id, StateSending).
		Updates(map[string]any{"state": givenBack, "lease_until": at.UTC(), "reason": reason}).Error; err != nil {
		return fmt.Errorf("store: retry outgoing %d: %w", id, err)
	}
	return nil
}

// givenBack is the state of a message given back after a try: pending,
// unless its job was paused (held) or stopped meanwhile.
var givenBack = gorm.Expr("COALESCE((SELECT h.state FROM job_holds h WHERE h.job = outgoings.job), ?)", StatePending)

// Recover gives back every message of sender left in flight when it
// stopped, to be sent at once. One process is each sender, so at its
// start-up nothing else is sending its messages.
func (s *Store) Recover(ctx context.Context, sender string) (int, error) {
	res := ofSender(s.db.WithContext(ctx).Model(&outgoingRow{}), sender).Where("state = ?", StateSending).
		Updates(map[string]any{"state": givenBack, "lease_until": time.Time{}})
	if res.Error != nil {
		return 0, fmt.Errorf("store: recover outgoing: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// Retarget moves a claimed message to the chat a group became (a
// supergroup) and gives it back, to be sent there at once.
func (s *Store) Retarget(ctx context.Context, id, chatID int64) error {
	err := s.db.WithContext(ctx).Model(&outgoingRow{}).Where("id = ? AND state = ?", id, StateSending).
		Updates(map[string]any{"chat_id": chatID, "state": givenBack, "lease_until": time.Time{}}).Error
	if err != nil {
		return fmt.Errorf("store: retarget outgoing %d: %w", id, err)
	}
	return nil
}

// JobCounts are a job's messages by state; Pending includes those being
// sent (InFlight), Held those of a paused job.
type JobCounts struct {
	Pending, InFlight, Held, Sent, Blocked, Failed, Cancelled int
}

// Done reports whether nothing of the job is left to send.
func (c JobCounts) Done() bool { return c.Pending == 0 && c.Held == 0 }

// Total is every message of the job.
func (c JobCounts) Total() int {
	return c.Pending + c.Held + c.Sent + c.Blocked + c.Failed + c.Cancelled
}

// Counts returns a job's figures.
func (s *Store) Counts(ctx context.Context, job string) (JobCounts, error) {
	var rows []struct {
		State string
		N     int
	}
	if err := s.db.WithContext(ctx).Model(&outgoingRow{}).Select("state, count(*) AS n").
		Where("job = ?", job).Group("state").Scan(&rows).Error; err != nil {
		return JobCounts{}, fmt.Errorf("store: job %s: %w", job, err)
	}
	var c JobCounts
	for _, r := range rows {
		switch r.State {
		case StatePending:
			c.Pending += r.N
		case StateSending:
			c.Pending += r.N
			c.InFlight = r.N
		case StateSent:
			c.Sent = r.N
		case StateBlocked:
			c.Blocked = r.N
		case StateFailed:
			c.Failed = r.N
		case StateHeld:
			c.Held = r.N
		case StateCancelled:
			c.Cancelled = r.N
		}
	}
	return c, nil
}

// Job controls, applied with an announcement's change of state.
const (
	JobHold    = "hold"    // messages not yet claimed wait
	JobRelease = "release" // and go again
	JobCancel  = "cancel"  // or never go
)

// controlJob holds, releases or cancels a job's messages, including those
// in flight: given back, they follow the job.
func controlJob(tx *gorm.DB, job, op string) error {
	var from []string
	var to string
	switch op {
	case JobHold:
		from, to = []string{StatePending}, StateHeld
	case JobRelease:
		from, to = []string{StateHeld}, StatePending
	case JobCancel:
		from, to = []string{StatePending, StateHeld}, StateCancelled
	default:
		return fmt.Errorf("store: unknown job control %q", op)
	}
	if op == JobRelease {
		if err := tx.Exec("DELETE FROM job_holds WHERE job = ?", job).Error; err != nil {
			return err
		}
	} else if err := tx.Exec("INSERT INTO job_holds (job, state) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET state = excluded.state", job, to).Error; err != nil {
		return err
	}
	return tx.Model(&outgoingRow{}).Where("job = ? AND state IN ?", job, from).Update("state", to).Error
}

// FollowUp makes job newJob of one op (OpEdit with html, or OpDelete) on
// every message job sent — of one variant, or of all when variant is "".
// It is one statement, however many copies there are, and adds nothing
// twice when repeated.
func (s *Store) FollowUp(ctx context.Context, job, newJob, op, variant, html string) (int, error) {
	return followUp(s.db.WithContext(ctx), job, newJob, op, variant, html)
}

func followUp(tx *gorm.DB, job, newJob, op, variant, html string) (int, error) {
	q := `INSERT INTO outgoings (job, chat_id, op, html, variant, media_kind, media_id, message_id, state, lease_until, attempts, reason, created_at)
		SELECT ?, chat_id, ?, ?, variant, media_kind, media_id, message_id, ?, ?, 0, '', ? FROM outgoings
		WHERE job = ? AND state = ? AND message_id <> 0`
	args := []any{newJob, op, html, StatePending, time.Time{}.UTC(), time.Now().UTC(), job, StateSent}
	if variant != "" {
		q += " AND variant = ?"
		args = append(args, variant)
	}
	q += " ON CONFLICT DO NOTHING"
	res := tx.Exec(q, args...)
	if res.Error != nil {
		return 0, fmt.Errorf("store: %s of job %s: %w", op, job, res.Error)
	}
	return int(res.RowsAffected), nil
}

// Reason returns why a job's message was not sent, as Telegram said.
func (s *Store) Reason(ctx context.Context, job string) (string, error) {
	var reasons []string
	if err := s.db.WithContext(ctx).Model(&outgoingRow{}).Where("job = ?", job).Limit(1).Pluck("reason", &reasons).Error; err != nil {
		return "", fmt.Errorf("store: job %s: %w", job, err)
	}
	if len(reasons) == 0 {
		return "", nil
	}
	return reasons[0], nil
}

// Resend makes job newJob of a job's failed messages, to go again in
// thread (a forum topic, or 0), and returns how many.
func (s *Store) Resend(ctx context.Context, job, newJob string, thread int) (int, error) {
	res := s.db.WithContext(ctx).Exec(`INSERT INTO outgoings (job, chat_id, op, html, variant, media_kind, media_id, message_id,
		from_chat, thread_id, reply_to, markup, state, lease_until, attempts, reason, created_at)
		SELECT ?, chat_id, op, html, variant, media_kind, media_id, message_id, from_chat, ?, reply_to, markup, ?, ?, 0, '', ?
		FROM outgoings WHERE job = ? AND state = ?`, newJob, thread, StatePending, time.Time{}.UTC(), time.Now().UTC(), job, StateFailed)
	if res.Error != nil {
		return 0, fmt.Errorf("store: resend job %s: %w", job, res.Error)
	}
	return int(res.RowsAffected), nil
}

// JobReported records that a finished job's figures were reported.
func (s *Store) JobReported(ctx context.Context, job string) error {
	if err := s.db.WithContext(ctx).Exec("INSERT INTO reported_jobs (job) VALUES (?) ON CONFLICT (job) DO NOTHING", job).Error; err != nil {
		return fmt.Errorf("store: job %s reported: %w", job, err)
	}
	return nil
}

// Unreported returns a sender's jobs that have nothing left to send but
// were never reported: the process stopped in between.
func (s *Store) Unreported(ctx context.Context, sender string) ([]string, error) {
	var jobs []string
	err := ofSender(s.db.WithContext(ctx).Model(&outgoingRow{}), sender).
		Where("job NOT IN (SELECT job FROM reported_jobs)").
		Group("job").Having("SUM(CASE WHEN state IN ? THEN 1 ELSE 0 END) = 0", []string{StatePending, StateSending, StateHeld}).
		Order("MIN(id)").Pluck("job", &jobs).Error
	if err != nil {
		return nil, fmt.Errorf("store: unreported jobs: %w", err)
	}
	return jobs, nil
}

// JobMessage returns a job's first message, or ErrNotFound.
func (s *Store) JobMessage(ctx context.Context, job string) (Outgoing, error) {
	var rows []outgoingRow
	if err := s.db.WithContext(ctx).Where("job = ?", job).Order("id").Limit(1).Find(&rows).Error; err != nil {
		return Outgoing{}, fmt.Errorf("store: job %s: %w", job, err)
	}
	if len(rows) == 0 {
		return Outgoing{}, ErrNotFound
	}
	return rows[0].outgoing(), nil
}
