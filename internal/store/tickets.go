package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// States of a ticket: a delegate's conversation with the organisers' desk.
const (
	TicketOpen     = "open"     // the delegate waits for an answer
	TicketAnswered = "answered" // an organiser's answer reached them
	TicketClosed   = "closed"
)

// Ticket is one delegate's conversation with the desk, per event. Writing
// again re-opens it.
type Ticket struct {
	ID, EventID, UserID, ChatID int64
	State                       string
	// ThreadID is the delegate's topic when the desk is a forum.
	ThreadID int
	// Question is the delegate's latest question in words, for a FAQ.
	Question string
	// WaitingSince is when the delegate's oldest unanswered message came.
	WaitingSince         time.Time
	CreatedAt, UpdatedAt time.Time
}

type ticketRow struct {
	ID           int64 `gorm:"primaryKey"`
	EventID      int64
	UserID       int64
	ChatID       int64
	State        string
	ThreadID     int
	Question     string
	WaitingSince *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (ticketRow) TableName() string { return "tickets" }

func (r ticketRow) ticket() Ticket {
	return Ticket{ID: r.ID, EventID: r.EventID, UserID: r.UserID, ChatID: r.ChatID, State: r.State, ThreadID: r.ThreadID,
		Question: r.Question, WaitingSince: fromOpt(r.WaitingSince), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// OpenTicket opens the delegate's ticket for an event, or re-opens it, and
// records their question if they asked one in words. It reports whether
// the ticket was not open before (new, answered or closed): the desk then
// hears of it anew.
func (s *Store) OpenTicket(ctx context.Context, eventID, userID, chatID int64, question string, now time.Time) (Ticket, bool, error) {
	var t ticketRow
	var fresh bool
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Take(&t, "event_id = ? AND user_id = ?", eventID, userID).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			t = ticketRow{EventID: eventID, UserID: userID, ChatID: chatID, State: TicketOpen, Question: question, WaitingSince: optTime(now)}
			fresh = true
			return tx.Create(&t).Error
		case err != nil:
			return err
		}
		fresh = t.State != TicketOpen
		t.State, t.ChatID = TicketOpen, chatID
		if t.WaitingSince == nil {
			t.WaitingSince = optTime(now)
		}
		if question != "" {
			t.Question = question
		}
		return tx.Save(&t).Error
	})
	if err != nil {
		return Ticket{}, false, fmt.Errorf("store: open ticket of %d: %w", userID, err)
	}
	return t.ticket(), fresh, nil
}

// Ticket returns a ticket, or ErrNotFound.
func (s *Store) Ticket(ctx context.Context, id int64) (Ticket, error) {
	return s.oneTicket(s.db.WithContext(ctx).Where("id = ?", id))
}

// TicketOfUser returns a delegate's ticket for an event, or ErrNotFound.
func (s *Store) TicketOfUser(ctx context.Context, eventID, userID int64) (Ticket, error) {
	return s.oneTicket(s.db.WithContext(ctx).Where("event_id = ? AND user_id = ?", eventID, userID))
}

// TicketOfThread returns the ticket whose forum topic is thread, or
// ErrNotFound.
func (s *Store) TicketOfThread(ctx context.Context, thread int) (Ticket, error) {
	if thread == 0 {
		return Ticket{}, ErrNotFound
	}
	return s.oneTicket(s.db.WithContext(ctx).Where("thread_id = ?", thread))
}

func (s *Store) oneTicket(q *gorm.DB) (Ticket, error) {
	var rows []ticketRow
	if err := q.Limit(1).Find(&rows).Error; err != nil {
		return Ticket{}, fmt.Errorf("store: ticket: %w", err)
	}
	if len(rows) == 0 {
		return Ticket{}, ErrNotFound
	}
	return rows[0].ticket(), nil
}

