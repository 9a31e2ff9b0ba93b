package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/announce"
	"github.com/delegatedesk/delegatedesk/internal/delivery"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
	"github.com/delegatedesk/delegatedesk/internal/tghtml"
)

// What a draft's author is asked for next (store.Announcement.Awaiting).
const (
	awaitText = "text" // text:<lang>
	awaitFix  = "fix"  // fix:<lang>
	awaitFile = "file"
	awaitTime = "time"
)

// announceCmd starts a draft, or shows the one its author left open:
// /announce [language of the first version].
func (b *Bot) announceCmd(r *request) {
	if r.noProgramme() {
		return
	}
	lang := r.lang()
	badLang := false
	if r.args != "" {
		if lang = l10n.Normalize(r.args); lang == "" {
			badLang = true
		}
	}
	a, err := b.store.Draft(r.ctx, r.user.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		a = store.Announcement{EventID: r.prog.Event.StoreID, Sender: b.cfg.Outbox, Author: r.user.ID, ReportChat: r.chatID,
			Audience: announce.All, State: store.AnnDraft}
	case err != nil:
		r.fail(err)
		return
	case r.args == "":
		// An open draft is shown again, never lost.
		b.replyDraft(r, a)
		return
	}
	if badLang {
		a.Awaiting = ""
		if a.ID, err = b.store.SaveAnnouncement(r.ctx, a); err != nil {
			r.fail(err)
			return
		}
		r.reply(r.t("ann_lang_prompt", nil), b.languageKeyboard(a.ID, "add", l10n.Codes))
		return
	}
	b.askText(r, a, lang)
}

// askText asks the author for a version's text.
func (b *Bot) askText(r *request, a store.Announcement, lang string) {
	id, err := b.store.SaveAnnouncement(r.ctx, a)
	if err == nil {
		err = b.store.Ask(r.ctx, id, r.user.ID, awaitText+":"+lang)
	}
	if err != nil {
		r.fail(err)
		return
	}
	r.show(r.t("ann_prompt_text", l10n.Data{"Language": b.cat.Name(lang)}),
		keyboard{{callbackButton(r.text("btn_ann_back", nil), data(cbAnnounce, id64(id), "card"))}})
}

// languageKeyboard offers languages for an announcement: every one for a
// new version (purpose "add"), its versions' for a correction ("fix").
func (b *Bot) languageKeyboard(id int64, purpose string, codes []string) keyboard {
	buttons := make([]models.InlineKeyboardButton, len(codes))
	for i, code := range codes {
		buttons[i] = callbackButton(b.cat.Name(code), data(cbAnnLang, id64(id), purpose, code))
	}
	return grid(buttons, 3)
}

// composeInput takes what a draft's author sent when asked for it: a
// version's text, a correction, a file or a time.
func (b *Bot) composeInput(r *request, a store.Announcement) {
	kind, lang, _ := strings.Cut(a.Awaiting, ":")
	msg := r.msg
	html := entityHTML(msg.Text, msg.Entities)
	if msg.Caption != "" {
		html = entityHTML(msg.Caption, msg.CaptionEntities)
	}
	mediaKind, mediaID := mediaOf(msg)
	switch kind {
	case awaitText, awaitFix:
		if kind == awaitText && mediaKind != "" {
			a.MediaKind, a.MediaID = mediaKind, mediaID
		}
		if html == "" {
			r.reply(r.t("ann_need_text", nil), nil)
			return
		}
		v := store.Version{Lang: lang, HTML: html}
		if p := announce.Check(v, a.MediaKind != ""); p != nil {
			r.reply(r.t("ann_problems", l10n.Data{"Problems": b.problemText(r, *p)}), nil)
			return
		}
		if kind == awaitFix {
			b.previewCorrection(r, a, v)
			return
		}
		if i := slices.IndexFunc(a.Versions, func(x store.Version) bool { return x.Lang == lang }); i >= 0 {
			a.Versions[i] = v
		} else {
			a.Versions = append(a.Versions, v)
		}
	case awaitFile:
		if mediaKind == "" {
			r.reply(r.t("ann_need_file", nil), nil)
			return
		}
		a.MediaKind, a.MediaID = mediaKind, mediaID
	case awaitTime:
		at, err := announce.ParseWhen(msg.Text, b.cfg.Now(), r.prog.Location())
		switch {
		case errors.Is(err, announce.ErrPast):
			r.reply(r.t("ann_past_time", nil), nil)
			return
		case err != nil:
			r.reply(r.t("ann_bad_time", l10n.Data{"Text": clip(msg.Text, 100)}), nil)
			return
		}
		a.SendAt = at
	default:
		b.log.Warn("announcement awaits something unknown", "id", a.ID, "awaiting", a.Awaiting)
	}
	b.replyDraft(r, a)
}

