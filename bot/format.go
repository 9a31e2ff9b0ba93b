package bot

import (
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
)

var kindIcons = map[programme.Kind]string{
	programme.KindLecture:  "🎤",
	programme.KindVisit:    "🏛",
	programme.KindMeeting:  "🤝",
	programme.KindCeremony: "🎉",
	programme.KindMeal:     "🍽",
	programme.KindTransfer: "🚌",
	programme.KindOther:    "📌",
}

var materialIcons = map[programme.MaterialKind]string{
	programme.MaterialSlides:   "📊",
	programme.MaterialPhotos:   "📷",
	programme.MaterialDocument: "📄",
	programme.MaterialVideo:    "🎬",
	programme.MaterialLink:     "🔗",
}

func kindIcon(k programme.Kind) string {
	if icon, ok := kindIcons[k]; ok {
		return icon
	}
	return kindIcons[programme.KindOther]
}

const dayLayout = "20060102"

func dayCode(t time.Time) string { return t.Format(dayLayout) }

// parseDay reads a day of button data, in the programme's time zone.
func parseDay(p *programme.Programme, s string) (time.Time, bool) {
	t, err := time.ParseInLocation(dayLayout, s, p.Location())
	return t, err == nil
}

// timeRange renders "09:00–10:30 KST" (the zone once, at the end).
func timeRange(s programme.Session) string {
	return l10n.Clock(s.Start) + "–" + l10n.ClockZone(s.End)
}

// maxMessage is Telegram's limit on a message's text, in UTF-16 units.
const maxMessage = 4096

// clip shortens text to at most n UTF-16 units — the unit of Telegram's
// limits — marking the cut.
func clip(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n-1 {
			return strings.TrimSpace(s[:i]) + "…"
		}
	}
	return s
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// esc escapes programme text for an HTML message.
func esc(s string) string { return html.EscapeString(s) }

func itoa(n int) string { return strconv.Itoa(n) }

func id64(n int64) string { return strconv.FormatInt(n, 10) }

// venueName returns a session's venue name in the person's language, or "".
func (r *request) venueName(s programme.Session) string {
	v, ok := r.prog.Venue(s.Venue)
	if !ok {
		return ""
	}
	return v.Name.In(r.lang())
}

// sessionLine renders a session for a list: time, title, venue.
func (r *request) sessionLine(s programme.Session) string {
	var b strings.Builder
	title := esc(clip(s.Title.In(r.lang()), 120))
	if s.Cancelled {
		title = "<s>" + title + "</s> · " + r.t("session_cancelled", nil)
	}
	b.WriteString("<b>" + timeRange(s) + "</b>  " + kindIcon(s.Kind) + " " + title)
	if len(s.Groups) > 0 {
		b.WriteString(" <i>(" + esc(clip(strings.Join(s.Groups, ", "), 40)) + ")</i>")
	}
	if v := r.venueName(s); v != "" {
		b.WriteString("\n📍 " + esc(clip(v, 80)))
	}
	return b.String()
}

// sessionButton opens a session's details.
func (r *request) sessionButton(s programme.Session) keyboardRow {
	label := l10n.Clock(s.Start) + " " + s.Title.In(r.lang())
	return keyboardRow{callbackButton(clip(label, 48), data(cbSession, id64(r.prog.Event.StoreID), s.ID))}
}

// perPage keeps a list's message and its buttons short enough to read on a
// phone, and far below Telegram's 4096 characters and 100 buttons.
const perPage = 14

// pageOf returns the items on page (0-based) and whether the page exists;
// page 0 of an empty list exists.
func pageOf[T any](items []T, page int) ([]T, bool) {
	from := page * perPage
	if page < 0 || (from >= len(items) && page > 0) {
		return nil, false
	}
	return items[from:min(from+perPage, len(items))], true
}

// pageButtons returns the row of buttons to the previous and next page of a
// list, or nil when it fits on one page; to gives a page's button data.
func (r *request) pageButtons(page, count int, to func(page int) string) keyboardRow {
	var row keyboardRow
	if page > 0 {
		row = append(row, callbackButton(r.text("btn_page_prev", l10n.Data{"Page": page}), to(page-1)))
	}
	if (page+1)*perPage < count {
		row = append(row, callbackButton(r.text("btn_page_next", l10n.Data{"Page": page + 2}), to(page+1)))
	}
	return row
}

// pageField reads a page number of button data.
func pageField(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && strconv.Itoa(n) == s
}
