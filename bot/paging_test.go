package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/localapi"
	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// bigProgramme has more of everything than fits on one screen, with long
// titles in a script that takes many bytes.
func bigProgramme() *programme.Programme {
	p := &programme.Programme{Event: programme.Event{Code: "big", Title: programme.Text{"en": "Big"}, Timezone: "Asia/Seoul"}}
	loc, _ := time.LoadLocation("Asia/Seoul")
	long := strings.Repeat("ກອງປະຊຸມວ່າດ້ວຍລັດຖະບານດິຈິຕອນ ", 12)
	for i := range 30 {
		id := fmt.Sprintf("v%02d", i)
		p.Venues = append(p.Venues, programme.Venue{ID: id, Name: programme.Text{"en": "Venue " + id}, Address: programme.Text{"en": "Street " + id}, Lat: 37, Lon: 127})
	}
	for i := range 40 {
		start := time.Date(2030, 5, 6, 7, 0, 0, 0, loc).Add(time.Duration(i) * 20 * time.Minute)
		p.Sessions = append(p.Sessions, programme.Session{
			ID: fmt.Sprintf("s%02d", i), Title: programme.Text{"en": fmt.Sprintf("%d %s", i, long)},
			Start: start, End: start.Add(15 * time.Minute), Venue: "v01", Kind: programme.KindLecture,
			Description: programme.Text{"en": strings.Repeat("Lorem ipsum <dolor> & sit amet. ", 300)},
		})
	}
	for i := range 25 {
		p.Materials = append(p.Materials, programme.Material{ID: fmt.Sprintf("m%02d", i), Title: programme.Text{"en": fmt.Sprintf("Slides %d %s", i, long)},
			Kind: programme.MaterialSlides, Session: "s00", URL: fmt.Sprintf("https://example.org/%d.pdf", i)})
	}
	p.Normalize()
	return p
}

// TestLongListsArePaged checks that every list stays within Telegram's
// limits (the stand-in rejects a longer message) and that every item can be
// reached page by page.
func TestLongListsArePaged(t *testing.T) {
	h := newHarness(t, at(6, 9, 0))
	h.apply(bigProgramme())
	u := h.user("lo")

	seen := map[string]bool{}
	msg := h.walkPages(u, only(t, h.say(u, "/schedule")), func(b localapi.Button) {
		if strings.HasPrefix(b.CallbackData, "ses:") {
			seen[b.CallbackData] = true
		}
	})
	if len(seen) != 40 {
		t.Errorf("reached %d of 40 sessions through the pages", len(seen))
	}

	_, msgs := h.press(u, msg, "39 ")
	details := only(t, msgs)
	if !strings.Contains(details.Text, "Lorem ipsum <dolor>") {
		t.Errorf("details should show the (shortened) description:\n%.300s", details.Text)
	}

	venues := only(t, h.say(u, "/venues"))
	if _, ok := findButton(venues, "Venue v13"); !ok {
		t.Errorf("first venue page: %v", venues.Buttons)
	}
	_, msgs = h.press(u, venues, " 2 ▶")
	if _, ok := findButton(only(t, msgs), "Venue v14"); !ok {
		t.Error("second venue page lacks v14")
	}

	// A session with more materials than fit links to the day's materials,
	// which page through all of them.
	day := only(t, h.say(u, "/schedule"))
	_, msgs = h.press(u, day, "0 ")
	first := only(t, msgs)
	more, ok := findData(first, "matd:")
	if !ok {
		t.Fatalf("no link to the rest of the materials: %v", first.Buttons)
	}
	_, msgs = h.pressData(u, first, more.CallbackData)
	links := map[string]bool{}
	h.walkPages(u, only(t, msgs), func(b localapi.Button) {
		if b.URL != "" {
			links[b.URL] = true
		}
	})
	if len(links) != 25 {
		t.Errorf("reached %d of 25 materials through the pages", len(links))
	}
}

func findData(m localapi.Message, prefix string) (localapi.Button, bool) {
	return buttonWhere(m, func(b localapi.Button) bool { return strings.HasPrefix(b.CallbackData, prefix) })
}

// walkPages shows every button of a paged list to visit, pressing "next page"
// until the last page, which it returns.
func (h *harness) walkPages(u localapi.User, msg localapi.Message, visit func(localapi.Button)) localapi.Message {
	h.t.Helper()
	for page := 2; ; page++ {
		for _, row := range msg.Buttons {
			for _, b := range row {
				visit(b)
			}
		}
		next, ok := findButton(msg, fmt.Sprintf(" %d ▶", page))
		if !ok {
			return msg
		}
		_, msgs := h.pressData(u, msg, next.CallbackData)
		msg = only(h.t, msgs)
	}
}
