package bot

import (
	"strings"
	"testing"
)

func TestScheduleGolden(t *testing.T) {
	tests := []struct {
		name, lang string
		day        int
	}{
		{"schedule_before_en", "en", 1},
		{"schedule_day2_ru", "ru", 7},
		{"schedule_day2_ko", "ko", 7},
		{"schedule_day2_ka", "ka", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, at(tt.day, 9, 0))
			u := h.user(tt.lang)
			golden(t, tt.name, screen(only(t, h.say(u, "/schedule"))))
		})
	}
}

func TestScheduleNavigation(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	u := h.user("en")
	day1 := only(t, h.say(u, "/schedule"))
	if !strings.Contains(day1.Text, "Mon 6 May · day 1 of 2") || !strings.Contains(day1.Text, "08:00–08:50 KST") {
		t.Fatalf("day 1:\n%s", day1.Text)
	}
	// Sixteen sessions: fourteen on the first page, two on the second.
	if strings.Contains(day1.Text, "Lecture 15") {
		t.Error("page 1 shows the second page's sessions")
	}
	_, msgs := h.press(u, day1, "Page 2 ▶")
	page2 := only(t, msgs)
	if page2.ID != day1.ID || !strings.Contains(page2.Text, "Lecture 16") || strings.Contains(page2.Text, "Lecture 2\n") {
		t.Errorf("page 2 should replace page 1 and show lectures 15–16:\n%s", page2.Text)
	}
	_, msgs = h.press(u, page2, "Day 2 ▶")
	day2 := only(t, msgs)
	if !strings.Contains(day2.Text, "Tue 7 May · day 2 of 2") || !strings.Contains(day2.Text, "Cybersecurity in public services") {
		t.Errorf("day 2:\n%s", day2.Text)
	}
	if _, ok := findButton(day2, "Day 3"); ok {
		t.Error("there is no day 3")
	}
	_, msgs = h.press(u, day2, "◀ Day 1")
	if got := only(t, msgs); !strings.Contains(got.Text, "Mon 6 May") {
		t.Errorf("back to day 1:\n%s", got.Text)
	}
}

func TestSessionDetails(t *testing.T) {
	h := newHarness(t, at(7, 9, 0))
	u := h.user("ru")
	day := only(t, h.say(u, "/schedule"))
	_, msgs := h.press(u, day, "10:00 Кибербезопасность")
	details := only(t, msgs)
	for _, want := range []string{
		"Кибербезопасность в госуслугах",
		"10:00–11:30 KST",
		"NIA Сеул, Сеул",
		"Dr. Kim Min-jun, NIA; Ms. Park Soo-jin, KISA",
		"Как Корея защищает госуслуги.",
		"Слайды: кибербезопасность",
	} {
		if !strings.Contains(details.Text, want) {
			t.Errorf("details lack %q:\n%s", want, details.Text)
		}
	}
	slides, ok := findButton(details, "Слайды")
	if !ok || slides.URL != "https://files.example.org/cyber.pdf" {
		t.Errorf("slides button %+v", slides)
	}
	_, msgs = h.press(u, details, "◀")
	if back := only(t, msgs); !strings.Contains(back.Text, "день 2") && !strings.Contains(back.Text, "2 из 2") {
		t.Errorf("back should show day 2:\n%s", back.Text)
	}
}

func TestNowAndNext(t *testing.T) {
	tests := []struct {
		name  string
		clock func() any
		cmd   string
		want  []string
		not   []string
	}{
		{"during a lecture", nil, "/now", []string{"Now · 10:15 KST", "Cybersecurity in public services", "Next · in 4 hours", "Smart city visit", "Data centre visit"}, nil},
		{"next only", nil, "/next", []string{"Next · in 4 hours", "Smart city visit"}, []string{"Cybersecurity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, at(7, 10, 15))
			got := only(t, h.say(h.user("en"), tt.cmd)).Text
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s lacks %q:\n%s", tt.cmd, w, got)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("%s has %q:\n%s", tt.cmd, w, got)
				}
			}
		})
	}
}

func TestNowBeforeAndAfterEvent(t *testing.T) {
	h := newHarness(t, at(1, 12, 0))
	u := h.user("en")
	got := only(t, h.say(u, "/now")).Text
	if !strings.Contains(got, "The event starts on Mon 6 May at 08:00 KST.") || !strings.Contains(got, "in 5 days") {
		t.Errorf("before the event:\n%s", got)
	}
	h.setClock(at(9, 12, 0))
	if got := only(t, h.say(u, "/next")).Text; !strings.Contains(got, "The programme is over") {
		t.Errorf("after the event:\n%s", got)
	}
	if got := only(t, h.say(u, "/schedule")).Text; !strings.Contains(got, "The event is over") || !strings.Contains(got, "Tue 7 May") {
		t.Errorf("schedule after the event shows the last day:\n%s", got)
	}
}

func TestScheduleEscapesProgrammeText(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	// The stand-in rejects bad HTML like Telegram, so a reply at all means
	// the markup was valid; the text must show the characters as typed.
	got := only(t, h.say(h.user("en"), "/schedule"))
	if !strings.Contains(got.Text, "Opening <ceremony> & welcome") {
		t.Errorf("title not shown as written:\n%s", got.Text)
	}
}
