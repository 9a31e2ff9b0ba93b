package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/delegatedesk/delegatedesk/internal/localapi"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAnnounceFromScript: a script queues an announcement, the running
// bot sends it to its audience in their language, and --status reports.
func TestAnnounceFromScript(t *testing.T) {
	api := localapi.New("42:script-token")
	srv := httptest.NewServer(api)
	defer srv.Close()
	env := tempDB(t)
	env["BOT_TOKEN"] = "42:script-token"
	env["TELEGRAM_API_URL"] = srv.URL
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"run"}, func(k string) string { return env[k] }, strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
	}()
	defer func() {
		stop()
		<-done
	}()
	ru := localapi.User{ID: 7, FirstName: "Айгерим", LanguageCode: "ru"}
	ko := localapi.User{ID: 8, FirstName: "Minji", LanguageCode: "ko"}
	for _, u := range []localapi.User{ru, ko} {
		api.SendText(u, "/start")
	}
	waitFor := func(chat int64, text string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			for _, m := range api.Messages(chat) {
				if strings.Contains(m.Text, text) {
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("chat %d never got %q: %+v", chat, text, api.Messages(chat))
	}
	waitFor(ru.ID, "Айгерим")
	waitFor(ko.ID, "Minji")

	en := writeFile(t, "en.html", "<b>Bus</b> leaves at 10:00 from Gate 2\n")
	ruText := writeFile(t, "ru.html", "<b>Автобус</b> отправляется в 10:00 от выхода 2\n")
	r := runCmd(t, env, "", "announce", "--to", "all", "--text-file", en, "--text-file-ru", ruText)
	if r.err != nil || strings.TrimSpace(r.stdout) != "1" {
		t.Fatalf("announce: %q %v\n%s", r.stdout, r.err, r.stderr)
	}
	waitFor(ru.ID, "Автобус отправляется")
	waitFor(ko.ID, "Bus leaves") // no Korean version: English

	deadline := time.Now().Add(30 * time.Second)
	for {
		r = runCmd(t, env, "", "announce", "--status", "1")
		if strings.Contains(r.stdout, "state: done") || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, want := range []string{"id: 1\n", "state: done\n", "audience: all\n", "recipients: 2\n", "sent: 2\n", "blocked: 0\n", "remaining: 0\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestAnnounceScriptErrors: what the bot could not send is refused with
// the reason, and nothing is queued.
func TestAnnounceScriptErrors(t *testing.T) {
	env := tempDB(t)
	runCmd(t, env, "/start\n", "console") // a store with the sample event
	good := writeFile(t, "good.html", "Bus at 10")
	broken := writeFile(t, "broken.html", "<b>Bus at 10")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown audience", []string{"--to", "everyone", "--text-file", good}, "--to"},
		{"no text", []string{"--to", "all"}, "--text-file"},
		{"missing file", []string{"--to", "all", "--text-file", "/nonexistent.html"}, "no such file"},
		{"broken HTML", []string{"--to", "all", "--text-file", good, "--text-file-ru", broken}, "Русский: the HTML cannot be read"},
		{"bad time", []string{"--to", "all", "--text-file", good, "--at", "soon"}, "--at"},
		{"past time", []string{"--to", "all", "--text-file", good, "--at", "2020-01-01T10:00:00Z"}, "passed"},
		{"unknown event", []string{"--to", "all", "--text-file", good, "--event", "nope"}, "nope"},
		{"unknown language", []string{"--to", "all", "--text-file", good, "--lang", "xx"}, "--lang"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, env, "", append([]string{"announce"}, tt.args...)...)
			if r.err == nil || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("err %v, stderr %q; want it to mention %q", r.err, r.stderr, tt.want)
			}
		})
	}
	if r := runCmd(t, env, "", "announce", "--status", "1"); r.err == nil || !strings.Contains(r.stderr, "no announcement 1") {
		t.Errorf("something was queued: %q %q", r.stdout, r.stderr)
	}
	// A time to come is kept, in the event's zone.
	r := runCmd(t, env, "", "announce", "--to", "country:kz", "--text-file", good, "--at", "2099-04-15 14:30")
	if r.err != nil || strings.TrimSpace(r.stdout) != "1" {
		t.Fatalf("scheduled: %q %v %s", r.stdout, r.err, r.stderr)
	}
	r = runCmd(t, env, "", "announce", "--status", "1")
	for _, want := range []string{"state: queued\n", "audience: country:KZ\n", "send_at: 2099-04-15T05:30:00Z\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, r.stdout)
		}
	}
}
