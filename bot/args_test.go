package bot

import (
	"strings"
	"testing"
	"time"
)

// FuzzCommandArguments: the parsers of admins' command arguments never
// panic, and what they accept is well formed.
func FuzzCommandArguments(f *testing.F) {
	for _, s := range []string{
		"venue nia notes ru Вход B", "session d2-ai speakers A; B", "venue x position 37.5,127",
		"faq wifi question en wifi; internet", "2030-05-07 17:00 18:00", "17:00", "", "  ",
	} {
		f.Add(s)
	}
	loc := time.FixedZone("KST", 9*3600)
	ref := time.Date(2030, 5, 7, 0, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		if section, id, name, _, _, ok := setArgs(s); ok {
			if _, known := fields[section][name]; !known || id == "" {
				t.Fatalf("accepted %q as %s/%s/%s", s, section, id, name)
			}
		}
		words := strings.Fields(s)
		if from, to, ok := splitTimes(words); ok {
			parseEditTime(from, ref, loc)
			parseEditTime(to, ref, loc)
		}
		parsePosition(s)
		target(nil, s)
		slug(s)
	})
}
