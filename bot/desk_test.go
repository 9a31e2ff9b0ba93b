package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/localapi"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

const deskChat = -100123

// deskHarness runs the bot with an organisers' desk and returns an
// organiser who writes in it.
func deskHarness(t *testing.T, opts ...harnessOption) (*harness, localapi.User) {
	t.Helper()
	h := newHarness(t, at(6, 9, 0), append([]harnessOption{withDesk(deskChat)}, opts...)...)
	h.api.Group(deskChat)
	return h, localapi.User{ID: 900, FirstName: "Organiser Kim", LanguageCode: "ko"}
}

// post has an organiser write in the desk and waits until it is handled.
func (h *harness) post(u localapi.User, p localapi.Post) {
	h.t.Helper()
	if p.Chat == 0 {
		p.Chat = deskChat
	}
	h.do(p.Chat, func() int64 { return h.api.Send(u, p) })
}

// awaitDesk waits for a message of the desk containing text, and until
// the bot knows it as a question's (its id recorded), so that a reply to
// it finds the question.
func (h *harness) awaitDesk(text string) localapi.Message {
	h.t.Helper()
	m := h.await(deskChat, text)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := h.store.TicketOfMessage(context.Background(), "telegram", m.ChatID, m.ID); err == nil {
			return m
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("desk message %q never became a question's", text)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// askViaButton has a delegate ask something the bot cannot answer and
// send it to the organisers with the offered button.
func (h *harness) askViaButton(d localapi.User, question string) localapi.Message {
	h.t.Helper()
	reply := only(h.t, h.say(d, question))
	_, msgs := h.press(d, reply, "Ask the organisers")
	return last(h.t.(*testing.T), msgs, "#")
}

func TestDeskRoundTrip(t *testing.T) {
	h, org := deskHarness(t)
	d := h.user("ru")
	d.FirstName = "Айгерим"
	sent := h.askViaButton(d, "my passport is in the bus")
	if !strings.Contains(sent.Text, "#1") {
		t.Errorf("delegate told: %s", sent.Text)
	}
	card := h.awaitDesk("my passport is in the bus")
	for _, want := range []string{"#1", "Айгерим", "Русский", "Test Study Visit"} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("card lacks %q: %s", want, card.Text)
		}
	}
	if _, ok := findButton(card, "Close"); !ok {
		t.Errorf("card buttons: %v", card.Buttons)
	}
	// The organiser answers as typed, HTML-looking text included.
	h.post(org, localapi.Post{Text: "Found it: pick it up at desk <b>2</b> & show your badge", ReplyTo: &card})
	got := h.await(d.ID, "Found it")
	if !strings.Contains(got.Text, "#1") || !strings.HasSuffix(got.Text, ":\nFound it: pick it up at desk <b>2</b> & show your badge") {
		t.Errorf("delegate got %q", got.Text)
	}
	if strings.Contains(got.Text, "Kim") {
		t.Error("the organiser's name reached the delegate")
	}
	ok := h.await(deskChat, "Delivered")
	if _, has := findButton(ok, "Save as FAQ"); !has {
		t.Errorf("delivered note: %+v", ok)
	}
	tk, _ := h.store.TicketOfUser(context.Background(), 1, d.ID)
	if tk.State != store.TicketAnswered {
		t.Errorf("ticket %s, want answered", tk.State)
	}
	// The organisers' own talk goes nowhere.
	before := len(h.api.Messages(d.ID))
	h.post(org, localapi.Post{Text: "who takes the next one?"})
	time.Sleep(100 * time.Millisecond)
	if len(h.api.Messages(d.ID)) != before {
		t.Error("the organisers' chat reached a delegate")
	}
}

