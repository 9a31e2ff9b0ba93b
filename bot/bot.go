// Package bot is the Telegram face of Delegate Desk: it turns updates into
// calls on the programme and participants, and renders the results as
// Telegram messages in each person's language. Domain logic lives in
// internal/; this package only translates.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/announce"
	"github.com/delegatedesk/delegatedesk/internal/answer"
	"github.com/delegatedesk/delegatedesk/internal/delivery"
	"github.com/delegatedesk/delegatedesk/internal/desk"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// Store is what the bot needs of the database.
type Store interface {
	DefaultEvent(ctx context.Context) (int64, error)
	EventByCode(ctx context.Context, code string) (int64, error)
	Programme(ctx context.Context, eventID int64) (*programme.Programme, error)
	Participant(ctx context.Context, userID int64) (store.Participant, error)
	SaveParticipant(ctx context.Context, p store.Participant) error
	Audience(ctx context.Context, eventID int64) ([]store.Participant, error)

	// Staff and changes.
	Role(ctx context.Context, userID int64) (store.Role, error)
	Grant(ctx context.Context, userID int64, role store.Role, by int64) error
	Revoke(ctx context.Context, userID int64) (bool, error)
	Staff(ctx context.Context) ([]store.StaffMember, error)
	Preview(ctx context.Context, p *programme.Programme) (programme.Changes, error)
	Apply(ctx context.Context, p *programme.Programme, by store.Actor) (programme.Changes, error)
	ApplyChange(ctx context.Context, p *programme.Programme, by store.Actor) (programme.Changes, int64, error)
	ClaimNotice(ctx context.Context, changeID int64) (bool, error)
	Changes(ctx context.Context, eventID int64, limit int) ([]store.Change, error)
	Undo(ctx context.Context, changeID int64, by store.Actor) (programme.Changes, int64, error)
	SessionChanges(ctx context.Context, changeID int64) (int64, []store.SessionChange, error)
	SaveUpload(ctx context.Context, u store.Upload) (int64, error)
	Upload(ctx context.Context, id int64) (store.Upload, error)
	DeleteUpload(ctx context.Context, id int64) (bool, error)

	// Messages to many delegates.
	delivery.Outbox
	Enqueue(ctx context.Context, msgs []store.Outgoing) (int, error)

	// Announcements, and the delegates' countries and groups.
	announce.Store
	// The organisers' desk.
	desk.Store
	OpenTicket(ctx context.Context, eventID, userID, chatID int64, question string, now time.Time) (store.Ticket, bool, error)
	TicketOfUser(ctx context.Context, eventID, userID int64) (store.Ticket, error)
	TicketOfThread(ctx context.Context, thread int) (store.Ticket, error)
	TicketOfMessage(ctx context.Context, sender string, chatID int64, messageID int) (store.Ticket, error)
	SetTicketThread(ctx context.Context, id int64, thread int) error
	TicketAnswered(ctx context.Context, id int64) error
	CloseTicket(ctx context.Context, id int64) (bool, error)
	OpenTickets(ctx context.Context, limit int) ([]store.Ticket, error)
	TakeDeskMessage(ctx context.Context, id, userID int64) (store.DeskMessage, error)
	ForgetOffered(ctx context.Context, before time.Time) (int, error)
	DeskAnswer(ctx context.Context, ticketID int64, msgID int) (store.DeskMessage, error)
	Reason(ctx context.Context, job string) (string, error)
	JobMessage(ctx context.Context, job string) (store.Outgoing, error)
	Awaiting(ctx context.Context, asker int64) (store.Announcement, error)
	Ask(ctx context.Context, id, asker int64, awaiting string) error
	HoldCorrection(ctx context.Context, id int64, pending string) error
	Secret(ctx context.Context, key string) ([]byte, error)
	Draft(ctx context.Context, author int64) (store.Announcement, error)
	DeleteDraft(ctx context.Context, id int64) (bool, error)
	Announcements(ctx context.Context, eventID int64, limit int) ([]store.Announcement, error)
	Unfinished(ctx context.Context, sender string) ([]store.Announcement, error)
	MarkReported(ctx context.Context, id int64) error
	SetProgressMessage(ctx context.Context, id, chatID int64, msgID int) error
}

