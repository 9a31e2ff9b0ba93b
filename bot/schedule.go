package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

type keyboardRow = []models.InlineKeyboardButton

// sessionIDMark starts the line that names a session's id on its card.
const sessionIDMark = "🆔 "

// schedule shows today's programme, or the nearest day of the event.
func (b *Bot) schedule(r *request) {
	if r.noProgramme() {
		return
	}
	now := b.cfg.Now()
	day, ok := r.prog.DayFor(now)
	if !ok {
		r.reply(r.t("schedule_empty", nil), nil)
		return
	}
	var note string
	days := r.prog.Days()
	switch {
	case now.Before(days[0]):
		note = r.t("schedule_before", nil)
	case now.After(days[len(days)-1].AddDate(0, 0, 1)):
		note = r.t("schedule_after", nil)
	}
	text, kb := r.renderDay(day, 0)
	if note != "" {
		text = note + "\n\n" + text
	}
	r.reply(text, kb)
}

func (b *Bot) scheduleDay(r *request) {
	if !r.eventField(r.data[0]) {
		r.expired()
		return
	}
	day, okDay := parseDay(r.prog, r.data[1])
	page, okPage := pageField(r.data[2])
	if okDay && okPage && r.prog.DayIndex(day) >= 0 {
		_, okPage = pageOf(r.prog.SessionsOn(day), page)
	}
	if !okDay || !okPage || r.prog.DayIndex(day) < 0 {
		r.expired()
		return
	}
	r.answer("")
	r.show(r.renderDay(day, page))
}

// renderDay renders one page of a day's programme with buttons for the
// sessions' details and for the neighbouring days and pages.
func (r *request) renderDay(day time.Time, page int) (string, keyboard) {
	days := r.prog.Days()
	idx := r.prog.DayIndex(day)
	sessions := r.prog.SessionsOn(day)
	ev := id64(r.prog.Event.StoreID)

	var b strings.Builder
	b.WriteString(r.t("schedule_header", l10n.Data{"Date": r.loc.Date(day), "Day": idx + 1, "Days": len(days)}))
	b.WriteString("\n<i>" + esc(clip(r.prog.Event.Title.In(r.lang()), 200)) + "</i>\n")
	var kb keyboard
	if len(sessions) == 0 {
		b.WriteString("\n" + r.t("schedule_empty", nil))
	} else {
		b.WriteString(r.loc.Plural("schedule_count", len(sessions), nil) + "\n")
		shown, _ := pageOf(sessions, page)
		for _, s := range shown {
			b.WriteString("\n" + r.sessionLine(s) + "\n")
			kb = append(kb, r.sessionButton(s))
		}
		b.WriteString("\n" + r.t("schedule_zone", l10n.Data{"Zone": l10n.Zone(sessions[0].Start)}))
	}

	if row := r.pageButtons(page, len(sessions), func(p int) string { return data(cbDay, ev, dayCode(day), itoa(p)) }); row != nil {
		kb = append(kb, row)
	}
	var dayRow keyboardRow
	if idx > 0 {
		dayRow = append(dayRow, callbackButton(r.text("btn_day_prev", l10n.Data{"Day": idx}), data(cbDay, ev, dayCode(days[idx-1]), "0")))
	}
	if idx+1 < len(days) {
		dayRow = append(dayRow, callbackButton(r.text("btn_day_next", l10n.Data{"Day": idx + 2}), data(cbDay, ev, dayCode(days[idx+1]), "0")))
	}
	if len(dayRow) > 0 {
		kb = append(kb, dayRow)
	}
	return b.String(), kb
}

// session shows a session's details: time, place, speakers, description and
// its materials, with buttons for the venue pin and the files.
func (b *Bot) session(r *request) {
	if !r.eventField(r.data[0]) {
		r.expired()
		return
	}
	s, ok := r.prog.Session(r.data[1])
	if !ok {
		r.expired()
		return
	}
	r.answer("")
	r.show(r.renderSession(s))
}