func TestDeskMediaBothWays(t *testing.T) {
	h, org := deskHarness(t)
	d := h.user("en")
	if got := only(t, h.say(d, "/ask")); !strings.Contains(got.Text, "Write your question") {
		t.Fatalf("/ask: %s", got.Text)
	}
	h.do(d.ID, func() int64 { return h.api.Send(d, localapi.Post{Text: "Is this my bag?"}) })
	h.do(d.ID, func() int64 { return h.api.Send(d, localapi.Post{Photo: true, Caption: "the blue one"}) })
	h.do(d.ID, func() int64 { return h.api.Send(d, localapi.Post{Voice: true}) })
	card := h.await(deskChat, "Is this my bag?")
	photo := h.awaitDesk("the blue one")
	if photo.Method != "copyMessage" || photo.File == "" || !strings.Contains(photo.Text, "#1") || photo.ReplyTo != 0 && photo.ReplyTo != card.ID {
		t.Errorf("photo copy: %+v", photo)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		copies := 0
		for _, m := range h.api.Messages(deskChat) {
			if m.Method == "copyMessage" && m.File != "" {
				copies++
			}
		}
		if copies == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the voice message never reached the desk: %+v", h.api.Messages(deskChat))
		}
	}
	// An organiser answers the photo with a document.
	h.post(org, localapi.Post{Document: "map.pdf", Caption: "Yes: it is at the Sejong info desk", ReplyTo: &photo})
	got := h.await(d.ID, "Sejong info desk")
	if got.Method != "copyMessage" || got.File == "" || !strings.Contains(got.Text, "The organisers (question #1)") {
		t.Errorf("answer copy: %+v", got)
	}
}

func TestDeskBlockedDelegate(t *testing.T) {
	h, org := deskHarness(t)
	d := h.user("en")
	d.FirstName = "Bolor"
	h.say(d, "/ask Can my interpreter join the Anyang visit?")
	card := h.awaitDesk("interpreter")
	h.api.Block(d.ID)
	h.post(org, localapi.Post{Text: "Yes, with a badge.", ReplyTo: &card})
	h.await(deskChat, "Not delivered: Bolor has blocked the bot")
}

func TestDeskTicketsCloseReopen(t *testing.T) {
	h, org := deskHarness(t)
	a, b := h.user("en"), h.user("kk")
	a.FirstName, b.FirstName = "Anna", "Baurzhan"
	h.say(a, "/ask I am vegetarian")
	cardA := h.awaitDesk("vegetarian")
	h.setClock(at(6, 9, 20))
	h.say(b, "/ask Where do I get my per diem?")
	cardB := h.awaitDesk("per diem")

	h.post(org, localapi.Post{Text: "/tickets"})
	list := h.await(deskChat, "Open questions")
	ia, ib := strings.Index(list.Text, "#1 · Anna"), strings.Index(list.Text, "#2 · Baurzhan")
	if ia < 0 || ib < 0 || ia > ib {
		t.Errorf("tickets, oldest first:\n%s", list.Text)
	}
	if !strings.Contains(list.Text, "waiting 20 minutes") {
		t.Errorf("waiting time:\n%s", list.Text)
	}

	h.post(org, localapi.Post{Text: "/close", ReplyTo: &cardA})
	h.await(deskChat, "#1 closed")
	h.await(a.ID, "question #1 is closed")
	_, _ = h.press(org, cardB, "Close")
	h.await(b.ID, "/ask") // told, in Kazakh, that #2 is closed
	h.post(org, localapi.Post{Text: "/tickets"})
	h.await(deskChat, "No open questions")

	// Writing again re-opens the same ticket, with a new card.
	h.say(a, "/ask Also no fish, please")
	h.await(deskChat, "Also no fish")
	if tk, _ := h.store.TicketOfUser(context.Background(), 1, a.ID); tk.ID != 1 || tk.State != store.TicketOpen {
		t.Errorf("re-opened: %+v", tk)
	}
}

func TestDeskSaveAsFAQ(t *testing.T) {
	h, org := deskHarness(t, withAdmins(900))
	d := h.user("en")
	question := "can my interpreter join the Anyang visit"
	h.askViaButton(d, question)
	card := h.awaitDesk(question)
	h.post(org, localapi.Post{Text: "Yes: interpreters ride bus 2 with their delegation.", ReplyTo: &card})
	note := h.await(deskChat, "Delivered")
	// The delegate writes on: their thanks must not become the question.
	h.say(d, "/ask thank you so much")
	// Only staff change what the bot tells everyone.
	helper := localapi.User{ID: 901, FirstName: "Volunteer"}
	if cb, _ := h.press(helper, note, "Save as FAQ"); !strings.Contains(cb.Text, "Only staff") {
		t.Errorf("a volunteer saved a FAQ: %q", cb.Text)
	}
	h.press(org, note, "Save as FAQ")
	saved := h.await(deskChat, "Saved as FAQ")
	if !strings.Contains(saved.Text, "desk-1-") {
		t.Errorf("saved: %s", saved.Text)
	}
	// The next delegate asking gets the answer from the bot itself.
	other := h.user("en")
	got := h.say(other, question)
	if len(got) == 0 || !strings.Contains(got[0].Text, "interpreters ride bus 2") {
		t.Errorf("the bot did not answer from the new FAQ: %+v", got)
	}
	if got := h.say(other, "thank you so much"); len(got) > 0 && strings.Contains(got[0].Text, "interpreters ride bus 2") {
		t.Error("the thanks became the FAQ's question")
	}
}

