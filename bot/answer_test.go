package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/sample"
)

// sampleHarness runs the bot on the sample event, on its second day at
// 09:00, on the bus to Sejong.
func sampleHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, time.Date(2027, 4, 14, 9, 0, 0, 0, seoul))
	p, err := sample.Programme()
	if err != nil {
		t.Fatal(err)
	}
	h.apply(p)
	return h
}

func TestQuestionsAnswered(t *testing.T) {
	h := sampleHarness(t)
	tests := []struct {
		name, lang, question string
		want                 []string // in the reply's text
		button               string   // a button the reply must have
	}{
		{"session in Russian", "en", "когда лекция по кибербезопасности?",
			[]string{"Кибербезопасность государственных услуг", "Вт, 13 апр.", "13:30–14:30 KST", "Национальное агентство"}, "Слайды"},
		// Both buses match; the one going now comes first.
		{"bus in Korean", "ru", "세종 가는 버스 몇 시?",
			[]string{"버스 이동: 서울 → 세종", "08:00–10:00 KST"}, ""},
		{"speaker", "en", "who speaks about AI?",
			[]string{"AI in public administration", "Dr. Oh Hyun-woo"}, "Details"},
		{"FAQ", "en", "wifi password pls",
			[]string{"DGP2027-Guest"}, ""},
		{"a day", "en", "what's on tomorrow?",
			[]string{"Thu 15 Apr · day 3 of 3"}, "Day 2"},
		{"unknown", "en", "what is the capital of Australia?",
			[]string{"not sure", "/schedule"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := only(t, h.say(h.user(tt.lang), tt.question))
			// The answer is stated, or is the first of the candidates.
			shown := got.Text
			if len(got.Buttons) > 0 {
				shown += "\n" + got.Buttons[0][0].Text
			}
			for _, w := range tt.want {
				if !strings.Contains(shown, w) {
					t.Errorf("reply lacks %q:\n%s", w, shown)
				}
			}
			if tt.button != "" {
				if _, ok := findButton(got, tt.button); !ok {
					t.Errorf("no %q button: %v", tt.button, got.Buttons)
				}
			}
		})
	}
}

func TestQuestionAboutVenueSendsPin(t *testing.T) {
	h := sampleHarness(t)
	msgs := h.say(h.user("ka"), "სად არის ანიანგის ჭკვიანი ქალაქის ცენტრი?")
	if len(msgs) != 2 || msgs[0].Venue == nil || msgs[0].Venue.Latitude < 37.3 || msgs[0].Venue.Latitude > 37.5 {
		t.Fatalf("want the Anyang centre's pin and card, got %+v", msgs)
	}
}

func TestAmbiguousQuestionOffersCandidates(t *testing.T) {
	h := sampleHarness(t)
	got := only(t, h.say(h.user("en"), "slides"))
	n := 0
	for _, row := range got.Buttons {
		n += len(row)
	}
	if !strings.Contains(got.Text, "Did you mean") || n < 2 || n > 5 {
		t.Errorf("want 2–5 candidates, got:\n%s\n%v", got.Text, got.Buttons)
	}
}

func TestMaterialQuestionGivesTheLink(t *testing.T) {
	h := sampleHarness(t)
	got := only(t, h.say(h.user("en"), "slides from the AI session"))
	if b, ok := findButton(got, "AI in public administration"); !ok || !strings.HasPrefix(b.URL, "https://") {
		t.Errorf("want the slides' link, got:\n%s\n%v", got.Text, got.Buttons)
	}
}

func TestDayQuestions(t *testing.T) {
	h := sampleHarness(t)
	u := h.user("en")
	// Part of a day: only its sessions, and a way to the whole day.
	got := only(t, h.say(u, "what's on this afternoon?"))
	if strings.Contains(got.Text, "08:00") || !strings.Contains(got.Text, "13:50–14:50 KST") {
		t.Errorf("afternoon of day 2:\n%s", got.Text)
	}
	if _, ok := findButton(got, "Whole day"); !ok {
		t.Errorf("no way to the whole day: %v", got.Buttons)
	}
	// Materials of a day.
	got = only(t, h.say(u, "slides from yesterday"))
	if !strings.Contains(got.Text, "Materials · Tue 13 Apr") {
		t.Errorf("materials of day 1:\n%s", got.Text)
	}
	// A day the event does not have is not answered with another day.
	got = only(t, h.say(u, "lunch on 20 April"))
	if !strings.Contains(got.Text, "not sure") {
		t.Errorf("a day without sessions:\n%s", got.Text)
	}
}

func TestAnswerInQuestionLanguage(t *testing.T) {
	h := sampleHarness(t)
	// An English app, a Russian question: a Russian answer; an unclear
	// one ("wifi") stays in the person's language.
	got := only(t, h.say(h.user("en"), "где завтра обед?"))
	if !strings.Contains(got.Text, "Чт, 15 апр.") {
		t.Errorf("want Russian dates:\n%s", got.Text)
	}
	got = only(t, h.say(h.user("ko"), "wifi"))
	if !strings.Contains(got.Text, "DGP2027-Guest") || !strings.ContainsAny(got.Text, "가나다라마바사아자차카타파하") {
		t.Errorf("want the Korean answer:\n%s", got.Text)
	}
}
