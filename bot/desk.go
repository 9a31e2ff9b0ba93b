package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/desk"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// deskWindow is how long after a bare /ask the delegate's next message is
// taken as their question.
const deskWindow = 10 * time.Minute

// deskLoc speaks the desk's language: the configured default.
func (b *Bot) deskLoc() *l10n.Localizer { return b.cat.For(b.cfg.DefaultLanguage) }

// askCmd sends a question to the organisers: /ask <question>, or /ask and
// then the question.
func (b *Bot) askCmd(r *request) {
	if r.noProgramme() {
		return
	}
	if chat, err := b.desk.Chat(r.ctx); err != nil || chat == 0 {
		r.reply(r.t("desk_none", nil), nil)
		return
	}
	if r.args == "" {
		if !b.setDeskMode(r, b.cfg.Now().Add(deskWindow)) {
			return
		}
		r.reply(r.t("desk_ask_prompt", nil), keyboard{{callbackButton(r.text("btn_desk_done", nil), cbDeskDone)}})
		return
	}
	b.toDesk(r, desk.Incoming{MessageID: r.msg.ID, Kind: "text", Text: r.args})
}

func (b *Bot) setDeskMode(r *request, until time.Time) bool {
	r.part.DeskUntil = until
	if err := b.store.SaveParticipant(r.ctx, r.part); err != nil {
		r.fail(err)
		return false
	}
	return true
}

// inDesk reports whether what a delegate sends now goes to the desk: the
// message after a bare /ask, or a file while their question is open.
// Their other words are for the bot, as ever.
func (b *Bot) inDesk(r *request) bool {
	if r.prog == nil {
		return false
	}
	if b.cfg.Now().Before(r.part.DeskUntil) {
		return true
	}
	if kind, _ := incomingKind(r.msg); kind == "text" || r.may(store.RoleAdmin) {
		return false
	}
	t, err := b.store.TicketOfUser(r.ctx, r.prog.Event.StoreID, r.user.ID)
	return err == nil && t.State != store.TicketClosed
}

// incomingKind tells what a delegate's message is, and its words.
func incomingKind(msg *models.Message) (kind, text string) {
	switch {
	case len(msg.Photo) > 0:
		return "photo", msg.Caption
	case msg.Document != nil:
		return "document", msg.Caption
	case msg.Voice != nil:
		return "voice", msg.Caption
	case msg.Video != nil:
		return "video", msg.Caption
	case msg.Audio != nil:
		return "audio", msg.Caption
	case msg.Location != nil:
		return "location", ""
	}
	return "text", msg.Text
}

// deskInput sends what a delegate wrote for the desk.
func (b *Bot) deskInput(r *request) {
	kind, text := incomingKind(r.msg)
	if kind == "text" && strings.TrimSpace(text) == "" {
		r.reply(r.t("desk_ask_prompt", nil), nil) // a sticker, a poll…: nothing an organiser can read
		return
	}
	if kind == "text" && !b.setDeskMode(r, time.Time{}) {
		return // the question after /ask is taken: what follows is for the bot again
	}
	b.toDesk(r, desk.Incoming{MessageID: r.msg.ID, Kind: kind, Text: text})
}

