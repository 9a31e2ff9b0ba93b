package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/announce"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// runAnnounce queues an announcement from a script, for the running bot
// to send, and prints its id; with --status it prints an announcement's
// figures instead.
func (e *environment) runAnnounce(ctx context.Context, args []string) error {
	fs, db := e.flags("announce")
	to := fs.String("to", "", "who gets it: all, lang:CODE, country:XX, group:NAME or role:delegate|organiser|admin")
	textFile := fs.String("text-file", "", "the text (Telegram HTML) in the language of --lang")
	lang := fs.String("lang", l10n.Fallback, "the language of --text-file")
	at := fs.String("at", "", "when to send (default: at once): 14:30, 15.04 14:30, 2026-04-15 14:30 in the event's zone, or RFC 3339")
	code := fs.String("event", "", "the event's code (default: the latest imported)")
	status := fs.Int64("status", 0, "print the figures of announcement `ID` instead")
	versions := map[string]*string{}
	for _, c := range l10n.Codes {
		versions[c] = fs.String("text-file-"+c, "", "the text in "+c)
	}
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 || (*status == 0) == (*textFile == "" && *to == "") {
		fmt.Fprint(e.stderr, usage)
		return errReported
	}
	if err := e.setup(*db, slog.LevelWarn); err != nil {
		return err
	}
	st, err := e.openStore(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := announce.New(st, announce.Options{Admins: e.cfg.AdminIDs, DefaultLanguage: e.cfg.DefaultLanguage, Rate: e.cfg.BroadcastRate * 0.8})
	if *status != 0 {
		return e.printStatus(ctx, svc, *status)
	}
	fail := func(format string, args ...any) error {
		fmt.Fprintf(e.stderr, "announce: "+format+"\n", args...)
		return errReported
	}
	aud, err := announce.ParseAudience(*to)
	if err != nil {
		return fail("--to: %v", strings.TrimPrefix(err.Error(), "announce: "))
	}
	first := l10n.Normalize(*lang)
	if first == "" {
		return fail("--lang: unsupported language %q (supported: %s)", *lang, strings.Join(l10n.Codes, ", "))
	}
	if *textFile == "" {
		return fail("--text-file is required")
	}
	a := store.Announcement{Audience: aud.String()}
	files := []struct{ lang, path string }{{first, *textFile}}
	for _, c := range l10n.Codes {
		if p := *versions[c]; p != "" && c != first {
			files = append(files, struct{ lang, path string }{c, p})
		} else if p != "" {
			return fail("--text-file-%s repeats the language of --text-file", c)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return fail("%v", err)
		}
		a.Versions = append(a.Versions, store.Version{Lang: f.lang, HTML: strings.TrimSpace(string(data))})
	}
	if a.EventID, err = e.event(ctx, st, *code); err != nil {
		return err
	}
	if *at != "" {
		p, err := st.Programme(ctx, a.EventID)
		if err != nil {
			return err
		}
		if a.SendAt, err = time.Parse(time.RFC3339, *at); err == nil && !a.SendAt.After(time.Now()) {
			err = fmt.Errorf("%w: %s", announce.ErrPast, *at)
		} else if err != nil {
			a.SendAt, err = announce.ParseWhen(*at, time.Now(), p.Location())
		}
		if err != nil {
			return fail("--at: %v", strings.TrimPrefix(err.Error(), "announce: "))
		}
	}
	loc := e.cat.For(e.cfg.DefaultLanguage)
	probs, err := announce.Problems(a)
	if err != nil {
		return fail("%v", err)
	}
	if len(probs) > 0 {
		for _, p := range probs {
			fmt.Fprintln(e.stderr, problemLine(loc, e.cat, p))
		}
		return errReported
	}
	id, err := svc.Queue(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

func problemLine(loc *l10n.Localizer, cat *l10n.Catalog, p announce.Problem) string {
	d := l10n.Data{"Language": cat.Name(p.Lang), "Detail": p.Detail, "Length": p.Length, "Limit": p.Limit}
	switch p.Kind {
	case "html":
		return loc.Text("ann_problem_html", d)
	case "long":
		return loc.Text("ann_problem_long", d)
	}
	return loc.Text("ann_problem_empty", d)
}

// printStatus prints an announcement's figures, one "key: value" a line.
func (e *environment) printStatus(ctx context.Context, svc *announce.Service, id int64) error {
	s, err := svc.Status(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(e.stderr, "announce: no announcement %d\n", id)
		return errReported
	}
	if err != nil {
		return err
	}
	lines := []struct{ k, v string }{
		{"id", strconv.FormatInt(s.ID, 10)},
		{"state", s.State},
		{"audience", s.Audience},
		{"recipients", strconv.Itoa(s.Recipients)},
		{"sent", strconv.Itoa(s.Sent)},
		{"blocked", strconv.Itoa(s.Blocked)},
		{"failed", strconv.Itoa(s.Failed)},
		{"cancelled", strconv.Itoa(s.Cancelled)},
		{"remaining", strconv.Itoa(s.Pending + s.Held)},
	}
	if !s.SendAt.IsZero() {
		lines = append(lines, struct{ k, v string }{"send_at", s.SendAt.Format(time.RFC3339)})
	}
	if s.State == store.AnnSending {
		lines = append(lines, struct{ k, v string }{"left", s.Left.String()})
	}
	if !s.StartedAt.IsZero() && !s.FinishedAt.IsZero() {
		lines = append(lines, struct{ k, v string }{"took", s.FinishedAt.Sub(s.StartedAt).Round(time.Second).String()})
	}
	for _, l := range lines {
		fmt.Fprintf(e.stdout, "%s: %s\n", l.k, l.v)
	}
	return nil
}
