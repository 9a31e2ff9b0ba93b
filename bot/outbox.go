package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/announce"
	"github.com/delegatedesk/delegatedesk/internal/delivery"
	"github.com/delegatedesk/delegatedesk/internal/desk"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// sender does the outbox's messages through the Bot API and tells the
// dispatcher what Telegram's errors mean.
type sender struct {
	api *tg.Bot
	// paid sets allow_paid_broadcast: Telegram then takes up to 1000
	// messages a second, for Stars.
	paid bool
}

func (s sender) Send(ctx context.Context, m store.Outgoing) (int, error) {
	msg, err := s.do(ctx, m)
	var tooMany *tg.TooManyRequestsError
	var migrate *tg.MigrateError
	switch {
	case err == nil:
		if msg != nil {
			return msg.ID, nil
		}
		return 0, nil
	case errors.As(err, &tooMany):
		// A margin, so the retry does not land just before Telegram's
		// window closes.
		return 0, &delivery.RetryAfterError{After: time.Duration(tooMany.RetryAfter)*time.Second + 250*time.Millisecond}
	case errors.As(err, &migrate) && m.Op == store.OpCopy && m.ChatID > 0:
		// The group copied from moved, not the delegate: the copy cannot
		// be made from there.
		return 0, &delivery.RejectedError{Reason: err.Error()}
	case errors.As(err, &migrate):
		return 0, &delivery.MovedError{ChatID: int64(migrate.MigrateToChatID)}
	case errors.Is(err, tg.ErrorForbidden):
		return 0, fmt.Errorf("%w: %v", delivery.ErrBlocked, err)
	case errors.Is(err, tg.ErrorUnauthorized), errors.Is(err, tg.ErrorNotFound):
		return 0, fmt.Errorf("%w: %v", delivery.ErrUnauthorized, err)
	case errors.Is(err, tg.ErrorBadRequest):
		text := err.Error()
		// An edit that changes nothing, or a deletion of what is gone, has
		// its effect already.
		if (m.Op == store.OpEdit && strings.Contains(text, "message is not modified")) ||
			(m.Op == store.OpDelete && strings.Contains(text, "message to delete not found")) {
			return 0, nil
		}
		return 0, &delivery.RejectedError{Reason: text}
	}
	return 0, err
}

func (s sender) do(ctx context.Context, m store.Outgoing) (*models.Message, error) {
	switch m.Op {
	case store.OpDelete:
		_, err := s.api.DeleteMessage(ctx, &tg.DeleteMessageParams{ChatID: m.ChatID, MessageID: m.MessageID})
		return nil, err
	case store.OpEdit:
		if m.MediaKind != "" {
			return s.api.EditMessageCaption(ctx, &tg.EditMessageCaptionParams{ChatID: m.ChatID, MessageID: m.MessageID,
				Caption: m.HTML, ParseMode: models.ParseModeHTML})
		}
		return s.api.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: m.ChatID, MessageID: m.MessageID,
			Text: m.HTML, ParseMode: models.ParseModeHTML})
	}
	// Paid broadcasts are for delegates in bulk, not for the organisers'
	// group.
	paid := s.paid && m.ChatID > 0
	var markup models.ReplyMarkup
	if m.Markup != "" {
		var kb models.InlineKeyboardMarkup
		if err := json.Unmarshal([]byte(m.Markup), &kb); err != nil {
			return nil, &delivery.RejectedError{Reason: "buttons: " + err.Error()}
		}
		markup = &kb
	}
	var reply *models.ReplyParameters
	if m.ReplyTo != 0 {
		// The message answered may be gone: the copy still goes.
		reply = &models.ReplyParameters{MessageID: m.ReplyTo, AllowSendingWithoutReply: true}
	}
	switch {
	case m.Op == store.OpCopy:
		p := &tg.CopyMessageParams{ChatID: m.ChatID, FromChatID: m.FromChat, MessageID: m.MessageID,
			MessageThreadID: m.ThreadID, ReplyParameters: reply}
		if m.HTML != "" {
			p.Caption, p.ParseMode = m.HTML, models.ParseModeHTML
		}
		id, err := s.api.CopyMessage(ctx, p)
		if err != nil {
			return nil, err
		}
		return &models.Message{ID: id.ID}, nil
	case m.MediaKind == mediaPhoto:
		return s.api.SendPhoto(ctx, &tg.SendPhotoParams{ChatID: m.ChatID, Photo: &models.InputFileString{Data: m.MediaID},
			Caption: m.HTML, ParseMode: models.ParseModeHTML, AllowPaidBroadcast: paid, MessageThreadID: m.ThreadID, ReplyParameters: reply})
	case m.MediaKind == mediaDocument:
		return s.api.SendDocument(ctx, &tg.SendDocumentParams{ChatID: m.ChatID, Document: &models.InputFileString{Data: m.MediaID},
			Caption: m.HTML, ParseMode: models.ParseModeHTML, AllowPaidBroadcast: paid, MessageThreadID: m.ThreadID, ReplyParameters: reply})
	}
	return s.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: m.ChatID, Text: m.HTML, ParseMode: models.ParseModeHTML,
		AllowPaidBroadcast: paid, MessageThreadID: m.ThreadID, ReplyParameters: reply, ReplyMarkup: markup})
}

