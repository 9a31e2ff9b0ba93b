package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// newsworthy reports whether a change of a session is news for delegates:
// its time, its place, or its cancellation.
func newsworthy(before, after programme.Session) bool {
	return !before.Start.Equal(after.Start) || !before.End.Equal(after.End) || before.Venue != after.Venue || before.Cancelled != after.Cancelled
}

// notice is a change of one session waiting to be told: several edits
// within NoticeDelay make one notice, from the first state to the last.
type notice struct {
	eventID       int64
	key           string
	before, after programme.Session
	due           time.Time
	reportTo      int64 // the admin's chat, told the count when sent
}

// notices holds the notices waiting for their time.
type notices struct {
	mu      sync.Mutex
	pending map[string]*notice // by event and session
}

// add queues a notice, merging it into one already waiting for the same
// session.
func (ns *notices) add(n notice) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	k := strconv.FormatInt(n.eventID, 10) + "/" + n.key
	if old, ok := ns.pending[k]; ok {
		old.after, old.reportTo = n.after, n.reportTo
		return
	}
	ns.pending[k] = &n
}

// due takes the notices whose time has come.
func (ns *notices) due(now time.Time) []notice {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	var out []notice
	for k, n := range ns.pending {
		if !now.Before(n.due) {
			out = append(out, *n)
			delete(ns.pending, k)
		}
	}
	return out
}

// sendNotices sends the notices as they fall due, until ctx is done.
func (b *Bot) sendNotices(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			// Shutting down: what is waiting goes into the outbox now, and
			// out with the next start if not before.
			flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			for _, n := range b.notices.due(time.Now().Add(b.cfg.NoticeDelay)) {
				b.deliver(flush, n)
			}
			cancel()
			return
		case <-tick.C:
			for _, n := range b.notices.due(time.Now()) {
				b.deliver(ctx, n)
			}
		}
	}
}

// noticeRow offers to tell delegates of a change that moves, relocates,
// cancels or restores a session, or returns nil.
func (r *request) noticeRow(changeID int64) keyboardRow {
	eventID, sessions, err := r.b.store.SessionChanges(r.ctx, changeID)
	if err != nil || !slices.ContainsFunc(sessions, func(sc store.SessionChange) bool {
		return sc.Before != nil && sc.After != nil && newsworthy(*sc.Before, *sc.After)
	}) {
		return nil
	}
	audience, err := r.b.store.Audience(r.ctx, eventID)
	if err != nil {
		r.b.log.Error("notice: audience", "event", eventID, "err", err)
		return nil
	}
	return keyboardRow{
		callbackButton(r.loc.Plural("btn_notify", len(audience), nil), data(cbNotice, itoa64(changeID), "send")),
		callbackButton(r.text("btn_no_notice", nil), data(cbNotice, itoa64(changeID), "skip")),
	}
}

// noticeAction sends or skips the notice of a change: ntf:<change>:send|skip.
func (b *Bot) noticeAction(r *request) {
	if !r.may(store.RoleAdmin) {
		r.refuse("notice")
		return
	}
	changeID, err := strconv.ParseInt(r.data[0], 10, 64)
	if err != nil || (r.data[1] != "send" && r.data[1] != "skip") {
		r.expired()
		return
	}
	undoOnly := keyboard{{callbackButton(r.text("btn_undo", l10n.Data{"ID": changeID}), data(cbUndo, itoa64(changeID)))}}
	if r.data[1] == "skip" {
		r.answer(r.text("notice_none", nil))
		r.setButtons(undoOnly)
		return
	}
	eventID, sessions, err := b.store.SessionChanges(r.ctx, changeID)
	if err != nil {
		r.expired()
		return
	}
	// Once per change, whatever is pressed how often.
	if claimed, err := b.store.ClaimNotice(r.ctx, changeID); err != nil || !claimed {
		r.expired()
		return
	}
	r.answer("")
	r.setButtons(undoOnly)
	for _, sc := range sessions {
		if sc.Before == nil || sc.After == nil || !newsworthy(*sc.Before, *sc.After) {
			continue
		}
		n := notice{eventID: eventID, key: sc.Key, before: *sc.Before, after: *sc.After,
			due: time.Now().Add(b.cfg.NoticeDelay), reportTo: r.chatID}
		if b.cfg.NoticeDelay <= 0 {
			b.deliver(r.ctx, n)
			continue
		}
		b.notices.add(n)
	}
}

// deliver queues the notice for every delegate of the event, each in their
// language; the dispatcher sends them and reports to the admin how many
// were told.
func (b *Bot) deliver(ctx context.Context, n notice) {
	p, err := b.store.Programme(ctx, n.eventID)
	if err != nil {
		b.log.Error("notice: programme", "event", n.eventID, "err", err)
		return
	}
	// Tell how the session is now: an undo or a later edit may have
	// changed it since the notice was asked for, or made it no news.
	now, ok := p.Session(n.key)
	if !ok || !newsworthy(n.before, now) {
		b.log.Info("notice dropped: no longer news", "event", n.eventID, "session", n.key)
		return
	}
	audience, err := b.store.Audience(ctx, n.eventID)
	if err != nil {
		b.log.Error("notice: audience", "event", n.eventID, "err", err)
		return
	}
	job := fmt.Sprintf("%s:%s:%d:%d", b.cfg.Outbox, noticeJob, n.reportTo, time.Now().UnixNano())
	msgs := make([]store.Outgoing, len(audience))
	for i, part := range audience {
		msgs[i] = store.Outgoing{Job: job, ChatID: part.ChatID, HTML: noticeText(b.localizerOf(part), p, n.before, now)}
	}
	if len(msgs) == 0 {
		b.jobDone(ctx, job, store.JobCounts{})
		return
	}
	if err := b.enqueue(ctx, msgs); err != nil {
		b.log.Error("notice: enqueue", "event", n.eventID, "err", err)
	}
}

// noticeText tells what changed about a session, in one line.
func noticeText(loc *l10n.Localizer, p *programme.Programme, before, after programme.Session) string {
	lang := loc.Lang()
	when := func(s programme.Session) string {
		t := loc.Date(s.Start.In(p.Location())) + " " + l10n.Clock(s.Start.In(p.Location())) + "–" + l10n.ClockZone(s.End.In(p.Location()))
		if v, ok := p.Venue(s.Venue); ok {
			t += ", " + v.Name.In(lang)
		}
		return t
	}
	title := clip(after.Title.In(lang), 200)
	switch {
	case after.Cancelled && !before.Cancelled:
		return loc.HTML("notice_cancelled", l10n.Data{"Title": title, "When": when(before)})
	case before.Cancelled && !after.Cancelled:
		return loc.HTML("notice_restored", l10n.Data{"Title": title, "When": when(after)})
	}
	return loc.HTML("notice_moved", l10n.Data{"Title": title, "Old": when(before), "New": when(after)})
}
