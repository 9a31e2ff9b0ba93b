package bot

import (
	"strings"
	"testing"
)

func TestVenuePin(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	u := h.user("ru")
	list := only(t, h.say(u, "/venues"))
	if _, ok := findButton(list, "Центр умного города Анян · Анян"); !ok {
		t.Fatalf("venues in Russian: %v", list.Buttons)
	}
	_, msgs := h.press(u, list, "NIA Сеул")
	if len(msgs) != 2 {
		t.Fatalf("want a pin and a card, got %d messages", len(msgs))
	}
	pin, card := msgs[0], msgs[1]
	if pin.Venue == nil || pin.Venue.Latitude != 37.5683 || pin.Venue.Longitude != 126.981 ||
		pin.Venue.Title != "NIA Сеул" || !strings.Contains(pin.Venue.Address, "Cheonggyecheon-ro") {
		t.Errorf("pin %+v", pin.Venue)
	}
	for _, want := range []string{"한국어: 서울특별시 중구 청계천로 14", "Вход B, 3-й этаж", "37.568300, 126.981000"} {
		if !strings.Contains(card.Text, want) {
			t.Errorf("card lacks %q:\n%s", want, card.Text)
		}
	}
	if b, ok := findButton(card, "Kakao Map"); !ok || !strings.HasPrefix(b.URL, "https://map.kakao.com/link/map/") {
		t.Errorf("Kakao Map button %+v", b)
	}
	if b, ok := findButton(card, "Google Maps"); !ok || !strings.Contains(b.URL, "37.568300,126.981000") {
		t.Errorf("Google Maps button %+v", b)
	}
}

func TestVenueFromSessionDetails(t *testing.T) {
	h := newHarness(t, at(7, 9, 0))
	u := h.user("en")
	day := only(t, h.say(u, "/schedule"))
	_, msgs := h.press(u, day, "14:00 Smart city")
	details := only(t, msgs)
	if !strings.Contains(details.Text, "For groups: A") {
		t.Errorf("groups missing:\n%s", details.Text)
	}
	_, msgs = h.press(u, details, "📍 Anyang Smart City Center")
	if len(msgs) != 2 || msgs[0].Venue == nil || msgs[0].Venue.Latitude != 37.3943 {
		t.Errorf("venue from details: %+v", msgs)
	}
}
