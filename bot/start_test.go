package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

func TestStartGreetsInTelegramLanguage(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	tests := []struct{ lang, want string }{
		{"en", "Test Study Visit"},
		{"ru", "Тестовый учебный визит"},
		{"ko", "테스트 연수"},
		// Kazakh has no title of its own: English, not Russian, is the fallback.
		{"kk", "Test Study Visit"},
		{"de", "Test Study Visit"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			got := only(t, h.say(h.user(tt.lang), "/start")).Text
			if !strings.Contains(got, tt.want) || !strings.Contains(got, "/schedule") {
				t.Errorf("greeting:\n%s", got)
			}
		})
	}
}

func TestStartEscapesName(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	u := h.user("en")
	u.FirstName = "<b>Ann & Co</b>"
	got := only(t, h.say(u, "/start")).Text
	if !strings.Contains(got, "Hello, <b>Ann & Co</b>!") {
		t.Errorf("name not shown as typed:\n%s", got)
	}
}

func TestStartDeepLinkSelectsEvent(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	// A second event, imported later, becomes the default one.
	h.importFile("testdata/second.yaml")
	u := h.user("en")
	if got := only(t, h.say(u, "/start")).Text; !strings.Contains(got, "Second Seminar") {
		t.Fatalf("default event should be the latest imported:\n%s", got)
	}
	if got := only(t, h.say(u, "/start test-visit")).Text; !strings.Contains(got, "Test Study Visit") {
		t.Fatalf("deep link:\n%s", got)
	}
	if got := only(t, h.say(u, "/schedule")).Text; !strings.Contains(got, "Opening <ceremony>") {
		t.Errorf("the chosen event should stay selected:\n%s", got)
	}
	got := only(t, h.say(u, "/start no-such-event")).Text
	if !strings.Contains(got, "could not find the event “no-such-event”") {
		t.Errorf("unknown deep link:\n%s", got)
	}
}

func TestLanguageChoice(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	u := h.user("en")
	menu := only(t, h.say(u, "/language"))
	var names []string
	for _, row := range menu.Buttons {
		for _, b := range row {
			names = append(names, b.Text)
		}
	}
	if len(names) != 15 {
		t.Fatalf("%d languages offered, want 15: %v", len(names), names)
	}
	for _, want := range []string{"✓ English", "Русский", "한국어", "Қазақша", "ქართული", "Հայերեն", "ខ្មែរ", "ລາວ", "বাংলা", "Filipino"} {
		if !strings.Contains(strings.Join(names, "|"), want) {
			t.Errorf("no %q among %v", want, names)
		}
	}
	_, msgs := h.press(u, menu, "Русский")
	if got := only(t, msgs); got.ID != menu.ID || !strings.Contains(got.Text, "по-русски") {
		t.Errorf("confirmation should replace the menu, in Russian:\n%s", got.Text)
	}
	if got := only(t, h.say(u, "/help")).Text; !strings.Contains(got, "/schedule — программа дня") {
		t.Errorf("help after choosing Russian:\n%s", got)
	}
	if cmds := h.api.Commands("chat:"+id64(u.ID), ""); !strings.Contains(cmds["schedule"], "рограмм") {
		t.Errorf("the chat's command menu should follow the choice: %v", cmds)
	}
	// The choice outlives a change of the app's language.
	u.LanguageCode = "ko"
	if got := only(t, h.say(u, "/help")).Text; !strings.Contains(got, "программа дня") {
		t.Errorf("choice forgotten:\n%s", got)
	}
}

func TestCommandMenusPerLanguage(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	deadline := time.Now().Add(5 * time.Second)
	// Filipino is set up last, its short description last of all.
	for h.api.Description("setMyShortDescription", "tl") == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for _, code := range l10n.Codes {
		tg := l10n.TelegramCode(code)
		cmds := h.api.Commands("default", tg)
		if len(cmds) != len(menu) {
			t.Errorf("%s: %d commands, want %d", tg, len(cmds), len(menu))
		}
		if code != "en" && cmds["schedule"] == h.api.Commands("default", "en")["schedule"] {
			t.Errorf("%s menu is in English: %v", tg, cmds)
		}
		if h.api.Description("setMyDescription", tg) == "" || h.api.Description("setMyShortDescription", tg) == "" {
			t.Errorf("%s: no description", tg)
		}
	}
	if len(h.api.Commands("default", "")) != len(menu) {
		t.Error("no menu for other languages")
	}
}

func TestUnknownCommandAndFreeText(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	u := h.user("ko")
	if got := only(t, h.say(u, "/frobnicate")).Text; !strings.Contains(got, "/help") {
		t.Errorf("unknown command:\n%s", got)
	}
	got := only(t, h.say(u, "세종 가는 버스 몇 시?")).Text
	if !strings.Contains(got, "/schedule") {
		t.Errorf("free text should point to the commands:\n%s", got)
	}
	if got := only(t, h.say(u, "/schedule@delegate_desk_bot")).Text; !strings.Contains(got, "5월") {
		t.Errorf("command with the bot's name:\n%s", got)
	}
}

func TestNoProgrammeYet(t *testing.T) {
	h := newHarness(t, at(6, 9, 0), withStore(func(s Store) Store { return emptyStore{s} }))
	u := h.user("en")
	if got := only(t, h.say(u, "/schedule")).Text; !strings.Contains(got, "not been loaded") {
		t.Errorf("schedule without a programme:\n%s", got)
	}
	if got := only(t, h.say(u, "/start")).Text; !strings.Contains(got, "not been loaded") {
		t.Errorf("start without a programme:\n%s", got)
	}
}

// emptyStore is a store in which no event was ever imported.
type emptyStore struct{ Store }

func (emptyStore) DefaultEvent(context.Context) (int64, error) { return 0, store.ErrNotFound }
