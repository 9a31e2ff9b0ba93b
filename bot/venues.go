package bot

import (
	"fmt"
	"net/url"
	"strings"

	tg "github.com/go-telegram/bot"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// venues lists the venues as buttons.
func (b *Bot) venues(r *request) {
	if r.noProgramme() {
		return
	}
	r.reply(r.renderVenues(0))
}

func (b *Bot) venueList(r *request) {
	page, ok := pageField(r.data[1])
	if ok && r.eventField(r.data[0]) {
		_, ok = pageOf(r.prog.Venues, page)
	} else {
		ok = false
	}
	if !ok {
		r.expired()
		return
	}
	r.answer("")
	r.show(r.renderVenues(page))
}

func (r *request) renderVenues(page int) (string, keyboard) {
	if len(r.prog.Venues) == 0 {
		return r.t("venues_empty", nil), nil
	}
	ev := id64(r.prog.Event.StoreID)
	var kb keyboard
	shown, _ := pageOf(r.prog.Venues, page)
	for _, v := range shown {
		label := v.Name.In(r.lang())
		if city := v.City.In(r.lang()); city != "" {
			label += " · " + city
		}
		kb = append(kb, keyboardRow{callbackButton(clip(label, 60), data(cbVenue, ev, v.ID))})
	}
	if row := r.pageButtons(page, len(r.prog.Venues), func(p int) string { return data(cbVenues, ev, itoa(p)) }); row != nil {
		kb = append(kb, row)
	}
	return r.t("venues_header", nil), kb
}

// venue sends a venue's pin, then its address in the other languages (for a
// taxi driver), its notes and map links.
func (b *Bot) venue(r *request) {
	if !r.eventField(r.data[0]) {
		r.expired()
		return
	}
	v, ok := r.prog.Venue(r.data[1])
	if !ok {
		r.expired()
		return
	}
	r.answer("")
	r.sendVenue(v)
}

// sendVenue sends a venue's pin and its card.
func (r *request) sendVenue(v programme.Venue) {
	lang := r.lang()
	_, err := r.b.api.SendVenue(r.ctx, &tg.SendVenueParams{
		ChatID:    r.chatID,
		Latitude:  v.Lat,
		Longitude: v.Lon,
		Title:     clip(v.Name.In(lang), 100),
		Address:   clip(v.Address.In(lang), 200),
	})
	if err != nil {
		r.b.log.Warn("send venue failed", "chat", r.chatID, "err", err)
	}
	r.reply(r.renderVenue(v))
}

func (r *request) renderVenue(v programme.Venue) (string, keyboard) {
	lang := r.lang()
	var b strings.Builder
	b.WriteString("📍 <b>" + esc(clip(v.Name.In(lang), 200)) + "</b>\n" + esc(clip(v.Address.In(lang), 300)) + "\n")
	for _, code := range l10n.Codes {
		if a := v.Address[code]; a != "" && a != v.Address.In(lang) {
			b.WriteString("\n" + r.t("venue_other_address", l10n.Data{"Language": r.b.cat.Name(code), "Address": clip(a, 200)}))
		}
	}
	if n := v.Notes.In(lang); n != "" {
		b.WriteString("\n\nℹ️ " + esc(clip(n, 600)))
	}
	b.WriteString(fmt.Sprintf("\n\n<code>%.6f, %.6f</code>", v.Lat, v.Lon))
	row := keyboardRow{urlButton(r.text("btn_map_google", nil), fmt.Sprintf("https://www.google.com/maps/search/?api=1&query=%f,%f", v.Lat, v.Lon))}
	if inKorea(v) {
		// Google Maps gives no directions in Korea; Kakao Map does.
		name := strings.ReplaceAll(v.Name.In("ko"), ",", " ") // the link's fields are split by commas
		row = append(keyboardRow{urlButton(r.text("btn_map_kakao", nil), fmt.Sprintf("https://map.kakao.com/link/map/%s,%f,%f", url.PathEscape(name), v.Lat, v.Lon))}, row...)
	}
	return b.String(), keyboard{row}
}

func inKorea(v programme.Venue) bool {
	return v.Lat >= 33 && v.Lat <= 38.7 && v.Lon >= 124.5 && v.Lon <= 131.9
}