// Kinds of file an announcement may carry.
const (
	mediaPhoto    = "photo"
	mediaDocument = "document"
)

// Jobs of the outbox are named "<outbox>:<kind>:<chat to report to>:<unique>".
const noticeJob = "notice"

// enqueue hands messages to the dispatcher, which sends them durably at
// Telegram's pace.
func (b *Bot) enqueue(ctx context.Context, msgs []store.Outgoing) error {
	if _, err := b.store.Enqueue(ctx, msgs); err != nil {
		return err
	}
	b.dispatcher.Wake()
	return nil
}

// Drained waits until every message due to many delegates has been sent
// and reported, or ctx is done.
func (b *Bot) Drained(ctx context.Context) error { return b.dispatcher.Drained(ctx) }

// jobDone reports a finished job to whoever asked for it.
func (b *Bot) jobDone(ctx context.Context, job string, c store.JobCounts) {
	if kind, id, ok := announce.ParseJob(job); ok {
		b.followUpDone(ctx, kind, id, c)
		return
	}
	if kind, ticket, last, ok := desk.ParseJob(job); ok {
		switch {
		case kind == desk.JobAnswer:
			b.answerDone(ctx, job, ticket, last, c)
		case kind == desk.JobDesk && c.Failed > 0:
			b.deskFailed(ctx, ticket, job)
		case c.Sent == 0:
			b.log.Warn("desk message not delivered", "job", job, "blocked", c.Blocked, "failed", c.Failed)
		}
		return
	}
	_, rest, _ := strings.Cut(job, ":")
	kind, rest, _ := strings.Cut(rest, ":")
	reportTo, _, _ := strings.Cut(rest, ":")
	chatID, err := strconv.ParseInt(reportTo, 10, 64)
	if kind != noticeJob || err != nil {
		return
	}
	b.log.Info("notice sent", "job", job, "sent", c.Sent, "blocked", c.Blocked, "failed", c.Failed)
	loc := b.cat.For(b.cfg.DefaultLanguage)
	if part, err := b.store.Participant(ctx, chatID); err == nil {
		loc = b.localizerOf(part)
	}
	b.sendPlain(ctx, chatID, loc.PluralHTML("notice_sent", c.Sent, nil))
}

// followUpDone reports a finished correction or withdrawal to the chat
// that follows the announcement; a finished announcement is reported by
// followAnnouncements.
func (b *Bot) followUpDone(ctx context.Context, kind string, id int64, c store.JobCounts) {
	if kind == announce.JobSend {
		b.wakeFollow()
		return
	}
	a, err := b.store.Announcement(ctx, id)
	if err != nil || a.ReportChat == 0 {
		return
	}
	loc := b.cat.For(b.cfg.DefaultLanguage)
	if p, err := b.store.Participant(ctx, a.Author); err == nil {
		loc = b.localizerOf(p)
	}
	key := "ann_fix_done"
	if kind == announce.JobWithdraw {
		key = "ann_withdraw_done"
	}
	b.log.Info("announcement "+kind+" done", "id", id, "sent", c.Sent, "failed", c.Failed+c.Blocked)
	b.sendPlain(ctx, a.ReportChat, loc.HTML(key, l10n.Data{"ID": id, "Sent": c.Sent, "Failed": c.Failed + c.Blocked}))
	b.wakeFollow()
}

// localizerOf speaks a participant's language when they are not the one
// writing: their choice, else their Telegram app's.
func (b *Bot) localizerOf(p store.Participant) *l10n.Localizer {
	return b.cat.For(l10n.Resolve(p.Language, p.TelegramLanguage, b.cfg.DefaultLanguage))
}
