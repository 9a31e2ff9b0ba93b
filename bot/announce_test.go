package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/localapi"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// delegates has people of the given Telegram languages start the bot,
// through their delegation's invitation link when a payload is given.
func (h *harness) delegates(payload string, langs ...string) []localapi.User {
	h.t.Helper()
	var out []localapi.User
	for _, lang := range langs {
		u := h.user(lang)
		h.say(u, strings.TrimSpace("/start "+payload))
		out = append(out, u)
	}
	return out
}

// invitation has the admin make a delegation's invitation link, and
// returns its payload.
func (h *harness) invitation(admin localapi.User, args string) string {
	h.t.Helper()
	m := only(h.t, h.say(admin, "/invite "+args))
	_, payload, ok := strings.Cut(m.Text, "?start=")
	if !ok {
		h.t.Fatalf("no link in %q", m.Text)
	}
	return strings.TrimSpace(payload)
}

// last returns the newest message of msgs whose text contains text.
func last(t *testing.T, msgs []localapi.Message, text string) localapi.Message {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(msgs[i].Text, text) {
			return msgs[i]
		}
	}
	t.Fatalf("no message with %q among %d: %+v", text, len(msgs), msgs)
	return localapi.Message{}
}

// awaitEdit waits until the message id of chat contains text.
func (h *harness) awaitEdit(chatID int64, id int, text string) localapi.Message {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		for _, m := range h.api.Messages(chatID) {
			if m.ID == id && strings.Contains(m.Text, text) {
				return m
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("message %d of chat %d never showed %q", id, chatID, text)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// send previews a draft from its card and presses Send, and returns the
// progress message.
func (h *harness) send(admin localapi.User, card localapi.Message) localapi.Message {
	h.t.Helper()
	_, msgs := h.press(admin, card, "Preview")
	_, msgs = h.press(admin, msgs[len(msgs)-1], "Send")
	return only(h.t, msgs)
}

// compose writes a draft with an English text (made bold in the app) and
// a Russian version, and returns the draft card.
func compose(t *testing.T, h *harness, admin localapi.User) localapi.Message {
	t.Helper()
	prompt := only(t, h.say(admin, "/announce"))
	if !strings.Contains(prompt.Text, "in English") {
		t.Fatalf("prompt: %s", prompt.Text)
	}
	text := "Bus leaves at 10:00 from Gate 2"
	card := only(t, h.do(admin.ID, func() int64 {
		return h.api.SendFormatted(admin, text, localapi.Entity{Type: "bold", Offset: 0, Length: 3},
			localapi.Entity{Type: "text_link", Offset: 25, Length: 6, URL: "https://example.org/gate?a=1&b=2"})
	}))
	if !strings.Contains(card.Text, "Draft announcement") || !strings.Contains(card.Text, "Versions: English") {
		t.Fatalf("card: %s", card.Text)
	}
	_, msgs := h.press(admin, card, "Language")
	picker := only(t, msgs)
	_, msgs = h.press(admin, picker, "Русский")
	if !strings.Contains(only(t, msgs).Text, "in Русский") {
		t.Fatalf("Russian prompt: %s", msgs[0].Text)
	}
	card = only(t, h.say(admin, "<b>Автобус</b> отправляется в 10:00 от выхода 2"))
	if !strings.Contains(card.Text, "Versions: English, Русский") {
		t.Fatalf("card: %s", card.Text)
	}
	return card
}

func TestAnnounceComposePreviewSendReport(t *testing.T) {
	h, admin := adminHarness(t)
	h.say(admin, "/start")
	ds := h.delegates("", "ru", "ka", "en", "ky")
	h.api.Block(ds[3].ID) // blocked the bot since /start
	card := compose(t, h, admin)
	if !strings.Contains(card.Text, "everyone — 5 recipients") {
		t.Errorf("card counts everyone: %s", card.Text)
	}

	_, msgs := h.press(admin, card, "Preview")
	// Who reads which version, each copy as its readers get it, then the
	// question.
	if len(msgs) != 4 {
		t.Fatalf("preview: %d messages: %+v", len(msgs), msgs)
	}
	if !strings.Contains(msgs[0].Text, "• English: 4 recipients\n• Русский: 1 recipient") {
		t.Errorf("preview head: %q", msgs[0].Text)
	}
	wantEN := `<b>Bus</b> leaves at 10:00 from <a href="https://example.org/gate?a=1&amp;b=2">Gate 2</a>`
	if msgs[1].HTML != wantEN {
		t.Errorf("English copy:\n%s\nwant\n%s", msgs[1].HTML, wantEN)
	}
	if msgs[2].HTML != "<b>Автобус</b> отправляется в 10:00 от выхода 2" {
		t.Errorf("Russian copy: %s", msgs[2].HTML)
	}
	confirm := msgs[3]
	if !strings.Contains(confirm.Text, "Send to 5 recipients now?") {
		t.Errorf("confirm: %s", confirm.Text)
	}
	for _, d := range ds {
		if n := len(h.api.Messages(d.ID)); n != 1 { // the /start greeting only
			t.Fatalf("delegate %d got %d messages before Send", d.ID, n)
		}
	}

	_, msgs = h.press(admin, confirm, "Send")
	progress := only(t, msgs)
	if progress.ID != confirm.ID || !strings.Contains(progress.Text, "Announcement #1") {
		t.Errorf("progress replaces the question: %+v", progress)
	}
	ru := h.await(ds[0].ID, "Автобус")
	en := h.await(ds[2].ID, "Bus leaves")
	ka := h.await(ds[1].ID, "Bus leaves") // no Georgian version: English (Kyrgyz too)
	if ru.HTML != "<b>Автобус</b> отправляется в 10:00 от выхода 2" || en.HTML != wantEN || ka.HTML != wantEN {
		t.Errorf("copies: ru %q, en %q, ka %q", ru.HTML, en.HTML, ka.HTML)
	}
	final := h.awaitEdit(admin.ID, progress.ID, "· sent")
	for _, want := range []string{"Sent: 4 · Blocked: 1 · Failed: 0 · Remaining: 0", "Took"} {
		if !strings.Contains(final.Text, want) {
			t.Errorf("final report lacks %q:\n%s", want, final.Text)
		}
	}
	for _, b := range []string{"Correct", "Withdraw"} {
		if _, ok := findButton(final, b); !ok {
			t.Errorf("final report lacks %s: %v", b, final.Buttons)
		}
	}
	// A second Send on the old question sends nothing twice.
	cb, _ := h.press(admin, confirm, "Send")
	if !strings.Contains(cb.Text, "out of date") {
		t.Errorf("second Send: %q", cb.Text)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(h.api.Messages(ds[0].ID)); n != 2 {
		t.Errorf("delegate got %d messages, want the greeting and one copy", n)
	}

	list := only(t, h.say(admin, "/announcements"))
	if !strings.Contains(list.Text, "#1 · sent") || !strings.Contains(list.Text, "4/5") || !strings.Contains(list.Text, "Bus leaves at 10:00") {
		t.Errorf("list:\n%s", list.Text)
	}
}

func TestAnnounceRefusesWhatTelegramWould(t *testing.T) {
	h, admin := adminHarness(t)
	h.delegates("", "en")
	h.say(admin, "/announce")
	// Typed HTML that does not close: the author is told, the draft keeps
	// asking.
	got := only(t, h.say(admin, "<b>Bus at 10"))
	if !strings.Contains(got.Text, "Telegram would refuse") || !strings.Contains(got.Text, "English") {
		t.Errorf("broken HTML: %s", got.Text)
	}
	got = only(t, h.say(admin, "Bus < 10 min away"))
	if !strings.Contains(got.Text, "HTML cannot be read") {
		t.Errorf("bare <: %s", got.Text)
	}
	card := only(t, h.say(admin, "Bus &lt; 10 min away"))
	if !strings.Contains(card.Text, "Versions: English") {
		t.Fatalf("card: %s", card.Text)
	}
	// A file makes the text a caption: 1,024 characters at most.
	_, msgs := h.press(admin, card, "Language")
	_, _ = h.press(admin, only(t, msgs), "Русский")
	card = only(t, h.say(admin, strings.Repeat("Автобус ", 150)))
	_, msgs = h.press(admin, card, "File")
	if !strings.Contains(only(t, msgs).Text, "photo or document") {
		t.Fatalf("file prompt: %s", msgs[0].Text)
	}
	if got := only(t, h.say(admin, "here")); !strings.Contains(got.Text, "Send a photo or a document") {
		t.Errorf("text instead of a file: %s", got.Text)
	}
	card = only(t, h.do(admin.ID, func() int64 { return h.api.SendDocument(admin, "map.pdf", []byte("%PDF-1.4")) }))
	if !strings.Contains(card.Text, "File: document") {
		t.Fatalf("card: %s", card.Text)
	}
	_, msgs = h.press(admin, card, "Preview")
	problem := only(t, msgs)
	if !strings.Contains(problem.Text, "Русский: 1200 characters, at most 1024") {
		t.Errorf("long caption: %s", problem.Text)
	}
	if _, ok := findButton(problem, "Send"); ok {
		t.Error("Send offered for what Telegram would refuse")
	}
	// Without the file the long text is fine.
	_, msgs = h.press(admin, problem, "Back to draft")
	_, msgs = h.press(admin, only(t, msgs), "Remove file")
	_, msgs = h.press(admin, only(t, msgs), "Preview")
	if _, ok := findButton(msgs[len(msgs)-1], "Send"); !ok {
		t.Errorf("no Send after the fix: %+v", msgs[len(msgs)-1])
	}
}

func TestAnnounceAudienceByCountryAndSchedule(t *testing.T) {
	h, admin := adminHarness(t)
	kz := h.delegates(h.invitation(admin, "KZ A"), "ru", "kk")
	kg := h.delegates(h.invitation(admin, "KG B"), "ky")
	h.say(admin, "/announce")
	card := only(t, h.say(admin, "Delegation meeting at 18:00"))
	_, msgs := h.press(admin, card, "Audience")
	menu := only(t, msgs)
	for _, want := range []string{"everyone (4)", "KZ (2)", "KG (1)", "A (2)", "Русский (1)", "Қазақша"} {
		if _, ok := findButton(menu, want); !ok {
			t.Errorf("audience menu lacks %q: %v", want, menu.Buttons)
		}
	}
	_, msgs = h.press(admin, menu, "KZ (2)")
	card = only(t, msgs)
	if !strings.Contains(card.Text, "country KZ — 2 recipients") {
		t.Errorf("card: %s", card.Text)
	}
	_, msgs = h.press(admin, card, "Time")
	if got := only(t, h.say(admin, "yesterday")); !strings.Contains(got.Text, "cannot read") {
		t.Errorf("bad time: %s", got.Text)
	}
	if got := only(t, h.say(admin, "06.05 08:00")); !strings.Contains(got.Text, "passed") {
		t.Errorf("past time: %s", got.Text)
	}
	card = only(t, h.say(admin, "18:00"))
	if !strings.Contains(card.Text, "Sends: Mon 6 May 18:00 KST") {
		t.Errorf("card: %s", card.Text)
	}
	_, msgs = h.press(admin, card, "Preview")
	confirm := msgs[len(msgs)-1]
	if !strings.Contains(confirm.Text, "Send to 2 recipients on Mon 6 May 18:00 KST?") {
		t.Errorf("confirm: %s", confirm.Text)
	}
	_, msgs = h.press(admin, confirm, "Send")
	status := only(t, msgs)
	if !strings.Contains(status.Text, "waiting") || !strings.Contains(status.Text, "Goes on Mon 6 May 18:00 KST") {
		t.Errorf("scheduled status: %s", status.Text)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(h.api.Messages(kz[0].ID)); n != 1 {
		t.Fatalf("sent %d before its time", n-1)
	}
	h.setClock(at(6, 18, 0))
	h.await(kz[0].ID, "Delegation meeting")
	h.await(kz[1].ID, "Delegation meeting")
	h.awaitEdit(admin.ID, status.ID, "· sent")
	if n := len(h.api.Messages(kg[0].ID)); n != 1 {
		t.Errorf("KG delegate got the KZ announcement")
	}
}

func TestAnnounceStopBeforeItsTime(t *testing.T) {
	h, admin := adminHarness(t)
	ds := h.delegates("", "en")
	h.say(admin, "/announce")
	card := only(t, h.say(admin, "Dinner moved to 20:00"))
	h.press(admin, card, "Time")
	card = only(t, h.say(admin, "19:00"))
	_, msgs := h.press(admin, h.send(admin, card), "Stop sending")
	if !strings.Contains(only(t, msgs).Text, "stopped") {
		t.Errorf("stopped: %s", msgs[0].Text)
	}
	h.setClock(at(6, 19, 30))
	time.Sleep(200 * time.Millisecond)
	if n := len(h.api.Messages(ds[0].ID)); n != 1 {
		t.Errorf("a stopped announcement was sent")
	}
}

func TestAnnounceCorrectAndWithdraw(t *testing.T) {
	h, admin := adminHarness(t)
	ds := h.delegates("", "ru", "en")
	card := compose(t, h, admin)
	progress := h.send(admin, card)
	ru := h.await(ds[0].ID, "Автобус")
	en := h.await(ds[1].ID, "Bus leaves")
	final := h.awaitEdit(admin.ID, progress.ID, "· sent")

	_, msgs := h.press(admin, final, "Correct")
	_, msgs = h.press(admin, only(t, msgs), "Русский")
	if !strings.Contains(only(t, msgs).Text, "corrected text in Русский") {
		t.Fatalf("fix prompt: %s", msgs[0].Text)
	}
	msgs = h.say(admin, "<b>Автобус</b> отправляется в 10:30 от выхода 3")
	if len(msgs) != 3 || msgs[1].HTML != "<b>Автобус</b> отправляется в 10:30 от выхода 3" {
		t.Fatalf("correction preview: %+v", msgs)
	}
	h.press(admin, msgs[2], "Send")
	h.await(admin.ID, "Correction of announcement #1 done: 1 edited")
	for _, m := range h.api.Messages(ds[0].ID) {
		if m.ID == ru.ID && (!m.Edited || !strings.Contains(m.Text, "10:30 от выхода 3")) {
			t.Errorf("Russian copy not corrected: %+v", m)
		}
	}
	for _, m := range h.api.Messages(ds[1].ID) {
		if m.ID == en.ID && m.Edited {
			t.Errorf("English copy edited by a Russian correction")
		}
	}

	status := only(t, h.say(admin, "/announcements"))
	_, msgs = h.press(admin, status, "#1")
	_, msgs = h.press(admin, only(t, msgs), "Withdraw")
	ask := only(t, msgs)
	if !strings.Contains(ask.Text, "from 3 chats?") { // the admin's own copy too
		t.Errorf("withdraw question: %s", ask.Text)
	}
	h.press(admin, ask, "Withdraw")
	h.await(admin.ID, "withdrawn: 3 deleted")
	for _, d := range ds {
		for _, m := range h.api.Messages(d.ID) {
			if (m.ID == ru.ID && d.ID == ds[0].ID || m.ID == en.ID && d.ID == ds[1].ID) && !m.Deleted {
				t.Errorf("copy in chat %d not deleted", d.ID)
			}
		}
	}
}

// TestAnnounceOnlyForStaff: delegates cannot press an announcement's
// buttons, nor another organiser's draft.
func TestAnnounceOnlyForStaff(t *testing.T) {
	h, admin := adminHarness(t)
	ds := h.delegates("", "en")
	card := compose(t, h, admin)
	for _, forged := range []string{"ann:1:send", "ann:1:prev", "anl:1:add:ru", "ana:1:a:-", "anf:1:ru", "ann:1:x", "ann:99:show"} {
		cb, _ := h.pressData(ds[0], card, forged)
		if !strings.Contains(cb.Text, "out of date") {
			t.Errorf("delegate pressing %s: %q", forged, cb.Text)
		}
	}
	organiser := h.user("en")
	h.say(admin, "/grant "+id64(organiser.ID)+" organiser")
	if cb, _ := h.pressData(organiser, card, "ann:1:prev"); !strings.Contains(cb.Text, "out of date") {
		t.Errorf("another organiser previewed the draft: %q", cb.Text)
	}
	if a, _ := h.store.Announcement(context.Background(), 1); a.State != store.AnnDraft {
		t.Errorf("draft became %s", a.State)
	}
	if n := len(h.api.Messages(ds[0].ID)); n != 1 {
		t.Errorf("delegate got %d messages", n)
	}
}

func TestDelegateCommand(t *testing.T) {
	h, admin := adminHarness(t)
	d := h.delegates("", "uz")[0]
	for _, bad := range []string{"", "abc KZ", id64(d.ID) + " Kazakhstan", id64(d.ID) + " KZ a/b"} {
		if got := only(t, h.say(admin, "/delegate "+bad)); !strings.Contains(got.Text, "Send /delegate") {
			t.Errorf("/delegate %s: %s", bad, got.Text)
		}
	}
	if got := only(t, h.say(admin, "/delegate 999 KZ")); !strings.Contains(got.Text, "has not written") {
		t.Errorf("unknown: %s", got.Text)
	}
	if got := only(t, h.say(admin, "/delegate "+id64(d.ID)+" uz B")); !strings.Contains(got.Text, "country UZ, group B") {
		t.Errorf("set: %s", got.Text)
	}
	p, _ := h.store.Participant(context.Background(), d.ID)
	if p.Country != "UZ" || p.Group != "B" {
		t.Errorf("participant %+v", p)
	}
}

// TestAnnounceSendOnlyWhatWasPreviewed: a Send pressed after the draft
// changed on another card sends nothing.
func TestAnnounceSendOnlyWhatWasPreviewed(t *testing.T) {
	h, admin := adminHarness(t)
	ds := h.delegates("", "en", "ru")
	h.say(admin, "/announce")
	card := only(t, h.say(admin, "Dinner at 19:00"))
	_, msgs := h.press(admin, card, "Preview")
	confirm := msgs[len(msgs)-1]
	_, msgs = h.press(admin, card, "Audience")
	h.press(admin, only(t, msgs), "Русский")
	if cb, _ := h.press(admin, confirm, "Send"); !strings.Contains(cb.Text, "out of date") {
		t.Errorf("Send of an older preview: %q", cb.Text)
	}
	time.Sleep(100 * time.Millisecond)
	for _, d := range ds {
		if n := len(h.api.Messages(d.ID)); n != 1 {
			t.Errorf("delegate %d got what was not previewed", d.ID)
		}
	}
	if a, _ := h.store.Announcement(context.Background(), 1); a.State != store.AnnDraft {
		t.Errorf("draft became %s", a.State)
	}
}

// TestAnnouncePauseResume: a running announcement paused goes no further
// until resumed, then reaches everyone once.
func TestAnnouncePauseResume(t *testing.T) {
	h, admin := adminHarness(t)
	ds := h.delegates("", "en", "ru", "ko")
	for _, d := range ds {
		h.api.Throttle(d.ID, 1) // Telegram pushes back: sending takes a while
	}
	h.say(admin, "/announce")
	card := only(t, h.say(admin, "Lunch moved to 13:00"))
	sending := h.awaitEdit(admin.ID, h.send(admin, card).ID, "· sending")
	_, msgs := h.press(admin, sending, "Pause")
	paused := only(t, msgs)
	if !strings.Contains(paused.Text, "· paused") {
		t.Fatalf("pause: %s", paused.Text)
	}
	time.Sleep(2 * time.Second) // past the 429's retry_after
	for _, d := range ds {
		if n := len(h.api.Messages(d.ID)); n != 1 {
			t.Errorf("delegate %d got a paused announcement", d.ID)
		}
	}
	h.press(admin, paused, "Resume")
	for _, d := range ds {
		h.await(d.ID, "Lunch moved")
	}
	final := h.awaitEdit(admin.ID, paused.ID, "· sent")
	if !strings.Contains(final.Text, "Sent: 4") {
		t.Errorf("final: %s", final.Text)
	}
}

// TestAnnounceCancelCorrection: Cancel on a correction's prompt means the
// next message is a question again, not a correction.
func TestAnnounceCancelCorrection(t *testing.T) {
	h, admin := adminHarness(t)
	h.delegates("", "en")
	h.say(admin, "/announce")
	card := only(t, h.say(admin, "Bus at 10"))
	final := h.awaitEdit(admin.ID, h.send(admin, card).ID, "· sent")
	_, msgs := h.press(admin, final, "Correct")
	prompt := only(t, msgs)
	if prompt.ID == final.ID {
		t.Error("the prompt replaced the progress message")
	}
	h.press(admin, prompt, "Cancel")
	got := h.say(admin, "where is the bus?")
	for _, m := range got {
		if _, ok := findButton(m, "Send"); ok {
			t.Fatalf("a question became a correction: %s", m.Text)
		}
	}
}

// TestAnnounceWithFile: a document goes with its caption; a correction
// edits the caption of every copy.
func TestAnnounceWithFile(t *testing.T) {
	h, admin := adminHarness(t)
	d := h.delegates("", "en")[0]
	h.say(admin, "/announce")
	card := only(t, h.do(admin.ID, func() int64 {
		return h.api.SendCaptioned(admin, "map.pdf", []byte("%PDF-1.4"), "Map of the Sejong complex")
	}))
	if !strings.Contains(card.Text, "File: document") || !strings.Contains(card.Text, "Versions: English") {
		t.Fatalf("card: %s", card.Text)
	}
	_, msgs := h.press(admin, card, "Preview")
	if msgs[1].Method != "sendDocument" || msgs[1].Text != "Map of the Sejong complex" {
		t.Errorf("preview copy: %+v", msgs[1])
	}
	_, msgs = h.press(admin, msgs[len(msgs)-1], "Send")
	progress := only(t, msgs)
	got := h.await(d.ID, "Map of the Sejong complex")
	if got.Method != "sendDocument" || got.File == "" {
		t.Errorf("copy: %+v", got)
	}
	final := h.awaitEdit(admin.ID, progress.ID, "· sent")
	_, msgs = h.press(admin, final, "Correct")
	msgs = h.say(admin, "Map of the Sejong complex (new entrance: Gate 3)")
	h.press(admin, msgs[len(msgs)-1], "Send")
	h.await(d.ID, "Gate 3")
	for _, m := range h.api.Messages(d.ID) {
		if m.ID == got.ID && (!m.Edited || m.File != got.File) {
			t.Errorf("caption not corrected in place: %+v", m)
		}
	}
}

// TestAnnouncePaidBroadcast: in paid mode the copies to delegates are paid
// broadcasts; the author's preview is not.
func TestAnnouncePaidBroadcast(t *testing.T) {
	h := newHarness(t, at(6, 9, 0), withAdmins(adminID), withPaidBroadcast())
	admin := h.user("en")
	admin.ID = adminID
	d := h.delegates("", "en")[0]
	h.say(admin, "/announce")
	card := only(t, h.say(admin, "Bus at 10"))
	_, msgs := h.press(admin, card, "Preview")
	if msgs[1].Paid {
		t.Error("the preview was a paid broadcast")
	}
	h.press(admin, msgs[len(msgs)-1], "Send")
	if got := h.await(d.ID, "Bus at 10"); !got.Paid {
		t.Error("the copy was not sent with allow_paid_broadcast")
	}
}

// TestInvitationMustBeSigned: a delegate who makes up an invitation
// follows the event but joins no delegation.
func TestInvitationMustBeSigned(t *testing.T) {
	h, admin := adminHarness(t)
	real := h.invitation(admin, "KZ A")
	if !strings.HasPrefix(real, "test-visit_KZ_A_") {
		t.Fatalf("payload %q", real)
	}
	forged := h.delegates("test-visit_KZ_A_forgedsig123", "ru")[0]
	invited := h.delegates(real, "kk")[0]
	ctx := context.Background()
	if p, _ := h.store.Participant(ctx, forged.ID); p.Country != "" || p.EventID == 0 {
		t.Errorf("forged invitation: %+v", p)
	}
	if p, _ := h.store.Participant(ctx, invited.ID); p.Country != "KZ" || p.Group != "A" {
		t.Errorf("invitation: %+v", p)
	}
	if got := only(t, h.say(admin, "/invite Kazakhstan")); !strings.Contains(got.Text, "Send /invite") {
		t.Errorf("bad /invite: %s", got.Text)
	}
}
