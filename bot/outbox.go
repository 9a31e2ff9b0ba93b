package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/delivery"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// sender sends the outbox's messages through the Bot API and tells the
// dispatcher what Telegram's errors mean.
type sender struct{ api *tg.Bot }

func (s sender) Send(ctx context.Context, chatID int64, html string) error {
	_, err := s.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML})
	var tooMany *tg.TooManyRequestsError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooMany):
		// A margin, so the retry does not land just before Telegram's
		// window closes.
		return &delivery.RetryAfterError{After: time.Duration(tooMany.RetryAfter)*time.Second + 250*time.Millisecond}
	case errors.Is(err, tg.ErrorForbidden):
		return fmt.Errorf("%w: %v", delivery.ErrBlocked, err)
	case errors.Is(err, tg.ErrorBadRequest):
		return &delivery.RejectedError{Reason: err.Error()}
	}
	return err
}

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

// localizerOf speaks a participant's language when they are not the one
// writing: their choice, else their Telegram app's.
func (b *Bot) localizerOf(p store.Participant) *l10n.Localizer {
	return b.cat.For(l10n.Resolve(p.Language, p.TelegramLanguage, b.cfg.DefaultLanguage))
}