func (r *request) renderSession(s programme.Session) (string, keyboard) {
	lang := r.lang()
	ev := id64(r.prog.Event.StoreID)
	head, kb := r.sessionFacts(s, true, true)
	var tail strings.Builder
	if mats := r.prog.MaterialsOf(s.ID); len(mats) > 0 {
		tail.WriteString("\n" + r.t("session_materials", nil) + "\n")
		shown, _ := pageOf(mats, 0)
		for _, m := range shown {
			tail.WriteString(materialIcons[m.Kind] + " " + esc(clip(m.Title.In(lang), 120)) + "\n")
		}
		kb = append(kb, r.materialRows(s)...)
	}
	text := head
	if d := s.Description.In(lang); d != "" {
		// The description gets what the rest of the message leaves.
		room := maxMessage - utf16Len(head) - utf16Len(tail.String()) - 4
		text += "\n" + esc(clip(d, max(room, 1))) + "\n"
	}
	text += tail.String()
	if r.may(store.RoleAdmin) {
		// Staff see the id their commands take; a file sent in reply to
		// this card becomes the session's material.
		text += "\n" + sessionIDMark + "<code>" + esc(s.ID) + "</code>"
	}
	page := slices.IndexFunc(r.prog.SessionsOn(s.Start), func(o programme.Session) bool { return o.ID == s.ID }) / perPage
	kb = append(kb, keyboardRow{callbackButton(r.text("btn_back", nil), data(cbDay, ev, dayCode(s.Start), itoa(page)))})
	return text, kb
}

// sessionFacts states a session: title, (kind,) day and time, place,
// speakers if wanted and groups; kb has the venue button.
func (r *request) sessionFacts(s programme.Session, withKind, withSpeakers bool) (string, keyboard) {
	lang := r.lang()
	var b strings.Builder
	b.WriteString(kindIcon(s.Kind) + " <b>" + esc(clip(s.Title.In(lang), 300)) + "</b>\n")
	if s.Cancelled {
		b.WriteString(r.t("session_cancelled", nil) + "\n")
	}
	if withKind {
		b.WriteString("<i>" + r.t("kind_"+string(s.Kind), nil) + "</i>\n\n")
	}
	b.WriteString("🗓 " + esc(r.loc.Date(s.Start)) + ", " + timeRange(s) + "\n")
	var kb keyboard
	if v, ok := r.prog.Venue(s.Venue); ok {
		place := v.Name.In(lang)
		if city := v.City.In(lang); city != "" {
			place += ", " + city
		}
		b.WriteString("📍 " + esc(clip(place, 200)) + "\n")
		kb = append(kb, keyboardRow{callbackButton(clip(r.text("btn_venue", l10n.Data{"Venue": v.Name.In(lang)}), 48), data(cbVenue, id64(r.prog.Event.StoreID), v.ID))})
	}
	if len(s.Speakers) > 0 && withSpeakers {
		b.WriteString("👤 " + r.loc.PluralHTML("session_speakers", len(s.Speakers), l10n.Data{"Names": clip(strings.Join(s.Speakers, "; "), 400)}) + "\n")
	}
	if len(s.Groups) > 0 {
		b.WriteString("👥 " + r.t("session_groups", l10n.Data{"Groups": clip(strings.Join(s.Groups, ", "), 200)}) + "\n")
	}
	return b.String(), kb
}

// materialRows are buttons for a session's materials, the first page of
// them and a button to the rest among the materials of the day.
func (r *request) materialRows(s programme.Session) keyboard {
	mats := r.prog.MaterialsOf(s.ID)
	shown, _ := pageOf(mats, 0)
	var kb keyboard
	for _, m := range shown {
		kb = append(kb, keyboardRow{r.materialButton(m)})
	}
	if len(mats) > len(shown) {
		kb = append(kb, keyboardRow{callbackButton(r.loc.Plural("btn_materials", len(mats), nil), data(cbMaterialsDay, id64(r.prog.Event.StoreID), dayCode(s.Start), "0"))})
	}
	return kb
}
