package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/delegatedesk/delegatedesk/bot"
	"github.com/delegatedesk/delegatedesk/internal/console"
	"github.com/delegatedesk/delegatedesk/internal/delivery"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/localapi"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// runBot serves Telegram by long polling until ctx is done; without a token
// it starts the console instead.
func (e *environment) runBot(ctx context.Context, args []string) error {
	fs, db := e.flags("run")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if e.getenv("BOT_TOKEN") == "" {
		if err := e.setup(*db, slog.LevelWarn); err != nil {
			return err
		}
		fmt.Fprintln(e.stderr, e.cat.For(e.cfg.DefaultLanguage).Text("console_no_token", nil))
		return e.console(ctx, consoleOptions{})
	}
	if err := e.setup(*db, slog.LevelInfo); err != nil {
		return err
	}
	e.log.Info("starting", "config", e.cfg)
	st, err := e.openStore(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := bot.New(bot.Config{
		Token:           e.cfg.BotToken,
		APIURL:          e.cfg.APIURL,
		DefaultLanguage: e.cfg.DefaultLanguage,
		AdminIDs:        e.cfg.AdminIDs,
		NoticeDelay:     2 * time.Minute,
		Pace:            pace(e.cfg.BroadcastRate),
		PaidBroadcast:   e.cfg.PaidBroadcast,
		DeskChatID:      e.cfg.OrganisersChatID,
		Logger:          e.log,
	}, st, e.cat, e.answers)
	if err != nil {
		return err
	}
	return b.Run(ctx)
}

type consoleOptions struct {
	lang   string
	userID int64
	now    string
}

func (e *environment) runConsole(ctx context.Context, args []string) error {
	fs, db := e.flags("console")
	var o consoleOptions
	fs.StringVar(&o.lang, "lang", "", "the delegate's Telegram language code (default: from $LANG)")
	fs.Int64Var(&o.userID, "user-id", 1000, "the delegate's Telegram user id")
	fs.StringVar(&o.now, "now", "", "pretend the clock shows this local event time, e.g. 2027-04-14T10:30")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := e.setup(*db, slog.LevelWarn); err != nil {
		return err
	}
	return e.console(ctx, o)
}

// console runs the real bot against the local Bot API stand-in and chats
// with it over standard input and output.
func (e *environment) console(ctx context.Context, o consoleOptions) error {
	if o.userID == 0 {
		o.userID = 1000
	}
	if o.lang == "" {
		o.lang = l10n.Normalize(strings.SplitN(e.getenv("LANG"), ".", 2)[0])
	}
	st, err := e.openStore(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	clock, err := e.clock(ctx, st, o.now)
	if err != nil {
		return err
	}

	// The stand-in outlives the bot, so that the bot stops without errors.
	apiCtx, stopAPI := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAPI()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	const token = "0:console"
	api := localapi.New(token)
	apiURL, err := api.Listen(apiCtx)
	if err != nil {
		return err
	}
	loc := e.cat.For(l10n.Resolve(o.lang, "", e.cfg.DefaultLanguage))
	chat := console.New(api, localapi.User{ID: o.userID, FirstName: "Delegate", LanguageCode: l10n.TelegramCode(o.lang)}, e.stdout,
		func(n int) string { return loc.Text("console_no_button", l10n.Data{"Number": n}) })
	b, err := bot.New(bot.Config{
		Token:           token,
		APIURL:          apiURL,
		DefaultLanguage: e.cfg.DefaultLanguage,
		AdminIDs:        e.cfg.AdminIDs,
		PollTimeout:     10 * time.Second,
		Outbox:          "console",
		Now:             clock,
		Logger:          e.log,
		AfterUpdate:     chat.Handled,
	}, st, e.cat, e.answers)
	if err != nil {
		return err
	}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		b.Run(ctx)
	}()
	prompt := ""
	if f, ok := e.stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintln(e.stdout, loc.Text("console_intro", nil))
			prompt = "> "
		}
	}
	err = chat.Run(ctx, e.stdin, prompt)
	if err == nil {
		// A notice asked for on the last line is still on its way.
		drain, stop := context.WithTimeout(ctx, 5*time.Second)
		b.Drained(drain)
		stop()
		chat.Flush()
	}
	cancel()
	<-stopped
	return err
}

// clock returns the time source of the console: the real clock, or one that
// starts at the given local time of the default event.
func (e *environment) clock(ctx context.Context, st *store.Store, at string) (func() time.Time, error) {
	if at == "" {
		return time.Now, nil
	}
	loc := time.UTC
	if id, err := st.DefaultEvent(ctx); err == nil {
		if p, err := st.Programme(ctx, id); err == nil {
			loc = p.Location()
		}
	}
	var start time.Time
	var err error
	for _, layout := range []string{"2006-01-02T15:04", time.RFC3339} {
		if start, err = time.ParseInLocation(layout, at, loc); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("--now %s: want a time like 2027-04-14T10:30", strconv.Quote(at))
	}
	began := time.Now()
	return func() time.Time { return start.Add(time.Since(began)) }, nil
}

// pace keeps Telegram's per-chat limits at the configured overall rate.
func pace(perSecond float64) delivery.Limits {
	l := delivery.DefaultLimits
	l.PerSecond = perSecond
	return l
}
