package bot

import (
	"html"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/tghtml"
)

// entityHTML writes a message's text as Telegram HTML, keeping the
// formatting the author gave it on their phone (bold, links…). A text
// without formatting is taken as HTML written by hand, so that "<b>" typed
// in works too, unless it is plain text Telegram would misread.
func entityHTML(text string, entities []models.MessageEntity) string {
	if out, ok := formattedHTML(text, entities); ok {
		return out
	}
	// Hand-written HTML stays HTML; a plain text that Telegram would
	// misread (a pasted link with "&", "a < b") is escaped instead.
	if _, _, err := tghtml.Parse(text); err == nil || strings.Contains(text, "<") {
		return text
	}
	return html.EscapeString(text)
}

// typedHTML writes a message's text as Telegram HTML that shows exactly
// what was typed: the formatting kept, everything else escaped.
func typedHTML(text string, entities []models.MessageEntity) string {
	if out, ok := formattedHTML(text, entities); ok {
		return out
	}
	return html.EscapeString(text)
}

// formattedHTML writes the formatting a message's entities give its text
// as HTML tags, the text escaped; ok is false when there is none.
func formattedHTML(text string, entities []models.MessageEntity) (out string, ok bool) {
	type tag struct {
		at    int // UTF-16 offset
		open  bool
		order int // among tags at the same offset
		html  string
	}
	var tags []tag
	formatted := false
	for i, e := range entities {
		openTag, closeTag := entityTags(e)
		if openTag == "" {
			continue
		}
		formatted = true
		// Outer entities open first and close last: Telegram nests them.
		tags = append(tags, tag{at: e.Offset, open: true, order: -e.Length*1000 + i, html: openTag},
			tag{at: e.Offset + e.Length, open: false, order: e.Length*1000 - i, html: closeTag})
	}
	if !formatted {
		return "", false
	}
	sort.SliceStable(tags, func(i, j int) bool {
		if tags[i].at != tags[j].at {
			return tags[i].at < tags[j].at
		}
		if tags[i].open != tags[j].open {
			return !tags[i].open // close before open at the same place
		}
		return tags[i].order < tags[j].order
	})
	units := utf16.Encode([]rune(text))
	var b strings.Builder
	pos := 0
	for _, t := range tags {
		at := min(max(t.at, pos), len(units))
		b.WriteString(html.EscapeString(string(utf16.Decode(units[pos:at]))))
		pos = at
		b.WriteString(t.html)
	}
	b.WriteString(html.EscapeString(string(utf16.Decode(units[pos:]))))
	return b.String(), true
}

// entityTags returns the HTML tags of a formatting entity, or "" for the
// entities Telegram finds by itself (mentions, links written out…).
func entityTags(e models.MessageEntity) (string, string) {
	switch e.Type {
	case models.MessageEntityTypeBold:
		return "<b>", "</b>"
	case models.MessageEntityTypeItalic:
		return "<i>", "</i>"
	case models.MessageEntityTypeUnderline:
		return "<u>", "</u>"
	case models.MessageEntityTypeStrikethrough:
		return "<s>", "</s>"
	case models.MessageEntityTypeSpoiler:
		return "<tg-spoiler>", "</tg-spoiler>"
	case models.MessageEntityTypeCode:
		return "<code>", "</code>"
	case models.MessageEntityTypePre:
		if e.Language != "" {
			return `<pre><code class="language-` + html.EscapeString(e.Language) + `">`, "</code></pre>"
		}
		return "<pre>", "</pre>"
	case models.MessageEntityTypeTextLink:
		return `<a href="` + html.EscapeString(e.URL) + `">`, "</a>"
	case models.MessageEntityTypeBlockquote, models.MessageEntityTypeExpandableBlockquote:
		return "<blockquote>", "</blockquote>"
	}
	return "", ""
}