// replyDraft saves a draft, no longer asking for anything, and sends its
// card.
func (b *Bot) replyDraft(r *request, a store.Announcement) {
	a.Awaiting = ""
	if _, err := b.store.SaveAnnouncement(r.ctx, a); err != nil {
		r.fail(err)
		return
	}
	html, kb := b.draftCard(r, a)
	r.reply(html, kb)
}

// mediaOf returns the photo or document a message carries, by file_id.
func mediaOf(msg *models.Message) (kind, fileID string) {
	switch {
	case len(msg.Photo) > 0:
		return mediaPhoto, msg.Photo[len(msg.Photo)-1].FileID // the largest size
	case msg.Document != nil:
		return mediaDocument, msg.Document.FileID
	}
	return "", ""
}

// audienceText names an audience in the reader's language.
func audienceText(loc *l10n.Localizer, s string) string {
	aud, err := announce.ParseAudience(s)
	if err != nil {
		return s
	}
	switch aud.Kind {
	case announce.ByRole:
		return loc.Text("ann_aud_role_"+aud.Value, nil)
	case announce.ByLang, announce.ByCountry, announce.ByGroup:
		return loc.Text("ann_aud_"+aud.Kind, l10n.Data{"Value": aud.Value})
	}
	return loc.Text("ann_aud_all", nil)
}

func (b *Bot) versionNames(loc *l10n.Localizer, a store.Announcement) string {
	if len(a.Versions) == 0 {
		return loc.Text("ann_versions_none", nil)
	}
	names := make([]string, len(a.Versions))
	for i, v := range a.Versions {
		names[i] = b.cat.Name(v.Lang)
	}
	return strings.Join(names, ", ")
}

// when tells a time in the event's zone.
func (r *request) when(t time.Time) string {
	t = t.In(r.prog.Location())
	return r.loc.Date(t) + " " + l10n.ClockZone(t)
}

// draftCard shows a draft as its author sees it, with what may be done.
func (b *Bot) draftCard(r *request, a store.Announcement) (string, keyboard) {
	_, total, err := b.ann.Readers(r.ctx, a)
	if err != nil {
		b.log.Error("announcement readers", "id", a.ID, "err", err)
	}
	file := r.text("ann_file_none", nil)
	if a.MediaKind != "" {
		file = r.text("ann_file_"+a.MediaKind, nil)
	}
	when := r.text("ann_when_now", nil)
	if !a.SendAt.IsZero() {
		when = r.when(a.SendAt)
	}
	html := r.t("ann_draft", l10n.Data{"Audience": audienceText(r.loc, a.Audience), "Recipients": r.loc.Plural("ann_recipients", total, nil),
		"Versions": b.versionNames(r.loc, a), "File": file, "When": when})
	id := id64(a.ID)
	fileButton := callbackButton(r.text("btn_ann_file", nil), data(cbAnnounce, id, "file"))
	if a.MediaKind != "" {
		fileButton = callbackButton(r.text("btn_ann_nofile", nil), data(cbAnnounce, id, "nofile"))
	}
	return html, keyboard{
		{callbackButton(r.text("btn_ann_lang", nil), data(cbAnnounce, id, "lang")), fileButton},
		{callbackButton(r.text("btn_ann_audience", nil), data(cbAnnounce, id, "aud")), callbackButton(r.text("btn_ann_time", nil), data(cbAnnounce, id, "time"))},
		{callbackButton(r.text("btn_ann_preview", nil), data(cbAnnounce, id, "prev")), callbackButton(r.text("btn_ann_discard", nil), data(cbAnnounce, id, "drop"))},
	}
}

func (b *Bot) problemText(r *request, p announce.Problem) string {
	name := b.cat.Name(p.Lang)
	switch p.Kind {
	case "html":
		return r.text("ann_problem_html", l10n.Data{"Language": name, "Detail": p.Detail})
	case "long":
		return r.text("ann_problem_long", l10n.Data{"Language": name, "Length": p.Length, "Limit": p.Limit})
	}
	return r.text("ann_problem_empty", l10n.Data{"Language": name})
}

