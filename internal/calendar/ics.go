// Package calendar writes a programme as an iCalendar file (RFC 5545) that
// delegates can add to their phone's calendar: one event per session, in
// the event's time zone, with its place.
package calendar

import (
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

const localLayout = "20060102T150405"

// ICS renders the programme's sessions with texts in lang. stamp is the
// time the calendar is made (DTSTAMP).
func ICS(p *programme.Programme, lang string, stamp time.Time) []byte {
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//Delegate Desk//" + p.Event.Code + "//EN")
	cal.SetXWRCalName(p.Event.Title.In(lang))
	tzid := p.Event.Timezone
	cal.SetXWRTimezone(tzid)
	addZone(cal, p)
	for _, s := range p.Sessions {
		e := cal.AddEvent(s.ID + "@" + p.Event.Code + ".delegatedesk")
		e.SetDtStampTime(stamp)
		e.SetProperty(ics.ComponentPropertyDtStart, s.Start.In(p.Location()).Format(localLayout), ics.WithTZID(tzid))
		e.SetProperty(ics.ComponentPropertyDtEnd, s.End.In(p.Location()).Format(localLayout), ics.WithTZID(tzid))
		e.SetSummary(s.Title.In(lang))
		// Calendars that imported an earlier file update by SEQUENCE.
		e.SetSequence(int(p.Event.Revision))
		if s.Cancelled {
			e.SetStatus(ics.ObjectStatusCancelled)
		}
		if d := s.Description.In(lang); d != "" || len(s.Speakers) > 0 {
			e.SetDescription(strings.TrimSpace(d + "\n" + strings.Join(s.Speakers, "; ")))
		}
		if v, ok := p.Venue(s.Venue); ok {
			e.SetLocation(v.Name.In(lang) + ", " + v.Address.In(lang))
			e.SetGeo(v.Lat, v.Lon)
		}
	}
	return []byte(cal.Serialize())
}

// addZone describes the event's time zone by its offset at the start of
// the programme. Exact for zones without daylight saving (all of this
// product's hosts so far); elsewhere calendars fall back on the TZID name.
func addZone(cal *ics.Calendar, p *programme.Programme) {
	at := time.Now().In(p.Location())
	if len(p.Sessions) > 0 {
		at = p.Sessions[0].Start.In(p.Location())
	}
	name, offset := at.Zone()
	tz := cal.AddTimezone(p.Event.Timezone)
	std := tz.AddStandard()
	std.SetProperty(ics.ComponentPropertyDtStart, "19700101T000000")
	std.SetProperty(ics.ComponentProperty("TZOFFSETFROM"), utcOffset(offset))
	std.SetProperty(ics.ComponentProperty("TZOFFSETTO"), utcOffset(offset))
	std.SetProperty(ics.ComponentProperty("TZNAME"), name)
}

func utcOffset(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	return sign + time.Date(0, 1, 1, 0, 0, seconds, 0, time.UTC).Format("1504")
}
