package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/delegatedesk/delegatedesk/bot"
	"log/slog"
	"os"
	"strings"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// runImport validates a programme file and applies it in one transaction,
// printing what changes. An invalid file changes nothing.
func (e *environment) runImport(ctx context.Context, args []string) error {
	fs, db := e.flags("import")
	dryRun := fs.Bool("dry-run", false, "validate and show the changes without writing them")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fmt.Fprint(e.stderr, usage)
		return errReported
	}
	if err := e.setup(*db, slog.LevelWarn); err != nil {
		return err
	}
	loc := e.cat.For(e.cfg.DefaultLanguage)
	data, err := os.ReadFile(files[0])
	if err != nil {
		return err
	}
	p, err := programme.Parse(data, programme.FormatOf(files[0]))
	var invalid *programme.InvalidError
	if errors.As(err, &invalid) {
		for _, pr := range invalid.Problems {
			fmt.Fprintf(e.stderr, "%s: %s\n", files[0], bot.DescribeProblem(loc, pr))
		}
		fmt.Fprintln(e.stderr, loc.Plural("import_rejected", len(invalid.Problems), nil))
		return errReported
	}
	if err != nil {
		return err
	}
	st, err := e.openStore(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	var changes programme.Changes
	if *dryRun {
		changes, err = st.Preview(ctx, p)
	} else {
		changes, err = st.Apply(ctx, p, store.Actor{Via: "import"})
	}
	if err != nil {
		return err
	}
	fmt.Fprint(e.stdout, summary(loc, p, changes))
	if *dryRun {
		fmt.Fprintln(e.stdout, loc.Text("import_dry_run", nil))
	} else {
		fmt.Fprintln(e.stdout, loc.Text("import_applied", nil))
	}
	return nil
}

// summary lists what an import adds, changes and removes, section by section.
func summary(loc *l10n.Localizer, p *programme.Programme, c programme.Changes) string {
	var b strings.Builder
	b.WriteString(loc.Text("import_summary_event", l10n.Data{"Code": p.Event.Code, "Title": p.Event.Title.In(loc.Lang())}) + "\n")
	if c.Empty() {
		b.WriteString(loc.Text("import_no_changes", nil) + "\n")
		return b.String()
	}
	if c.EventChanged {
		b.WriteString(loc.Text("import_event_changed", nil) + "\n")
	}
	for _, s := range []struct {
		id string
		c  programme.SectionChanges
	}{
		{"import_section_venues", c.Venues},
		{"import_section_sessions", c.Sessions},
		{"import_section_materials", c.Materials},
		{"import_section_faq", c.FAQ},
	} {
		if s.c.Empty() {
			continue
		}
		b.WriteString(loc.Text("import_summary_line", l10n.Data{
			"Section": loc.Text(s.id, nil), "Added": len(s.c.Added), "Changed": len(s.c.Changed), "Removed": len(s.c.Removed),
		}) + "\n")
		for _, ids := range []struct {
			mark string
			ids  []string
		}{{"+", s.c.Added}, {"~", s.c.Changed}, {"-", s.c.Removed}} {
			for _, id := range ids.ids {
				b.WriteString("  " + ids.mark + " " + id + "\n")
			}
		}
	}
	return b.String()
}

// runExport prints an event's programme as a programme file.
func (e *environment) runExport(ctx context.Context, args []string) error {
	fs, db := e.flags("export")
	format := fs.String("format", "yaml", "yaml or json")
	code := fs.String("event", "", "the event's code (default: the latest imported)")
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 || (*format != "yaml" && *format != "json") {
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
	id, err := e.event(ctx, st, *code)
	if err != nil {
		return err
	}
	p, err := st.Programme(ctx, id)
	if err != nil {
		return err
	}
	out, err := programme.Encode(p, programme.Format(*format))
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}
