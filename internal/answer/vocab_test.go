package answer

import (
	"io/fs"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/delegatedesk/delegatedesk/internal/sample"
	"github.com/delegatedesk/delegatedesk/locales"
)

func readVocab(t *testing.T, lang string) vocabFile {
	t.Helper()
	data, err := fs.ReadFile(locales.FS, "answers/"+lang+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f vocabFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", lang, err)
	}
	return f
}

// TestVocabulariesComplete fails when a language lacks a cue or concept of
// English, has one English does not, or gives it no terms.
func TestVocabulariesComplete(t *testing.T) {
	en := readVocab(t, "en")
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			f := readVocab(t, lang)
			for _, sec := range []struct {
				name     string
				got, ref map[string][]string
			}{{"cues", f.Cues, en.Cues}, {"concepts", f.Concepts, en.Concepts}} {
				for k := range sec.ref {
					if len(sec.got[k]) == 0 {
						t.Errorf("%s.%s is missing or empty", sec.name, k)
					}
				}
				for k := range sec.got {
					if _, ok := sec.ref[k]; !ok {
						t.Errorf("%s.%s is not in en.yaml", sec.name, k)
					}
				}
			}
		})
	}
}

func TestNormalizeAndKeys(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Қазақстан", "казакстан"},
		{"O‘zbekiston", "ozbekiston"},
		{"Ertəng", "erteng"},
		{"ҷаласа", "чаласа"},
		{"Ёлка", "елка"},
		{"Café", "cafe"},
		{"１４", "14"}, // full-width digits
		{"១៤", "14"}, // Khmer digits
		{"세종", "세종"},
	}
	for _, tt := range tests {
		if got := normalize(tt.in); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	pairs := [][2]string{{"где", "gde"}, {"сэджон", "sejon"}, {"анян", "anyang"}, {"автобус", "avtobus"}, {"хотел", "hotel"}}
	for _, p := range pairs {
		a := tokenize(normalize(p[0]))[0]
		b := tokenize(normalize(p[1]))[0]
		if a.key != b.key && !(len(a.key) >= 4 && len(b.key) > len(a.key) && b.key[:len(a.key)] == a.key) {
			t.Errorf("%q (%s) and %q (%s) should meet", p[0], a.key, p[1], b.key)
		}
	}
	toks := tokenize(normalize("AIлекция, 세종에서!"))
	if len(toks) != 3 || toks[0].text != "ai" || toks[1].text != "лекция" || toks[2].text != "세종에서" {
		t.Errorf("tokens %+v", toks)
	}
}

func TestLexiconLookup(t *testing.T) {
	l := newLexicon()
	ids := map[string]int32{}
	for _, k := range []string{"kiberbezopasnost", "konferentsiya", "avtobus", "obed", "ai", "registration"} {
		ids[k] = l.add(soundKey(k, scriptLatin))
	}
	tests := []struct {
		word, want string
		quality    float64
	}{
		{"avtobusa", "avtobus", suffixMatch},
		{"konferentsii", "konferentsiya", endingMatch},
		{"kiber", "kiberbezopasnost", truncatedMatch},
		{"registraton", "registration", typoMatch},
		{"ai", "ai", exactMatch},
		{"aim", "", 0},
		{"obedy", "obed", suffixMatch},
	}
	for _, tt := range tests {
		var got string
		var q float64
		for _, h := range l.lookup(soundKey(tt.word, scriptLatin)) {
			if h.quality > q {
				got, q = l.keys[h.id], h.quality
			}
		}
		if got != soundKey(tt.want, scriptLatin) || q != tt.quality {
			t.Errorf("lookup(%q) = %q %.2f, want %q %.2f", tt.word, got, q, tt.want, tt.quality)
		}
	}
}

func TestDates(t *testing.T) {
	v, err := LoadVocabulary(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	seoul := mustLoc("Asia/Seoul")
	days := []time.Time{time.Date(2027, 4, 13, 0, 0, 0, 0, seoul), time.Date(2027, 4, 14, 0, 0, 0, 0, seoul), time.Date(2027, 4, 15, 0, 0, 0, 0, seoul)}
	now := time.Date(2027, 4, 14, 9, 0, 0, 0, seoul)
	tests := []struct {
		q    string
		want string
		part Part
	}{
		{"what's on tomorrow", "04-15", AllDay},
		{"программа на вчера", "04-13", AllDay},
		{"четверг", "04-15", AllDay},
		{"15.04", "04-15", AllDay},
		{"4/13", "04-13", AllDay},
		{"15 April", "04-15", AllDay},
		{"4월 15일 일정", "04-15", AllDay},
		{"2일차", "04-14", AllDay},
		{"day 3", "04-15", AllDay},
		{"this afternoon", "04-14", Afternoon},
		{"tomorrow morning", "04-15", Morning},
		{"2027-04-13", "04-13", AllDay},
		{"ថ្ងៃទី១៤មេសា", "04-14", AllDay},
	}
	for _, tt := range tests {
		q := v.analyze(tt.q, days, now)
		if !q.hasDay || q.day.Format("01-02") != tt.want || q.part != tt.part {
			t.Errorf("%q: day %v %s part %v, want %s part %v", tt.q, q.hasDay, q.day.Format("01-02"), q.part, tt.want, tt.part)
		}
	}
	if q := v.analyze("where is the hotel", days, now); q.hasDay {
		t.Errorf("no day in %q, got %v", "where is the hotel", q.day)
	}
}

// TestDayOutsideTheEvent: "tomorrow" a week before the event names no
// session day, so it must not push the sessions aside.
func TestDayOutsideTheEvent(t *testing.T) {
	v, err := LoadVocabulary(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sample.Programme()
	if err != nil {
		t.Fatal(err)
	}
	ix := Build(p, v)
	before := time.Date(2027, 4, 1, 12, 0, 0, 0, mustLoc("Asia/Seoul"))
	for _, q := range []string{"когда обед завтра", "where is lunch tomorrow"} {
		r := ix.Answer(q, before)
		if r.Outcome == Unknown || r.Targets[0].Kind != KindSession {
			t.Errorf("%q a fortnight before: %+v, want the first lunch", q, r)
		}
	}
}
