package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/calendar"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// maxUpload bounds a programme file: far above any real programme, far
// below what would hurt the bot.
const maxUpload = 2 << 20

// maxProblems is how many problems of a file one message lists.
const maxProblems = 25

// upload reads a programme file an admin sent and shows what applying it
// would change, with Apply and Cancel. A file with problems is rejected
// whole, every problem listed.
func (b *Bot) upload(r *request, doc *models.Document) {
	name := doc.FileName
	if doc.FileSize > maxUpload {
		r.reply(r.t("upload_too_big", l10n.Data{"Max": "2 MB"}), nil)
		return
	}
	content, err := b.download(r.ctx, doc.FileID)
	if errors.Is(err, errTooBig) {
		r.reply(r.t("upload_too_big", l10n.Data{"Max": "2 MB"}), nil)
		return
	}
	if err != nil {
		b.log.Warn("download failed", "user", r.user.ID, "err", err)
		r.reply(r.t("upload_failed", nil), nil)
		return
	}
	p, err := r.parseUpload(name, content, r.prog)
	if errors.Is(err, store.ErrNotFound) {
		r.reply(r.t("no_event", nil), nil)
		return
	}
	var invalid *programme.InvalidError
	if errors.As(err, &invalid) {
		r.reply(r.renderProblems(invalid.Problems), nil)
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	changes, err := b.store.Preview(r.ctx, p)
	if err != nil {
		r.fail(err)
		return
	}
	if changes.Empty() {
		r.reply(r.t("upload_no_changes", nil), nil)
		return
	}
	old := b.current(r.ctx, p.Event.Code)
	u := store.Upload{UserID: r.user.ID, FileName: name, Content: content}
	if old != nil {
		u.EventID, u.Revision = old.Event.StoreID, old.Event.Revision
	}
	id, err := b.store.SaveUpload(r.ctx, u)
	if err != nil {
		r.fail(err)
		return
	}
	text := r.t("upload_preview", l10n.Data{"File": name, "Event": p.Event.Title.In(r.lang())}) + "\n\n" + r.renderChanges(old, p, changes)
	apply := data(cbUpload, itoa64(id), "apply")
	if removed, total := removal(old, changes); removed*3 > total {
		text += "\n\n" + r.t("upload_removal_warning", l10n.Data{"Removed": removed, "Total": total})
		apply = data(cbUpload, itoa64(id), "confirm")
	}
	r.reply(clipHTML(text), keyboard{{callbackButton(r.text("btn_apply", nil), apply), callbackButton(r.text("btn_cancel", nil), data(cbUpload, itoa64(id), "cancel"))}})
}

var errTooBig = errors.New("bot: file too big")

// isProgrammeFile tells a programme file by its name.
func isProgrammeFile(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".json", ".csv":
		return true
	}
	return false
}

// parseUpload reads an uploaded file: a programme file, or a CSV of the
// sessions of base (the followed event when it arrives, the event it was
// previewed against when applied).
func (r *request) parseUpload(name string, content []byte, base *programme.Programme) (*programme.Programme, error) {
	if strings.EqualFold(path.Ext(name), ".csv") {
		if base == nil {
			return nil, store.ErrNotFound
		}
		return programme.ParseSessionsCSV(content, base)
	}
	return programme.Parse(content, programme.FormatOf(name))
}

// pendingProgramme reads a kept upload again, against the event it was
// previewed with, carrying that event's revision then so that applying it
// over later changes is refused.
func (b *Bot) pendingProgramme(r *request, u store.Upload) (*programme.Programme, error) {
	var base *programme.Programme
	if u.EventID != 0 {
		var err error
		if base, err = b.store.Programme(r.ctx, u.EventID); err != nil {
			return nil, err
		}
	}
	p, err := r.parseUpload(u.FileName, u.Content, base)
	if err != nil {
		return nil, err
	}
	p.Event.Revision = u.Revision
	return p, nil
}

