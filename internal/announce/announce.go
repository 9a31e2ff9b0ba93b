// Package announce holds announcements: who gets them, which version each
// delegate reads, what Telegram will accept, and their course from queued
// to reported. It knows nothing of Telegram's API: the delivery engine
// sends what it enqueues.
package announce

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
	"github.com/delegatedesk/delegatedesk/internal/tghtml"
)

// Audience kinds; an audience is written "all" or "kind:value".
const (
	All       = "all"
	ByLang    = "lang"
	ByCountry = "country"
	ByGroup   = "group"
	ByRole    = "role"
)

// Roles an audience may name: staff by their role, everyone else as
// delegates.
const (
	RoleDelegate  = "delegate"
	RoleOrganiser = "organiser"
	RoleAdmin     = "admin"
)

// Audience says who gets an announcement.
type Audience struct {
	Kind, Value string
}

func (a Audience) String() string {
	if a.Kind == All || a.Kind == "" {
		return All
	}
	return a.Kind + ":" + a.Value
}

var (
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	groupName   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$`)
)

// ValidCountry reports whether s is a country code (ISO 3166 alpha-2,
// upper case).
func ValidCountry(s string) bool { return countryCode.MatchString(s) }

// ValidGroup reports whether s can name a group.
func ValidGroup(s string) bool { return groupName.MatchString(s) }

// ErrAudience is an audience that cannot be read.
var ErrAudience = errors.New("announce: unknown audience")

// ParseAudience reads "all", "lang:ru", "country:KZ", "group:A" or
// "role:organiser".
func ParseAudience(s string) (Audience, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, All) {
		return Audience{Kind: All}, nil
	}
	kind, value, ok := strings.Cut(s, ":")
	kind = strings.ToLower(kind)
	if ok {
		switch kind {
		case ByLang:
			if code := l10n.Normalize(value); code != "" {
				return Audience{ByLang, code}, nil
			}
		case ByCountry:
			if v := strings.ToUpper(value); countryCode.MatchString(v) {
				return Audience{ByCountry, v}, nil
			}
		case ByGroup:
			if groupName.MatchString(value) {
				return Audience{ByGroup, value}, nil
			}
		case ByRole:
			switch v := strings.ToLower(value); v {
			case RoleDelegate, RoleOrganiser, RoleAdmin:
				return Audience{ByRole, v}, nil
			}
		}
	}
	return Audience{}, fmt.Errorf("%w %q: use all, lang:<code>, country:<XX>, group:<name> or role:delegate|organiser|admin", ErrAudience, s)
}

// Pick returns the version a reader of lang gets: theirs, else English,
// else the first.
func Pick(versions []store.Version, lang string) store.Version {
	for _, want := range []string{lang, l10n.Fallback} {
		for _, v := range versions {
			if v.Lang == want {
				return v
			}
		}
	}
	if len(versions) == 0 {
		return store.Version{}
	}
	return versions[0]
}

// Telegram's limits, counted in UTF-16 units of the text as read.
const (
	TextLimit    = 4096
	CaptionLimit = 1024
)

// Problem is why a version would not reach delegates as written.
type Problem struct {
	Lang string
	// Kind is "empty", "html" (Detail says where) or "long" (Length of
	// Limit).
	Kind          string
	Detail        string
	Length, Limit int
}

// Check finds what Telegram would refuse in a version: HTML it cannot
// read, or text too long for a message (or a caption, with a file).
func Check(v store.Version, withFile bool) *Problem {
	plain, _, err := tghtml.Parse(v.HTML)
	if err != nil {
		return &Problem{Lang: v.Lang, Kind: "html", Detail: strings.TrimPrefix(err.Error(), "can't parse entities: ")}
	}
	if strings.TrimSpace(plain) == "" && !withFile {
		return &Problem{Lang: v.Lang, Kind: "empty"}
	}
	limit := TextLimit
	if withFile {
		limit = CaptionLimit
	}
	if n := tghtml.Len(plain); n > limit {
		return &Problem{Lang: v.Lang, Kind: "long", Length: n, Limit: limit}
	}
	return nil
}

// ParseWhen reads when to send: "now", "14:30" (today, or tomorrow if
// that has passed), "15.04 14:30", "04-15 14:30" or "2026-04-15 14:30", in
// the event's zone. A time in the past is an error.
func ParseWhen(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.Join(strings.Fields(s), " ")
	if strings.EqualFold(s, "now") {
		return time.Time{}, nil
	}
	now = now.In(loc)
	if t, err := time.ParseInLocation("15:04", s, loc); err == nil {
		at := time.Date(now.Year(), now.Month(), now.Day(), t.Hour(), t.Minute(), 0, 0, loc)
		if !at.After(now) {
			at = at.AddDate(0, 0, 1)
		}
		return at, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "02.01.2006 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return future(t, now)
		}
	}
	for _, layout := range []string{"02.01 15:04", "01-02 15:04", "1/2 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			at := time.Date(now.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, loc)
			return future(at, now)
		}
	}
	return time.Time{}, fmt.Errorf("%w: %q", ErrWhen, s)
}

// ErrWhen is a time that cannot be read; ErrPast one that has passed.
var (
	ErrWhen = errors.New("announce: unreadable time")
	ErrPast = errors.New("announce: time has passed")
)

func future(at, now time.Time) (time.Time, error) {
	if !at.After(now) {
		return time.Time{}, fmt.Errorf("%w: %s", ErrPast, at.Format("2006-01-02 15:04"))
	}
	return at, nil
}