// announcement loads the announcement a button names, and checks that
// the presser may act on it: staff, and for a draft its author.
func (b *Bot) announcement(r *request) (store.Announcement, bool) {
	if !r.may(store.RoleOrganiser) {
		r.refuse("announcement")
		return store.Announcement{}, false
	}
	id, err := strconv.ParseInt(r.data[0], 10, 64)
	if err != nil {
		r.expired()
		return store.Announcement{}, false
	}
	a, err := b.store.Announcement(r.ctx, id)
	if err != nil || (a.State == store.AnnDraft && a.Author != r.user.ID) || a.Sender != b.cfg.Outbox {
		r.expired()
		return store.Announcement{}, false
	}
	if err := r.loadProgramme(a.EventID); err != nil || r.prog == nil {
		r.expired()
		return store.Announcement{}, false
	}
	return a, true
}

// announceAction handles the buttons of drafts and announcements:
// ann:<id>:<action>.
func (b *Bot) announceAction(r *request) {
	a, ok := b.announcement(r)
	if !ok {
		return
	}
	action := r.data[1]
	draftOnly := map[string]bool{"lang": true, "file": true, "nofile": true, "aud": true, "time": true, "prev": true, "drop": true, "card": true}
	if draftOnly[action] && a.State != store.AnnDraft {
		r.expired()
		return
	}
	save := func() bool {
		if _, err := b.store.SaveAnnouncement(r.ctx, a); err != nil {
			r.answer("")
			r.fail(err)
			return false
		}
		return true
	}
	switch action {
	case "card":
		if b.ask(r, a, "") {
			r.show(b.draftCard(r, a))
		}
	case "lang":
		r.show(r.t("ann_lang_prompt", nil), b.languageKeyboard(a.ID, "add", l10n.Codes))
	case "file":
		if b.ask(r, a, awaitFile) {
			r.show(r.t("ann_prompt_file", nil), keyboard{{callbackButton(r.text("btn_ann_back", nil), data(cbAnnounce, id64(a.ID), "card"))}})
		}
	case "nofile":
		a.MediaKind, a.MediaID = "", ""
		if save() {
			r.show(b.draftCard(r, a))
		}
	case "time":
		if b.ask(r, a, awaitTime) {
			zone := l10n.Zone(b.cfg.Now().In(r.prog.Location()))
			r.show(r.t("ann_prompt_time", l10n.Data{"Zone": zone}), keyboard{{callbackButton(r.text("btn_ann_back", nil), data(cbAnnounce, id64(a.ID), "card"))}})
		}
	case "aud":
		b.audienceMenu(r, a)
	case "prev":
		b.preview(r, a)
	case "drop":
		if ok, err := b.store.DeleteDraft(r.ctx, a.ID); err != nil || !ok {
			r.expired()
			return
		}
		r.show(r.t("ann_discarded", nil), nil)
	case "show", "keep":
		if a.State == store.AnnDraft {
			r.show(b.draftCard(r, a))
			return
		}
		// Cancel on a correction: nothing of it is awaited any more.
		if action == "keep" && a.Asker == r.user.ID && (a.Awaiting != "" || a.PendingHTML != "") && !b.ask(r, a, "") {
			return
		}
		b.showStatus(r, a.ID)
	case "pause", "resume", "stop":
		if action == "stop" && a.State == store.AnnDraft {
			r.expired()
			return
		}
		act := map[string]func(context.Context, int64) (bool, error){"pause": b.ann.Pause, "resume": b.ann.Resume, "stop": b.ann.Cancel}[action]
		if ok, err := act(r.ctx, a.ID); err != nil || !ok {
			if err != nil {
				b.log.Error("announcement "+action, "id", a.ID, "err", err)
			}
			r.expired()
			return
		}
		b.showStatus(r, a.ID)
		b.wakeFollow()
	case "fix":
		if !finished(a.State) || len(a.Versions) == 0 {
			r.expired()
			return
		}
		// A running announcement waits while it is corrected, so that no
		// copy goes out with the old text unnoticed; ▶️ sends it on.
		if a.State == store.AnnSending {
			if _, err := b.ann.Pause(r.ctx, a.ID); err != nil {
				r.answer("")
				r.fail(err)
				return
			}
			b.wakeFollow()
		}
		if len(a.Versions) == 1 {
			b.askCorrection(r, a, a.Versions[0].Lang)
			return
		}
		r.answer("")
		// A new message: the progress message keeps showing the figures.
		langs := make([]string, len(a.Versions))
		for i, v := range a.Versions {
			langs[i] = v.Lang
		}
		r.reply(r.t("ann_fix_prompt", nil), b.languageKeyboard(a.ID, "fix", langs))
	case "wd":
		if !finished(a.State) || !b.deletable(a) {
			r.expired()
			return
		}
		c, err := b.store.Counts(r.ctx, b.ann.Job(a.ID))
		if err != nil {
			r.answer("")
			r.fail(err)
			return
		}
		r.answer("")
		r.reply(r.loc.PluralHTML("ann_withdraw_confirm", c.Sent, l10n.Data{"ID": a.ID}), keyboard{{
			callbackButton(r.text("btn_ann_withdraw", nil), data(cbAnnounce, id64(a.ID), "wdok")),
			callbackButton(r.text("btn_ann_keep", nil), data(cbAnnounce, id64(a.ID), "keep")),
		}})
	case "wdok":
		if !finished(a.State) {
			r.expired()
			return
		}
		n, ok, err := b.ann.Withdraw(r.ctx, a.ID)
		if err != nil || !ok {
			if err != nil {
				b.log.Error("withdraw", "id", a.ID, "err", err)
			}
			r.expired()
			return
		}
		r.answer("")
		r.show(r.loc.PluralHTML("ann_withdrawing", n, nil), nil)
		b.wakeFollow()
	default:
		r.expired()
	}
}

