package bot

import (
	"strings"
	"testing"
	"time"
)

func TestEditSession(t *testing.T) {
	h, admin := adminHarness(t)
	got := only(t, h.say(admin, "/move d2-cyber 10:30"))
	for _, want := range []string{"Changed", "Cybersecurity in public services", "Tue 7 May, 10:30–12:00 KST"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("edit result lacks %q:\n%s", want, got.Text)
		}
	}
	if _, ok := findButton(got, "Undo"); !ok {
		t.Error("no Undo")
	}
	// The admin follows the event too.
	if _, ok := findButton(got, "Tell 1 delegate"); !ok {
		t.Errorf("no notice offer: %v", got.Buttons)
	}
	tests := []struct{ cmd, want string }{
		{"/move nope 10:30", "There is no session “nope”"},
		{"/move d2-cyber 25:99", "is not a time"},
		{"/move d2-cyber", "Usage: /move session HH:MM"},
		{"/settime d2-cyber 11:00 10:00", "end must be after the start"},
		{"/move d2-cyber 2030-06-01 10:00", "outside the event"},
		{"/move d2-cyber 14:30", "hosts “Data centre visit”"},
		{"/setvenue d2-cyber mars", "There is no venue “mars”"},
		{"/settitle d2-cyber xx Title", "not a supported language"},
	}
	for _, tt := range tests {
		if got := only(t, h.say(admin, tt.cmd)).Text; !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s", tt.cmd, got)
		}
	}
	// None of those changed anything.
	h.setClock(at(7, 9, 0))
	if got := only(t, h.say(h.user("en"), "/schedule")).Text; !strings.Contains(got, "10:30–12:00 KST  🎤 Cybersecurity") {
		t.Errorf("schedule after the edits:\n%s", got)
	}
	only(t, h.say(admin, "/settitle d2-cyber ru Кибербезопасность: новое название"))
	if got := only(t, h.say(h.user("ru"), "/schedule")).Text; !strings.Contains(got, "Кибербезопасность: новое название") {
		t.Errorf("title:\n%s", got)
	}
	only(t, h.say(admin, "/cancel d2-visit-a"))
	if got := only(t, h.say(h.user("en"), "/schedule")).Text; !strings.Contains(got, "Smart city visit</s>") && !strings.Contains(got, "Smart city visit · ❌ Cancelled") {
		t.Errorf("cancelled session:\n%s", got)
	}
	if got := only(t, h.say(h.user("en"), "/delete d2-visit-a")).Text; !strings.Contains(got, "don't know that command") {
		t.Errorf("a delegate deleted: %s", got)
	}
	only(t, h.say(admin, "/delete d2-visit-a"))
	if got := only(t, h.say(h.user("en"), "/schedule")).Text; strings.Contains(got, "Smart city visit") {
		t.Errorf("deleted session still shown:\n%s", got)
	}
}

func TestChangeNotices(t *testing.T) {
	h, admin := adminHarness(t)
	ru, ko, gone := h.user("ru"), h.user("ko"), h.user("en")
	h.say(ru, "/start")
	h.say(ko, "/start")
	h.say(gone, "/start")
	h.api.Block(gone.ID)
	// Telegram pushes back once: the notice waits and goes, not lost.
	h.api.Throttle(ko.ID, 1)

	edit := only(t, h.say(admin, "/move d2-cyber 10:30"))
	// Three delegates and the admin follow the event.
	if _, ok := findButton(edit, "Tell 4 delegates"); !ok {
		t.Fatalf("notice offer: %v", edit.Buttons)
	}
	h.press(admin, edit, "Tell 4")
	// The one who blocked the bot is skipped; the one behind a 429 is not.
	h.await(admin.ID, "Notice sent to 3 delegates")
	if got := h.await(ru.ID, "Кибербезопасность в госуслугах").Text; !strings.Contains(got, "10:30–12:00 KST") {
		t.Errorf("Russian notice: %s", got)
	}
	h.await(ko.ID, "공공 서비스의 사이버보안")
	// The chat that blocked the bot is left out of the next notice.
	edit = only(t, h.say(admin, "/move d2-cyber 11:00"))
	if _, ok := findButton(edit, "Tell 3 delegates"); !ok {
		t.Errorf("after a delegate blocked the bot: %v", edit.Buttons)
	}
	// A typo fix: no notice.
	before := len(h.api.Messages(ru.ID))
	edit = only(t, h.say(admin, "/move d2-cyber 10:35"))
	h.press(admin, edit, "No notice")
	if len(h.api.Messages(ru.ID)) != before {
		t.Error("a skipped notice was sent")
	}
}

