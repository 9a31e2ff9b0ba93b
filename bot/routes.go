package bot

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf16"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/store"
)

type handler func(*request)

// menu lists the commands shown in Telegram's command menu, in order.
var menu = []string{"schedule", "now", "next", "venues", "materials", "ask", "language", "help"}

// commands maps every command to its handler.
func (b *Bot) commands() map[string]handler {
	return map[string]handler{
		"start":     b.start,
		"help":      b.help,
		"language":  b.language,
		"schedule":  b.schedule,
		"now":       b.now,
		"next":      b.next,
		"venues":    b.venues,
		"materials": b.materials,
		"ask":       b.askCmd,
	}
}

// staffCommands maps every staff command to the role it needs and its
// handler. To anyone else they do not exist.
func (b *Bot) staffCommands() map[string]struct {
	role store.Role
	h    handler
} {
	type entry = struct {
		role store.Role
		h    handler
	}
	return map[string]entry{
		"adminhelp":     {store.RoleOrganiser, b.adminHelp},
		"announce":      {store.RoleOrganiser, b.announceCmd},
		"announcements": {store.RoleOrganiser, b.announcementsCmd},
		"delegate":      {store.RoleAdmin, b.delegate},
		"invite":        {store.RoleAdmin, b.invite},
		"staff":         {store.RoleOrganiser, b.staff},
		"export":        {store.RoleOrganiser, b.export},
		"history":       {store.RoleAdmin, b.history},
		"edithelp":      {store.RoleAdmin, b.editHelp},
		"move":          {store.RoleAdmin, b.edit},
		"settime":       {store.RoleAdmin, b.edit},
		"setvenue":      {store.RoleAdmin, b.edit},
		"settitle":      {store.RoleAdmin, b.edit},
		"cancel":        {store.RoleAdmin, b.edit},
		"restore":       {store.RoleAdmin, b.edit},
		"delete":        {store.RoleAdmin, b.edit},
		"set":           {store.RoleAdmin, b.set},
		"add":           {store.RoleAdmin, b.add},
		"remove":        {store.RoleAdmin, b.remove},
		"grant":         {store.RoleAdmin, b.grant},
		"revoke":        {store.RoleAdmin, b.revoke},
	}
}

// Button data is "action:field:field…"; the fields never contain ':'.
const (
	cbLanguage     = "lang" // lang:<code>
	cbDay          = "day"  // day:<event>:<yyyymmdd>:<page>
	cbSession      = "ses"  // ses:<event>:<session>
	cbVenues       = "vens" // vens:<event>:<page>
	cbVenue        = "ven"  // ven:<event>:<venue>
	cbMaterials    = "mats" // mats:<event>
	cbMaterialsDay = "matd" // matd:<event>:<yyyymmdd or "general">:<page>
	cbMaterial     = "mat"  // mat:<event>:<material>
	cbFAQ          = "faq"  // faq:<event>:<faq>
	cbUpload       = "upl"  // upl:<upload>:apply|confirm|cancel
	cbUndo         = "undo" // undo:<change>
	cbNotice       = "ntf"  // ntf:<change>:send|skip
	cbAnnounce     = "ann"  // ann:<announcement>:<action>
	cbAnnLang      = "anl"  // anl:<announcement>:add|fix:<language>
	cbAnnAudience  = "ana"  // ana:<announcement>:a|l|c|g|r:<value>
	cbAnnFix       = "anf"  // anf:<announcement>:<language>
	cbAnnSend      = "ans"  // ans:<announcement>:<draft hash>
	cbAskDesk      = "dka"  // dka:<question kept for the desk>
	cbDeskDone     = "dkx"  // dkx: back to the bot from the desk
	cbDeskClose    = "dkc"  // dkc:<ticket>, pressed in the desk
	cbDeskFAQ      = "dkf"  // dkf:<ticket>:<answer's message in the desk>, pressed in the desk
)

// callbacks maps every button action to its handler and the number of
// fields its data must have.
func (b *Bot) callbacks() map[string]struct {
	fields int
	h      handler
} {
	type entry = struct {
		fields int
		h      handler
	}
	return map[string]entry{
		cbLanguage:     {1, b.languageChosen},
		cbDay:          {3, b.scheduleDay},
		cbSession:      {2, b.session},
		cbVenues:       {2, b.venueList},
		cbVenue:        {2, b.venue},
		cbMaterials:    {1, b.materialDays},
		cbMaterialsDay: {3, b.materialsOfDay},
		cbMaterial:     {2, b.material},
		cbFAQ:          {2, b.faq},
		cbUpload:       {2, b.uploadAction},
		cbUndo:         {1, b.undo},
		cbNotice:       {2, b.noticeAction},
		cbAnnounce:     {2, b.announceAction},
		cbAnnLang:      {3, b.annLanguage},
		cbAnnAudience:  {3, b.annAudience},
		cbAnnFix:       {2, b.annFix},
		cbAnnSend:      {2, b.annSend},
		cbAskDesk:      {1, b.askDesk},
		cbDeskDone:     {0, b.deskDone},
	}
}

func data(action string, fields ...string) string {
	return strings.Join(append([]string{action}, fields...), ":")
}

// route is the one entry point for updates: it answers private messages and
// button presses and ignores everything else.
func (b *Bot) route(ctx context.Context, _ *tg.Bot, upd *models.Update) {
	switch {
	case upd.Message != nil:
		b.routeMessage(ctx, upd.Message)
	case upd.CallbackQuery != nil:
		b.routeCallback(ctx, upd.CallbackQuery)
	}
}