// ask records what the presser is asked to send for an announcement.
func (b *Bot) ask(r *request, a store.Announcement, awaiting string) bool {
	if err := b.store.Ask(r.ctx, a.ID, r.user.ID, awaiting); err != nil {
		r.answer("")
		r.fail(err)
		return false
	}
	return true
}

// deletable reports whether Telegram still lets the bot delete the copies
// (48 hours after sending, with an hour's margin for a slow withdrawal).
func (b *Bot) deletable(a store.Announcement) bool {
	return a.StartedAt.IsZero() || b.cfg.Now().Sub(a.StartedAt) < 47*time.Hour
}

// finished reports whether an announcement's copies are out (or stopped),
// so that they may be corrected or withdrawn. A running one may be too:
// copies not yet sent then go out corrected.
func finished(state string) bool {
	switch state {
	case store.AnnSending, store.AnnPaused, store.AnnDone, store.AnnCancelled:
		return true
	}
	return false
}

// annLanguage handles a chosen language: anl:<id>:add|fix:<code>.
func (b *Bot) annLanguage(r *request) {
	a, ok := b.announcement(r)
	if !ok {
		return
	}
	purpose, code := r.data[1], r.data[2]
	switch {
	case purpose == "add" && a.State == store.AnnDraft && l10n.Supported(code):
		r.answer("")
		b.askText(r, a, code)
	case purpose == "fix" && finished(a.State) && slices.ContainsFunc(a.Versions, func(v store.Version) bool { return v.Lang == code }):
		r.answer("")
		b.askCorrection(r, a, code)
	default:
		r.expired()
	}
}

func (b *Bot) askCorrection(r *request, a store.Announcement, lang string) {
	if !b.ask(r, a, awaitFix+":"+lang) {
		return
	}
	r.answer("")
	r.reply(r.t("ann_prompt_fix", l10n.Data{"Language": b.cat.Name(lang)}),
		keyboard{{callbackButton(r.text("btn_cancel", nil), data(cbAnnounce, id64(a.ID), "keep"))}})
}

// previewCorrection shows a corrected version exactly as delegates will
// see it, with Send and Cancel.
func (b *Bot) previewCorrection(r *request, a store.Announcement, v store.Version) {
	// The correction waits with its language: a Send pressed on an older
	// preview of another version must not apply this text there.
	if err := b.store.HoldCorrection(r.ctx, a.ID, v.Lang+":"+v.HTML); err != nil {
		r.fail(err)
		return
	}
	c, err := b.store.Counts(r.ctx, b.ann.Job(a.ID))
	if err != nil {
		r.fail(err)
		return
	}
	r.reply(r.t("ann_preview_title", nil)+"\n"+r.t("ann_preview_line", l10n.Data{"Language": b.cat.Name(v.Lang),
		"Recipients": r.loc.Plural("ann_recipients", c.Sent+c.Pending+c.Held, nil)}), nil)
	if !b.sendCopy(r, a, v) {
		return
	}
	r.reply(r.t("ann_prompt_fix", l10n.Data{"Language": b.cat.Name(v.Lang)}), keyboard{{
		callbackButton(r.text("btn_send", nil), data(cbAnnFix, id64(a.ID), v.Lang)),
		callbackButton(r.text("btn_cancel", nil), data(cbAnnounce, id64(a.ID), "keep")),
	}})
}