// TestNoticesMerge: edits of one session within the delay make one notice,
// from the first time to the last.
func TestNoticesMerge(t *testing.T) {
	h := newHarness(t, at(6, 9, 0), withAdmins(adminID), withNoticeDelay(time.Second))
	admin := h.user("en")
	admin.ID = adminID
	u := h.user("en")
	h.say(u, "/start")
	base := len(h.api.Messages(u.ID))
	for _, to := range []string{"10:30", "11:00"} {
		edit := only(t, h.say(admin, "/move d2-cyber "+to))
		h.press(admin, edit, "Tell")
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(h.api.Messages(u.ID)) == base && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a second notice would come by now
	msgs := h.api.Messages(u.ID)[base:]
	if len(msgs) != 1 {
		t.Fatalf("%d notices, want 1: %+v", len(msgs), msgs)
	}
	if got := msgs[0].Text; !strings.Contains(got, "10:00–11:30 KST") || !strings.Contains(got, "11:00–12:30 KST") {
		t.Errorf("merged notice: %s", got)
	}
}

// TestNoticeOnceAndCurrent: a notice goes once per change, and not at all
// when the change was undone meanwhile.
func TestNoticeOnceAndCurrent(t *testing.T) {
	h, admin := adminHarness(t)
	u := h.user("en")
	h.say(u, "/start")
	base := len(h.api.Messages(u.ID))
	edit := only(t, h.say(admin, "/move d2-cyber 10:30"))
	h.press(admin, edit, "Tell")
	h.await(admin.ID, "Notice sent to 2 delegates")
	if cb, _ := h.press(admin, edit, "Tell"); !strings.Contains(cb.Text, "out of date") {
		t.Errorf("second press: %+v", cb)
	}
	if n := len(h.api.Messages(u.ID)) - base; n != 1 {
		t.Errorf("%d notices, want 1", n)
	}
	edit = only(t, h.say(admin, "/move d2-cyber 11:00"))
	_, msgs := h.press(admin, edit, "Undo")
	if got := only(t, msgs); !strings.Contains(got.Text, "undone") {
		t.Fatalf("undo: %s", got.Text)
	}
	h.press(admin, edit, "Tell")
	// Notices go out in order: once the next one has arrived, an undone
	// move would have too.
	edit = only(t, h.say(admin, "/move d2-cyber 09:30"))
	h.press(admin, edit, "Tell")
	h.await(u.ID, "09:30–11:00 KST")
	if n := len(h.api.Messages(u.ID)) - base; n != 2 {
		t.Errorf("an undone move was announced: %d notices, want 2", n)
	}
	// The admin follows the event too: their own copy and the count come
	// in their own time; let them arrive before the next command.
	h.await(admin.ID, "09:30–11:00 KST")
	for deadline := time.Now().Add(time.Minute); h.count(admin.ID, "Notice sent") < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second notice's count never came")
		}
	}
	if got := only(t, h.say(admin, "/move d2-cyber 09:30")).Text; !strings.Contains(got, "Nothing to change") {
		t.Errorf("a move to where it is: %s", got)
	}
}

// TestUndoKeepsVenuesFree: an undo that would put two sessions in one
// venue at once is refused, like the edit would be.
func TestUndoKeepsVenuesFree(t *testing.T) {
	h, admin := adminHarness(t)
	first := only(t, h.say(admin, "/move d2-visit-b 16:00"))
	only(t, h.say(admin, "/move d2-cyber 14:00"))
	_, msgs := h.press(admin, first, "Undo")
	if got := only(t, msgs).Text; !strings.Contains(got, "at the same time as session “d2-cyber”") {
		t.Errorf("undo into an overlap: %s", got)
	}
}
