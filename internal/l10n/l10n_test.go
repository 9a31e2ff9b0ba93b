package l10n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"

	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/locales"
)

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func messages(t *testing.T, code string) map[string]any {
	t.Helper()
	data, err := fs.ReadFile(locales.FS, code+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.yaml: %v", code, err)
	}
	return m
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(v any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			for _, m := range placeholder.FindAllStringSubmatch(v, -1) {
				if !slices.Contains(out, m[1]) {
					out = append(out, m[1])
				}
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	slices.Sort(out)
	return out
}

// TestLocalesComplete fails when a locale lacks a key of English, has a key
// English does not, or uses other placeholders than English.
func TestLocalesComplete(t *testing.T) {
	en := messages(t, "en")
	for _, code := range Codes {
		t.Run(code, func(t *testing.T) {
			m := messages(t, code)
			for id, v := range en {
				got, ok := m[id]
				if !ok {
					t.Errorf("missing %s", id)
					continue
				}
				if want, have := placeholders(v), placeholders(got); !slices.Equal(want, have) {
					// A plural form may leave out {{.Count}} ("one minute").
					have = append(slices.Clone(have), "Count")
					slices.Sort(have)
					if !slices.Equal(want, slices.Compact(have)) {
						t.Errorf("%s: placeholders %v, English has %v", id, placeholders(got), want)
					}
				}
			}
			for id := range m {
				if _, ok := en[id]; !ok {
					t.Errorf("%s is not in en.yaml", id)
				}
			}
		})
	}
}

// TestEveryMessageInOwnLanguage renders every message in every language and
// expects no fallback, plural forms included.
func TestEveryMessageInOwnLanguage(t *testing.T) {
	c := load(t)
	en := messages(t, "en")
	for _, code := range Codes {
		loc := c.For(code).loc
		for id, v := range en {
			counts := []any{nil}
			if _, plural := v.(map[string]any); plural {
				counts = []any{0, 1, 2, 5, 21, 101}
			}
			for _, n := range counts {
				s, tag, err := loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{"Count": n}})
				if err != nil || s == "" {
					t.Errorf("%s %s (count %v): %q, %v", code, id, n, s, err)
					continue
				}
				if base, _ := tag.Base(); Normalize(base.String()) != code {
					t.Errorf("%s %s came in %s", code, id, tag)
				}
			}
		}
	}
}

// TestCodeUsesKnownMessages finds the message ids the code names and the ids
// it builds from domain values, and expects English to have each.
func TestCodeUsesKnownMessages(t *testing.T) {
	en := messages(t, "en")
	used := map[string]string{}
	call := regexp.MustCompile(`\.(?:t|text|Text|HTML|Plural|PluralHTML)\("([a-z0-9_]+)"`)
	root := "../.."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			// "kind_"+kind and the like are checked through their domain values below.
			if !strings.HasSuffix(m[1], "_") {
				used[m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 30 {
		t.Fatalf("found only %d message ids in the code: is the pattern out of date?", len(used))
	}
	for _, k := range programme.Kinds {
		used["kind_"+string(k)] = "programme.Kinds"
	}
	for _, k := range programme.MaterialKinds {
		used["material_kind_"+string(k)] = "programme.MaterialKinds"
	}
	for _, p := range programme.ProblemCodes {
		used["problem_"+string(p)] = "programme.ProblemCodes"
	}
	for i := 1; i <= 12; i++ {
		used["month_"+strconv.Itoa(i)] = "Date"
		if i <= 7 {
			used["weekday_"+strconv.Itoa(i)] = "Date"
		}
	}
	for _, cmd := range []string{"schedule", "now", "next", "venues", "materials", "language", "help"} {
		used["cmd_"+cmd] = "bot menu"
	}
	for id, where := range used {
		if _, ok := en[id]; !ok {
			t.Errorf("%s uses %q, which en.yaml lacks", where, id)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct{ chosen, telegram, fallback, want string }{
		{"ko", "ru", "en", "ko"},
		{"", "ru", "en", "ru"},
		{"", "en-US", "ru", "en"},
		{"", "tl", "en", "fil"},
		{"", "uz-Cyrl", "en", "uz"},
		{"", "de", "ru", "ru"},
		{"", "", "", "en"},
		{"xx", "", "kk", "kk"},
	}
	for _, tt := range tests {
		if got := Resolve(tt.chosen, tt.telegram, tt.fallback); got != tt.want {
			t.Errorf("Resolve(%q, %q, %q) = %q, want %q", tt.chosen, tt.telegram, tt.fallback, got, tt.want)
		}
	}
}

func TestDatesAndPlurals(t *testing.T) {
	c := load(t)
	day := time.Date(2027, 4, 14, 9, 30, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		lang, id string
		count    int
		want     string
	}{
		{"en", "", 0, "Wed 14 Apr"},
		{"ru", "schedule_count", 1, "1 пункт"},
		{"ru", "schedule_count", 3, "3 пункта"},
		{"ru", "schedule_count", 5, "5 пунктов"},
		{"ru", "schedule_count", 21, "21 пункт"},
		{"en", "schedule_count", 1, "1 item"},
		{"en", "schedule_count", 2, "2 items"},
	}
	for _, tt := range tests {
		var got string
		if tt.id == "" {
			got = c.For(tt.lang).Date(day)
		} else {
			got = c.For(tt.lang).Plural(tt.id, tt.count, nil)
		}
		if got != tt.want {
			t.Errorf("%s %s %d = %q, want %q", tt.lang, tt.id, tt.count, got, tt.want)
		}
	}
	for _, code := range Codes {
		d := c.For(code).Date(day)
		if !strings.Contains(d, "14") || strings.Contains(d, "weekday_") || strings.Contains(d, "month_") {
			t.Errorf("%s date %q", code, d)
		}
		if code != "en" && d == c.For("en").Date(day) {
			t.Errorf("%s writes dates in English: %q", code, d)
		}
	}
}

func TestHTMLEscapesData(t *testing.T) {
	loc := load(t).For("en")
	got := loc.HTML("start_greeting", Data{"Name": "<b>Ann & Co</b>", "Event": "R&D"})
	if !strings.Contains(got, "&lt;b&gt;Ann &amp; Co&lt;/b&gt;") || !strings.Contains(got, "<b>R&amp;D</b>") {
		t.Errorf("got %q", got)
	}
}
