package programme

import (
	"testing"
	"time"
)

func small(t *testing.T) *Programme {
	t.Helper()
	p, err := Parse(readFile(t, "testdata/small.yaml"), YAML)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDayFor(t *testing.T) {
	p := small(t)
	seoul := p.Location()
	tests := []struct {
		name string
		now  time.Time
		want string
	}{
		{"before the event", time.Date(2030, 1, 1, 12, 0, 0, 0, seoul), "2030-05-06"},
		{"first day", time.Date(2030, 5, 6, 23, 59, 0, 0, seoul), "2030-05-06"},
		{"second day early morning", time.Date(2030, 5, 7, 0, 5, 0, 0, seoul), "2030-05-07"},
		// 16:00 UTC on 6 May is already 7 May in Seoul.
		{"day follows the event's zone", time.Date(2030, 5, 6, 16, 0, 0, 0, time.UTC), "2030-05-07"},
		{"after the event", time.Date(2031, 1, 1, 0, 0, 0, 0, seoul), "2030-05-07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := p.DayFor(tt.now)
			if !ok || got.Format("2006-01-02") != tt.want {
				t.Errorf("DayFor(%v) = %v, want %s", tt.now, got, tt.want)
			}
		})
	}
	if _, ok := (&Programme{Event: Event{Timezone: "UTC"}}).DayFor(time.Now()); ok {
		t.Error("a programme without sessions has no day")
	}
}

func TestNowAndNext(t *testing.T) {
	p := small(t)
	at := func(h, m int) time.Time { return time.Date(2030, 5, 6, h, m, 0, 0, p.Location()) }
	ids := func(ss []Session) (out []string) {
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	if got := ids(p.Now(at(9, 10))); len(got) != 1 || got[0] != "opening" {
		t.Errorf("now at 09:10 = %v", got)
	}
	if got := ids(p.Now(at(9, 30))); len(got) != 0 {
		t.Errorf("a session is over at its end time, got %v", got)
	}
	if got := ids(p.Next(at(9, 10))); len(got) != 1 || got[0] != "lunch" {
		t.Errorf("next at 09:10 = %v", got)
	}
	if got := p.Next(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)); len(got) != 0 {
		t.Errorf("nothing is next after the event, got %v", ids(got))
	}
}

func TestDiff(t *testing.T) {
	old := small(t)
	next := small(t)
	next.Sessions[0].Start = next.Sessions[0].Start.Add(30 * time.Minute)
	next.Sessions[0].End = next.Sessions[0].End.Add(30 * time.Minute)
	next.Venues = append(next.Venues, Venue{ID: "annex", Name: Text{"en": "Annex"}})
	next.Materials = next.Materials[:1]
	next.FAQ[0].Answer = Text{"en": "Network: Guest, password on the badge"}
	c := Diff(old, next)
	check := func(name string, got, want []string) {
		t.Helper()
		if len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("changed sessions", c.Sessions.Changed, []string{"opening"})
	check("added venues", c.Venues.Added, []string{"annex"})
	check("removed materials", c.Materials.Removed, []string{"handbook"})
	check("changed faq", c.FAQ.Changed, []string{"wifi"})
	if c.EventChanged || c.Empty() {
		t.Errorf("event changed %v, empty %v", c.EventChanged, c.Empty())
	}
	// The same instant in another location is no change.
	same := small(t)
	same.Sessions[1].Start = same.Sessions[1].Start.UTC()
	if c := Diff(old, same); !c.Empty() {
		t.Errorf("time zone representation counted as a change: %+v", c)
	}
}

func TestTextIn(t *testing.T) {
	tests := []struct {
		text Text
		lang string
		want string
	}{
		{Text{"en": "Lunch", "ru": "Обед"}, "ru", "Обед"},
		{Text{"en": "Lunch", "ru": "Обед"}, "ka", "Lunch"},
		{Text{"ko": "점심", "ru": "Обед"}, "ka", "Обед"},
		{Text{}, "en", ""},
	}
	for _, tt := range tests {
		if got := tt.text.In(tt.lang); got != tt.want {
			t.Errorf("%v.In(%s) = %q, want %q", tt.text, tt.lang, got, tt.want)
		}
	}
}