// TicketOfMessage returns the ticket a message of the desk chat belongs
// to: one the sender sent there for it. Replies to it are for that
// ticket.
func (s *Store) TicketOfMessage(ctx context.Context, sender string, chatID int64, messageID int) (Ticket, error) {
	var jobs []string
	// Only a message sent has its id in the desk: one not sent yet (or a
	// copy that failed) holds the id of its source, in another chat.
	err := s.db.WithContext(ctx).Model(&outgoingRow{}).Where("chat_id = ? AND message_id = ? AND state = ? AND (job LIKE ? OR job LIKE ?)",
		chatID, messageID, StateSent, sender+":desk:%", sender+":dnote:%").Order("id DESC").Limit(1).Pluck("job", &jobs).Error
	if err != nil {
		return Ticket{}, fmt.Errorf("store: ticket of message %d: %w", messageID, err)
	}
	if len(jobs) == 0 {
		return Ticket{}, ErrNotFound
	}
	parts := strings.Split(jobs[0], ":")
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return Ticket{}, ErrNotFound
	}
	return s.Ticket(ctx, id)
}

// SetTicketThread records a ticket's forum topic.
func (s *Store) SetTicketThread(ctx context.Context, id int64, thread int) error {
	if err := s.db.WithContext(ctx).Model(&ticketRow{}).Where("id = ?", id).Update("thread_id", thread).Error; err != nil {
		return fmt.Errorf("store: ticket %d topic: %w", id, err)
	}
	return nil
}

// TicketAnswered records that an answer reached the delegate: nothing of
// theirs waits any more. A closed ticket stays closed.
func (s *Store) TicketAnswered(ctx context.Context, id int64) error {
	err := s.db.WithContext(ctx).Model(&ticketRow{}).Where("id = ? AND state <> ?", id, TicketClosed).
		Updates(map[string]any{"state": TicketAnswered, "waiting_since": nil}).Error
	if err != nil {
		return fmt.Errorf("store: ticket %d answered: %w", id, err)
	}
	return nil
}

// CloseTicket closes a ticket and reports whether it was not closed.
func (s *Store) CloseTicket(ctx context.Context, id int64) (bool, error) {
	res := s.db.WithContext(ctx).Model(&ticketRow{}).Where("id = ? AND state <> ?", id, TicketClosed).
		Updates(map[string]any{"state": TicketClosed, "waiting_since": nil})
	if res.Error != nil {
		return false, fmt.Errorf("store: close ticket %d: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// OpenTickets returns the tickets waiting for an answer, the longest
// waiting first.
func (s *Store) OpenTickets(ctx context.Context, limit int) ([]Ticket, error) {
	var rows []ticketRow
	if err := s.db.WithContext(ctx).Where("state = ?", TicketOpen).Order("waiting_since, id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: open tickets: %w", err)
	}
	out := make([]Ticket, len(rows))
	for i, r := range rows {
		out[i] = r.ticket()
	}
	return out, nil
}

// DeskJobsSince counts the messages sent to the desk for a ticket since a
// time, for flood control.
func (s *Store) DeskJobsSince(ctx context.Context, sender string, ticketID int64, since time.Time) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&outgoingRow{}).Where("job LIKE ? AND created_at >= ?",
		fmt.Sprintf("%s:desk:%d:%%", sender, ticketID), since.UTC()).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("store: desk messages of ticket %d: %w", ticketID, err)
	}
	return int(n), nil
}

// States of a desk message.
const (
	DeskHeld    = "held"    // for the desk, held back by flood control
	DeskOffered = "offered" // a question the delegate may send with a button
	DeskAnswer  = "answer"  // an organiser's answer, kept to save as a FAQ
)

// DeskMessage is something a delegate sent that waits for the desk.
type DeskMessage struct {
	ID, UserID, TicketID int64
	// MessageID is the message in the delegate's chat, for a copy.
	MessageID int
	// Kind is "text" or a file's kind ("photo", "voice"…); Text the text.
	Kind, Text, State string
	// Question is, for an answer, the question it answered.
	Question  string
	CreatedAt time.Time
}

type deskMessageRow struct {
	ID        int64 `gorm:"primaryKey"`
	UserID    int64
	TicketID  int64
	MessageID int
	Kind      string
	Text      string
	State     string
	Question  string
	CreatedAt time.Time
}

func (deskMessageRow) TableName() string { return "desk_messages" }

