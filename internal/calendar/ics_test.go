package calendar

import (
	"bytes"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/delegatedesk/delegatedesk/internal/sample"
)

// TestICSParses checks the calendar with an iCalendar parser: one event per
// session, local times in the event's zone, places and a time zone.
func TestICSParses(t *testing.T) {
	p, err := sample.Programme()
	if err != nil {
		t.Fatal(err)
	}
	p.Sessions[1].Cancelled = true
	data := ICS(p, "ru", time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not iCalendar: %v\n%s", err, data[:min(len(data), 500)])
	}
	events := cal.Events()
	if len(events) != len(p.Sessions) {
		t.Fatalf("%d events for %d sessions", len(events), len(p.Sessions))
	}
	if tz := cal.Timezones(); len(tz) != 1 {
		t.Errorf("time zones: %d", len(tz))
	}
	first := events[0]
	start := first.GetProperty(ics.ComponentPropertyDtStart)
	if start == nil || start.Value != "20270413T080000" || start.ICalParameters["TZID"][0] != "Asia/Seoul" {
		t.Errorf("DTSTART %+v", start)
	}
	if s := first.GetProperty(ics.ComponentPropertySummary); s == nil || s.Value != "Трансфер: отель → офис NIA в Сеуле" {
		t.Errorf("summary in Russian: %+v", s)
	}
	if st := events[1].GetProperty(ics.ComponentPropertyStatus); st == nil || st.Value != "CANCELLED" {
		t.Errorf("a cancelled session's status: %+v", st)
	}
	if l := first.GetProperty(ics.ComponentPropertyLocation); l == nil || l.Value == "" {
		t.Error("no location")
	}
	for _, e := range events {
		if e.GetProperty(ics.ComponentPropertyUniqueId) == nil || e.GetProperty(ics.ComponentPropertyDtstamp) == nil {
			t.Fatalf("event without UID or DTSTAMP: %+v", e)
		}
	}
}