// toDesk opens (or re-opens) the delegate's ticket and sends in what they
// sent, telling them it went: the first time, that a person will answer.
func (b *Bot) toDesk(r *request, in desk.Incoming) {
	// One delegate's messages open their ticket one at a time: an album
	// arrives as several updates at once.
	mu, _ := b.deskLocks.LoadOrStore(r.user.ID, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	question := ""
	if in.Kind == "text" {
		question = in.Text
	}
	t, fresh, err := b.store.OpenTicket(r.ctx, r.prog.Event.StoreID, r.user.ID, r.chatID, question, b.cfg.Now())
	if err != nil {
		r.fail(err)
		return
	}
	if fresh {
		if err := b.deskTopic(r.ctx, &t, r.part); err != nil {
			b.log.Warn("desk topic", "ticket", t.ID, "err", err)
		}
		if err := b.desk.Open(r.ctx, t, question, b.deskWriter()); err != nil {
			r.fail(err)
			return
		}
	}
	if !fresh || in.Kind != "text" { // a first question in words is on the card
		if err := b.desk.Forward(r.ctx, t, in, b.deskWriter()); err != nil {
			r.fail(err)
			return
		}
	}
	if !fresh {
		// An album is one message to its sender: one word for it.
		if r.msg != nil && r.msg.MediaGroupID != "" {
			if _, seen := b.albums.LoadOrStore(r.msg.MediaGroupID, true); seen {
				return
			}
		}
		r.reply(r.t("desk_added", l10n.Data{"ID": t.ID}), nil)
		return
	}
	text := r.t("desk_sent", l10n.Data{"ID": t.ID})
	if hours := r.prog.Event.DeskHours.In(r.lang()); hours != "" {
		text += "\n" + r.t("desk_hours", l10n.Data{"Hours": hours})
	}
	r.reply(text, nil)
}

// deskDone stops waiting for a question after /ask.
func (b *Bot) deskDone(r *request) {
	if !b.setDeskMode(r, time.Time{}) {
		return
	}
	r.answer("")
	r.setButtons(nil)
	r.reply(r.t("desk_done", nil), nil)
}

// deskTopic gives a new ticket a topic of its own when the desk is a
// forum.
func (b *Bot) deskTopic(ctx context.Context, t *store.Ticket, p store.Participant) error {
	if t.ThreadID != 0 {
		return nil
	}
	chat, err := b.desk.Chat(ctx)
	if err != nil || chat == 0 {
		return err
	}
	c, err := b.api.GetChat(ctx, &tg.GetChatParams{ChatID: chat})
	if err != nil || !c.IsForum {
		return err
	}
	name := clip(fmt.Sprintf("#%d · %s", t.ID, p.FirstName), 120)
	if p.Country != "" {
		name = clip(fmt.Sprintf("#%d · %s · %s", t.ID, p.FirstName, p.Country), 120)
	}
	topic, err := b.api.CreateForumTopic(ctx, &tg.CreateForumTopicParams{ChatID: chat, Name: name})
	if err != nil {
		return err
	}
	t.ThreadID = topic.MessageThreadID
	return b.store.SetTicketThread(ctx, t.ID, t.ThreadID)
}

// deskWriter writes the desk's messages in its language.
func (b *Bot) deskWriter() desk.Writer { return deskWriter{b} }

type deskWriter struct{ b *Bot }

// who names a ticket's delegate for the desk: name, country, language.
func (w deskWriter) who(ctx context.Context, t store.Ticket) (name, country, lang string) {
	p, err := w.b.store.Participant(ctx, t.UserID)
	if err != nil {
		return strconv.FormatInt(t.UserID, 10), "—", ""
	}
	country = p.Country
	if country == "" {
		country = "—"
	}
	return p.FirstName, country, w.b.cat.Name(w.b.localizerOf(p).Lang())
}

func (w deskWriter) Card(ctx context.Context, t store.Ticket, question string) (string, string) {
	name, country, lang := w.who(ctx, t)
	event := ""
	if p, err := w.b.store.Programme(ctx, t.EventID); err == nil {
		event = p.Event.Title.In(w.b.cfg.DefaultLanguage)
	}
	loc := w.b.deskLoc()
	// Clipped as read, not as escaped: "&" takes five characters in HTML
	// but one in the message.
	html := loc.HTML("desk_card", l10n.Data{"ID": t.ID, "Name": clip(name, 64), "Country": country, "Language": lang,
		"Event": clip(event, 100), "Question": clip(question, 3700)})
	markup, _ := json.Marshal(models.InlineKeyboardMarkup{InlineKeyboard: keyboard{{
		callbackButton(loc.Text("btn_desk_close", nil), data(cbDeskClose, id64(t.ID)))}}})
	return html, string(markup)
}

func (w deskWriter) Lines(ctx context.Context, t store.Ticket, texts []string) string {
	name, _, _ := w.who(ctx, t)
	return w.b.deskLoc().HTML("desk_lines", l10n.Data{"ID": t.ID, "Name": clip(name, 64), "Text": clip(strings.Join(texts, "\n"), 3900)})
}

func (w deskWriter) Caption(ctx context.Context, t store.Ticket, caption string) string {
	name, _, _ := w.who(ctx, t)
	return w.b.deskLoc().HTML("desk_caption", l10n.Data{"ID": t.ID, "Name": name, "Caption": clip(caption, 900)})
}

// isDesk reports whether a chat is the organisers' desk.
func (b *Bot) isDesk(ctx context.Context, chatID int64) bool {
	d, err := b.desk.Chat(ctx)
	return err == nil && d != 0 && d == chatID
}

// deskMessage handles what is written in the desk: an answer to a
// ticket (a reply to one of its messages, or in its topic), /close,
// /tickets. Everything else is the organisers' own talk.
func (b *Bot) deskMessage(ctx context.Context, msg *models.Message) {
	if msg.MigrateToChatID != 0 {
		if err := b.desk.Moved(ctx, msg.Chat.ID, msg.MigrateToChatID); err != nil {
			b.log.Error("desk moved", "err", err)
		}
		b.log.Info("the desk became a supergroup", "from", msg.Chat.ID, "to", msg.MigrateToChatID)
		return
	}
	// An anonymous admin writes as the group itself; other bots do not
	// answer delegates.
	anonymous := msg.SenderChat != nil && msg.SenderChat.ID == msg.Chat.ID
	if msg.From == nil || msg.From.IsBot && !anonymous {
		return
	}
	t, found := b.ticketOf(ctx, msg)
	name, args, isCommand := command(msg)
	switch {
	case isCommand && name == "tickets":
		b.listTickets(ctx, msg)
	case isCommand && name == "answer":
		b.answerByNumber(ctx, msg, args)
	case isCommand && name == "close":
		if !found {
			b.deskReply(ctx, msg, b.deskLoc().HTML("desk_close_usage", nil), nil)
			return
		}
		b.closeTicket(ctx, t, msg)
	case isCommand:
	case !found && msg.ReplyToMessage != nil && msg.ReplyToMessage.From != nil && msg.ReplyToMessage.From.ID == b.me:
		// A reply to the bot that is no question's: say so, or the
		// organiser thinks it went.
		b.deskReply(ctx, msg, b.deskLoc().HTML("desk_not_ticket", nil), nil)
	case found:
		b.answerTicket(ctx, t, msg)
	}
}

// ticketOf finds the ticket a desk message is about.
func (b *Bot) ticketOf(ctx context.Context, msg *models.Message) (store.Ticket, bool) {
	if msg.ReplyToMessage != nil && (msg.ReplyToMessage.From == nil || msg.ReplyToMessage.From.ID == b.me) {
		if t, err := b.store.TicketOfMessage(ctx, b.cfg.Outbox, msg.Chat.ID, msg.ReplyToMessage.ID); err == nil {
			return t, true
		}
	}
	if msg.IsTopicMessage {
		if t, err := b.store.TicketOfThread(ctx, msg.MessageThreadID); err == nil {
			return t, true
		}
	}
	return store.Ticket{}, false
}

// deskReply answers in the desk, in the thread of msg.
func (b *Bot) deskReply(ctx context.Context, msg *models.Message, text string, kb keyboard) {
	p := &tg.SendMessageParams{ChatID: msg.Chat.ID, Text: text, ParseMode: models.ParseModeHTML,
		ReplyParameters: &models.ReplyParameters{MessageID: msg.ID, AllowSendingWithoutReply: true}, DisableNotification: true}
	// Telegram marks replies with a thread even outside forums; naming it
	// there fails with "message thread not found".
	if msg.IsTopicMessage {
		p.MessageThreadID = msg.MessageThreadID
	}
	if len(kb) > 0 {
		p.ReplyMarkup = &models.InlineKeyboardMarkup{InlineKeyboard: kb}
	}
	if _, err := b.api.SendMessage(ctx, p); err != nil {
		b.log.Warn("desk reply failed", "err", err)
	}
}

// answerTicket sends an organiser's answer to the delegate, exactly as
// typed, under a line saying it is the organisers'; their name is not
// shown.
func (b *Bot) answerTicket(ctx context.Context, t store.Ticket, msg *models.Message) {
	kind, text := incomingKind(msg)
	body := typedHTML(msg.Text, msg.Entities)
	if kind != "text" {
		body = typedHTML(msg.Caption, msg.CaptionEntities)
	}
	b.deliverAnswer(ctx, t, msg, kind, text, body)
}

// answerByNumber answers a ticket named by its number, for one whose
// messages are out of reach (in the group before it became a supergroup):
// /answer <ticket> <text>.
func (b *Bot) answerByNumber(ctx context.Context, msg *models.Message, args string) {
	args = strings.TrimSpace(args)
	num, text := args, ""
	if i := strings.IndexFunc(args, unicode.IsSpace); i > 0 {
		num, text = args[:i], args[i:]
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(num, "#"), 10, 64)
	var t store.Ticket
	if err == nil {
		t, err = b.store.Ticket(ctx, id)
	}
	if err != nil || strings.TrimSpace(text) == "" {
		b.deskReply(ctx, msg, b.deskLoc().HTML("desk_answer_usage", nil), nil)
		return
	}
	text = strings.TrimSpace(text)
	b.deliverAnswer(ctx, t, msg, "text", text, html.EscapeString(text))
}

// deliverAnswer sends an answer (body, as HTML) to the ticket's delegate
// under a line saying it is the organisers'.
func (b *Bot) deliverAnswer(ctx context.Context, t store.Ticket, msg *models.Message, kind, text, body string) {
	loc := b.deskLoc()
	if p, err := b.store.Participant(ctx, t.UserID); err == nil {
		loc = b.localizerOf(p)
	}
	head := loc.HTML("desk_answer_header", l10n.Data{"ID": t.ID})
	if kind == "text" && strings.TrimSpace(text) == "" {
		return
	}
	out := head + "\n" + body
	switch {
	case kind == "location":
		out = "" // a location has no caption
	case kind != "text" && utf16Len(text)+utf16Len(head) > 1000:
		out = body // a long caption keeps every word it had
	case kind == "text" && utf16Len(text)+utf16Len(head) > maxMessage-10:
		out = body
	}
	if err := b.desk.Answer(ctx, t, msg.ID, kind != "text", out); err != nil {
		b.log.Error("desk answer", "ticket", t.ID, "err", err)
		b.deskReply(ctx, msg, b.deskLoc().HTML("desk_failed", l10n.Data{"Reason": err.Error()}), nil)
		return
	}
	if text != "" {
		// The question it answers is the one asked now: what the delegate
		// writes later must not become this answer's question.
		if _, err := b.store.KeepDeskMessage(ctx, store.DeskMessage{UserID: t.UserID, TicketID: t.ID, MessageID: msg.ID,
			Kind: kind, Text: text, State: store.DeskAnswer, Question: t.Question}); err != nil {
			b.log.Error("desk answer kept", "ticket", t.ID, "err", err)
		}
	}
}

// deskFailed handles a message the desk did not take. A deleted forum
// topic is the one cause the bot can mend: the delegate gets a new topic,
// a new card, and the message goes there.
func (b *Bot) deskFailed(ctx context.Context, ticketID int64, job string) {
	reason, err := b.store.Reason(ctx, job)
	b.log.Warn("desk message not delivered", "job", job, "reason", reason, "err", err)
	if !strings.Contains(reason, "thread not found") {
		return
	}
	t, err := b.store.Ticket(ctx, ticketID)
	if err != nil {
		return
	}
	failed, err := b.store.JobMessage(ctx, job)
	if err != nil {
		b.log.Error("desk message", "job", job, "err", err)
		return
	}
	// Several messages fail on the same deleted topic: the first to be
	// reported replaces it, the others just follow.
	if failed.ThreadID != 0 && failed.ThreadID == t.ThreadID {
		p, err := b.store.Participant(ctx, t.UserID)
		if err != nil {
			return
		}
		t.ThreadID = 0
		if err := b.store.SetTicketThread(ctx, t.ID, 0); err != nil {
			b.log.Error("desk topic", "ticket", t.ID, "err", err)
			return
		}
		if err := b.deskTopic(ctx, &t, p); err != nil {
			b.log.Warn("desk topic", "ticket", t.ID, "err", err) // General it is
		}
		if err := b.desk.Open(ctx, t, t.Question, b.deskWriter()); err != nil {
			b.log.Error("desk card", "ticket", t.ID, "err", err)
		}
	}
	if failed.Markup != "" {
		return // the old card: the new topic has a new one
	}
	if err := b.desk.Resend(ctx, t, job); err != nil {
		b.log.Error("desk resend", "ticket", t.ID, "err", err)
	}
}

// answerDone tells the desk whether an answer reached its delegate, under
// the answer, at the group's pace.
func (b *Bot) answerDone(ctx context.Context, job string, ticketID int64, deskMsg string, c store.JobCounts) {
	t, err := b.store.Ticket(ctx, ticketID)
	if err != nil {
		return
	}
	msgID, _ := strconv.Atoi(deskMsg)
	loc := b.deskLoc()
	var text, markup string
	switch {
	case c.Sent > 0:
		if err := b.store.TicketAnswered(ctx, t.ID); err != nil {
			b.log.Error("ticket answered", "ticket", t.ID, "err", err)
		}
		text = loc.HTML("desk_delivered", nil)
		if a, err := b.store.DeskAnswer(ctx, t.ID, msgID); err == nil && a.Question != "" {
			kb, _ := json.Marshal(models.InlineKeyboardMarkup{InlineKeyboard: keyboard{{
				callbackButton(loc.Text("btn_desk_faq", nil), data(cbDeskFAQ, id64(t.ID), deskMsg))}}})
			markup = string(kb)
		}
	case c.Blocked > 0:
		name, _, _ := deskWriter{b}.who(ctx, t)
		text = loc.HTML("desk_blocked", l10n.Data{"Name": name})
	default:
		text = loc.HTML("desk_failed", l10n.Data{"Reason": b.failure(ctx, job)})
	}
	if err := b.desk.Note(ctx, t, text, msgID, markup); err != nil {
		b.log.Error("desk note", "ticket", t.ID, "err", err)
	}
}

// failure is why an answer did not reach its delegate.
func (b *Bot) failure(ctx context.Context, job string) string {
	reason, err := b.store.Reason(ctx, job)
	if err != nil || reason == "" {
		return "—"
	}
	return clip(reason, 300)
}

// closeTicket closes a ticket and tells its delegate.
func (b *Bot) closeTicket(ctx context.Context, t store.Ticket, msg *models.Message) {
	closed, err := b.store.CloseTicket(ctx, t.ID)
	if err != nil {
		b.log.Error("close ticket", "ticket", t.ID, "err", err)
		return
	}
	if !closed {
		return
	}
	b.deskReply(ctx, msg, b.deskLoc().HTML("desk_closed", l10n.Data{"ID": t.ID}), nil)
	loc := b.deskLoc()
	if p, err := b.store.Participant(ctx, t.UserID); err == nil {
		loc = b.localizerOf(p)
		p.DeskUntil = time.Time{}
		if err := b.store.SaveParticipant(ctx, p); err != nil {
			b.log.Error("desk mode off", "user", p.UserID, "err", err)
		}
	}
	if err := b.desk.Tell(ctx, t, loc.HTML("desk_closed_delegate", l10n.Data{"ID": t.ID})); err != nil {
		b.log.Error("tell ticket closed", "ticket", t.ID, "err", err)
	}
}

// listTickets lists the open tickets, the longest waiting first.
func (b *Bot) listTickets(ctx context.Context, msg *models.Message) {
	loc := b.deskLoc()
	list, err := b.store.OpenTickets(ctx, 30)
	if err != nil {
		b.log.Error("open tickets", "err", err)
		return
	}
	if len(list) == 0 {
		b.deskReply(ctx, msg, loc.HTML("desk_tickets_none", nil), nil)
		return
	}
	lines := []string{loc.HTML("desk_tickets_head", nil)}
	now := b.cfg.Now()
	for _, t := range list {
		name, country, _ := deskWriter{b}.who(ctx, t)
		lines = append(lines, loc.HTML("desk_tickets_line", l10n.Data{"ID": t.ID, "Name": name, "Country": country,
			"Waiting": waiting(loc, now.Sub(t.WaitingSince)), "Question": clip(strings.Join(strings.Fields(t.Question), " "), 80)}))
	}
	b.deskReply(ctx, msg, clipHTML(strings.Join(lines, "\n")), nil)
}

func waiting(loc *l10n.Localizer, d time.Duration) string {
	if d < 2*time.Hour {
		return loc.Plural("desk_minutes", max(int(d/time.Minute), 0), nil)
	}
	return loc.Plural("desk_hours_waiting", int(d/time.Hour), nil)
}

// offerDesk keeps a question the bot could not answer, and returns the
// button that sends it to the organisers; nil when there is no desk.
func (r *request) offerDesk(question string) keyboard {
	if chat, err := r.b.desk.Chat(r.ctx); err != nil || chat == 0 || r.msg == nil {
		return nil
	}
	id, err := r.b.store.KeepDeskMessage(r.ctx, store.DeskMessage{UserID: r.user.ID, MessageID: r.msg.ID, Kind: "text",
		Text: question, State: store.DeskOffered})
	if err != nil {
		r.b.log.Error("offer desk", "err", err)
		return nil
	}
	return keyboard{{callbackButton(r.text("btn_ask_desk", nil), data(cbAskDesk, id64(id)))}}
}

// askDesk sends a question the bot could not answer to the desk: dka:<id>.
func (b *Bot) askDesk(r *request) {
	id, err := strconv.ParseInt(r.data[0], 10, 64)
	if err != nil || r.prog == nil {
		r.expired()
		return
	}
	m, err := b.store.TakeDeskMessage(r.ctx, id, r.user.ID)
	if err != nil {
		r.expired()
		return
	}
	r.answer("")
	r.setButtons(nil)
	b.toDesk(r, desk.Incoming{MessageID: m.MessageID, Kind: "text", Text: m.Text})
}

// deskCallback handles a button pressed in the desk: close a ticket
// (dkc:<ticket>), save an answer as a FAQ (dkf:<ticket>:<answer>).
func (b *Bot) deskCallback(ctx context.Context, cb *models.CallbackQuery) {
	answer := func(text string) {
		if _, err := b.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: cb.ID, Text: text}); err != nil {
			b.log.Warn("answer callback failed", "chat", cb.Message.Message.Chat.ID, "err", err)
		}
	}
	loc := b.deskLoc()
	fields := strings.Split(cb.Data, ":")
	var id int64
	var err error
	if len(fields) >= 2 {
		id, err = strconv.ParseInt(fields[1], 10, 64)
	}
	t, terr := b.store.Ticket(ctx, id)
	msg := cb.Message.Message
	switch {
	case err != nil || terr != nil:
		answer(loc.Text("button_expired", nil))
	case fields[0] == cbDeskClose && len(fields) == 2:
		answer("")
		b.closeTicket(ctx, t, msg)
		b.dropButtons(ctx, msg)
	case fields[0] == cbDeskFAQ && len(fields) == 3:
		b.saveFAQ(ctx, t, fields[2], cb, answer)
	default:
		answer(loc.Text("button_expired", nil))
	}
}

