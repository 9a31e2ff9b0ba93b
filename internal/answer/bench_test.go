package answer

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/sample"
	"github.com/delegatedesk/delegatedesk/locales"
)

// bigProgramme is a programme of 2,000 sessions, 200 venues, 2,000
// materials and 500 FAQ entries in three languages, its titles drawn from
// a digital-government vocabulary so that words repeat as in real events.
func bigProgramme() *programme.Programme {
	topics := [][3]string{
		{"Cybersecurity in public services", "Кибербезопасность госуслуг", "공공서비스 사이버보안"},
		{"Personal data protection", "Защита персональных данных", "개인정보 보호"},
		{"AI in public administration", "ИИ в госуправлении", "공공행정 인공지능"},
		{"Smart city operations", "Управление умным городом", "스마트시티 운영"},
		{"Open government data", "Открытые государственные данные", "공공데이터 개방"},
		{"Digital identity", "Цифровая идентификация", "디지털 신원증명"},
		{"E-procurement", "Электронные закупки", "전자조달"},
		{"Cloud data centres", "Облачные дата-центры", "클라우드 데이터센터"},
		{"Digital platform government", "Цифровая платформа правительства", "디지털플랫폼정부"},
		{"E-government strategy", "Стратегия электронного правительства", "전자정부 전략"},
	}
	loc, _ := time.LoadLocation("Asia/Seoul")
	p := &programme.Programme{Event: programme.Event{Code: "big", Title: programme.Text{"en": "Big"}, Timezone: "Asia/Seoul"}}
	for i := range 200 {
		p.Venues = append(p.Venues, programme.Venue{ID: fmt.Sprintf("v%d", i),
			Name:    programme.Text{"en": fmt.Sprintf("Hall %d of the Centre %d", i%20, i), "ru": fmt.Sprintf("Зал %d центра %d", i%20, i), "ko": fmt.Sprintf("센터 %d 홀 %d", i, i%20)},
			Address: programme.Text{"en": fmt.Sprintf("%d Sejong-daero, Seoul", i)}, Lat: 37, Lon: 127})
	}
	for i := range 2000 {
		t := topics[i%len(topics)]
		start := time.Date(2030, 5, 1, 8, 0, 0, 0, loc).Add(time.Duration(i/20)*24*time.Hour + time.Duration(i%20)*30*time.Minute)
		p.Sessions = append(p.Sessions, programme.Session{ID: fmt.Sprintf("s%d", i),
			Title: programme.Text{"en": fmt.Sprintf("%s, part %d", t[0], i), "ru": fmt.Sprintf("%s, часть %d", t[1], i), "ko": fmt.Sprintf("%s %d부", t[2], i)},
			Start: start, End: start.Add(25 * time.Minute), Venue: fmt.Sprintf("v%d", i%200), Kind: programme.KindLecture,
			Speakers: []string{fmt.Sprintf("Dr. Speaker %d", i%300)}})
		p.Materials = append(p.Materials, programme.Material{ID: fmt.Sprintf("m%d", i), Title: programme.Text{"en": "Slides: " + t[0], "ru": "Слайды: " + t[1]},
			Kind: programme.MaterialSlides, Session: fmt.Sprintf("s%d", i), URL: "https://example.org/s.pdf"})
	}
	for i := range 500 {
		p.FAQ = append(p.FAQ, programme.FAQ{ID: fmt.Sprintf("f%d", i),
			Question: map[string][]string{"en": {fmt.Sprintf("question number %d about wifi and buses", i)}, "ru": {fmt.Sprintf("вопрос %d", i)}},
			Answer:   programme.Text{"en": "An answer.", "ru": "Ответ.", "ko": "답변."}})
	}
	p.Normalize()
	return p
}

var benchQuestions = []string{
	"when is the cybersecurity lecture?",
	"где обед завтра",
	"세종 가는 버스 몇 시?",
	"slides from the AI session",
	"wifi password",
	"erteng ne bar",
	"ពេលណាបាឋកថាសន្តិសុខអ៊ីនធឺណិត",
	"what is the capital of Australia",
}

// BenchmarkAnswer answers questions over a big programme; the index is
// built once, outside the loop.
func BenchmarkAnswer(b *testing.B) {
	v, err := loadVocabulary(locales.FS, available(nil, Languages))
	if err != nil {
		b.Fatal(err)
	}
	ix := Build(bigProgramme(), v)
	now := time.Date(2030, 5, 3, 9, 0, 0, 0, mustLoc("Asia/Seoul"))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Answer(benchQuestions[i%len(benchQuestions)], now)
		i++
	}
}

// BenchmarkBuild builds the index of the big programme and reports its
// memory.
func BenchmarkBuild(b *testing.B) {
	v, err := loadVocabulary(locales.FS, available(nil, Languages))
	if err != nil {
		b.Fatal(err)
	}
	p := bigProgramme()
	b.ReportAllocs()
	var ix *Index
	for b.Loop() {
		ix = Build(p, v)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ix = Build(p, v)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(ix)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "index-MiB")
}

// BenchmarkAnswerHostile answers messages no delegate writes but anyone can
// send: pasted pages, one endless word, marks without letters.
func BenchmarkAnswerHostile(b *testing.B) {
	v, err := loadVocabulary(locales.FS, available(nil, Languages))
	if err != nil {
		b.Fatal(err)
	}
	p, err := sample.Programme()
	if err != nil {
		b.Fatal(err)
	}
	ix := Build(p, v)
	inputs := []string{
		strings.Repeat("я", 4000),
		strings.Repeat("ภาษาไทยไม่มีช่องว่าง", 200),
		strings.Repeat("\u0301", 4000),
		strings.Repeat("AIлекция", 500),
		strings.Repeat("лекция ", 570),
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.Answer(inputs[i%len(inputs)], evalNow)
		i++
	}
}

// FuzzAnswer: no message makes the engine panic or answer out of bounds.
func FuzzAnswer(f *testing.F) {
	v, err := LoadVocabulary(locales.FS)
	if err != nil {
		f.Fatal(err)
	}
	p, err := sample.Programme()
	if err != nil {
		f.Fatal(err)
	}
	ix := Build(p, v)
	for _, q := range benchQuestions {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r := ix.Answer(q, evalNow)
		if len(r.Targets) > maxCand || (r.Outcome == Item || r.Outcome == Candidates) && len(r.Targets) == 0 {
			t.Fatalf("%q: %+v", q, r)
		}
	})
}
