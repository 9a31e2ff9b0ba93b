// Package console is a chat with the bot in a terminal: each line typed is
// a message from a local delegate, and the bot's replies are printed as a
// person would see them in Telegram. The bot runs unchanged against the
// local Bot API stand-in, so the console exercises the production code.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/localapi"
)

// replyTimeout bounds the wait for the bot's answer to one line.
const replyTimeout = 30 * time.Second

// Chat is one delegate's conversation with the bot.
type Chat struct {
	api      *localapi.Server
	user     localapi.User
	out      io.Writer
	noButton func(n int) string

	mu      sync.Mutex
	waiting map[int64]chan struct{}

	seq     int64       // the latest change printed
	lastID  int         // the newest message printed
	buttons []pressable // the numbered buttons of the latest reply
}

type pressable struct {
	msg    localapi.Message
	button localapi.Button
}

// New starts a chat of user with the bot behind api, printing to out;
// noButton says, in the user's language, that there is no button N.
func New(api *localapi.Server, user localapi.User, out io.Writer, noButton func(n int) string) *Chat {
	return &Chat{api: api, user: user, out: out, noButton: noButton, waiting: map[int64]chan struct{}{}}
}

// Handled tells the chat that the bot has handled an update; give it to the
// bot as its after-update hook.
func (c *Chat) Handled(updateID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.waiting[updateID]; ok {
		close(ch)
		delete(c.waiting, updateID)
	}
}

// Run reads lines from in until it ends or ctx is done. A line "#N" presses
// button N of the latest reply; any other line is sent as a message. When
// prompt is not empty it is printed before each line (for a terminal).
func (c *Chat) Run(ctx context.Context, in io.Reader, prompt string) error {
	// Reading blocks; it runs apart so that a signal ends the chat at once.
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
		close(lines)
	}()
	// Messages also come unasked (notices, announcements): show them as
	// they arrive.
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if prompt != "" {
			fmt.Fprint(c.out, prompt)
		}
		var line string
		for read := false; !read; {
			select {
			case <-ctx.Done():
				return nil
			case <-tick.C:
				if c.printChanges() && prompt != "" {
					fmt.Fprint(c.out, prompt)
				}
			case l, ok := <-lines:
				if !ok {
					return <-readErr
				}
				line, read = strings.TrimSpace(l), true
			}
		}
		if line == "" {
			continue
		}
		if prompt == "" {
			// Without a terminal nobody saw the line typed: a transcript shows it.
			fmt.Fprintf(c.out, "> %s\n", line)
		}
		if err := c.Say(ctx, line); err != nil {
			return err
		}
	}
}

// Say sends one line, waits until the bot has handled it and prints what
// changed in the chat.
func (c *Chat) Say(ctx context.Context, line string) error {
	var updateID int64
	var cbID string
	if n, ok := buttonNumber(line); ok {
		if n < 1 || n > len(c.buttons) {
			fmt.Fprintln(c.out, "  "+c.noButton(n))
			return nil
		}
		p := c.buttons[n-1]
		if p.button.URL != "" {
			fmt.Fprintf(c.out, "  ↗ %s\n", p.button.URL)
			return nil
		}
		c.mu.Lock()
		updateID, cbID = c.api.Press(c.user, &p.msg, p.button.CallbackData)
	} else {
		c.mu.Lock()
		updateID = c.api.SendText(c.user, line)
	}
	done := make(chan struct{})
	c.waiting[updateID] = done
	c.mu.Unlock()

	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(replyTimeout):
		return fmt.Errorf("console: no reply within %s", replyTimeout)
	}
	if cbID != "" {
		if cb := c.api.Callback(cbID); cb.Text != "" {
			fmt.Fprintf(c.out, "  ⓘ %s\n", cb.Text)
		}
	}
	c.printChanges()
	return nil
}

func buttonNumber(line string) (int, bool) {
	rest, ok := strings.CutPrefix(line, "#")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(rest))
	return n, err == nil
}

// Flush prints what arrived since the last line's replies.
func (c *Chat) Flush() { c.printChanges() }

// printChanges prints every message that is new or changed since the last
// call, numbering their buttons, and reports whether there was any.
func (c *Chat) printChanges() bool {
	var numbered []pressable
	msgs := c.api.MessagesSince(c.user.ID, c.seq)
	for _, m := range msgs {
		c.seq = max(c.seq, m.Seq)
		if m.ID <= c.lastID {
			fmt.Fprintln(c.out, "  ✎")
		}
		c.lastID = max(c.lastID, m.ID)
		fmt.Fprint(c.out, render(m))
		for _, row := range m.Buttons {
			var cells []string
			for _, b := range row {
				numbered = append(numbered, pressable{msg: m, button: b})
				cells = append(cells, fmt.Sprintf("[%d] %s", len(numbered), b.Text))
			}
			fmt.Fprintln(c.out, "  "+strings.Join(cells, "   "))
		}
		fmt.Fprintln(c.out)
	}
	if len(numbered) > 0 {
		c.buttons = numbered
	}
	return len(msgs) > 0
}

// render shows a message's content as text, indented; the caller prints the
// buttons, whose numbering spans several messages.
func render(m localapi.Message) string {
	if m.Deleted {
		return "  ✗\n"
	}
	var b strings.Builder
	switch {
	case m.Venue != nil:
		fmt.Fprintf(&b, "  📍 %s\n  %s\n  %.6f, %.6f\n", m.Venue.Title, m.Venue.Address, m.Venue.Latitude, m.Venue.Longitude)
	case m.File != "":
		fmt.Fprintf(&b, "  📎 %s\n", m.File)
	}
	if text := strings.TrimRight(m.Text, "\n"); text != "" {
		for _, line := range strings.Split(text, "\n") {
			b.WriteString("  " + line + "\n")
		}
	}
	return b.String()
}
