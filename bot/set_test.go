package bot

import (
	"strings"
	"testing"
)

func TestSetAddRemove(t *testing.T) {
	h, admin := adminHarness(t)
	say := func(cmd string) string { return only(t, h.say(admin, cmd)).Text }
	if got := say("/set venue nia notes ru Вход C, 4-й этаж"); !strings.Contains(got, "Changed") {
		t.Fatalf("set notes: %s", got)
	}
	if got := say("/set venue nia position 37.57, 126.98"); !strings.Contains(got, "37.570000, 126.980000") {
		t.Errorf("set position: %s", got)
	}
	if got := say("/set session d2-cyber speakers Dr. A; Dr. B"); !strings.Contains(got, "Dr. A; Dr. B") {
		t.Errorf("set speakers: %s", got)
	}
	if got := say("/set faq wifi answer ko 네트워크 Guest"); !strings.Contains(got, "Changed") {
		t.Errorf("set faq answer: %s", got)
	}
	for cmd, want := range map[string]string{
		"/set venue nia position north":            "Usage",
		"/set venue nope notes en x":               "There is no “nope”",
		"/set venue nia colour en red":             "Usage",
		"/set session d2-cyber kind party":         "unknown kind",
		"/set venue nia notes xx text":             "not a supported language",
		"/add venue annex 37.5,127 Annex":          "Usage",
		"/remove venue nia":                        "unknown venue",
		"/add session d1-s1 08:00 09:00 other Dup": "duplicate id",
	} {
		if got := say(cmd); !strings.Contains(got, want) {
			t.Errorf("%s: %s", cmd, got)
		}
	}
	if got := say("/add venue annex 37.5,127.0 Annex hall | 1 Side street, Seoul"); !strings.Contains(got, "Annex hall") {
		t.Errorf("add venue: %s", got)
	}
	if got := say("/add session d2-extra 2030-05-07 17:00 18:00 meeting Extra meeting"); !strings.Contains(got, "Extra meeting") {
		t.Errorf("add session: %s", got)
	}
	if got := say("/add faq parking Where can I park? | Behind the building."); !strings.Contains(got, "Behind the building") {
		t.Errorf("add faq: %s", got)
	}
	if got := say("/remove faq parking"); !strings.Contains(got, "Changed") {
		t.Errorf("remove faq: %s", got)
	}
	// Delegates see the changes.
	h.setClock(at(7, 9, 0))
	if got := only(t, h.say(h.user("en"), "/schedule")).Text; !strings.Contains(got, "17:00–18:00 KST") {
		t.Errorf("added session not shown:\n%s", got)
	}
}

func TestMaterialByCaption(t *testing.T) {
	h, admin := adminHarness(t)
	got := only(t, h.do(admin.ID, func() int64 {
		return h.api.SendCaptioned(admin, "threats.pptx", []byte("PK…"), "d2-cyber Threat landscape 2030")
	}))
	if !strings.Contains(got.Text, "Threat landscape 2030") {
		t.Fatalf("material: %s", got.Text)
	}
	h.setClock(at(7, 9, 0))
	u := h.user("en")
	day := only(t, h.say(u, "/schedule"))
	_, msgs := h.press(u, day, "10:00 Cybersecurity")
	details := only(t, msgs)
	_, msgs = h.press(u, details, "Threat landscape")
	if sent := only(t, msgs); sent.Method != "sendDocument" || !strings.HasPrefix(sent.File, "BQACAgIAAxkBAAIlocalfile") {
		t.Errorf("the material is re-sent by file_id: %+v", sent)
	}
	if got := only(t, h.do(admin.ID, func() int64 { return h.api.SendCaptioned(admin, "x.pdf", []byte("%PDF"), "nope Title") })).Text; !strings.Contains(got, "no session “nope”") {
		t.Errorf("unknown session in caption: %s", got)
	}
}

func TestVenuePositionByLocation(t *testing.T) {
	h, admin := adminHarness(t)
	if got := only(t, h.say(admin, "/set venue anyang position")).Text; !strings.Contains(got, "location") {
		t.Fatalf("prompt: %s", got)
	}
	got := only(t, h.do(admin.ID, func() int64 { return h.api.SendLocation(admin, 37.4, 126.95) })).Text
	if !strings.Contains(got, "37.400000, 126.950000") {
		t.Errorf("position: %s", got)
	}
	// Without a pending venue, a location changes nothing.
	got = only(t, h.do(admin.ID, func() int64 { return h.api.SendLocation(admin, 1, 2) })).Text
	if !strings.Contains(got, "Usage") {
		t.Errorf("stray location: %s", got)
	}
}

func TestMaterialInReplyToCard(t *testing.T) {
	h, admin := adminHarness(t)
	h.setClock(at(7, 9, 0))
	day := only(t, h.say(admin, "/schedule"))
	_, msgs := h.press(admin, day, "10:00 Cybersecurity")
	card := only(t, msgs)
	if !strings.Contains(card.Text, "🆔 d2-cyber") {
		t.Fatalf("staff see the id:\n%s", card.Text)
	}
	got := only(t, h.do(admin.ID, func() int64 {
		return h.api.SendCaptioned(admin, "Notes on the talk.pdf", []byte("%PDF"), "", card)
	}))
	if !strings.Contains(got.Text, "Notes on the talk") {
		t.Fatalf("material from a reply: %s", got.Text)
	}
	// Delegates do not see ids.
	u := h.user("en")
	day = only(t, h.say(u, "/schedule"))
	_, msgs = h.press(u, day, "10:00 Cybersecurity")
	if card := only(t, msgs); strings.Contains(card.Text, "🆔") || !strings.Contains(card.Text, "Notes on the talk") {
		t.Errorf("delegate's card:\n%s", card.Text)
	}
}