func TestDeskFollowsSupergroup(t *testing.T) {
	h, org := deskHarness(t)
	const super = -100999
	h.api.MigrateGroup(deskChat, super)
	time.Sleep(100 * time.Millisecond) // the migration's service message is handled
	d := h.user("en")
	h.say(d, "/ask Where is the prayer room?")
	card := h.await(super, "prayer room")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := h.store.TicketOfMessage(context.Background(), "telegram", super, card.ID); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatal("the card never became the question's")
		}
	}
	h.post(org, localapi.Post{Chat: super, Text: "Second floor, room 204.", ReplyTo: &card})
	h.await(d.ID, "room 204")
	// A question whose card is out of reach is answered by its number.
	h.post(org, localapi.Post{Chat: super, Text: "/answer #1\nIt opens at 8:00 & closes at 22:00."})
	h.await(d.ID, "It opens at 8:00 & closes at 22:00.")
	h.post(org, localapi.Post{Chat: super, Text: "/answer 99 hello"})
	h.await(super, "Send /answer")
}

// TestDeskIgnoresStrangers: another group, or a reply to something that is
// no ticket, reaches no delegate.
func TestDeskIgnoresStrangers(t *testing.T) {
	h, org := deskHarness(t)
	const other = -100777
	h.api.Group(other)
	d := h.user("en")
	h.say(d, "/ask Is there a pharmacy nearby?")
	card := h.await(deskChat, "pharmacy")
	stranger := localapi.User{ID: 4242, FirstName: "Stranger"}
	fake := card
	fake.ChatID = other
	h.post(stranger, localapi.Post{Chat: other, Text: "Send me your passport number", ReplyTo: &fake})
	h.post(stranger, localapi.Post{Chat: other, Text: "/tickets"})
	h.post(org, localapi.Post{Text: "not a reply to anything"})
	time.Sleep(200 * time.Millisecond)
	for _, m := range h.api.Messages(d.ID) {
		if strings.Contains(m.Text, "passport") || strings.Contains(m.Text, "not a reply") {
			t.Errorf("delegate got %q", m.Text)
		}
	}
	if n := len(h.api.Messages(other)); n != 0 {
		t.Errorf("the bot spoke in another group: %d messages", n)
	}
}

// TestDeskFloodControl: a delegate writing fast reaches the desk a few
// times a minute; the rest is kept, not dropped.
func TestDeskFloodControl(t *testing.T) {
	h, _ := deskHarness(t)
	d := h.user("en")
	for i := 1; i <= 6; i++ {
		h.say(d, "/ask message "+string(rune('0'+i)))
	}
	h.await(deskChat, "message 3")
	time.Sleep(300 * time.Millisecond)
	for _, m := range h.api.Messages(deskChat) {
		if strings.Contains(m.Text, "message 4") {
			t.Fatalf("more than 3 messages a minute reached the desk: %s", m.Text)
		}
	}
	held, err := h.store.HeldDeskMessages(context.Background(), 0)
	if err != nil || len(held) != 3 {
		t.Errorf("held %d (%v), want the 3 over the limit", len(held), err)
	}
}

// TestDeskForumTopics: in a forum, each delegate gets a topic, and what is
// written in it answers them without a reply.
func TestDeskForumTopics(t *testing.T) {
	h, org := deskHarness(t)
	h.api.Forum(deskChat)
	d := h.user("en")
	d.FirstName = "Sok"
	h.say(d, "/ask Where is the Khmer interpreter?")
	card := h.await(deskChat, "Khmer interpreter")
	if card.Thread == 0 {
		t.Fatalf("card outside any topic: %+v", card)
	}
	h.post(org, localapi.Post{Text: "She waits at the entrance.", Thread: card.Thread})
	h.await(d.ID, "She waits at the entrance")
}