// download fetches a file the person sent, through the Bot API's file link.
func (b *Bot) download(ctx context.Context, fileID string) ([]byte, error) {
	f, err := b.api.GetFile(ctx, &tg.GetFileParams{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("bot: get file: %w", redactToken(err, b.cfg.Token))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.api.FileDownloadLink(f), nil)
	if err != nil {
		return nil, fmt.Errorf("bot: download: %w", redactToken(err, b.cfg.Token))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bot: download: %w", redactToken(err, b.cfg.Token))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bot: download: %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxUpload+1))
	if err != nil {
		return nil, fmt.Errorf("bot: download: %w", err)
	}
	if len(data) > maxUpload {
		return nil, errTooBig
	}
	return data, nil
}

// current returns the stored programme of an event code, or nil.
func (b *Bot) current(ctx context.Context, code string) *programme.Programme {
	id, err := b.store.EventByCode(ctx, code)
	if err != nil {
		return nil
	}
	p, err := b.store.Programme(ctx, id)
	if err != nil {
		return nil
	}
	return p
}

// removal counts what changes remove against how many items there are.
func removal(old *programme.Programme, c programme.Changes) (removed, total int) {
	if old == nil {
		return 0, 0
	}
	removed = len(c.Venues.Removed) + len(c.Sessions.Removed) + len(c.Materials.Removed) + len(c.FAQ.Removed)
	total = len(old.Venues) + len(old.Sessions) + len(old.Materials) + len(old.FAQ)
	return removed, total
}

// renderProblems lists a file's problems in the person's language.
func (r *request) renderProblems(problems []programme.Problem) string {
	var b strings.Builder
	b.WriteString(r.loc.PluralHTML("upload_rejected", len(problems), nil) + "\n")
	for i, p := range problems {
		if i == maxProblems {
			b.WriteString(r.loc.PluralHTML("upload_more_problems", len(problems)-maxProblems, nil))
			break
		}
		b.WriteString("• " + esc(clip(DescribeProblem(r.loc, p), 300)) + "\n")
	}
	return clipHTML(b.String())
}

// DescribeProblem explains one problem of a programme file, with where it
// is, in the reader's language.
func DescribeProblem(loc *l10n.Localizer, p programme.Problem) string {
	msg := loc.Text("problem_"+string(p.Code), l10n.Data{"Value": p.Value})
	where := p.Path
	switch {
	case p.Line > 0 && p.Path == "":
		where = loc.Text("problem_line", l10n.Data{"Line": p.Line})
	case p.Line > 0:
		where = loc.Text("problem_location", l10n.Data{"Path": p.Path, "Line": p.Line})
	}
	if where == "" {
		return msg
	}
	return where + ": " + msg
}

// renderChanges lists what changes, section by section, with old → new
// times and places of changed sessions.
func (r *request) renderChanges(old, next *programme.Programme, c programme.Changes) string {
	var b strings.Builder
	if c.EventChanged {
		b.WriteString(r.t("import_event_changed", nil) + "\n")
	}
	lang := r.lang()
	for _, s := range []struct {
		id string
		c  programme.SectionChanges
	}{
		{"import_section_venues", c.Venues}, {"import_section_sessions", c.Sessions},
		{"import_section_materials", c.Materials}, {"import_section_faq", c.FAQ},
	} {
		if s.c.Empty() {
			continue
		}
		b.WriteString("<b>" + r.t("import_summary_line", l10n.Data{"Section": r.text(s.id, nil),
			"Added": len(s.c.Added), "Changed": len(s.c.Changed), "Removed": len(s.c.Removed)}) + "</b>\n")
		lines := 0
		for _, ids := range []struct {
			mark string
			ids  []string
		}{{"+", s.c.Added}, {"~", s.c.Changed}, {"−", s.c.Removed}} {
			for _, id := range ids.ids {
				if lines++; lines > 12 {
					break
				}
				line := ids.mark + " <code>" + esc(id) + "</code>"
				if s.id == "import_section_sessions" && ids.mark == "~" && old != nil {
					line += " " + r.sessionMove(old, next, id, lang)
				}
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String()
}

// sessionMove renders how a changed session's time and place change.
func (r *request) sessionMove(old, next *programme.Programme, id, lang string) string {
	a, _ := old.Session(id)
	n, _ := next.Session(id)
	var parts []string
	if !a.Start.Equal(n.Start) || !a.End.Equal(n.End) {
		parts = append(parts, esc(r.loc.Date(a.Start))+" "+timeRange(a)+" → "+esc(r.loc.Date(n.Start))+" "+timeRange(n))
	}
	if a.Venue != n.Venue {
		va, _ := old.Venue(a.Venue)
		vn, _ := next.Venue(n.Venue)
		parts = append(parts, esc(clip(va.Name.In(lang), 40))+" → "+esc(clip(vn.Name.In(lang), 40)))
	}
	return strings.Join(parts, "; ")
}

// clipHTML keeps a message we composed within Telegram's limit, cutting at
// a line so that no tag is left open.
func clipHTML(s string) string {
	if utf16Len(s) <= maxMessage {
		return s
	}
	lines := strings.Split(s, "\n")
	for len(lines) > 1 && utf16Len(strings.Join(lines, "\n")+"\n…") > maxMessage {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n") + "\n…"
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// uploadAction applies or cancels an upload: upl:<id>:apply|confirm|cancel.
func (b *Bot) uploadAction(r *request) {
	if !r.may(store.RoleAdmin) {
		r.refuse("upload " + r.data[1])
		return
	}
	id, err := strconv.ParseInt(r.data[0], 10, 64)
	if err != nil {
		r.expired()
		return
	}
	u, err := b.store.Upload(r.ctx, id)
	if err != nil || u.UserID != r.user.ID {
		r.expired()
		return
	}
	switch r.data[1] {
	case "cancel":
		b.store.DeleteUpload(r.ctx, id)
		r.answer("")
		r.show(r.t("upload_cancelled", nil), nil)
	case "confirm":
		p, err := b.pendingProgramme(r, u)
		if err != nil {
			r.expired()
			return
		}
		changes, err := b.store.Preview(r.ctx, p)
		if err != nil {
			r.fail(err)
			return
		}
		removed, total := removal(b.current(r.ctx, p.Event.Code), changes)
		r.answer("")
		r.show(r.t("upload_confirm", l10n.Data{"Removed": removed, "Total": total}), keyboard{{
			callbackButton(r.text("btn_apply_anyway", nil), data(cbUpload, itoa64(id), "apply")),
			callbackButton(r.text("btn_cancel", nil), data(cbUpload, itoa64(id), "cancel")),
		}})
	case "apply":
		p, err := b.pendingProgramme(r, u)
		if err != nil {
			r.expired()
			return
		}
		old := b.current(r.ctx, p.Event.Code)
		changes, changeID, err := b.store.ApplyChange(r.ctx, p, store.Actor{UserID: r.user.ID, Name: r.user.FirstName, Via: "upload"})
		if errors.Is(err, store.ErrConflict) {
			r.answer("")
			r.show(r.t("changed_meanwhile", nil), nil)
			return
		}
		if err != nil {
			r.answer("")
			r.fail(err)
			return
		}
		b.store.DeleteUpload(r.ctx, id)
		b.log.Info("programme uploaded", "user", r.user.ID, "event", p.Event.Code, "file", u.FileName)
		r.answer("")
		var kb keyboard
		if row := r.noticeRow(changeID); row != nil {
			kb = keyboard{row}
		}
		r.show(clipHTML(r.t("upload_applied", nil)+"\n\n"+r.renderChanges(old, p, changes)), kb)
	default:
		r.expired()
	}
}

// history lists the latest changes of the event with Undo buttons.
func (b *Bot) history(r *request) {
	if r.noProgramme() {
		return
	}
	changes, err := b.store.Changes(r.ctx, r.prog.Event.StoreID, 10)
	if err != nil {
		r.fail(err)
		return
	}
	if len(changes) == 0 {
		r.reply(r.t("history_empty", nil), nil)
		return
	}
	var b2 strings.Builder
	b2.WriteString(r.t("history_header", nil) + "\n")
	var kb keyboard
	loc := r.prog.Location()
	for _, c := range changes {
		who := c.By.Name
		if c.By.UserID != 0 {
			who = strings.TrimSpace(who + " (" + id64(c.By.UserID) + ")")
		}
		b2.WriteString("\n" + r.t("history_line", l10n.Data{
			"ID": c.ID, "When": r.loc.Date(c.At.In(loc)) + " " + l10n.ClockZone(c.At.In(loc)),
			"Who": clip(who, 60), "Via": r.text("via_"+c.By.Via, nil), "Summary": changeSummary(c),
		}))
		kb = append(kb, keyboardRow{callbackButton(r.text("btn_undo", l10n.Data{"ID": c.ID}), data(cbUndo, itoa64(c.ID)))})
	}
	r.reply(clipHTML(b2.String()), kb)
}

// changeSummary counts a change's items as +added ~changed −removed.
func changeSummary(c store.Change) string {
	var added, changed, removed int
	for _, it := range c.Items {
		switch {
		case it.Added:
			added++
		case it.Removed:
			removed++
		default:
			changed++
		}
	}
	return fmt.Sprintf("+%d ~%d −%d", added, changed, removed)
}

// undo reverts one change: undo:<change id>.
func (b *Bot) undo(r *request) {
	if !r.may(store.RoleAdmin) {
		r.refuse("undo")
		return
	}
	id, err := strconv.ParseInt(r.data[0], 10, 64)
	if err != nil || id <= 0 {
		r.expired()
		return
	}
	r.answer("")
	_, undoID, err := b.store.Undo(r.ctx, id, store.Actor{UserID: r.user.ID, Name: r.user.FirstName})
	var invalid *programme.InvalidError
	switch {
	case errors.Is(err, store.ErrNotFound):
		r.expired()
	case errors.Is(err, store.ErrConflict):
		r.reply(r.t("undo_conflict", l10n.Data{"ID": id}), nil)
	case errors.As(err, &invalid):
		r.reply(clipHTML(r.t("undo_invalid", l10n.Data{"ID": id})+"\n"+r.renderProblems(invalid.Problems)), nil)
	case err != nil:
		r.fail(err)
	default:
		b.log.Info("change undone", "user", r.user.ID, "change", id)
		var kb keyboard
		if row := r.noticeRow(undoID); row != nil {
			kb = keyboard{row}
		}
		r.reply(r.t("undone", l10n.Data{"ID": id}), kb)
	}
}

// export sends the programme as a programme file and as a calendar.
func (b *Bot) export(r *request) {
	if r.noProgramme() {
		return
	}
	yaml, err := programme.Encode(r.prog, programme.YAML)
	if err != nil {
		r.fail(err)
		return
	}
	caption := r.t("export_caption", l10n.Data{"Event": clip(r.prog.Event.Title.In(r.lang()), 200)})
	for _, f := range []struct {
		name string
		data []byte
	}{
		{r.prog.Event.Code + ".yaml", yaml},
		{r.prog.Event.Code + ".ics", calendar.ICS(r.prog, r.lang(), b.cfg.Now())},
	} {
		_, err := b.api.SendDocument(r.ctx, &tg.SendDocumentParams{
			ChatID:    r.chatID,
			Document:  &models.InputFileUpload{Filename: f.name, Data: bytes.NewReader(f.data)},
			Caption:   caption,
			ParseMode: models.ParseModeHTML,
		})
		if err != nil {
			b.log.Warn("export failed", "chat", r.chatID, "err", err)
		}
	}
}
