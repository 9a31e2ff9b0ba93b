// Command delegatedesk runs Delegate Desk: the Telegram bot, a console chat
// with it, and the import and export of programme files.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // event time zones must load on machines without a zone database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "delegatedesk:", err)
		}
		os.Exit(1)
	}
}

// errReported is returned when the command has already told the user what
// went wrong and only the exit status is left to set.
var errReported = errors.New("reported")

const usage = `Usage:
  delegatedesk [run]                          run the bot (the console without BOT_TOKEN)
  delegatedesk console [--lang CODE] [--user-id N] [--now TIME]
                                              chat with the bot in this terminal
  delegatedesk import FILE [--dry-run]        load a programme file (YAML or JSON)
  delegatedesk export [--format yaml|json] [--event CODE]
                                              print the programme
  delegatedesk announce --to all|lang:ru|country:KZ|group:A|role:organiser
                        --text-file F [--lang en] [--text-file-ru F2 ...]
                        [--at TIME] [--event CODE]
                                              queue an announcement for the bot; prints its id
  delegatedesk announce --status ID           print an announcement's figures
Every command takes --db PATH (default: DATABASE_URL, else delegatedesk.db).
`

// run is the whole program, with its environment passed in so that tests
// can run it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "run"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	env := &environment{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	switch cmd {
	case "run":
		return env.runBot(ctx, args)
	case "console":
		return env.runConsole(ctx, args)
	case "import":
		return env.runImport(ctx, args)
	case "export":
		return env.runExport(ctx, args)
	case "announce":
		return env.runAnnounce(ctx, args)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errReported
}
