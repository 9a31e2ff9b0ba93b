package bot

import (
	"strings"

	"github.com/delegatedesk/delegatedesk/internal/answer"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// freeText answers a question in the delegate's own words: in the language
// it is written in, from the programme, or says honestly that it does not
// know.
func (b *Bot) freeText(r *request, text string) {
	if r.noProgramme() {
		return
	}
	res := b.answers.Answer(r.prog, text, b.cfg.Now())
	if l10n.Supported(res.Lang) {
		r.loc = b.cat.For(res.Lang)
	}
	switch res.Outcome {
	case answer.Item:
		r.answerItem(res.Targets[0], res.Intent)
	case answer.Candidates:
		var kb keyboard
		for _, t := range res.Targets {
			if btn, ok := r.targetButton(t); ok {
				kb = append(kb, keyboardRow{btn})
			}
		}
		r.reply(r.t("answer_candidates", nil), kb)
	case answer.Day:
		r.answerDay(res)
	default:
		r.reply(r.t("answer_unknown", l10n.Data{"Commands": suggestions(res.Intent)}), r.offerDesk(text))
	}
}

// answerDay shows what a question about a day asks: that day's materials,
// the sessions of a part of it, or the whole day.
func (r *request) answerDay(res answer.Result) {
	if res.Intent == answer.AskMaterials {
		if text, kb, ok := r.renderMaterialsOfDay(dayCode(res.Day), 0); ok {
			r.reply(text, kb)
			return
		}
	}
	if len(res.Targets) > 0 {
		var b strings.Builder
		b.WriteString(r.t("schedule_header", l10n.Data{"Date": r.loc.Date(res.Day), "Day": r.prog.DayIndex(res.Day) + 1, "Days": len(r.prog.Days())}) + "\n")
		var kb keyboard
		for _, t := range res.Targets {
			if s, ok := r.prog.Session(t.ID); ok {
				b.WriteString("\n" + r.sessionLine(s) + "\n")
				kb = append(kb, r.sessionButton(s))
			}
		}
		kb = append(kb, keyboardRow{callbackButton(r.text("btn_day_all", nil), data(cbDay, id64(r.prog.Event.StoreID), dayCode(res.Day), "0"))})
		r.reply(b.String(), kb)
		return
	}
	r.reply(r.renderDay(res.Day, 0))
}

// suggestions names the commands closest to what a question asked.
func suggestions(i answer.Intent) string {
	switch i {
	case answer.AskWhere:
		return "/venues, /schedule"
	case answer.AskMaterials:
		return "/materials"
	case answer.AskWhen, answer.AskWho:
		return "/schedule, /now, /next"
	}
	return "/schedule, /venues, /materials, /help"
}

// answerItem states the answer directly.
func (r *request) answerItem(t answer.Target, intent answer.Intent) {
	switch t.Kind {
	case answer.KindSession:
		s, _ := r.prog.Session(t.ID)
		r.reply(r.renderAnswer(s, intent))
	case answer.KindVenue:
		v, _ := r.prog.Venue(t.ID)
		r.sendVenue(v)
	case answer.KindMaterial:
		m, _ := r.prog.Material(t.ID)
		if m.IsLink() {
			r.reply(materialIcons[m.Kind]+" <b>"+esc(clip(m.Title.In(r.lang()), 1000))+"</b>", keyboard{{r.materialButton(m)}})
			return
		}
		r.sendFile(m)
	case answer.KindFAQ:
		f, _ := r.prog.FAQEntry(t.ID)
		r.reply(esc(clip(f.Answer.In(r.lang()), maxMessage-100)), nil)
	}
}

// renderAnswer states a session as one fact — title, day, time, place —
// with its speakers when asked who, and buttons for the pin, the materials
// and the details.
func (r *request) renderAnswer(s programme.Session, intent answer.Intent) (string, keyboard) {
	text, kb := r.sessionFacts(s, false, intent == answer.AskWho)
	kb = append(kb, r.materialRows(s)...)
	kb = append(kb, keyboardRow{callbackButton(r.text("btn_details", nil), data(cbSession, id64(r.prog.Event.StoreID), s.ID))})
	return text, kb
}

// targetButton is a button that opens a candidate answer.
func (r *request) targetButton(t answer.Target) (button, bool) {
	ev := id64(r.prog.Event.StoreID)
	lang := r.lang()
	switch t.Kind {
	case answer.KindSession:
		s, ok := r.prog.Session(t.ID)
		return callbackButton(clip(r.loc.Date(s.Start)+" "+timeRange(s)+" "+s.Title.In(lang), 60), data(cbSession, ev, s.ID)), ok
	case answer.KindVenue:
		v, ok := r.prog.Venue(t.ID)
		return callbackButton(clip("📍 "+v.Name.In(lang), 60), data(cbVenue, ev, v.ID)), ok
	case answer.KindMaterial:
		m, ok := r.prog.Material(t.ID)
		return r.materialButton(m), ok
	case answer.KindFAQ:
		f, ok := r.prog.FAQEntry(t.ID)
		return callbackButton(clip("❓ "+f.Phrasing(lang), 60), data(cbFAQ, ev, f.ID)), ok
	}
	return button{}, false
}

// faq answers a press of a FAQ candidate.
func (b *Bot) faq(r *request) {
	if !r.eventField(r.data[0]) {
		r.expired()
		return
	}
	f, ok := r.prog.FAQEntry(r.data[1])
	if !ok {
		r.expired()
		return
	}
	r.answer("")
	r.reply(esc(clip(f.Answer.In(r.lang()), maxMessage-100)), nil)
}