// annFix sends a correction previewed: anf:<id>:<lang>.
func (b *Bot) annFix(r *request) {
	a, ok := b.announcement(r)
	if !ok {
		return
	}
	lang, html, _ := strings.Cut(a.PendingHTML, ":")
	if lang != r.data[1] || html == "" || !finished(a.State) {
		r.expired()
		return
	}
	n, err := b.ann.Correct(r.ctx, a.ID, store.Version{Lang: lang, HTML: html})
	if errors.Is(err, store.ErrInFlight) {
		r.answer(r.text("ann_in_flight", nil))
		return
	}
	if err != nil {
		b.log.Warn("correct", "id", a.ID, "err", err)
		r.expired()
		return
	}
	r.answer("")
	r.show(r.loc.PluralHTML("ann_fixing", n, nil), nil)
}

// audienceMenu offers the audiences the event's delegates make up, each
// with its size: ana:<id>:<kind>:<value>.
func (b *Bot) audienceMenu(r *request, a store.Announcement) {
	everyone, err := b.ann.Recipients(r.ctx, a.EventID, announce.Audience{Kind: announce.All})
	if err != nil {
		r.answer("")
		r.fail(err)
		return
	}
	langs, countries, groups := map[string]int{}, map[string]int{}, map[string]int{}
	for _, p := range everyone {
		langs[b.ann.LangOf(p)]++
		if p.Country != "" {
			countries[p.Country]++
		}
		if p.Group != "" {
			groups[p.Group]++
		}
	}
	id := id64(a.ID)
	kb := keyboard{{callbackButton(fmt.Sprintf("%s (%d)", r.text("ann_aud_all", nil), len(everyone)), data(cbAnnAudience, id, "a", "-"))}}
	add := func(kind string, counts map[string]int, label func(string) string) {
		var buttons []models.InlineKeyboardButton
		for _, v := range slices.SortedFunc(maps.Keys(counts), func(x, y string) int {
			return cmp.Or(counts[y]-counts[x], strings.Compare(x, y))
		}) {
			buttons = append(buttons, callbackButton(fmt.Sprintf("%s (%d)", label(v), counts[v]), data(cbAnnAudience, id, kind, v)))
		}
		// The largest first, a dozen at most: a long tail helps nobody,
		// and Telegram shows at most 100 buttons.
		kb = append(kb, grid(buttons[:min(len(buttons), 12)], 3)...)
	}
	add("l", langs, b.cat.Name)
	add("c", countries, func(v string) string { return v })
	add("g", groups, func(v string) string { return v })
	kb = append(kb, keyboard{{
		callbackButton(r.text("ann_aud_role_delegate", nil), data(cbAnnAudience, id, "r", announce.RoleDelegate)),
		callbackButton(r.text("ann_aud_role_organiser", nil), data(cbAnnAudience, id, "r", announce.RoleOrganiser)),
	}, {callbackButton(r.text("btn_ann_back", nil), data(cbAnnounce, id, "card"))}}...)
	r.show(r.t("ann_aud_prompt", nil), kb)
}

// annAudience sets a draft's audience: ana:<id>:a|l|c|g|r:<value>.
func (b *Bot) annAudience(r *request) {
	a, ok := b.announcement(r)
	if !ok || a.State != store.AnnDraft {
		if ok {
			r.expired()
		}
		return
	}
	kind := map[string]string{"a": announce.All, "l": announce.ByLang, "c": announce.ByCountry, "g": announce.ByGroup, "r": announce.ByRole}[r.data[1]]
	text := kind + ":" + r.data[2]
	if kind == announce.All {
		text = announce.All
	}
	aud, err := announce.ParseAudience(text)
	if kind == "" || err != nil {
		r.expired()
		return
	}
	a.Audience = aud.String()
	if _, err := b.store.SaveAnnouncement(r.ctx, a); err != nil {
		r.answer("")
		r.fail(err)
		return
	}
	r.answer("")
	r.show(b.draftCard(r, a))
}

