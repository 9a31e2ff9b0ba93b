package bot

import (
	"context"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
)

// setup sets the command menu and the bot's descriptions in every supported
// language, and in the default language for everyone else.
func (b *Bot) setup(ctx context.Context) {
	b.describe(ctx, b.cat.For(b.cfg.DefaultLanguage), "")
	for _, code := range l10n.Codes {
		if ctx.Err() != nil {
			return
		}
		b.describe(ctx, b.cat.For(code), l10n.TelegramCode(code))
	}
	b.deskCommands(ctx)
}

// deskCommands gives the organisers' group its own command menu.
func (b *Bot) deskCommands(ctx context.Context) {
	chat, err := b.desk.Chat(ctx)
	if err != nil || chat == 0 {
		return
	}
	loc := b.deskLoc()
	cmds := []models.BotCommand{{Command: "tickets", Description: loc.Text("cmd_tickets", nil)}, {Command: "close", Description: loc.Text("cmd_close", nil)},
		{Command: "answer", Description: loc.Text("cmd_answer", nil)}}
	if _, err := b.api.SetMyCommands(ctx, &tg.SetMyCommandsParams{Commands: cmds, Scope: &models.BotCommandScopeChat{ChatID: chat}}); err != nil && ctx.Err() == nil {
		b.log.Warn("set the desk's commands failed", "err", err)
	}
}

func (b *Bot) describe(ctx context.Context, loc *l10n.Localizer, langCode string) {
	b.setCommands(ctx, loc, nil, langCode)
	if _, err := b.api.SetMyDescription(ctx, &tg.SetMyDescriptionParams{Description: loc.Text("bot_description", nil), LanguageCode: langCode}); err != nil && ctx.Err() == nil {
		b.log.Warn("set description failed", "lang", langCode, "err", err)
	}
	if _, err := b.api.SetMyShortDescription(ctx, &tg.SetMyShortDescriptionParams{ShortDescription: loc.Text("bot_short_description", nil), LanguageCode: langCode}); err != nil && ctx.Err() == nil {
		b.log.Warn("set short description failed", "lang", langCode, "err", err)
	}
}