// Config configures a Bot.
type Config struct {
	Token  string
	APIURL string
	// DefaultLanguage is used for people whose Telegram language is not supported.
	DefaultLanguage string
	// AdminIDs are the numeric Telegram user ids of admins who cannot be
	// revoked from the bot.
	AdminIDs []int64
	// Workers is how many updates are handled at once.
	Workers int
	// PollTimeout is the long-polling timeout.
	PollTimeout time.Duration
	// HandlerTimeout bounds the handling of one update.
	HandlerTimeout time.Duration
	// Now tells the time; the programme's "today" and "now" depend on it.
	Now    func() time.Time
	Logger *slog.Logger
	// NoticeDelay is how long a change notice waits for further edits of
	// the same session, which it then includes; zero sends at once.
	NoticeDelay time.Duration
	// Pace is how fast messages to many delegates go out; zero means
	// delivery.DefaultLimits.
	Pace delivery.Limits
	// PaidBroadcast sends messages to many delegates with
	// allow_paid_broadcast, for rates above Telegram's free 30 a second.
	PaidBroadcast bool
	// DeskChatID is the organisers' group (ORGANISERS_CHAT_ID): questions
	// the bot cannot answer go there; 0 means no desk.
	DeskChatID int64
	// DeskFlushEvery is how often messages held back by the desk's flood
	// control are sent on (default 5 s).
	DeskFlushEvery time.Duration
	// ProgressEvery is how often announcements are followed: started
	// when due, their progress message updated (default 3 s).
	ProgressEvery time.Duration
	// Outbox names the messages to many delegates this bot sends from the
	// store, apart from another bot's on the same database (default
	// "telegram"; the console uses its own).
	Outbox string
	// AfterUpdate, if set, is called when an update has been handled, with
	// every reply to it sent (the console waits on it).
	AfterUpdate func(updateID int64)
}

// Bot serves delegates over the Telegram Bot API.
type Bot struct {
	cfg     Config
	store   Store
	cat     *l10n.Catalog
	answers *answer.Service
	notices *notices
	// dispatcher sends every message to many delegates, durably and at
	// Telegram's pace.
	dispatcher *delivery.Dispatcher
	ann        *announce.Service
	desk       *desk.Service
	// deskLocks: delegate's user id → *sync.Mutex, one ticket opening at
	// a time
	deskLocks sync.Map
	// me is the bot's own user id.
	me int64
	// albums: media group ids whose arrival at the desk was acknowledged
	albums     sync.Map
	followWake chan struct{}
	// progress: announcement id → what its progress message shows
	progress sync.Map
	// positions: admin user id → pendingPosition
	positions sync.Map
	log       *slog.Logger
	api       *tg.Bot
}

// New connects to the Bot API (getMe checks the token) and prepares the
// handlers.
func New(cfg Config, st Store, cat *l10n.Catalog, answers *answer.Service) (*Bot, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	if cfg.HandlerTimeout <= 0 {
		cfg.HandlerTimeout = 30 * time.Second
	}
	if cfg.DeskFlushEvery <= 0 {
		cfg.DeskFlushEvery = 5 * time.Second
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = 3 * time.Second
	}
	if cfg.Outbox == "" {
		cfg.Outbox = "telegram"
	}
	if cfg.Pace == (delivery.Limits{}) {
		cfg.Pace = delivery.DefaultLimits
	}
	cfg.DefaultLanguage = l10n.Resolve(cfg.DefaultLanguage, "", "")
	// The pacer keeps real time: cfg.Now may be a fixed programme time.
	pacer, err := delivery.NewPacer(cfg.Pace, nil)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	b := &Bot{cfg: cfg, store: st, cat: cat, answers: answers, log: cfg.Logger, notices: &notices{pending: map[string]*notice{}},
		followWake: make(chan struct{}, 1)}
	opts := []tg.Option{
		tg.WithDefaultHandler(b.route),
		tg.WithMiddlewares(b.finish, b.recover),
		tg.WithHTTPClient(cfg.PollTimeout, &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}),
		tg.WithErrorsHandler(func(err error) { b.log.Warn("telegram", "err", redactToken(err, cfg.Token)) }),
		tg.WithAllowedUpdates(tg.AllowedUpdates{"message", "callback_query"}),
		// Handlers run on the workers themselves and the channel holds
		// nothing: an update confirmed to Telegram is always being handled,
		// and Start returns only when every handler has finished.
		tg.WithNotAsyncHandlers(),
		tg.WithWorkers(cfg.Workers),
		tg.WithUpdatesChannelCap(0),
	}
	if cfg.APIURL != "" {
		opts = append(opts, tg.WithServerURL(cfg.APIURL))
	}
	api, err := tg.New(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("bot: connect to the Bot API: %w", redactToken(err, cfg.Token))
	}
	b.api = api
	b.me = api.ID()
	b.dispatcher = delivery.NewDispatcher(st, sender{api: api, paid: cfg.PaidBroadcast}, pacer, delivery.Options{Name: cfg.Outbox, Done: b.jobDone, Log: b.log,
		Moved: func(ctx context.Context, from, to int64) {
			if err := b.desk.Moved(ctx, from, to); err != nil {
				b.log.Error("desk moved", "err", err)
			}
		}})
	// The desk's flood control counts in real time, like the outbox.
	b.desk = desk.New(st, cfg.Outbox, cfg.DeskChatID, b.dispatcher.Wake, time.Now)
	b.ann = announce.New(st, announce.Options{Sender: cfg.Outbox, Admins: cfg.AdminIDs, DefaultLanguage: cfg.DefaultLanguage,
		Rate: cfg.Pace.PerSecond * (1 - cfg.Pace.Reserve), Wake: b.dispatcher.Wake, Now: cfg.Now})
	return b, nil
}