// preview sends each version exactly as its readers will get it, with how
// many they are, then asks for confirmation. Nothing goes without it.
func (b *Bot) preview(r *request, a store.Announcement) {
	back := keyboard{{callbackButton(r.text("btn_ann_back", nil), data(cbAnnounce, id64(a.ID), "card"))}}
	probs, err := announce.Problems(a)
	if errors.Is(err, announce.ErrNoText) {
		r.answer(r.text("ann_no_text", nil))
		return
	}
	if err != nil {
		r.answer("")
		r.fail(err)
		return
	}
	r.answer("")
	if len(probs) > 0 {
		lines := make([]string, len(probs))
		for i, p := range probs {
			lines[i] = b.problemText(r, p)
		}
		r.reply(r.t("ann_problems", l10n.Data{"Problems": strings.Join(lines, "\n")}), back)
		return
	}
	readers, total, err := b.ann.Readers(r.ctx, a)
	if err != nil {
		r.fail(err)
		return
	}
	if total == 0 {
		r.reply(r.t("ann_no_recipients", nil), back)
		return
	}
	lines := []string{r.t("ann_preview_title", nil)}
	for _, v := range a.Versions {
		lines = append(lines, r.t("ann_preview_line", l10n.Data{"Language": b.cat.Name(v.Lang), "Recipients": r.loc.Plural("ann_recipients", readers[v.Lang], nil)}))
	}
	r.reply(strings.Join(lines, "\n"), nil)
	for _, v := range a.Versions {
		if !b.sendCopy(r, a, v) {
			return
		}
	}
	recipients := r.loc.Plural("ann_recipients", total, nil)
	ask := r.t("ann_confirm_now", l10n.Data{"Recipients": recipients})
	if !a.SendAt.IsZero() {
		ask = r.t("ann_confirm_at", l10n.Data{"Recipients": recipients, "When": r.when(a.SendAt)})
	}
	r.reply(ask, keyboard{{
		callbackButton(r.text("btn_send", nil), data(cbAnnSend, id64(a.ID), draftHash(a))),
		callbackButton(r.text("btn_cancel", nil), data(cbAnnounce, id64(a.ID), "card")),
	}})
}

