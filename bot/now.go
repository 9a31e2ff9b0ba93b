package bot

import (
	"strings"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
)

// now shows what is happening now and what comes next.
func (b *Bot) now(r *request) {
	if r.noProgramme() {
		return
	}
	t := b.cfg.Now().In(r.prog.Location())
	var text strings.Builder
	var kb keyboard
	current := r.prog.Now(t)
	if len(current) > 0 || r.started(t) {
		text.WriteString(r.t("now_header", l10n.Data{"Time": l10n.ClockZone(t)}) + "\n")
		if len(current) == 0 {
			text.WriteString(r.t("now_nothing", nil) + "\n")
		}
		current, _ = pageOf(current, 0)
		for _, s := range current {
			text.WriteString("\n" + r.sessionLine(s) + "\n")
			kb = append(kb, r.sessionButton(s))
		}
		text.WriteString("\n")
	}
	next, nextKB := r.renderNext(t)
	text.WriteString(next)
	r.reply(text.String(), append(kb, nextKB...))
}

// next shows what comes next.
func (b *Bot) next(r *request) {
	if r.noProgramme() {
		return
	}
	r.reply(r.renderNext(b.cfg.Now().In(r.prog.Location())))
}

// started reports whether the event has begun at t.
func (r *request) started(t time.Time) bool {
	return len(r.prog.Sessions) > 0 && !t.Before(r.prog.Sessions[0].Start)
}

func (r *request) renderNext(t time.Time) (string, keyboard) {
	next := r.prog.Next(t)
	if len(next) == 0 {
		switch {
		case len(r.prog.Sessions) == 0:
			return r.t("schedule_empty", nil), nil
		case len(r.prog.Now(t)) > 0:
			return r.t("next_nothing", nil), nil
		}
		return r.t("event_over", nil), nil
	}
	var b strings.Builder
	if !r.started(t) {
		first := next[0].Start
		b.WriteString(r.t("event_not_started", l10n.Data{"Date": r.loc.Date(first), "Time": l10n.ClockZone(first)}) + "\n\n")
	}
	b.WriteString(r.t("next_header", nil) + " · " + r.startsIn(next[0].Start.Sub(t)) + "\n")
	var kb keyboard
	next, _ = pageOf(next, 0)
	for _, s := range next {
		b.WriteString("\n" + r.sessionLine(s) + "\n")
		kb = append(kb, r.sessionButton(s))
	}
	return b.String(), kb
}

// startsIn renders a wait as "in 25 minutes", "in 3 hours" or "in 2 days".
func (r *request) startsIn(d time.Duration) string {
	switch minutes := int(d.Round(time.Minute) / time.Minute); {
	case minutes < 60:
		return r.loc.PluralHTML("starts_in_minutes", max(minutes, 1), nil)
	case minutes < 24*60:
		return r.loc.PluralHTML("starts_in_hours", (minutes+30)/60, nil)
	default:
		return r.loc.PluralHTML("starts_in_days", (minutes+12*60)/(24*60), nil)
	}
}
