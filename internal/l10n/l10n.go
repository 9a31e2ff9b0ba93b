// Package l10n picks a person's language and renders messages, dates and
// plurals in it, on top of go-i18n and the embedded message files.
package l10n

import (
	"fmt"
	"html"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Fallback is the language used when nothing better is known.
const Fallback = "en"

// Codes lists the supported languages in the order the language picker
// shows them.
var Codes = []string{"en", "ru", "ko", "kk", "ky", "tg", "uz", "hy", "az", "ka", "bn", "km", "lo", "mn", "fil"}

// Catalog holds every message in every supported language. It is built once
// at start-up and is safe for concurrent use afterwards.
type Catalog struct {
	bundle *i18n.Bundle
	names  map[string]string
	cache  map[string]*Localizer
}

// Load reads every <code>.yaml message file in fsys. Each supported language
// must have one, so that no language silently falls back to another.
func Load(fsys fs.FS) (*Catalog, error) {
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{bundle: bundle, names: map[string]string{}, cache: map[string]*Localizer{}}
	for _, code := range Codes {
		name := code + ".yaml"
		if _, err := bundle.LoadMessageFileFS(fsys, name); err != nil {
			return nil, fmt.Errorf("l10n: load %s: %w", path.Join(".", name), err)
		}
	}
	for _, code := range Codes {
		l := &Localizer{lang: code, loc: i18n.NewLocalizer(bundle, code)}
		c.cache[code] = l
		c.names[code] = l.Text("language_name", nil)
	}
	return c, nil
}

// Supported reports whether code is one of the supported languages.
func Supported(code string) bool { return slices.Contains(Codes, code) }

// Name returns a language's name in that language ("Русский").
func (c *Catalog) Name(code string) string { return c.names[code] }

// Normalize turns a language tag as Telegram sends it ("ru", "en-US",
// "tl", "uz-Cyrl") into a supported code, or "" when it is none of them.
func Normalize(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if tag == "tl" {
		tag = "fil"
	}
	if Supported(tag) {
		return tag
	}
	return ""
}

// Resolve picks a person's language: their own choice, else the language of
// their Telegram app, else the configured default.
func Resolve(chosen, telegram, fallback string) string {
	for _, tag := range []string{chosen, telegram, fallback} {
		if code := Normalize(tag); code != "" {
			return code
		}
	}
	return Fallback
}

// TelegramCode returns the code Telegram uses for a supported language
// (Filipino is "tl" there).
func TelegramCode(code string) string {
	if code == "fil" {
		return "tl"
	}
	return code
}

// For returns the localizer of a supported language, or of English.
func (c *Catalog) For(code string) *Localizer {
	if l, ok := c.cache[Normalize(code)]; ok {
		return l
	}
	return c.cache[Fallback]
}

// Localizer renders messages in one language.
type Localizer struct {
	lang string
	loc  *i18n.Localizer
}

// Lang returns the localizer's language code.
func (l *Localizer) Lang() string { return l.lang }

// Data fills a message's placeholders.
type Data map[string]any

// Text renders a message as plain text, for button captions, menus and
// other places that are not HTML.
func (l *Localizer) Text(id string, data Data) string {
	return l.render(id, data, nil)
}

// HTML renders a message for a Telegram HTML message: placeholders given as
// strings are escaped, while the message's own tags are kept.
func (l *Localizer) HTML(id string, data Data) string {
	return l.render(id, escape(data), nil)
}

// Plural renders a message with plural forms for count, as plain text;
// {{.Count}} holds the count.
func (l *Localizer) Plural(id string, count int, data Data) string {
	return l.render(id, withCount(data, count), count)
}

// PluralHTML is Plural for HTML messages.
func (l *Localizer) PluralHTML(id string, count int, data Data) string {
	return l.render(id, escape(withCount(data, count)), count)
}

func withCount(data Data, count int) Data {
	d := Data{"Count": count}
	for k, v := range data {
		d[k] = v
	}
	return d
}

func (l *Localizer) render(id string, data Data, count any) string {
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: map[string]any(data), PluralCount: count})
	if s == "" && err != nil {
		// A missing message is a bug the locale tests catch; showing its id
		// beats showing nothing.
		return id
	}
	return s
}

func escape(data Data) Data {
	if data == nil {
		return nil
	}
	out := make(Data, len(data))
	for k, v := range data {
		if s, ok := v.(string); ok {
			v = html.EscapeString(s)
		}
		out[k] = v
	}
	return out
}

// Date renders a day the way the language writes a short date ("Wed 14 Apr").
func (l *Localizer) Date(t time.Time) string {
	wd := int(t.Weekday())
	if wd == 0 {
		wd = 7
	}
	return l.Text("date_format", Data{
		"Weekday": l.Text("weekday_"+strconv.Itoa(wd), nil),
		"Day":     t.Day(),
		"Month":   l.Text("month_"+strconv.Itoa(int(t.Month())), nil),
	})
}

// Clock renders a time of day on the 24-hour clock ("09:30"), which every
// supported language reads.
func Clock(t time.Time) string { return t.Format("15:04") }

// Zone returns the abbreviation of t's time zone ("KST"), or its UTC offset
// where the zone has no abbreviation.
func Zone(t time.Time) string { return t.Format("MST") }

// ClockZone renders a time with its zone ("09:30 KST").
func ClockZone(t time.Time) string { return Clock(t) + " " + Zone(t) }