// draftHash names what a preview showed: Send goes only if the draft is
// still that, not changed since on another card.
func draftHash(a store.Announcement) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d", a.Audience, a.MediaKind, a.MediaID, a.SendAt.Unix())
	for _, v := range a.Versions {
		fmt.Fprintf(h, "\x00%s\x00%s", v.Lang, v.HTML)
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

// annSend sends a previewed draft: ans:<id>:<draft hash>.
func (b *Bot) annSend(r *request) {
	a, ok := b.announcement(r)
	if !ok {
		return
	}
	if a.State != store.AnnDraft || r.data[1] != draftHash(a) {
		r.expired()
		return
	}
	b.confirm(r, a)
}

// sendCopy sends the author one version the way the outbox sends it to
// delegates; if Telegram refuses it, the author is told why.
func (b *Bot) sendCopy(r *request, a store.Announcement, v store.Version) bool {
	_, err := sender{api: b.api}.Send(r.ctx, store.Outgoing{ChatID: r.chatID, Op: store.OpSend, HTML: v.HTML, MediaKind: a.MediaKind, MediaID: a.MediaID})
	var rejected *delivery.RejectedError
	if err != nil && !errors.As(err, &rejected) {
		r.fail(err)
		return false
	}
	if err != nil {
		b.log.Warn("preview refused", "id", a.ID, "err", err)
		r.reply(r.t("ann_problems", l10n.Data{"Problems": r.text("ann_problem_html", l10n.Data{"Language": b.cat.Name(v.Lang), "Detail": err.Error()})}),
			keyboard{{callbackButton(r.text("btn_ann_back", nil), data(cbAnnounce, id64(a.ID), "card"))}})
		return false
	}
	return true
}

// confirm queues a previewed draft; the progress shows in the message
// whose Send was pressed.
func (b *Bot) confirm(r *request, a store.Announcement) {
	_, total, err := b.ann.Readers(r.ctx, a)
	if err != nil {
		r.answer("")
		r.fail(err)
		return
	}
	if total == 0 {
		r.answer(r.text("ann_no_recipients", nil))
		return
	}
	ok, err := b.ann.Confirm(r.ctx, a.ID, r.chatID, r.cb.Message.Message.ID)
	if err != nil || !ok {
		if err != nil {
			b.log.Warn("confirm announcement", "id", a.ID, "err", err)
		}
		r.expired()
		return
	}
	r.answer("")
	b.showStatus(r, a.ID)
	b.wakeFollow()
}

// showStatus shows an announcement's figures and what may be done with it.
func (b *Bot) showStatus(r *request, id int64) {
	st, err := b.ann.Status(r.ctx, id)
	if err != nil {
		r.answer("")
		r.fail(err)
		return
	}
	r.answer("")
	html, kb := b.statusCard(r.ctx, r.loc, st)
	r.show(html, kb)
	if r.cb != nil && st.ReportChat == r.chatID && st.ProgressMsg == r.cb.Message.Message.ID {
		b.progress.Store(id, html+fmt.Sprint(kb))
	}
}

// statusCard renders where an announcement stands, in loc's language.
func (b *Bot) statusCard(ctx context.Context, loc *l10n.Localizer, st announce.Status) (string, keyboard) {
	state := loc.Text("ann_state_"+st.State, nil)
	html := loc.HTML("ann_status", l10n.Data{"ID": st.ID, "State": state, "Audience": audienceText(loc, st.Audience),
		"Versions": b.versionNames(loc, st.Announcement), "Sent": st.Sent, "Blocked": st.Blocked, "Failed": st.Failed,
		"Remaining": st.Pending + st.Held})
	var zone *time.Location
	if p, err := b.store.Programme(ctx, st.EventID); err == nil {
		zone = p.Location()
	}
	switch {
	case st.State == store.AnnQueued && !st.SendAt.IsZero() && zone != nil:
		t := st.SendAt.In(zone)
		html += "\n" + loc.HTML("ann_scheduled", l10n.Data{"When": loc.Date(t) + " " + l10n.ClockZone(t)})
	case st.State == store.AnnSending && st.Left < time.Minute:
		html += "\n" + loc.HTML("ann_left_soon", nil)
	case st.State == store.AnnSending:
		html += "\n" + loc.PluralHTML("ann_left_minutes", int((st.Left+time.Minute-1)/time.Minute), nil)
	case st.Finished && !st.StartedAt.IsZero() && !st.FinishedAt.IsZero():
		if took := st.FinishedAt.Sub(st.StartedAt); took < time.Minute {
			html += "\n" + loc.PluralHTML("ann_took_seconds", int(took.Round(time.Second)/time.Second), nil)
		} else {
			html += "\n" + loc.PluralHTML("ann_took_minutes", int(took.Round(time.Minute)/time.Minute), nil)
		}
	}
	if st.Corrections > 0 {
		html += "\n" + loc.PluralHTML("ann_corrections", st.Corrections, nil)
	}
	id := id64(st.ID)
	btn := func(key, action string) models.InlineKeyboardButton {
		return callbackButton(loc.Text(key, nil), data(cbAnnounce, id, action))
	}
	switch st.State {
	case store.AnnQueued:
		return html, keyboard{{btn("btn_ann_stop", "stop")}}
	case store.AnnSending:
		return html, keyboard{{btn("btn_ann_pause", "pause"), btn("btn_ann_stop", "stop")}, {btn("btn_ann_correct", "fix")}}
	case store.AnnPaused:
		kb := keyboard{{btn("btn_ann_resume", "resume"), btn("btn_ann_stop", "stop")}, {btn("btn_ann_correct", "fix")}}
		if b.deletable(st.Announcement) {
			kb[1] = append(kb[1], btn("btn_ann_withdraw", "wd"))
		}
		return html, kb
	case store.AnnDone, store.AnnCancelled:
		kb := keyboard{{btn("btn_ann_correct", "fix")}}
		if b.deletable(st.Announcement) {
			kb[0] = append(kb[0], btn("btn_ann_withdraw", "wd"))
		}
		return html, kb
	}
	return html, nil
}

// announcementsCmd lists the latest announcements of the event with
// their figures; each opens its card.
func (b *Bot) announcementsCmd(r *request) {
	if r.noProgramme() {
		return
	}
	list, err := b.store.Announcements(r.ctx, r.prog.Event.StoreID, 10)
	if err != nil {
		r.fail(err)
		return
	}
	if len(list) == 0 {
		r.reply(r.t("ann_list_empty", nil), nil)
		return
	}
	lines := []string{r.t("ann_list_head", nil)}
	var buttons []models.InlineKeyboardButton
	for _, a := range list {
		c, err := b.store.Counts(r.ctx, b.ann.Job(a.ID))
		if err != nil {
			r.fail(err)
			return
		}
		when := cmp.Or(a.StartedAt, a.SendAt, a.CreatedAt)
		text := ""
		if len(a.Versions) > 0 {
			text, _, _ = tghtml.Parse(announce.Pick(a.Versions, r.lang()).HTML)
		}
		lines = append(lines, r.t("ann_list_line", l10n.Data{"ID": a.ID, "State": r.text("ann_state_"+a.State, nil), "When": r.when(when),
			"Audience": audienceText(r.loc, a.Audience), "Sent": c.Sent, "Recipients": a.Recipients, "Text": clip(strings.Join(strings.Fields(text), " "), 60)}))
		buttons = append(buttons, callbackButton("#"+id64(a.ID), data(cbAnnounce, id64(a.ID), "show")))
	}
	r.reply(clipHTML(strings.Join(lines, "\n\n")), grid(buttons, 5))
}

// wakeFollow has the announcements followed at once.
func (b *Bot) wakeFollow() {
	select {
	case b.followWake <- struct{}{}:
	default:
	}
}

// followAnnouncements starts announcements when their time comes and
// keeps each one's progress message up to date until its final figures
// are shown, until ctx is done. What it has not reported by a restart it
// reports after it.
func (b *Bot) followAnnouncements(ctx context.Context) {
	tick := time.NewTicker(b.cfg.ProgressEvery)
	defer tick.Stop()
	for {
		b.followRound(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-b.followWake:
		}
	}
}

func (b *Bot) followRound(ctx context.Context) {
	list, err := b.store.Unfinished(ctx, b.cfg.Outbox)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("following announcements", "err", err)
		}
		return
	}
	if _, err := b.ann.StartDue(ctx, list); err != nil && ctx.Err() == nil {
		b.log.Error("starting announcements", "err", err)
	}
	for _, a := range list {
		st, err := b.ann.Status(ctx, a.ID)
		if err != nil {
			b.log.Error("announcement status", "id", a.ID, "err", err)
			continue
		}
		if st.Finished {
			b.log.Info("announcement finished", "id", a.ID, "state", st.State, "sent", st.Sent, "blocked", st.Blocked, "failed", st.Failed, "cancelled", st.Cancelled)
		}
		if a.ReportChat == 0 || b.report(ctx, st) {
			if st.Finished {
				if err := b.store.MarkReported(ctx, a.ID); err != nil {
					b.log.Error("announcement reported", "id", a.ID, "err", err)
				}
				b.progress.Delete(a.ID)
			}
		}
	}
}