// redactToken keeps the token out of an error that may reach a log.
func redactToken(err error, token string) error {
	if token == "" {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "***"))
}

// Run sets the command menus and serves updates until ctx is done, then
// waits for the handlers in flight.
func (b *Bot) Run(ctx context.Context) error {
	go b.setup(ctx)
	noticesDone := make(chan struct{})
	if b.cfg.NoticeDelay > 0 {
		go func() {
			defer close(noticesDone)
			b.sendNotices(ctx)
		}()
	} else {
		close(noticesDone)
	}
	dispatched := make(chan struct{})
	go func() {
		defer close(dispatched)
		if err := b.dispatcher.Run(ctx); err != nil {
			b.log.Error("delivery stopped", "err", err)
		}
	}()
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		b.followAnnouncements(ctx)
	}()
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		b.flushDesk(ctx)
	}()
	b.log.Info("bot started", "workers", b.cfg.Workers)
	b.api.Start(ctx)
	<-noticesDone
	<-dispatched
	<-followed
	<-flushed
	b.log.Info("bot stopped")
	return nil
}

// finish gives each handler a context of its own, so that a shutdown lets
// it complete its replies, and reports handled updates.
func (b *Bot) finish(next tg.HandlerFunc) tg.HandlerFunc {
	return func(ctx context.Context, api *tg.Bot, upd *models.Update) {
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.HandlerTimeout)
		defer cancel()
		if b.cfg.AfterUpdate != nil {
			defer b.cfg.AfterUpdate(upd.ID)
		}
		start := time.Now()
		next(hctx, api, upd)
		b.log.Debug("update handled", "update", upd.ID, "chat", chatOf(upd), "took", time.Since(start))
	}
}

// recover keeps the bot alive when a handler panics: the person gets a polite
// error and the panic is logged.
func (b *Bot) recover(next tg.HandlerFunc) tg.HandlerFunc {
	return func(ctx context.Context, api *tg.Bot, upd *models.Update) {
		defer func() {
			if v := recover(); v != nil {
				b.log.Error("handler panicked", "update", upd.ID, "panic", v, "stack", string(debug.Stack()))
				if chatID := chatOf(upd); chatID != 0 {
					b.sendPlain(ctx, chatID, b.cat.For(b.langOf(userOf(upd))).HTML("error_internal", nil))
				}
				if upd.CallbackQuery != nil {
					api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: upd.CallbackQuery.ID})
				}
			}
		}()
		next(ctx, api, upd)
	}
}

func chatOf(upd *models.Update) int64 {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.ID
	case upd.CallbackQuery != nil && upd.CallbackQuery.Message.Message != nil:
		return upd.CallbackQuery.Message.Message.Chat.ID
	}
	return 0
}

func userOf(upd *models.Update) *models.User {
	switch {
	case upd.Message != nil:
		return upd.Message.From
	case upd.CallbackQuery != nil:
		return &upd.CallbackQuery.From
	}
	return nil
}

// langOf guesses a person's language without their participant record.
func (b *Bot) langOf(u *models.User) string {
	if u == nil {
		return b.cfg.DefaultLanguage
	}
	return l10n.Resolve("", u.LanguageCode, b.cfg.DefaultLanguage)
}

func (b *Bot) sendPlain(ctx context.Context, chatID int64, html string) {
	_, err := b.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: chatID, Text: html, ParseMode: models.ParseModeHTML})
	if err != nil {
		b.log.Warn("send failed", "chat", chatID, "err", err)
	}
}
