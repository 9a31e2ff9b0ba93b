package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// editCommands are the commands that change one session, with their
// usage and the number of arguments they need at least.
var editCommands = map[string]struct {
	usage string
	args  int
}{
	"move":     {"/move session HH:MM", 2},
	"settime":  {"/settime session start end", 3},
	"setvenue": {"/setvenue session venue", 2},
	"settitle": {"/settitle session language title", 3},
	"cancel":   {"/cancel session", 1},
	"restore":  {"/restore session", 1},
	"delete":   {"/delete session", 1},
}

func (b *Bot) editHelp(r *request) {
	r.reply(r.t("edit_help", nil), nil)
}

// edit changes one session of the followed event as the command says,
// checks the programme as an upload would be checked, applies it and shows
// the session as delegates now see it, with Undo.
func (b *Bot) edit(r *request) {
	name := r.msgCommand
	spec := editCommands[name]
	if r.noProgramme() {
		return
	}
	args := strings.Fields(r.args)
	if len(args) < spec.args {
		r.reply(r.t("edit_usage", l10n.Data{"Usage": spec.usage}), nil)
		return
	}
	old, ok := r.prog.Session(args[0])
	if !ok {
		r.reply(r.t("edit_unknown_session", l10n.Data{"ID": args[0]}), nil)
		return
	}
	next := *r.prog
	next.Sessions = slices.Clone(r.prog.Sessions)
	i := slices.IndexFunc(next.Sessions, func(s programme.Session) bool { return s.ID == old.ID })
	s := &next.Sessions[i]
	loc := r.prog.Location()
	switch name {
	case "move":
		when := strings.Join(args[1:], " ")
		start, ok := parseEditTime(when, old.Start, loc)
		if !ok {
			r.reply(r.t("edit_bad_time", l10n.Data{"Value": when}), nil)
			return
		}
		s.Start, s.End = start, start.Add(old.End.Sub(old.Start))
	case "settime":
		from, to, _ := splitTimes(args[1:])
		start, okStart := parseEditTime(from, old.Start, loc)
		end, okEnd := parseEditTime(to, start, loc)
		if !okStart || !okEnd {
			r.reply(r.t("edit_bad_time", l10n.Data{"Value": strings.Join(args[1:], " ")}), nil)
			return
		}
		s.Start, s.End = start, end
	case "setvenue":
		if _, ok := r.prog.Venue(args[1]); !ok {
			r.reply(r.t("edit_unknown_venue", l10n.Data{"ID": args[1]}), nil)
			return
		}
		s.Venue = args[1]
	case "settitle":
		lang := l10n.Normalize(args[1])
		if lang == "" {
			r.reply(r.t("edit_unknown_language", l10n.Data{"Lang": args[1]}), nil)
			return
		}
		s.Title = cloneText(s.Title)
		s.Title[lang] = strings.TrimSpace(strings.Join(args[2:], " "))
	case "cancel", "restore":
		s.Cancelled = name == "cancel"
	case "delete":
		next.Sessions = slices.Delete(next.Sessions, i, i+1)
		next.Materials = slices.DeleteFunc(slices.Clone(next.Materials), func(m programme.Material) bool { return m.Session == old.ID })
	}
	if name != "delete" {
		if msg := r.checkEdit(&next, *s); msg != "" {
			r.reply(msg, nil)
			return
		}
	}
	b.applyEdit(r, &next, old, name)
}

func cloneText(t programme.Text) programme.Text {
	out := programme.Text{}
	for k, v := range t {
		out[k] = v
	}
	return out
}

// splitTimes splits "start end" where either may be "date time" in two
// words.
func splitTimes(words []string) (start, end string, ok bool) {
	switch {
	case len(words) == 2:
		return words[0], words[1], true
	case len(words) == 3 && isDate(words[0]):
		return words[0] + " " + words[1], words[2], true
	case len(words) == 3:
		return words[0], words[1] + " " + words[2], true
	case len(words) == 4:
		return words[0] + " " + words[1], words[2] + " " + words[3], true
	}
	return "", "", false
}

// isDate tells a "YYYY-MM-DD" word.
func isDate(w string) bool { return len(w) == 10 && strings.Count(w, "-") == 2 }

// parseEditTime reads "HH:MM" (on the day of ref) or "YYYY-MM-DD HH:MM"
// (also with a T) in the event's time zone.
func parseEditTime(s string, ref time.Time, loc *time.Location) (time.Time, bool) {
	s = strings.Replace(strings.TrimSpace(s), " ", "T", 1)
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
		return t, true
	}
	if t, err := time.ParseInLocation("15:04", s, loc); err == nil {
		ref = ref.In(loc)
		return time.Date(ref.Year(), ref.Month(), ref.Day(), t.Hour(), t.Minute(), 0, 0, loc), true
	}
	return time.Time{}, false
}

// checkEdit explains why an edited session cannot stand, or returns "":
// its end before its start, a time outside the event, another session at
// the same venue at the same time, or any problem a programme file would
// have.
func (r *request) checkEdit(next *programme.Programme, s programme.Session) string {
	if !s.End.After(s.Start) {
		return r.t("edit_end_before_start", nil)
	}
	// Before the first session exists, the event has no days to be outside.
	if days := r.prog.Days(); len(days) > 0 && (s.Start.Before(days[0]) || s.End.After(days[len(days)-1].AddDate(0, 0, 1))) {
		first := days[0]
		return r.t("edit_outside_event", l10n.Data{"Time": r.loc.Date(s.Start) + " " + timeRange(s),
			"First": r.loc.Date(first), "Last": r.loc.Date(days[len(days)-1])})
	}
	if o, clash := next.Overlap(s.ID); clash {
		v, _ := next.Venue(s.Venue)
		return r.t("edit_overlap", l10n.Data{"Venue": v.Name.In(r.lang()), "Other": o.Title.In(r.lang()), "Time": timeRange(o)})
	}
	return r.checkProgramme(next)
}

// applyEdit stores an edited programme and shows the result with Undo.
func (b *Bot) applyEdit(r *request, next *programme.Programme, old programme.Session, name string) {
	changeID, ok := b.storeEdit(r, next)
	if !ok {
		return
	}
	kb := keyboard{{callbackButton(r.text("btn_undo", l10n.Data{"ID": changeID}), data(cbUndo, itoa64(changeID)))}}
	if name == "delete" {
		r.reply(r.t("edit_deleted", l10n.Data{"Title": old.Title.In(r.lang())}), kb)
		return
	}
	s, _ := next.Session(old.ID)
	r.prog = next
	text, _ := r.sessionFacts(s, false, true)
	// Delegates learn of new times, places and cancellations — unless the
	// admin says it was a typo.
	if row := r.noticeRow(changeID); row != nil {
		kb = append(kb, row)
	}
	r.reply(r.t("edit_done", nil)+"\n\n"+text, kb)
}
