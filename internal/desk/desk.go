// Package desk connects delegates with the organisers' desk, a Telegram
// group where people answer what the bot cannot. It decides what goes to
// the desk and when (at most a few messages a minute from one delegate,
// the rest gathered), and where answers go; the messages themselves are
// written by the bot and sent by the delivery engine, so that nothing is
// lost to a restart.
package desk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/delegatedesk/delegatedesk/internal/store"
)

// PerMinute is how many messages of one delegate reach the desk in a
// minute; more are gathered and follow.
const PerMinute = 3

// Store is what the desk needs of the database.
type Store interface {
	Enqueue(ctx context.Context, msgs []store.Outgoing) (int, error)
	DeskJobsSince(ctx context.Context, sender string, ticketID int64, since time.Time) (int, error)
	KeepDeskMessage(ctx context.Context, m store.DeskMessage) (int64, error)
	HeldDeskMessages(ctx context.Context, ticketID int64) ([]store.DeskMessage, error)
	ReleaseDeskMessages(ctx context.Context, ids []int64) error
	Ticket(ctx context.Context, id int64) (store.Ticket, error)
	Resend(ctx context.Context, job, newJob string, thread int) (int, error)
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// Writer writes what the desk reads, in its language: Telegram HTML.
type Writer interface {
	// Card introduces a ticket (who asks, from where) with its question,
	// and its buttons (reply_markup).
	Card(ctx context.Context, t store.Ticket, question string) (html, markup string)
	// Lines are further words of a delegate, one or several gathered.
	Lines(ctx context.Context, t store.Ticket, texts []string) string
	// Caption names the delegate under a file they sent, with its own
	// caption.
	Caption(ctx context.Context, t store.Ticket, caption string) string
}

// Incoming is something a delegate sent for the desk: words (Kind "text")
// or a file, voice message or location (copied by its message id, Text
// its caption). Text is as they wrote it: the Writer escapes it.
type Incoming struct {
	MessageID  int
	Kind, Text string
}

// Service routes a desk's messages.
type Service struct {
	store  Store
	sender string
	chat   int64
	wake   func()
	now    func() time.Time
	// seq keeps job names apart when the clock does not move.
	seq atomic.Int64
	// mu makes counting a delegate's minute and sending one step: several
	// updates (an album) arrive at once.
	mu sync.Mutex
}

// New returns a Service for the desk chat configured (ORGANISERS_CHAT_ID;
// a supergroup it became since overrides it), sending through the
// outbox sender.
func New(st Store, sender string, chat int64, wake func(), now func() time.Time) *Service {
	return &Service{store: st, sender: sender, chat: chat, wake: wake, now: now}
}

const chatSetting = "desk_chat"

// Chat returns the desk's chat, or 0 when there is no desk.
func (s *Service) Chat(ctx context.Context) (int64, error) {
	if s.chat == 0 {
		return 0, nil
	}
	v, err := s.store.Setting(ctx, chatSetting)
	if err != nil || v == "" {
		return s.chat, err
	}
	// A setting made for another configured chat is no longer ours.
	from, to, ok := strings.Cut(v, ">")
	if !ok || from != strconv.FormatInt(s.chat, 10) {
		return s.chat, nil
	}
	return strconv.ParseInt(to, 10, 64)
}

// Moved follows the desk to the supergroup its group became.
func (s *Service) Moved(ctx context.Context, from, to int64) error {
	cur, err := s.Chat(ctx)
	if err != nil || cur != from || s.chat == 0 {
		return err
	}
	return s.store.SetSetting(ctx, chatSetting, fmt.Sprintf("%d>%d", s.chat, to))
}

// Jobs of the desk: "<sender>:desk:<ticket>:<n>" go to the desk,
// "<sender>:ans:<ticket>:<desk message>" answer a delegate, and
// "<sender>:dnote:<ticket>:<n>" tell a delegate or the desk of a ticket.
const (
	JobDesk   = "desk"
	JobAnswer = "ans"
	JobNote   = "dnote"
)

// ParseJob returns a desk job's kind, ticket and last part.
func ParseJob(job string) (kind string, ticket int64, last string, ok bool) {
	parts := strings.Split(job, ":")
	if len(parts) != 4 || (parts[1] != JobDesk && parts[1] != JobAnswer && parts[1] != JobNote) {
		return "", 0, "", false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	return parts[1], id, parts[3], err == nil
}

// job names a new job of a ticket: unique, as a job reaches a chat once.
func (s *Service) job(kind string, ticket int64) string {
	return fmt.Sprintf("%s:%s:%d:%d.%d", s.sender, kind, ticket, s.now().UnixNano(), s.seq.Add(1))
}

// Open posts a ticket's card with its question to the desk.
func (s *Service) Open(ctx context.Context, t store.Ticket, question string, w Writer) error {
	html, markup := w.Card(ctx, t, question)
	return s.enqueueDesk(ctx, t, []store.Outgoing{{HTML: html, Markup: markup}})
}

// Note tells the desk something about a ticket (an answer delivered, or
// why not), in reply to one of its messages, with buttons (markup); it
// keeps to the group's pace like everything sent there.
func (s *Service) Note(ctx context.Context, t store.Ticket, html string, replyTo int, markup string) error {
	chat, err := s.Chat(ctx)
	if err != nil || chat == 0 {
		return err
	}
	if _, err := s.store.Enqueue(ctx, []store.Outgoing{{Job: s.job(JobNote, t.ID), ChatID: chat, ThreadID: t.ThreadID,
		ReplyTo: replyTo, HTML: html, Markup: markup}}); err != nil {
		return err
	}
	s.wake()
	return nil
}

// Forward takes what a delegate sent for their ticket: it goes to the
// desk now, or once the delegate's minute allows, after what is held.
func (s *Service) Forward(ctx context.Context, t store.Ticket, in Incoming, w Writer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	recent, err := s.store.DeskJobsSince(ctx, s.sender, t.ID, s.now().Add(-time.Minute))
	if err != nil {
		return err
	}
	held, err := s.store.HeldDeskMessages(ctx, t.ID)
	if err != nil {
		return err
	}
	out := s.outgoing(ctx, t, in, w)
	if len(held) > 0 || recent+len(out) > PerMinute {
		_, err := s.store.KeepDeskMessage(ctx, store.DeskMessage{UserID: t.UserID, TicketID: t.ID, MessageID: in.MessageID,
			Kind: in.Kind, Text: in.Text, State: store.DeskHeld})
		return err
	}
	return s.enqueueDesk(ctx, t, out)
}

func (s *Service) outgoing(ctx context.Context, t store.Ticket, in Incoming, w Writer) []store.Outgoing {
	if in.Kind == "text" {
		return []store.Outgoing{{HTML: w.Lines(ctx, t, []string{in.Text})}}
	}
	m := store.Outgoing{Op: store.OpCopy, FromChat: t.ChatID, MessageID: in.MessageID}
	if in.Kind == "location" {
		// A location has no caption: a line before it says whose it is.
		return []store.Outgoing{{HTML: w.Caption(ctx, t, "")}, m}
	}
	m.HTML = w.Caption(ctx, t, in.Text)
	return []store.Outgoing{m}
}

// gathered is how much text one gathered message carries, well within a
// message's 4,096 characters with its header.
const gathered = 3500

// Flush sends on what flood control held, as each delegate's minute
// allows, in order: their words gathered in as few messages as fit, their
// files one by one. What does not fit waits for the next minute.
func (s *Service) Flush(ctx context.Context, w Writer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	held, err := s.store.HeldDeskMessages(ctx, 0)
	if err != nil || len(held) == 0 {
		return err
	}
	byTicket := map[int64][]store.DeskMessage{}
	var order []int64
	for _, m := range held {
		if _, ok := byTicket[m.TicketID]; !ok {
			order = append(order, m.TicketID)
		}
		byTicket[m.TicketID] = append(byTicket[m.TicketID], m)
	}
	for _, id := range order {
		recent, err := s.store.DeskJobsSince(ctx, s.sender, id, s.now().Add(-time.Minute))
		if err != nil {
			return err
		}
		t, err := s.store.Ticket(ctx, id)
		if err != nil {
			return err
		}
		var out []store.Outgoing
		var done []int64
		var texts []string
		var textIDs []int64
		size := 0
		room := PerMinute - recent
		flushTexts := func() {
			if len(texts) > 0 && len(out) < room {
				out = append(out, store.Outgoing{HTML: w.Lines(ctx, t, texts)})
				done = append(done, textIDs...)
			}
			texts, textIDs, size = nil, nil, 0
		}
		for _, m := range byTicket[id] {
			if m.Kind == "text" {
				if n := utf8.RuneCountInString(m.Text); size > 0 && size+n > gathered {
					flushTexts()
				}
				texts, textIDs = append(texts, m.Text), append(textIDs, m.ID)
				size += utf8.RuneCountInString(m.Text)
				continue
			}
			flushTexts()
			next := s.outgoing(ctx, t, Incoming{MessageID: m.MessageID, Kind: m.Kind, Text: m.Text}, w)
			if len(out)+len(next) > room {
				break // the rest keeps its order for the next minute
			}
			out = append(out, next...)
			done = append(done, m.ID)
		}
		flushTexts()
		if err := s.enqueueDesk(ctx, t, out); err != nil {
			return err
		}
		if err := s.store.ReleaseDeskMessages(ctx, done); err != nil {
			return err
		}
	}
	return nil
}

// enqueueDesk sends messages to the desk, in the ticket's topic if it has
// one; each is a job of its own, so that a reply to any of them finds the
// ticket.
func (s *Service) enqueueDesk(ctx context.Context, t store.Ticket, msgs []store.Outgoing) error {
	chat, err := s.Chat(ctx)
	if err != nil || chat == 0 || len(msgs) == 0 {
		return err
	}
	for i := range msgs {
		msgs[i].Job = s.job(JobDesk, t.ID)
		msgs[i].ChatID, msgs[i].ThreadID = chat, t.ThreadID
	}
	if _, err := s.store.Enqueue(ctx, msgs); err != nil {
		return err
	}
	s.wake()
	return nil
}

// Resend sends again what job failed to bring to the desk, in the
// ticket's topic as it is now (the old one was deleted).
func (s *Service) Resend(ctx context.Context, t store.Ticket, job string) error {
	if _, err := s.store.Resend(ctx, job, s.job(JobDesk, t.ID), t.ThreadID); err != nil {
		return err
	}
	s.wake()
	return nil
}

// Answer sends an organiser's answer (deskMsg in the desk chat) to the
// delegate: html as a message of its own, or, for a file, a copy of it
// with html as its caption.
func (s *Service) Answer(ctx context.Context, t store.Ticket, deskMsg int, file bool, html string) error {
	m := store.Outgoing{Job: fmt.Sprintf("%s:%s:%d:%d", s.sender, JobAnswer, t.ID, deskMsg), ChatID: t.ChatID, HTML: html}
	if file {
		chat, err := s.Chat(ctx)
		if err != nil {
			return err
		}
		m.Op, m.FromChat, m.MessageID = store.OpCopy, chat, deskMsg
	}
	if _, err := s.store.Enqueue(ctx, []store.Outgoing{m}); err != nil {
		return err
	}
	s.wake()
	return nil
}

// Tell sends a delegate a word about their ticket (closed…).
func (s *Service) Tell(ctx context.Context, t store.Ticket, html string) error {
	if _, err := s.store.Enqueue(ctx, []store.Outgoing{{Job: s.job(JobNote, t.ID), ChatID: t.ChatID, HTML: html}}); err != nil {
		return err
	}
	s.wake()
	return nil
}