// dropButtons takes the buttons off a desk message whose work is done.
func (b *Bot) dropButtons(ctx context.Context, msg *models.Message) {
	_, err := b.api.EditMessageReplyMarkup(ctx, &tg.EditMessageReplyMarkupParams{ChatID: msg.Chat.ID, MessageID: msg.ID,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: keyboard{}}})
	if err != nil {
		b.log.Warn("desk buttons not removed", "chat", msg.Chat.ID, "err", err)
	}
}

// saveFAQ turns a ticket's question and an organiser's answer into a FAQ
// entry in the delegate's language, so that the bot answers it next time.
func (b *Bot) saveFAQ(ctx context.Context, t store.Ticket, deskMsg string, cb *models.CallbackQuery, answer func(string)) {
	loc := b.deskLoc()
	msgID, err := strconv.Atoi(deskMsg)
	if err != nil {
		answer(loc.Text("button_expired", nil))
		return
	}
	// The FAQ changes what the bot tells every delegate: staff decide.
	if !slices.Contains(b.cfg.AdminIDs, cb.From.ID) {
		if role, err := b.store.Role(ctx, cb.From.ID); err != nil || role == "" {
			answer(loc.Text("desk_faq_staff", nil))
			return
		}
	}
	a, err := b.store.DeskAnswer(ctx, t.ID, msgID)
	if err != nil || strings.TrimSpace(a.Question) == "" {
		answer(loc.Text("desk_faq_none", nil))
		return
	}
	p, err := b.store.Programme(ctx, t.EventID)
	if err != nil {
		answer(loc.Text("button_expired", nil))
		return
	}
	lang := b.cfg.DefaultLanguage
	if part, err := b.store.Participant(ctx, t.UserID); err == nil {
		lang = b.localizerOf(part).Lang()
	}
	faqID := fmt.Sprintf("desk-%d-%d", t.ID, msgID)
	if _, exists := p.FAQEntry(faqID); exists {
		answer(loc.Text("button_expired", nil))
		return
	}
	next := *p
	next.FAQ = append(slices.Clone(p.FAQ), programme.FAQ{ID: faqID,
		Question: map[string][]string{lang: {clip(strings.Join(strings.Fields(a.Question), " "), 500)}},
		Answer:   programme.Text{lang: clip(a.Text, 2000)}})
	if _, _, err := b.store.ApplyChange(ctx, &next, store.Actor{UserID: cb.From.ID, Name: cb.From.FirstName, Via: "desk"}); err != nil {
		b.log.Warn("save as FAQ", "ticket", t.ID, "err", err)
		if errors.Is(err, store.ErrConflict) {
			answer(loc.Text("changed_meanwhile", nil))
			return
		}
		answer(loc.Text("error_internal", nil))
		return
	}
	answer("")
	msg := cb.Message.Message
	b.dropButtons(ctx, msg)
	b.deskReply(ctx, msg, loc.HTML("desk_faq_saved", l10n.Data{"FAQ": faqID, "Language": b.cat.Name(lang)}), nil)
}

// offeredFor is how long a question offered to the desk with a button
// stays sendable.
const offeredFor = 7 * 24 * time.Hour

// flushDesk sends on, every few seconds, what flood control held back,
// and now and then forgets questions offered long ago.
func (b *Bot) flushDesk(ctx context.Context) {
	tick := time.NewTicker(b.cfg.DeskFlushEvery)
	defer tick.Stop()
	var swept time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := b.desk.Flush(ctx, b.deskWriter()); err != nil && ctx.Err() == nil {
				b.log.Error("desk flush", "err", err)
			}
			if time.Since(swept) > time.Hour {
				swept = time.Now()
				b.albums.Clear() // an album arrives within seconds
				if _, err := b.store.ForgetOffered(ctx, swept.Add(-offeredFor)); err != nil && ctx.Err() == nil {
					b.log.Error("forget offered questions", "err", err)
				}
			}
		}
	}
}
