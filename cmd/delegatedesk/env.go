package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/delegatedesk/delegatedesk/internal/answer"
	"github.com/delegatedesk/delegatedesk/internal/config"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/sample"
	"github.com/delegatedesk/delegatedesk/internal/store"
	"github.com/delegatedesk/delegatedesk/locales"
)

// environment is what every command shares: the process's streams and
// environment, and the helpers that open what a command needs.
type environment struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	cfg     config.Config
	cat     *l10n.Catalog
	answers *answer.Service
	log     *slog.Logger
}

// flags returns a flag set with the options every command takes.
func (e *environment) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", "", "database: an SQLite file path (default: DATABASE_URL, else delegatedesk.db)")
	return fs, db
}

// parse parses flags placed before, between or after positional arguments
// ("import FILE --dry-run") and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errReported
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// setup reads the configuration and loads the messages; defaultLevel is
// the log level unless LOG_LEVEL says otherwise.
func (e *environment) setup(dbFlag string, defaultLevel slog.Level) error {
	cfg, err := config.FromEnv(e.getenv)
	if err != nil {
		return err
	}
	if e.getenv("LOG_LEVEL") == "" {
		cfg.LogLevel = defaultLevel
	}
	if dbFlag != "" {
		cfg.DatabaseURL = dbFlag
	}
	e.cfg = cfg
	e.log = slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if e.cat, err = l10n.Load(locales.FS); err != nil {
		return err
	}
	vocab, err := answer.LoadVocabulary(locales.FS)
	if err != nil {
		return err
	}
	e.answers = answer.NewService(vocab)
	return nil
}

// openStore opens the database; with seed, an empty store gets the sample
// programme.
func (e *environment) openStore(ctx context.Context, seed bool) (*store.Store, error) {
	st, err := store.Open(ctx, e.cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if !seed {
		return st, nil
	}
	switch _, err := st.DefaultEvent(ctx); {
	case err == nil:
		return st, nil
	case !errors.Is(err, store.ErrNotFound):
		st.Close()
		return nil, err
	}
	p, err := sample.Programme()
	if err == nil {
		_, err = st.Apply(ctx, p, store.Actor{Via: "sample"})
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("load the sample programme: %w", err)
	}
	e.log.Info("the store was empty: loaded the sample programme", "event", p.Event.Code)
	return st, nil
}

// event returns the event a command names by code, else the latest
// imported; when there is none it tells the user and returns errReported.
func (e *environment) event(ctx context.Context, st *store.Store, code string) (int64, error) {
	var id int64
	var err error
	if code != "" {
		id, err = st.EventByCode(ctx, code)
	} else {
		id, err = st.DefaultEvent(ctx)
	}
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintln(e.stderr, e.cat.For(e.cfg.DefaultLanguage).Text("export_no_event", l10n.Data{"Code": code, "Database": e.cfg.DatabaseURL}))
		return 0, errReported
	}
	return id, err
}
