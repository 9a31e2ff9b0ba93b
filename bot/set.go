package bot

import (
	"errors"
	"path"
	"unicode"

	"fmt"
	"github.com/go-telegram/bot/models"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// A field an admin can set with /set: whether it takes a language, and how
// it changes an item of the copied programme. set returns false when the
// item does not exist.
type field struct {
	perLang bool
	set     func(p *programme.Programme, id, lang, value string) (bool, error)
}

// errBadValue is a value a field does not take; the admin sees the usage.
var errBadValue = fmt.Errorf("bot: bad value")

// onSession, onVenue… apply a change to the item with id in p.
func onSession(p *programme.Programme, id string, f func(*programme.Session) error) (bool, error) {
	i := slices.IndexFunc(p.Sessions, func(s programme.Session) bool { return s.ID == id })
	if i < 0 {
		return false, nil
	}
	p.Sessions = slices.Clone(p.Sessions)
	return true, f(&p.Sessions[i])
}

func onVenue(p *programme.Programme, id string, f func(*programme.Venue) error) (bool, error) {
	i := slices.IndexFunc(p.Venues, func(v programme.Venue) bool { return v.ID == id })
	if i < 0 {
		return false, nil
	}
	p.Venues = slices.Clone(p.Venues)
	return true, f(&p.Venues[i])
}

func onMaterial(p *programme.Programme, id string, f func(*programme.Material) error) (bool, error) {
	i := slices.IndexFunc(p.Materials, func(m programme.Material) bool { return m.ID == id })
	if i < 0 {
		return false, nil
	}
	p.Materials = slices.Clone(p.Materials)
	return true, f(&p.Materials[i])
}

func onFAQ(p *programme.Programme, id string, f func(*programme.FAQ) error) (bool, error) {
	i := slices.IndexFunc(p.FAQ, func(q programme.FAQ) bool { return q.ID == id })
	if i < 0 {
		return false, nil
	}
	p.FAQ = slices.Clone(p.FAQ)
	return true, f(&p.FAQ[i])
}

// setText sets one language of a text, removing it for "-".
func setText(t programme.Text, lang, value string) programme.Text {
	t = cloneText(t)
	if value == "-" {
		delete(t, lang)
	} else {
		t[lang] = value
	}
	return t
}

func list(value, sep string) []string {
	var out []string
	for _, v := range strings.Split(value, sep) {
		if v = strings.TrimSpace(v); v != "" && v != "-" {
			out = append(out, v)
		}
	}
	return out
}

// fields lists, per section, what /set can change.
var fields = map[string]map[string]field{
	"session": {
		"title": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onSession(p, id, func(s *programme.Session) error { s.Title = setText(s.Title, lang, v); return nil })
		}},
		"description": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onSession(p, id, func(s *programme.Session) error { s.Description = setText(s.Description, lang, v); return nil })
		}},
		"speakers": {false, func(p *programme.Programme, id, _, v string) (bool, error) {
			return onSession(p, id, func(s *programme.Session) error { s.Speakers = list(v, ";"); return nil })
		}},
		"groups": {false, func(p *programme.Programme, id, _, v string) (bool, error) {
			return onSession(p, id, func(s *programme.Session) error { s.Groups = list(v, ","); return nil })
		}},
		"kind": {false, func(p *programme.Programme, id, _, v string) (bool, error) {
			return onSession(p, id, func(s *programme.Session) error { s.Kind = programme.Kind(v); return nil })
		}},
	},
	"venue": {
		"name": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onVenue(p, id, func(x *programme.Venue) error { x.Name = setText(x.Name, lang, v); return nil })
		}},
		"address": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onVenue(p, id, func(x *programme.Venue) error { x.Address = setText(x.Address, lang, v); return nil })
		}},
		"city": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onVenue(p, id, func(x *programme.Venue) error { x.City = setText(x.City, lang, v); return nil })
		}},
		"notes": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onVenue(p, id, func(x *programme.Venue) error { x.Notes = setText(x.Notes, lang, v); return nil })
		}},
		"position": {false, func(p *programme.Programme, id, _, v string) (bool, error) {
			return onVenue(p, id, func(x *programme.Venue) error {
				lat, lon, ok := parsePosition(v)
				if !ok {
					return errBadValue
				}
				x.Lat, x.Lon = lat, lon
				return nil
			})
		}},
	},
	"material": {
		"title": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onMaterial(p, id, func(m *programme.Material) error { m.Title = setText(m.Title, lang, v); return nil })
		}},
		"session": {false, func(p *programme.Programme, id, _, v string) (bool, error) {
			return onMaterial(p, id, func(m *programme.Material) error { m.Session = strings.TrimPrefix(v, "-"); return nil })
		}},
		"kind": {false, func(p *programme.Programme, id, _, v string) (bool, error) {
			return onMaterial(p, id, func(m *programme.Material) error { m.Kind = programme.MaterialKind(v); return nil })
		}},
		"url": {false, func(p *programme.Programme, id, _, v string) (bool, error) {
			return onMaterial(p, id, func(m *programme.Material) error { m.URL = v; return nil })
		}},
	},
	"event": {
		"title": {true, func(p *programme.Programme, _, lang, v string) (bool, error) {
			p.Event.Title = setText(p.Event.Title, lang, v)
			return true, nil
		}},
		"contacts": {true, func(p *programme.Programme, _, lang, v string) (bool, error) {
			p.Event.Contacts = setText(p.Event.Contacts, lang, v)
			return true, nil
		}},
		"desk_hours": {true, func(p *programme.Programme, _, lang, v string) (bool, error) {
			p.Event.DeskHours = setText(p.Event.DeskHours, lang, v)
			return true, nil
		}},
	},
	"faq": {
		"question": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onFAQ(p, id, func(f *programme.FAQ) error {
				q := map[string][]string{}
				for k, ph := range f.Question {
					q[k] = ph
				}
				q[lang] = list(v, ";")
				f.Question = q
				return nil
			})
		}},
		"answer": {true, func(p *programme.Programme, id, lang, v string) (bool, error) {
			return onFAQ(p, id, func(f *programme.FAQ) error { f.Answer = setText(f.Answer, lang, v); return nil })
		}},
	},
}