func (b *Bot) routeMessage(ctx context.Context, msg *models.Message) {
	if msg.Chat.Type != models.ChatTypePrivate {
		// The organisers' desk is the one group the bot listens to.
		if msg.MigrateFromChatID != 0 && b.isDesk(ctx, msg.MigrateFromChatID) {
			if err := b.desk.Moved(ctx, msg.MigrateFromChatID, msg.Chat.ID); err != nil {
				b.log.Error("desk moved", "err", err)
			}
			return
		}
		if b.isDesk(ctx, msg.Chat.ID) {
			b.deskMessage(ctx, msg)
		}
		return
	}
	if msg.From == nil || msg.From.IsBot {
		return
	}
	r, err := b.newRequest(ctx, msg.From, msg.Chat.ID)
	if err != nil {
		b.fail(ctx, msg.Chat.ID, msg.From, err)
		return
	}
	r.msg = msg
	name, args, isCommand := command(msg)
	// What a staff member writes while an announcement asks for it (its
	// text, a file, a time) is for the announcement; commands stay
	// commands.
	if !isCommand && r.may(store.RoleOrganiser) {
		if a, err := b.store.Awaiting(r.ctx, r.user.ID); err == nil {
			if err := r.loadProgramme(a.EventID); err == nil && r.prog != nil {
				b.composeInput(r, a)
				return
			}
		}
	}
	if !isCommand && b.inDesk(r) {
		b.deskInput(r)
		return
	}
	if msg.Location != nil {
		if !r.may(store.RoleAdmin) {
			b.freeText(r, "")
			return
		}
		b.location(r, msg.Location)
		return
	}
	if msg.Document != nil || len(msg.Photo) > 0 || msg.Video != nil {
		if !r.may(store.RoleAdmin) {
			r.refuse("upload")
			return
		}
		if msg.Document != nil && isProgrammeFile(msg.Document.FileName) {
			b.upload(r, msg.Document)
			return
		}
		b.materialFile(r, msg)
		return
	}
	if !isCommand {
		b.freeText(r, msg.Text)
		return
	}
	r.args, r.msgCommand = args, name
	if h, known := b.commands()[name]; known {
		h(r)
		return
	}
	if s, staff := b.staffCommands()[name]; staff && r.may(s.role) {
		s.h(r)
		return
	} else if staff {
		r.refuse("/" + name)
		return
	}
	r.reply(r.t("unknown_command", nil), nil)
}

// command extracts "/name args" from a message, using Telegram's entities
// (offsets in UTF-16 units) and ignoring an "@botname" suffix.
func command(msg *models.Message) (name, args string, ok bool) {
	for _, e := range msg.Entities {
		if e.Type != models.MessageEntityTypeBotCommand || e.Offset != 0 {
			continue
		}
		units := utf16.Encode([]rune(msg.Text))
		if e.Length > len(units) {
			return "", "", false
		}
		name = string(utf16.Decode(units[1:e.Length]))
		name, _, _ = strings.Cut(name, "@")
		args = strings.TrimSpace(string(utf16.Decode(units[e.Length:])))
		return strings.ToLower(name), args, true
	}
	return "", "", false
}

func (b *Bot) routeCallback(ctx context.Context, cb *models.CallbackQuery) {
	if cb.Message.Message != nil && cb.Message.Message.Chat.Type != models.ChatTypePrivate && b.isDesk(ctx, cb.Message.Message.Chat.ID) {
		b.deskCallback(ctx, cb)
		return
	}
	if cb.Message.Message == nil || cb.Message.Message.Chat.Type != models.ChatTypePrivate {
		// Too old to show (or not ours): say so, in the presser's language.
		b.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: cb.ID,
			Text: b.cat.For(b.langOf(&cb.From)).Text("button_expired", nil)})
		return
	}
	chatID := cb.Message.Message.Chat.ID
	r, err := b.newRequest(ctx, &cb.From, chatID)
	if err != nil {
		b.api.AnswerCallbackQuery(ctx, &tg.AnswerCallbackQueryParams{CallbackQueryID: cb.ID})
		b.fail(ctx, chatID, &cb.From, err)
		return
	}
	r.cb = cb
	defer r.answer("")
	fields := strings.Split(cb.Data, ":")
	e, ok := b.callbacks()[fields[0]]
	if !ok || len(fields)-1 != e.fields {
		b.log.Warn("invalid button data", "user", cb.From.ID, "data", cb.Data)
		r.expired()
		return
	}
	r.data = fields[1:]
	e.h(r)
}

// expired answers a press of a button whose data no longer (or never did)
// make sense.
func (r *request) expired() {
	r.answer(r.text("button_expired", nil))
}

// fail tells the person that something went wrong on our side.
func (b *Bot) fail(ctx context.Context, chatID int64, user *models.User, err error) {
	b.log.Error("handling failed", "chat", chatID, "err", err)
	b.sendPlain(ctx, chatID, b.cat.For(b.langOf(user)).HTML("error_internal", nil))
}

// fail tells the person, in their language, that something went wrong.
func (r *request) fail(err error) {
	r.b.log.Error("handling failed", "chat", r.chatID, "err", err)
	r.b.sendPlain(r.ctx, r.chatID, r.t("error_internal", nil))
}

// eventField resolves the event a button refers to, loading its programme
// when it is not the one the person follows now.
func (r *request) eventField(s string) bool {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return false
	}
	if r.prog != nil && r.prog.Event.StoreID == id {
		return true
	}
	p, err := r.b.store.Programme(r.ctx, id)
	if err != nil {
		return false
	}
	r.prog = p
	return true
}
