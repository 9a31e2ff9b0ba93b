package bot

import (
	"context"
	"errors"
	"slices"
	"strings"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// request is one update being handled, with who sent it and what they see.
type request struct {
	ctx    context.Context
	b      *Bot
	user   *models.User
	chatID int64
	part   store.Participant
	loc    *l10n.Localizer
	// prog is the programme the person follows; nil before any import.
	prog *programme.Programme
	// msg is the message being handled, if any; args is what follows a
	// command; data are the fields of a button's data.
	msg        *models.Message
	msgCommand string
	args       string
	data       []string
	// cb is the button press being handled, if any.
	cb       *models.CallbackQuery
	answered bool
}

type (
	keyboard = [][]models.InlineKeyboardButton
	button   = models.InlineKeyboardButton
)

// grid lays buttons out n to a row.
func grid(buttons []models.InlineKeyboardButton, n int) keyboard {
	var kb keyboard
	for row := range slices.Chunk(buttons, n) {
		kb = append(kb, row)
	}
	return kb
}

func callbackButton(text string, data string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, CallbackData: data}
}

func urlButton(text, url string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, URL: url}
}

// newRequest loads the sender's participant record, creating or refreshing
// it, and the programme they follow.
func (b *Bot) newRequest(ctx context.Context, user *models.User, chatID int64) (*request, error) {
	r := &request{ctx: ctx, b: b, user: user, chatID: chatID}
	p, err := b.store.Participant(ctx, user.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	fresh := errors.Is(err, store.ErrNotFound)
	// Writing to the bot again also means they no longer block it.
	if fresh || p.Blocked || p.ChatID != chatID || p.FirstName != user.FirstName || p.TelegramLanguage != user.LanguageCode {
		p.UserID, p.ChatID, p.FirstName, p.TelegramLanguage, p.Blocked = user.ID, chatID, user.FirstName, user.LanguageCode, false
		if err := b.store.SaveParticipant(ctx, p); err != nil {
			return nil, err
		}
	}
	r.part = p
	r.loc = b.cat.For(l10n.Resolve(p.Language, user.LanguageCode, b.cfg.DefaultLanguage))
	if err := r.loadProgramme(p.EventID); err != nil {
		return nil, err
	}
	return r, nil
}

// loadProgramme loads an event's programme, or the default event's when
// eventID is zero or the event no longer exists.
func (r *request) loadProgramme(eventID int64) error {
	if eventID != 0 {
		p, err := r.b.store.Programme(r.ctx, eventID)
		if err == nil {
			r.prog = p
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	id, err := r.b.store.DefaultEvent(r.ctx)
	if errors.Is(err, store.ErrNotFound) {
		r.prog = nil
		return nil
	}
	if err != nil {
		return err
	}
	r.prog, err = r.b.store.Programme(r.ctx, id)
	return err
}

// t renders a message as HTML in the person's language.
func (r *request) t(id string, data l10n.Data) string { return r.loc.HTML(id, data) }

// text renders a message as plain text (button captions, notices).
func (r *request) text(id string, data l10n.Data) string { return r.loc.Text(id, data) }

// lang returns the person's language code.
func (r *request) lang() string { return r.loc.Lang() }

// reply sends an HTML message to the person.
func (r *request) reply(html string, kb keyboard) {
	params := &tg.SendMessageParams{
		ChatID:             r.chatID,
		Text:               html,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()},
	}
	if len(kb) > 0 {
		params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: kb}
	}
	if _, err := r.b.api.SendMessage(r.ctx, params); err != nil {
		r.b.log.Error("send failed", "chat", r.chatID, "err", err)
		if errors.Is(err, tg.ErrorBadRequest) {
			// Telegram refused what we made: say something rather than nothing.
			r.b.sendPlain(r.ctx, r.chatID, r.t("error_internal", nil))
		}
	}
}

// show replaces the message whose button was pressed, or sends a new one when
// the update is a message.
func (r *request) show(html string, kb keyboard) {
	if r.cb == nil || r.cb.Message.Message == nil {
		r.reply(html, kb)
		return
	}
	params := &tg.EditMessageTextParams{
		ChatID:             r.chatID,
		MessageID:          r.cb.Message.Message.ID,
		Text:               html,
		ParseMode:          models.ParseModeHTML,
		LinkPreviewOptions: &models.LinkPreviewOptions{IsDisabled: tg.True()},
		ReplyMarkup:        &models.InlineKeyboardMarkup{InlineKeyboard: kb},
	}
	if kb == nil {
		params.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: keyboard{}}
	}
	_, err := r.b.api.EditMessageText(r.ctx, params)
	// Pressing a button that shows what is already shown is not an error.
	if err != nil && !strings.Contains(err.Error(), "message is not modified") {
		r.b.log.Warn("edit failed", "chat", r.chatID, "err", err)
	}
}

// setButtons replaces the buttons of the message whose button was pressed.
func (r *request) setButtons(kb keyboard) {
	if r.cb == nil || r.cb.Message.Message == nil {
		return
	}
	_, err := r.b.api.EditMessageReplyMarkup(r.ctx, &tg.EditMessageReplyMarkupParams{
		ChatID: r.chatID, MessageID: r.cb.Message.Message.ID, ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: kb},
	})
	if err != nil {
		r.b.log.Warn("edit buttons failed", "chat", r.chatID, "err", err)
	}
}

// answer answers the button press being handled, with an optional notice.
func (r *request) answer(notice string) {
	if r.cb == nil || r.answered {
		return
	}
	r.answered = true
	_, err := r.b.api.AnswerCallbackQuery(r.ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: r.cb.ID, Text: notice})
	if err != nil {
		r.b.log.Warn("answer callback failed", "chat", r.chatID, "err", err)
	}
}

// noProgramme tells the person that no programme is loaded, and reports
// whether that is the case.
func (r *request) noProgramme() bool {
	if r.prog != nil {
		return false
	}
	r.answer("")
	r.reply(r.t("no_event", nil), nil)
	return true
}
