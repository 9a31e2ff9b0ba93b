package bot

import (
	"context"
	"crypto/hmac"
	"errors"
	"regexp"
	"strings"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// deepLink is what Telegram allows in a /start payload.
var deepLink = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// start greets the person; a deep-link payload (/start <event code>, or a
// delegation's invitation from /invite) makes them follow that event.
func (b *Bot) start(r *request) {
	var notice string
	if r.args != "" && !deepLink.MatchString(r.args) {
		r.args = "" // not a deep link Telegram would make: no event to look up
	}
	if r.args != "" {
		code, country, group, sig, ok := invitation(r.args)
		if !ok {
			code = r.args // shown as it is in "not found"
		}
		id, err := b.store.EventByCode(r.ctx, code)
		switch {
		case err == nil:
			r.part.EventID = id
			if country != "" {
				payload, _ := strings.CutSuffix(r.args, "_"+sig)
				want, err := b.inviteSignature(r.ctx, payload)
				if err != nil {
					r.fail(err)
					return
				}
				// An invitation the bot did not make names nobody's
				// delegation: the event is followed, the rest ignored.
				if hmac.Equal([]byte(sig), []byte(want)) {
					r.part.Country, r.part.Group = country, group
				} else {
					b.log.Warn("invitation with a wrong signature", "user", r.user.ID, "payload", r.args)
				}
			}
			if err := b.store.SaveParticipant(r.ctx, r.part); err != nil {
				r.fail(err)
				return
			}
			if err := r.loadProgramme(id); err != nil {
				r.fail(err)
				return
			}
		case errors.Is(err, store.ErrNotFound):
			if r.prog != nil {
				notice = r.t("start_unknown_event", l10n.Data{"Code": r.args, "Event": clip(r.prog.Event.Title.In(r.lang()), 200)})
			}
		default:
			r.fail(err)
			return
		}
	}
	if r.prog == nil {
		r.reply(r.t("start_no_event", l10n.Data{"Name": r.user.FirstName}), nil)
		return
	}
	text := r.t("start_greeting", l10n.Data{"Name": r.user.FirstName, "Event": clip(r.prog.Event.Title.In(r.lang()), 200)})
	if notice != "" {
		text = notice + "\n\n" + text
	}
	r.reply(text+"\n\n"+r.t("help", nil), nil)
}

func (b *Bot) help(r *request) {
	r.reply(r.t("help", nil), nil)
}

// language offers every supported language, each in its own name.
func (b *Bot) language(r *request) {
	var buttons []models.InlineKeyboardButton
	for _, code := range l10n.Codes {
		name := b.cat.Name(code)
		if code == r.lang() {
			name = "✓ " + name
		}
		buttons = append(buttons, callbackButton(name, data(cbLanguage, code)))
	}
	r.reply(r.t("language_prompt", nil), grid(buttons, 3))
}

func (b *Bot) languageChosen(r *request) {
	code := r.data[0]
	if !l10n.Supported(code) {
		r.expired()
		return
	}
	r.part.Language = code
	if err := b.store.SaveParticipant(r.ctx, r.part); err != nil {
		r.answer("")
		r.fail(err)
		return
	}
	r.loc = b.cat.For(code)
	r.answer("")
	r.show(r.t("language_set", nil), nil)
	// The command menu follows the chosen language in this chat.
	b.setCommands(r.ctx, r.loc, &models.BotCommandScopeChat{ChatID: r.chatID}, "")
}

// setCommands sets the command menu for a scope and language code.
func (b *Bot) setCommands(ctx context.Context, loc *l10n.Localizer, scope models.BotCommandScope, langCode string) {
	cmds := make([]models.BotCommand, len(menu))
	for i, c := range menu {
		cmds[i] = models.BotCommand{Command: c, Description: loc.Text("cmd_"+c, nil)}
	}
	if _, err := b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, Scope: scope, LanguageCode: langCode}); err != nil && ctx.Err() == nil {
		b.log.Warn("set commands failed", "lang", langCode, "err", err)
	}
}