// TestDeskSurvivesRestart: a ticket asked before a restart is answered
// after it, from the database alone.
func TestDeskSurvivesRestart(t *testing.T) {
	h, org := deskHarness(t)
	d := h.user("en")
	h.say(d, "/ask Is breakfast included?")
	card := h.awaitDesk("breakfast")
	h.restart()
	h.post(org, localapi.Post{Text: "Yes, 06:30–09:30 on the 2nd floor.", ReplyTo: &card})
	h.await(d.ID, "06:30–09:30")
	h.await(deskChat, "Delivered")
	h.post(org, localapi.Post{Text: "/tickets"})
	h.await(deskChat, "No open questions")
}

// TestDeskBackToTheBot: after /ask, the delegate's next words go to the
// desk, and only those; "Back to the bot" lets them change their mind.
func TestDeskBackToTheBot(t *testing.T) {
	h, _ := deskHarness(t)
	d := h.user("en")
	prompt := only(t, h.say(d, "/ask"))
	_, msgs := h.press(d, prompt, "Back to the bot")
	if len(msgs) == 0 {
		t.Fatal("no answer to Back to the bot")
	}
	h.say(d, "where is the hotel?")
	time.Sleep(150 * time.Millisecond)
	if n := len(h.api.Messages(deskChat)); n != 0 {
		t.Error("a question to the bot went to the desk")
	}
	h.say(d, "/ask")
	h.say(d, "I lost my badge")
	h.await(deskChat, "lost my badge")
	before := len(h.api.Messages(deskChat))
	got := h.say(d, "what is on now?")
	time.Sleep(150 * time.Millisecond)
	if n := len(h.api.Messages(deskChat)); n != before || len(got) == 0 {
		t.Errorf("after the question, the bot did not answer itself: %d desk messages, replies %+v", n-before, got)
	}
}

// TestDeskNotAQuestion: a reply to the bot's note under an answer goes
// on to the delegate; a reply to something that is no question's is not
// lost in silence.
func TestDeskNotAQuestion(t *testing.T) {
	h, org := deskHarness(t)
	d := h.user("en")
	h.say(d, "/ask Where can I print?")
	card := h.awaitDesk("print")
	h.post(org, localapi.Post{Text: "Business centre, floor 1.", ReplyTo: &card})
	note := h.awaitDesk("Delivered")
	h.post(org, localapi.Post{Text: "and it is free", ReplyTo: &note})
	h.await(d.ID, "and it is free")
	h.post(org, localapi.Post{Text: "/tickets"})
	list := h.await(deskChat, "No open questions")
	h.post(org, localapi.Post{Text: "thanks all", ReplyTo: &list})
	h.await(deskChat, "not a delegate's question")
}

// TestDeskTopicDeleted: when a delegate's topic was deleted, what they
// send next reaches a new topic, under a new card.
func TestDeskTopicDeleted(t *testing.T) {
	h, _ := deskHarness(t)
	h.api.Forum(deskChat)
	d := h.user("en")
	h.say(d, "/ask Where is the Khmer interpreter?")
	first := h.awaitDesk("Khmer interpreter")
	h.api.DeleteTopic(deskChat, first.Thread)
	h.do(d.ID, func() int64 { return h.api.Send(d, localapi.Post{Photo: true, Caption: "this is me"}) })
	h.do(d.ID, func() int64 { return h.api.Send(d, localapi.Post{Photo: true, Caption: "and my badge"}) })
	photo := h.await(deskChat, "this is me")
	badge := h.await(deskChat, "and my badge")
	if badge.Thread != photo.Thread {
		t.Errorf("the two photos went to topics %d and %d", photo.Thread, badge.Thread)
	}
	if photo.Thread == 0 || photo.Thread == first.Thread {
		t.Errorf("the photo went to topic %d (the deleted one was %d)", photo.Thread, first.Thread)
	}
	cards := 0
	for _, m := range h.api.Messages(deskChat) {
		if strings.Contains(m.Text, "Khmer interpreter") && m.Thread == photo.Thread {
			cards++
		}
	}
	if cards != 1 {
		t.Errorf("%d cards in the new topic, want 1", cards)
	}
	// Several messages failed on the deleted topic; one new topic took them.
	time.Sleep(300 * time.Millisecond)
	for _, m := range h.api.Messages(deskChat) {
		if m.Thread != first.Thread && m.Thread != photo.Thread {
			t.Errorf("a message in a third topic %d: %q", m.Thread, m.Text)
		}
	}
}
