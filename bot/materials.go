package bot

import (
	"strings"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
)

const generalDay = "general"

// materials lets the person choose a day, then offers that day's materials.
func (b *Bot) materials(r *request) {
	if r.noProgramme() {
		return
	}
	r.reply(r.renderMaterialDays())
}

func (b *Bot) materialDays(r *request) {
	if !r.eventField(r.data[0]) {
		r.expired()
		return
	}
	r.answer("")
	r.show(r.renderMaterialDays())
}

// materialsByDay groups materials by the day of their session; materials of
// no session are "general".
func materialsByDay(p *programme.Programme) (days []time.Time, byDay map[string][]programme.Material) {
	byDay = map[string][]programme.Material{}
	for _, d := range p.Days() {
		var mats []programme.Material
		for _, s := range p.SessionsOn(d) {
			mats = append(mats, p.MaterialsOf(s.ID)...)
		}
		if len(mats) > 0 {
			byDay[dayCode(d)] = mats
			days = append(days, d)
		}
	}
	if g := p.GeneralMaterials(); len(g) > 0 {
		byDay[generalDay] = g
	}
	return days, byDay
}

func (r *request) renderMaterialDays() (string, keyboard) {
	days, byDay := materialsByDay(r.prog)
	if len(byDay) == 0 {
		return r.t("materials_empty", nil), nil
	}
	ev := id64(r.prog.Event.StoreID)
	var kb keyboard
	if g := byDay[generalDay]; len(g) > 0 {
		kb = append(kb, keyboardRow{callbackButton(r.text("btn_materials_day", l10n.Data{"Label": r.text("materials_general", nil), "Count": len(g)}), data(cbMaterialsDay, ev, generalDay, "0"))})
	}
	for _, d := range days {
		kb = append(kb, keyboardRow{callbackButton(r.text("btn_materials_day", l10n.Data{"Label": r.loc.Date(d), "Count": len(byDay[dayCode(d)])}), data(cbMaterialsDay, ev, dayCode(d), "0"))})
	}
	return r.t("materials_header", nil), kb
}

// materialsOfDay lists a day's materials by session, each with a button
// that opens the link or sends the file.
func (b *Bot) materialsOfDay(r *request) {
	if !r.eventField(r.data[0]) {
		r.expired()
		return
	}
	page, okPage := pageField(r.data[2])
	text, kb, ok := r.renderMaterialsOfDay(r.data[1], page)
	if !ok || !okPage {
		r.expired()
		return
	}
	r.answer("")
	r.show(text, kb)
}

// renderMaterialsOfDay renders one page of a day's materials ("general"
// for those of no session); ok is false when there is no such page.
func (r *request) renderMaterialsOfDay(dayKey string, page int) (string, keyboard, bool) {
	_, byDay := materialsByDay(r.prog)
	all, ok := byDay[dayKey]
	mats, okItems := pageOf(all, page)
	if !ok || !okItems {
		return "", nil, false
	}
	lang := r.lang()
	var text strings.Builder
	if dayKey == generalDay {
		text.WriteString(r.t("materials_day_header", l10n.Data{"Date": r.text("materials_general", nil)}) + "\n")
	} else {
		day, _ := parseDay(r.prog, dayKey)
		text.WriteString(r.t("materials_day_header", l10n.Data{"Date": r.loc.Date(day)}) + "\n")
	}
	var kb keyboard
	session := ""
	for _, m := range mats {
		if m.Session != session {
			session = m.Session
			s, _ := r.prog.Session(session)
			text.WriteString("\n<b>" + l10n.ClockZone(s.Start) + "</b> " + esc(clip(s.Title.In(lang), 100)) + "\n")
		}
		text.WriteString(materialIcons[m.Kind] + " " + esc(clip(m.Title.In(lang), 100)) + "\n")
		kb = append(kb, keyboardRow{r.materialButton(m)})
	}
	ev := id64(r.prog.Event.StoreID)
	if row := r.pageButtons(page, len(all), func(p int) string { return data(cbMaterialsDay, ev, dayKey, itoa(p)) }); row != nil {
		kb = append(kb, row)
	}
	kb = append(kb, keyboardRow{callbackButton(r.text("btn_back", nil), data(cbMaterials, ev))})
	return text.String(), kb, true
}

// materialButton opens a link directly, or asks the bot for a stored file.
func (r *request) materialButton(m programme.Material) models.InlineKeyboardButton {
	label := clip(materialIcons[m.Kind]+" "+m.Title.In(r.lang()), 60)
	if m.IsLink() {
		return urlButton(label, m.URL)
	}
	return callbackButton(label, data(cbMaterial, id64(r.prog.Event.StoreID), m.ID))
}

// material re-sends a stored file by its Telegram file_id.
func (b *Bot) material(r *request) {
	if !r.eventField(r.data[0]) {
		r.expired()
		return
	}
	m, ok := r.prog.Material(r.data[1])
	if !ok || m.IsLink() {
		r.expired()
		return
	}
	r.answer("")
	r.sendFile(m)
}

// sendFile re-sends a stored material by its file_id, as a photo, a video or
// a document.
func (r *request) sendFile(m programme.Material) {
	b := r.b
	caption := esc(clip(m.Title.In(r.lang()), 900))
	file := &models.InputFileString{Data: m.URL}
	var err error
	switch m.Kind {
	case programme.MaterialPhotos:
		_, err = b.api.SendPhoto(r.ctx, &tg.SendPhotoParams{ChatID: r.chatID, Photo: file, Caption: caption, ParseMode: models.ParseModeHTML})
	case programme.MaterialVideo:
		_, err = b.api.SendVideo(r.ctx, &tg.SendVideoParams{ChatID: r.chatID, Video: file, Caption: caption, ParseMode: models.ParseModeHTML})
	default:
		_, err = b.api.SendDocument(r.ctx, &tg.SendDocumentParams{ChatID: r.chatID, Document: file, Caption: caption, ParseMode: models.ParseModeHTML})
	}
	if err != nil {
		b.log.Warn("send material failed", "chat", r.chatID, "material", m.ID, "err", err)
		r.reply(r.t("material_unavailable", nil), nil)
	}
}
