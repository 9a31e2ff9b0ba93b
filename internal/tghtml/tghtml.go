// Package tghtml reads Telegram's HTML (parse_mode HTML) the way Telegram
// does, so that a message is known to be accepted, and how long it is,
// before it is sent.
package tghtml

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Link is a hyperlink found in an HTML message.
type Link struct{ Text, URL string }

// allowedTags are the tags Telegram accepts with parse_mode HTML.
var allowedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// Parse checks text the way Telegram does for parse_mode HTML and returns
// what a reader sees: the text without tags and entities, and its links.
// Like Telegram, it rejects unknown tags, unbalanced tags and a bare '<' or
// '&' — the marks of text that was not escaped.
func Parse(s string) (plain string, links []Link, err error) {
	var b strings.Builder
	type open struct {
		tag, href string
		start     int
	}
	var stack []open
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", nil, fmt.Errorf("can't parse entities: unclosed start tag at byte offset %d", i)
			}
			raw := s[i+1 : i+end]
			i += end + 1
			if strings.HasPrefix(raw, "/") {
				name := strings.ToLower(strings.TrimSpace(raw[1:]))
				if len(stack) == 0 || stack[len(stack)-1].tag != name {
					return "", nil, fmt.Errorf("can't parse entities: unmatched end tag %q", name)
				}
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if name == "a" {
					links = append(links, Link{Text: b.String()[top.start:], URL: top.href})
				}
				continue
			}
			name, attrs, _ := strings.Cut(raw, " ")
			name = strings.ToLower(name)
			if !allowedTags[name] {
				return "", nil, fmt.Errorf("can't parse entities: unsupported start tag %q", name)
			}
			o := open{tag: name, start: b.Len()}
			if name == "a" {
				href, ok := attr(attrs, "href")
				if !ok {
					return "", nil, errors.New("can't parse entities: <a> without href")
				}
				o.href = href
			}
			stack = append(stack, o)
		case '&':
			end := strings.IndexByte(s[i:], ';')
			if end < 0 {
				return "", nil, fmt.Errorf("can't parse entities: bare '&' at byte offset %d", i)
			}
			r, ok := entity(s[i+1 : i+end])
			if !ok {
				return "", nil, fmt.Errorf("can't parse entities: unsupported entity %q", s[i:i+end+1])
			}
			b.WriteString(r)
			i += end + 1
		case '>':
			return "", nil, fmt.Errorf("can't parse entities: bare '>' at byte offset %d", i)
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", nil, fmt.Errorf("can't parse entities: unclosed tag %q", stack[len(stack)-1].tag)
	}
	return b.String(), links, nil
}

func attr(attrs, name string) (string, bool) {
	i := strings.Index(attrs, name+`="`)
	if i < 0 {
		return "", false
	}
	v := attrs[i+len(name)+2:]
	j := strings.IndexByte(v, '"')
	if j < 0 {
		return "", false
	}
	plain, _, err := Parse(v[:j])
	return plain, err == nil
}

func entity(name string) (string, bool) {
	switch name {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return `"`, true
	}
	if strings.HasPrefix(name, "#") {
		base, digits := 10, name[1:]
		if strings.HasPrefix(digits, "x") || strings.HasPrefix(digits, "X") {
			base, digits = 16, digits[1:]
		}
		n, err := strconv.ParseInt(digits, base, 32)
		if err == nil && n > 0 {
			return string(rune(n)), true
		}
	}
	return "", false
}

// Len counts text the way Telegram's length limits do.
func Len(s string) int { return len(utf16.Encode([]rune(s))) }
