package bot

import (
	"strings"
	"testing"
)

func TestMaterials(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	u := h.user("en")
	root := only(t, h.say(u, "/materials"))
	for _, want := range []string{"General (1)", "Mon 6 May (1)", "Tue 7 May (2)"} {
		if _, ok := findButton(root, want); !ok {
			t.Errorf("no %q in %v", want, root.Buttons)
		}
	}
	_, msgs := h.press(u, root, "Tue 7 May")
	day := only(t, msgs)
	if !strings.Contains(day.Text, "10:00 KST Cybersecurity in public services") {
		t.Errorf("materials of day 2:\n%s", day.Text)
	}
	if b, _ := findButton(day, "Slides: cybersecurity"); b.URL != "https://files.example.org/cyber.pdf" {
		t.Errorf("a link opens directly: %+v", b)
	}
	_, msgs = h.press(u, day, "Paper: threat report")
	doc := only(t, msgs)
	if doc.Method != "sendDocument" || doc.File != "BQACAgIAAxkBAAIBZ2Zfile" || doc.Text != "Paper: threat report" {
		t.Errorf("stored file should be re-sent by file_id: %+v", doc)
	}
	_, msgs = h.press(u, day, "◀")
	_, msgs = h.press(u, only(t, msgs), "Mon 6 May")
	_, msgs = h.press(u, only(t, msgs), "Photos of day 1")
	if photo := only(t, msgs); photo.Method != "sendPhoto" || photo.File != "AgACAgIAAxkBAAIBphoto" {
		t.Errorf("photos go as a photo: %+v", photo)
	}
}
