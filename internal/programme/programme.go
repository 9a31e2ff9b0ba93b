// Package programme holds an event's programme — venues, sessions, materials
// and FAQ — and the rules that keep it consistent. It knows nothing of
// Telegram or of how the programme is stored.
package programme

import (
	"slices"
	"sort"
	"sync"
	"time"
)

// Languages lists the codes a programme text may use, in the order that
// decides which translation is "the first one given" when neither the
// reader's language nor English is present.
var Languages = []string{"en", "ru", "ko", "kk", "ky", "tg", "uz", "hy", "az", "ka", "bn", "km", "lo", "mn", "fil"}

// Fallback is the language every programme text falls back to.
const Fallback = "en"

// Text is a human-readable text in several languages, keyed by language code.
type Text map[string]string

// In returns the text in lang, else in English, else in the first language
// of Languages that has it, else "".
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t[Fallback]; s != "" {
		return s
	}
	for _, l := range Languages {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Kind classifies a session.
type Kind string

// Session kinds.
const (
	KindLecture  Kind = "lecture"
	KindVisit    Kind = "visit"
	KindMeeting  Kind = "meeting"
	KindCeremony Kind = "ceremony"
	KindMeal     Kind = "meal"
	KindTransfer Kind = "transfer"
	KindOther    Kind = "other"
)

// Kinds lists every session kind.
var Kinds = []Kind{KindLecture, KindVisit, KindMeeting, KindCeremony, KindMeal, KindTransfer, KindOther}

// MaterialKind classifies a material.
type MaterialKind string

// Material kinds.
const (
	MaterialSlides   MaterialKind = "slides"
	MaterialPhotos   MaterialKind = "photos"
	MaterialDocument MaterialKind = "document"
	MaterialVideo    MaterialKind = "video"
	MaterialLink     MaterialKind = "link"
)

// MaterialKinds lists every material kind.
var MaterialKinds = []MaterialKind{MaterialSlides, MaterialPhotos, MaterialDocument, MaterialVideo, MaterialLink}

// Event describes the event a programme belongs to.
type Event struct {
	// StoreID identifies the event in the store; zero for a programme that
	// was never stored. Revision grows with every change stored.
	StoreID   int64
	Revision  int64
	Code      string
	Title     Text
	Timezone  string
	Countries []string
	Contacts  Text
	// DeskHours tells delegates when the organisers' desk answers.
	DeskHours Text
}

// Venue is a place where sessions happen.
type Venue struct {
	ID      string
	Name    Text
	Address Text
	City    Text
	Lat     float64
	Lon     float64
	Notes   Text
	// Keywords are extra words, by language, that people use for the venue.
	Keywords Keywords
}

// Keywords are words by language that people may use for an item without
// them being in its texts ("KISA", "кибер", "보안").
type Keywords map[string][]string

// Glossary extends the vocabulary of concepts with an event's own terms:
// concept id → language → terms.
type Glossary map[string]map[string][]string

// Session is one item of the programme: a lecture, a visit, a meal, a transfer…
type Session struct {
	ID          string
	Title       Text
	Description Text
	// Start and End are in the event's time zone.
	Start    time.Time
	End      time.Time
	Venue    string
	Speakers []string
	Kind     Kind
	Groups   []string
	Keywords Keywords
	// Cancelled sessions stay in the programme, shown as cancelled.
	Cancelled bool
}

// Material is a link or a stored Telegram file offered to delegates.
type Material struct {
	ID      string
	Title   Text
	Kind    MaterialKind
	Session string
	// URL is an http(s) link, or a Telegram file_id of an uploaded file.
	URL      string
	Keywords Keywords
}

// IsLink reports whether the material is a web link rather than a stored file.
func (m Material) IsLink() bool { return isWebURL(m.URL) }

// FAQ is a frequently asked question with the phrasings delegates use.
type FAQ struct {
	ID       string
	Question map[string][]string
	Answer   Text
	Keywords Keywords
}

// Phrasing returns the entry's first phrasing in lang, else in English,
// else in the first language of Languages that has one.
func (f FAQ) Phrasing(lang string) string {
	for _, l := range append([]string{lang, Fallback}, Languages...) {
		if qs := f.Question[l]; len(qs) > 0 {
			return qs[0]
		}
	}
	return ""
}

// FAQEntry returns the FAQ entry with the given id.
func (p *Programme) FAQEntry(id string) (FAQ, bool) {
	for _, f := range p.FAQ {
		if f.ID == id {
			return f, true
		}
	}
	return FAQ{}, false
}

// Programme is an event with everything planned for it.
type Programme struct {
	Event     Event
	Venues    []Venue
	Sessions  []Session
	Materials []Material
	FAQ       []FAQ
	Glossary  Glossary
}

// locations caches loaded time zones: time.LoadLocation reads the zone
// database on every call.
var locations sync.Map

// Location returns the event's time zone (UTC if it cannot be loaded, which
// validation prevents for stored programmes).
func (p *Programme) Location() *time.Location {
	if l, ok := locations.Load(p.Event.Timezone); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(p.Event.Timezone)
	if err != nil {
		return time.UTC
	}
	locations.Store(p.Event.Timezone, loc)
	return loc
}

// Normalize sorts sessions by start time (then id) and puts their times into
// the event's time zone, so that equal programmes compare and render the
// same way. Venues, materials and FAQ keep the order their author gave.
func (p *Programme) Normalize() {
	loc := p.Location()
	for i := range p.Sessions {
		p.Sessions[i].Start = p.Sessions[i].Start.In(loc)
		p.Sessions[i].End = p.Sessions[i].End.In(loc)
	}
	sort.SliceStable(p.Sessions, func(i, j int) bool {
		a, b := p.Sessions[i], p.Sessions[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		return a.ID < b.ID
	})
}

// Venue returns the venue with the given id.
func (p *Programme) Venue(id string) (Venue, bool) {
	for _, v := range p.Venues {
		if v.ID == id {
			return v, true
		}
	}
	return Venue{}, false
}

// Session returns the session with the given id.
func (p *Programme) Session(id string) (Session, bool) {
	for _, s := range p.Sessions {
		if s.ID == id {
			return s, true
		}
	}
	return Session{}, false
}

// Material returns the material with the given id.
func (p *Programme) Material(id string) (Material, bool) {
	for _, m := range p.Materials {
		if m.ID == id {
			return m, true
		}
	}
	return Material{}, false
}

// MaterialsOf returns the materials attached to a session.
func (p *Programme) MaterialsOf(sessionID string) []Material {
	var out []Material
	for _, m := range p.Materials {
		if m.Session == sessionID {
			out = append(out, m)
		}
	}
	return out
}

// GeneralMaterials returns the materials attached to no session.
func (p *Programme) GeneralMaterials() []Material { return p.MaterialsOf("") }

// Days returns the dates (midnight, event time zone) on which sessions start,
// in order.
func (p *Programme) Days() []time.Time {
	var days []time.Time
	for _, s := range p.Sessions {
		if d := dayOf(s.Start, p.Location()); !slices.ContainsFunc(days, d.Equal) {
			days = append(days, d)
		}
	}
	slices.SortFunc(days, time.Time.Compare)
	return days
}

// DayIndex returns the position of day in Days, or -1.
func (p *Programme) DayIndex(day time.Time) int {
	d := dayOf(day, p.Location())
	return slices.IndexFunc(p.Days(), d.Equal)
}

// SessionsOn returns the sessions starting on the given day (event time zone).
func (p *Programme) SessionsOn(day time.Time) []Session {
	d := dayOf(day, p.Location())
	var out []Session
	for _, s := range p.Sessions {
		if dayOf(s.Start, p.Location()).Equal(d) {
			out = append(out, s)
		}
	}
	return out
}

// DayFor picks the day a schedule should show at instant now: today when
// the programme has sessions today, the first day before the event, the last
// day after it, and the next day with sessions on a free day in between.
// It reports false for a programme without sessions.
func (p *Programme) DayFor(now time.Time) (time.Time, bool) {
	days := p.Days()
	if len(days) == 0 {
		return time.Time{}, false
	}
	today := dayOf(now, p.Location())
	for _, d := range days {
		if !d.Before(today) {
			return d, true
		}
	}
	return days[len(days)-1], true
}

// Overlap returns a session that takes the same venue at the same time as
// the session with the given id; cancelled sessions take no room.
func (p *Programme) Overlap(id string) (Session, bool) {
	s, ok := p.Session(id)
	if !ok || s.Cancelled || s.Venue == "" {
		return Session{}, false
	}
	for _, o := range p.Sessions {
		if o.ID != s.ID && !o.Cancelled && o.Venue == s.Venue && o.Start.Before(s.End) && s.Start.Before(o.End) {
			return o, true
		}
	}
	return Session{}, false
}

// Now returns the sessions running at instant t; cancelled ones do not run.
func (p *Programme) Now(t time.Time) []Session {
	var out []Session
	for _, s := range p.Sessions {
		if !s.Cancelled && !t.Before(s.Start) && t.Before(s.End) {
			out = append(out, s)
		}
	}
	return out
}

// Next returns the sessions that start soonest after t (several when they
// start at the same time, e.g. parallel visits of two groups).
func (p *Programme) Next(t time.Time) []Session {
	var out []Session
	for _, s := range p.Sessions {
		if s.Cancelled || !s.Start.After(t) {
			continue
		}
		if len(out) > 0 && s.Start.After(out[0].Start) {
			break
		}
		out = append(out, s)
	}
	return out
}

func dayOf(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}