// parsePosition reads "37.5683, 126.9810".
func parsePosition(v string) (lat, lon float64, ok bool) {
	a, b, found := strings.Cut(v, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	return lat, lon, err1 == nil && err2 == nil
}

// setArgs splits "/set section id field [lang] value…".
func setArgs(args string) (section, id, name, lang, value string, ok bool) {
	words := strings.Fields(args)
	if len(words) < 4 {
		return "", "", "", "", "", false
	}
	section, id, name = strings.ToLower(words[0]), words[1], strings.ToLower(words[2])
	f, known := fields[section][name]
	if !known {
		return "", "", "", "", "", false
	}
	rest := words[3:]
	if f.perLang {
		if len(rest) < 2 {
			return "", "", "", "", "", false
		}
		lang, rest = rest[0], rest[1:]
	}
	return section, id, name, lang, strings.Join(rest, " "), true
}

const setUsage = "/set session|venue|material|faq id field [language] value"

// set changes one field of an item: "/set venue nia-seoul notes ru Вход B".
func (b *Bot) set(r *request) {
	if r.noProgramme() {
		return
	}
	if words := strings.Fields(r.args); len(words) == 3 && words[0] == "venue" && words[2] == "position" {
		// The position comes as the next location the admin sends.
		if _, ok := r.prog.Venue(words[1]); !ok {
			r.reply(r.t("edit_unknown_item", l10n.Data{"ID": words[1]}), nil)
			return
		}
		b.positions.Store(r.user.ID, pendingPosition{venue: words[1], until: time.Now().Add(10 * time.Minute)})
		r.reply(r.t("send_location", nil), nil)
		return
	}
	section, id, name, lang, value, ok := setArgs(r.args)
	if !ok {
		r.reply(r.t("edit_usage", l10n.Data{"Usage": setUsage}), nil)
		return
	}
	if lang != "" {
		if lang = l10n.Normalize(lang); lang == "" {
			r.reply(r.t("edit_unknown_language", l10n.Data{"Lang": strings.Fields(r.args)[3]}), nil)
			return
		}
	}
	next := *r.prog
	found, err := fields[section][name].set(&next, id, lang, value)
	switch {
	case err != nil:
		r.reply(r.t("edit_usage", l10n.Data{"Usage": setUsage}), nil)
		return
	case !found:
		r.reply(r.t("edit_unknown_item", l10n.Data{"ID": id}), nil)
		return
	}
	if msg := r.checkProgramme(&next); msg != "" {
		r.reply(msg, nil)
		return
	}
	b.applyChange(r, &next, section, id)
}

// checkProgramme explains why a changed programme cannot stand, or
// returns "": the checks of a programme file.
func (r *request) checkProgramme(next *programme.Programme) string {
	_, err := programme.Check(next)
	var invalid *programme.InvalidError
	if errors.As(err, &invalid) {
		return r.renderProblems(invalid.Problems)
	}
	if err != nil {
		r.b.log.Error("checking a change failed", "err", err)
		return r.t("error_internal", nil)
	}
	return ""
}

// remove takes an item out: "/remove venue annex".
func (b *Bot) remove(r *request) {
	if r.noProgramme() {
		return
	}
	words := strings.Fields(r.args)
	if len(words) != 2 {
		r.reply(r.t("edit_usage", l10n.Data{"Usage": "/remove session|venue|material|faq id"}), nil)
		return
	}
	next := *r.prog
	id := words[1]
	before := len(next.Sessions) + len(next.Venues) + len(next.Materials) + len(next.FAQ)
	switch strings.ToLower(words[0]) {
	case "session":
		next.Sessions = slices.DeleteFunc(slices.Clone(next.Sessions), func(s programme.Session) bool { return s.ID == id })
		next.Materials = slices.DeleteFunc(slices.Clone(next.Materials), func(m programme.Material) bool { return m.Session == id })
	case "venue":
		next.Venues = slices.DeleteFunc(slices.Clone(next.Venues), func(v programme.Venue) bool { return v.ID == id })
	case "material":
		next.Materials = slices.DeleteFunc(slices.Clone(next.Materials), func(m programme.Material) bool { return m.ID == id })
	case "faq":
		next.FAQ = slices.DeleteFunc(slices.Clone(next.FAQ), func(f programme.FAQ) bool { return f.ID == id })
	}
	if len(next.Sessions)+len(next.Venues)+len(next.Materials)+len(next.FAQ) == before {
		r.reply(r.t("edit_unknown_item", l10n.Data{"ID": id}), nil)
		return
	}
	// A venue still in use is refused by the file's checks.
	if msg := r.checkProgramme(&next); msg != "" {
		r.reply(msg, nil)
		return
	}
	b.applyChange(r, &next, "", id)
}

// add creates an item:
//
//	/add session id start end kind title…
//	/add venue id lat,lon name… | address…
//	/add faq id question… | answer…        (in the admin's language)
//	/add material id session|- url title…
func (b *Bot) add(r *request) {
	if r.noProgramme() {
		return
	}
	words := strings.Fields(r.args)
	if len(words) < 3 {
		r.reply(r.t("edit_usage", l10n.Data{"Usage": addUsage}), nil)
		return
	}
	next := *r.prog
	kind, id, rest := strings.ToLower(words[0]), words[1], words[2:]
	lang := r.lang()
	ok := false
	switch kind {
	case "session":
		// The times take two words, or three or four with dates.
		n := 2
		if isDate(rest[0]) {
			n = 3
			if len(rest) > 3 && isDate(rest[2]) {
				n = 4
			}
		}
		if len(rest) >= n+2 {
			from, to, okT := splitTimes(rest[:n])
			ref := time.Now().In(r.prog.Location())
			if days := r.prog.Days(); len(days) > 0 {
				ref = days[0]
			}
			start, okS := parseEditTime(from, ref, r.prog.Location())
			end, okE := parseEditTime(to, start, r.prog.Location())
			if okT && okS && okE {
				s := programme.Session{ID: id, Start: start, End: end, Kind: programme.Kind(rest[n]), Title: programme.Text{lang: strings.Join(rest[n+1:], " ")}}
				next.Sessions = append(slices.Clone(next.Sessions), s)
				if msg := r.checkEdit(&next, s); msg != "" {
					r.reply(msg, nil)
					return
				}
				ok = true
			}
		}
	case "venue":
		name, address, split := strings.Cut(strings.Join(rest[1:], " "), "|")
		if lat, lon, okP := parsePosition(rest[0]); okP && split {
			next.Venues = append(slices.Clone(next.Venues), programme.Venue{ID: id, Lat: lat, Lon: lon,
				Name: programme.Text{lang: strings.TrimSpace(name)}, Address: programme.Text{lang: strings.TrimSpace(address)}})
			ok = true
		}
	case "faq":
		question, answer, split := strings.Cut(strings.Join(rest, " "), "|")
		if split {
			next.FAQ = append(slices.Clone(next.FAQ), programme.FAQ{ID: id,
				Question: map[string][]string{lang: list(question, ";")}, Answer: programme.Text{lang: strings.TrimSpace(answer)}})
			ok = true
		}
	case "material":
		if len(rest) >= 3 {
			m := programme.Material{ID: id, Session: strings.TrimPrefix(rest[0], "-"), URL: rest[1],
				Kind: programme.MaterialLink, Title: programme.Text{lang: strings.Join(rest[2:], " ")}}
			next.Materials = append(slices.Clone(next.Materials), m)
			ok = true
		}
	}
	if !ok {
		r.reply(r.t("edit_usage", l10n.Data{"Usage": addUsage}), nil)
		return
	}
	if msg := r.checkProgramme(&next); msg != "" {
		r.reply(msg, nil)
		return
	}
	b.applyChange(r, &next, kind, id)
}

const addUsage = "/add session id start end kind title · /add venue id lat,lon name | address · /add faq id question | answer · /add material id session|- url title"

// applyChange stores a changed programme and shows the changed item as
// delegates see it, with Undo.
func (b *Bot) applyChange(r *request, next *programme.Programme, section, id string) {
	changeID, ok := b.storeEdit(r, next)
	if !ok {
		return
	}
	r.prog = next
	kb := keyboard{{callbackButton(r.text("btn_undo", l10n.Data{"ID": changeID}), data(cbUndo, itoa64(changeID)))}}
	var shown string
	switch section {
	case "session":
		s, _ := next.Session(id)
		shown, _ = r.sessionFacts(s, false, true)
	case "venue":
		v, _ := next.Venue(id)
		shown, _ = r.renderVenue(v)
	case "material":
		m, _ := next.Material(id)
		shown = materialIcons[m.Kind] + " " + esc(m.Title.In(r.lang()))
	case "faq":
		f, _ := next.FAQEntry(id)
		shown = "❓ " + esc(f.Phrasing(r.lang())) + "\n" + esc(clip(f.Answer.In(r.lang()), 2000))
	default:
		shown = r.t("import_summary_event", l10n.Data{"Code": next.Event.Code, "Title": next.Event.Title.In(r.lang())})
	}
	r.reply(clipHTML(r.t("edit_done", nil)+"\n\n"+shown), kb)
}

// storeEdit applies an edited programme as the sender and returns the id
// of the change recorded.
func (b *Bot) storeEdit(r *request, next *programme.Programme) (int64, bool) {
	_, id, err := b.store.ApplyChange(r.ctx, next, actorOf(r))
	switch {
	case errors.Is(err, store.ErrConflict):
		r.reply(r.t("changed_meanwhile", nil), nil)
		return 0, false
	case err != nil:
		r.fail(err)
		return 0, false
	case id == 0:
		r.reply(r.t("edit_nothing", nil), nil)
		return 0, false
	}
	b.log.Info("programme edited", "user", r.user.ID, "command", r.msgCommand, "change", id)
	return id, true
}

// actorOf is the sender as the author of an edit.
func actorOf(r *request) store.Actor {
	return store.Actor{UserID: r.user.ID, Name: r.user.FirstName, Via: "edit"}
}

// materialFile makes a file, photo or video an admin sent a material of the
// session its caption names ("d2-ai Slides of the AI lecture"), kept by its
// Telegram file_id and re-sent to delegates by it.
func (b *Bot) materialFile(r *request, msg *models.Message) {
	if r.noProgramme() {
		return
	}
	words := strings.Fields(msg.Caption)
	// In reply to a session's card, the caption is only the title.
	if id := cardSession(msg.ReplyToMessage); id != "" {
		words = append([]string{id}, words...)
	}
	if len(words) == 0 {
		r.reply(r.t("upload_unsupported", nil)+"\n"+r.t("edit_usage", l10n.Data{"Usage": "session title (as the caption)"}), nil)
		return
	}
	session, ok := r.prog.Session(words[0])
	if !ok {
		r.reply(r.t("edit_unknown_session", l10n.Data{"ID": words[0]}), nil)
		return
	}
	m := programme.Material{Session: session.ID, Kind: programme.MaterialDocument}
	name := ""
	switch {
	case msg.Document != nil:
		m.URL, name = msg.Document.FileID, msg.Document.FileName
		switch strings.ToLower(path.Ext(name)) {
		case ".ppt", ".pptx", ".key", ".odp":
			m.Kind = programme.MaterialSlides
		}
	case msg.Video != nil:
		m.URL, m.Kind, name = msg.Video.FileID, programme.MaterialVideo, "video"
	default:
		m.URL, m.Kind, name = msg.Photo[len(msg.Photo)-1].FileID, programme.MaterialPhotos, "photo"
	}
	title := strings.Join(words[1:], " ")
	if title == "" {
		title = strings.TrimSuffix(name, path.Ext(name))
	}
	m.Title = programme.Text{r.lang(): title}
	m.ID = uniqueID(r.prog, session.ID+"-"+slug(title))
	next := *r.prog
	next.Materials = append(slices.Clone(next.Materials), m)
	if msg := r.checkProgramme(&next); msg != "" {
		r.reply(msg, nil)
		return
	}
	b.applyChange(r, &next, "material", m.ID)
}

// slug makes an id part of a title: lower-case letters and digits joined by
// dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// uniqueID shortens base to an id's length and numbers it if taken.
func uniqueID(p *programme.Programme, base string) string {
	base = strings.Trim(base, "-")
	if len(base) > 40 {
		base = strings.Trim(base[:40], "-")
	}
	id := base
	for n := 2; ; n++ {
		if _, taken := p.Material(id); !taken {
			return id
		}
		id = base + "-" + strconv.Itoa(n)
	}
}

// pendingPosition is a venue waiting for its admin's location message.
type pendingPosition struct {
	venue string
	until time.Time
}

// location sets the position of the venue the admin named with
// "/set venue <id> position" from the location they send.
func (b *Bot) location(r *request, loc *models.Location) {
	v, ok := b.positions.LoadAndDelete(r.user.ID)
	pending, _ := v.(pendingPosition)
	if !ok || time.Now().After(pending.until) || r.prog == nil {
		r.reply(r.t("edit_usage", l10n.Data{"Usage": "/set venue id position"}), nil)
		return
	}
	next := *r.prog
	found, err := onVenue(&next, pending.venue, func(x *programme.Venue) error {
		x.Lat, x.Lon = loc.Latitude, loc.Longitude
		return nil
	})
	if err != nil || !found {
		r.reply(r.t("edit_unknown_item", l10n.Data{"ID": pending.venue}), nil)
		return
	}
	b.applyChange(r, &next, "venue", pending.venue)
}

// cardSession returns the session id a session card shows to staff, or "".
func cardSession(card *models.Message) string {
	if card == nil {
		return ""
	}
	_, after, found := strings.Cut(card.Text, sessionIDMark)
	if !found {
		return ""
	}
	return strings.TrimSpace(strings.SplitN(after, "\n", 2)[0])
}