// KeepDeskMessage stores a message for the desk and returns its id.
func (s *Store) KeepDeskMessage(ctx context.Context, m DeskMessage) (int64, error) {
	r := deskMessageRow{UserID: m.UserID, TicketID: m.TicketID, MessageID: m.MessageID, Kind: m.Kind, Text: m.Text, State: m.State,
		Question: m.Question, CreatedAt: time.Now().UTC()}
	if err := s.db.WithContext(ctx).Create(&r).Error; err != nil {
		return 0, fmt.Errorf("store: keep desk message: %w", err)
	}
	return r.ID, nil
}

// TakeDeskMessage removes a message offered to the desk and returns it,
// if it is the user's: a question goes to the desk once.
func (s *Store) TakeDeskMessage(ctx context.Context, id, userID int64) (DeskMessage, error) {
	var r deskMessageRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&r, "id = ? AND user_id = ? AND state = ?", id, userID, DeskOffered).Error; err != nil {
			return err
		}
		return tx.Delete(&r).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return DeskMessage{}, ErrNotFound
	}
	if err != nil {
		return DeskMessage{}, fmt.Errorf("store: desk message %d: %w", id, err)
	}
	return deskMessage(r), nil
}

func deskMessage(r deskMessageRow) DeskMessage {
	return DeskMessage{ID: r.ID, UserID: r.UserID, TicketID: r.TicketID, MessageID: r.MessageID, Kind: r.Kind, Text: r.Text, State: r.State,
		Question: r.Question, CreatedAt: r.CreatedAt}
}

// ForgetOffered drops questions offered to the desk before a time and
// never sent: their buttons are old news.
func (s *Store) ForgetOffered(ctx context.Context, before time.Time) (int, error) {
	res := s.db.WithContext(ctx).Where("state = ? AND created_at < ?", DeskOffered, before.UTC()).Delete(&deskMessageRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: forget offered questions: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// DeskAnswer returns the answer an organiser gave with message msgID of
// the desk, or ErrNotFound.
func (s *Store) DeskAnswer(ctx context.Context, ticketID int64, msgID int) (DeskMessage, error) {
	var rows []deskMessageRow
	if err := s.db.WithContext(ctx).Where("ticket_id = ? AND message_id = ? AND state = ?", ticketID, msgID, DeskAnswer).
		Limit(1).Find(&rows).Error; err != nil {
		return DeskMessage{}, fmt.Errorf("store: desk answer: %w", err)
	}
	if len(rows) == 0 {
		return DeskMessage{}, ErrNotFound
	}
	return deskMessage(rows[0]), nil
}

// HeldDeskMessages returns the messages flood control holds back, oldest
// first: a ticket's, or all of them with ticketID 0.
func (s *Store) HeldDeskMessages(ctx context.Context, ticketID int64) ([]DeskMessage, error) {
	var rows []deskMessageRow
	q := s.db.WithContext(ctx).Where("state = ?", DeskHeld)
	if ticketID != 0 {
		q = q.Where("ticket_id = ?", ticketID)
	}
	if err := q.Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: held desk messages: %w", err)
	}
	out := make([]DeskMessage, len(rows))
	for i, r := range rows {
		out[i] = deskMessage(r)
	}
	return out, nil
}

// ReleaseDeskMessages forgets held messages once they are in the outbox.
func (s *Store) ReleaseDeskMessages(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Delete(&deskMessageRow{}).Error; err != nil {
		return fmt.Errorf("store: release desk messages: %w", err)
	}
	return nil
}

// Setting returns a setting, or "" when it was never set.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var values []string
	if err := s.db.WithContext(ctx).Raw("SELECT value FROM settings WHERE key = ?", key).Scan(&values).Error; err != nil {
		return "", fmt.Errorf("store: setting %s: %w", key, err)
	}
	if len(values) == 0 {
		return "", nil
	}
	return values[0], nil
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	err := s.db.WithContext(ctx).Exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value).Error
	if err != nil {
		return fmt.Errorf("store: setting %s: %w", key, err)
	}
	return nil
}