// report shows an announcement's figures in its progress message, sending
// one if there is none; it reports whether the message shows them.
func (b *Bot) report(ctx context.Context, st announce.Status) bool {
	loc := b.cat.For(b.cfg.DefaultLanguage)
	if p, err := b.store.Participant(ctx, st.Author); err == nil {
		loc = b.localizerOf(p)
	}
	html, kb := b.statusCard(ctx, loc, st)
	shown := html + fmt.Sprint(kb)
	if last, ok := b.progress.Load(st.ID); ok && last == shown {
		return true
	}
	markup := &models.InlineKeyboardMarkup{InlineKeyboard: kb}
	if kb == nil {
		markup.InlineKeyboard = keyboard{}
	}
	if st.ProgressMsg != 0 {
		_, err := b.api.EditMessageText(ctx, &tg.EditMessageTextParams{ChatID: st.ReportChat, MessageID: st.ProgressMsg, Text: html, ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
		if err == nil || strings.Contains(err.Error(), "message is not modified") {
			b.progress.Store(st.ID, shown)
			return true
		}
		if errors.Is(err, tg.ErrorForbidden) {
			return true // the author blocked the bot: nothing more can be shown
		}
		if !strings.Contains(err.Error(), "message to edit not found") {
			b.log.Warn("progress edit failed", "id", st.ID, "err", err)
			return false
		}
		// The author deleted it: a new one takes its place.
	}
	msg, err := b.api.SendMessage(ctx, &tg.SendMessageParams{ChatID: st.ReportChat, Text: html, ParseMode: models.ParseModeHTML, ReplyMarkup: markup})
	if errors.Is(err, tg.ErrorForbidden) {
		return true
	}
	if err != nil {
		b.log.Warn("progress message failed", "id", st.ID, "err", err)
		return false
	}
	if err := b.store.SetProgressMessage(ctx, st.ID, st.ReportChat, msg.ID); err != nil {
		b.log.Error("progress message", "id", st.ID, "err", err)
	}
	b.progress.Store(st.ID, shown)
	return true
}
