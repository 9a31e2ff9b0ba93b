package programme

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseSmall(t *testing.T) {
	p, err := Parse(readFile(t, "testdata/small.yaml"), YAML)
	if err != nil {
		t.Fatal(err)
	}
	if p.Event.Code != "test-visit" || len(p.Venues) != 1 || len(p.Sessions) != 3 || len(p.Materials) != 2 || len(p.FAQ) != 1 {
		t.Fatalf("parsed %+v", p)
	}
	s, _ := p.Session("opening")
	if got := s.Start.Format(time.RFC3339); got != "2030-05-06T09:00:00+09:00" {
		t.Errorf("opening starts %s, want 09:00 Seoul time", got)
	}
	if f := p.FAQ[0]; len(f.Question["fil"]) != 1 {
		t.Errorf("Telegram's tl should be read as fil: %v", f.Question)
	}
	if m, _ := p.Material("handbook"); m.IsLink() {
		t.Error("a file_id is not a link")
	}
	if m, _ := p.Material("slides"); !m.IsLink() {
		t.Error("an https URL is a link")
	}
}

// TestParseProblems breaks a valid file in one place at a time and expects
// the matching problem at the right path and line.
func TestParseProblems(t *testing.T) {
	valid := string(readFile(t, "testdata/small.yaml"))
	tests := []struct {
		name, old, new string
		want           Problem
	}{
		{"unknown venue", "    venue: hall\n    kind: ceremony", "    venue: nia-sejong\n    kind: ceremony",
			Problem{Path: "sessions[0].venue", Line: 18, Code: ProblemUnknownVenue, Value: "nia-sejong"}},
		{"unknown session", "session: talk", "session: keynote",
			Problem{Path: "materials[0].session", Line: 38, Code: ProblemUnknownSession, Value: "keynote"}},
		{"duplicate id", "- id: lunch", "- id: opening",
			Problem{Path: "sessions[1].id", Line: 20, Code: ProblemDuplicateID, Value: "opening"}},
		{"bad id", "- id: lunch", "- id: \"lunch break\"",
			Problem{Path: "sessions[1].id", Line: 20, Code: ProblemBadID, Value: "lunch break"}},
		{"end before start", "end: 2030-05-06T09:30", "end: 2030-05-06T08:30",
			Problem{Path: "sessions[0].end", Line: 17, Code: ProblemEndBeforeStart, Value: "2030-05-06T08:30"}},
		{"end equals start", "end: 2030-05-06T09:30", "end: 2030-05-06T09:00",
			Problem{Path: "sessions[0].end", Line: 17, Code: ProblemEndBeforeStart, Value: "2030-05-06T09:00"}},
		{"bad time", "start: 2030-05-06T12:00", "start: 6 May, noon",
			Problem{Path: "sessions[1].start", Line: 22, Code: ProblemBadTime, Value: "6 May, noon"}},
		{"unknown time zone", "timezone: Asia/Seoul", "timezone: Asia/Sejong",
			Problem{Path: "event.timezone", Line: 5, Code: ProblemUnknownTimezone, Value: "Asia/Sejong"}},
		{"unknown language", `title: {en: "Lunch"}`, `title: {en: "Lunch", xx: "?"}`,
			Problem{Path: "sessions[1].title.xx", Line: 21, Code: ProblemUnknownLanguage, Value: "xx"}},
		{"latitude", "lat: 37.5", "lat: 137.5",
			Problem{Path: "venues[0].lat", Line: 11, Code: ProblemLatitude, Value: "137.5"}},
		{"longitude", "lon: 127.0", "lon: -227",
			Problem{Path: "venues[0].lon", Line: 12, Code: ProblemLongitude, Value: "-227"}},
		{"missing coordinate", "    lon: 127.0\n", "",
			Problem{Path: "venues[0].lon", Code: ProblemRequired}},
		{"empty title", `title: {en: "Opening"}`, `title: {en: "  "}`,
			Problem{Path: "sessions[0].title", Line: 15, Code: ProblemRequired}},
		{"empty event code", "code: test-visit", "code: \"\"",
			Problem{Path: "event.code", Line: 3, Code: ProblemRequired}},
		{"bad event code", "code: test-visit", "code: Test_Visit",
			Problem{Path: "event.code", Line: 3, Code: ProblemBadID, Value: "Test_Visit"}},
		{"unknown kind", "kind: meal", "kind: picnic",
			Problem{Path: "sessions[1].kind", Line: 24, Code: ProblemUnknownKind, Value: "picnic"}},
		{"bad country", "countries: [KZ, MN]", "countries: [KZ, Mongolia]",
			Problem{Path: "event.countries[1]", Line: 6, Code: ProblemBadCountry, Value: "Mongolia"}},
		{"bad url", "url: https://example.org/slides.pdf", "url: \"slides on the desk\"",
			Problem{Path: "materials[0].url", Line: 39, Code: ProblemBadURL, Value: "slides on the desk"}},
		{"version", "version: 1", "version: 2",
			Problem{Path: "version", Line: 1, Code: ProblemVersion, Value: "2"}},
		{"unknown field", "    kind: lecture", "    kind: lecture\n    room: 301",
			Problem{Path: "sessions[2].room", Line: 32, Code: ProblemUnknownField, Value: "room"}},
		{"missing field has its item's line", "    lon: 127.0\n", "",
			Problem{Path: "venues[0].lon", Line: 8, Code: ProblemRequired}},
		{"syntax", "version: 1", "version: [1",
			Problem{Line: 1, Code: ProblemSyntax}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(valid, tt.old) {
				t.Fatalf("fixture has no %q", tt.old)
			}
			_, err := Parse([]byte(strings.Replace(valid, tt.old, tt.new, 1)), YAML)
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("got %v, want an InvalidError", err)
			}
			for _, p := range inv.Problems {
				if p.Code == tt.want.Code && p.Path == tt.want.Path && (tt.want.Line == 0 || p.Line == tt.want.Line) &&
					(tt.want.Value == "" || p.Value == tt.want.Value) {
					return
				}
			}
			t.Errorf("problems %v, want %v", inv.Problems, tt.want)
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	data := strings.NewReplacer("venue: hall\n    kind: ceremony", "venue: nowhere\n    kind: ceremony",
		"lat: 37.5", "lat: 99", "timezone: Asia/Seoul", "timezone: Mars/Olympus",
		`title: {en: "Lunch"}`, `titel: {en: "Lunch"}`, "lon: 127.0", "lon: east").Replace(string(readFile(t, "testdata/small.yaml")))
	_, err := Parse([]byte(data), YAML)
	var inv *InvalidError
	// unknown venue, latitude, time zone, the typo, the title it left
	// missing, and the longitude that is not a number.
	if !errors.As(err, &inv) || len(inv.Problems) != 6 {
		t.Fatalf("got %v, want 6 problems", err)
	}
}

func TestParseJSONLines(t *testing.T) {
	data := `{
  "version": 1,
  "event": {"code": "j", "title": {"en": "J"}, "timezone": "UTC"},
  "sessions": [
    {"id": "a", "title": {"en": "A"}, "start": "2030-01-01T10:00", "end": "2030-01-01T09:00", "kind": "other"}
  ]
}`
	_, err := Parse([]byte(data), JSON)
	var inv *InvalidError
	if !errors.As(err, &inv) || len(inv.Problems) != 1 {
		t.Fatalf("got %v", err)
	}
	if p := inv.Problems[0]; p.Path != "sessions[0].end" || p.Line != 5 || p.Code != ProblemEndBeforeStart {
		t.Errorf("got %+v", p)
	}
	_, err = Parse([]byte(`{"version": 1, "event": {`), JSON)
	if !errors.As(err, &inv) || inv.Problems[0].Code != ProblemSyntax {
		t.Errorf("truncated JSON: got %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"testdata/small.yaml", "../sample/sample.yaml"} {
		orig, err := Parse(readFile(t, name), YAML)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []Format{YAML, JSON} {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				out, err := Encode(orig, f)
				if err != nil {
					t.Fatal(err)
				}
				back, err := Parse(out, f)
				if err != nil {
					t.Fatalf("re-reading the export: %v\n%s", err, out)
				}
				if c := Diff(orig, back); !c.Empty() {
					t.Errorf("round trip changed %+v", c)
				}
				again, _ := Encode(back, f)
				if string(again) != string(out) {
					t.Error("a second export differs from the first")
				}
			})
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(readFileF(f, "testdata/small.yaml"))
	f.Add([]byte(`{"version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{YAML, JSON} {
			p, err := Parse(data, format)
			if err == nil {
				if _, err := Encode(p, format); err != nil {
					t.Fatalf("a valid programme does not encode: %v", err)
				}
			}
		}
	})
}

func readFileF(f *testing.F, name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
