package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/delegatedesk/delegatedesk/internal/localapi"
)

type result struct {
	stdout, stderr string
	err            error
}

// runCmd runs the program with the given arguments, environment and input.
func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return result{out.String(), errOut.String(), err}
}

func tempDB(t *testing.T) map[string]string {
	return map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "dd.db")}
}

func TestConsoleDialogue(t *testing.T) {
	env := tempDB(t)
	r := runCmd(t, env, "/schedule\n#1\n/venues\n#1\nгде автобус?\n", "console", "--lang", "ru", "--now", "2027-04-14T10:30")
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	for _, want := range []string{
		"> /schedule",
		"Ср, 14 апр.", // day 2 of the sample, in Russian
		"[1] ",        // numbered buttons
		"KST",         // times carry their zone
		"> #1",        // a button press
		"📍 ",          // a venue pin: title…
		"37.",         // …and coordinates
		"> где автобус?",
		"/schedule",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("console output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestConsoleShowsNotices: messages the bot sends unasked, like a change
// notice, are shown too, even when asked for on the last line.
func TestConsoleShowsNotices(t *testing.T) {
	env := tempDB(t)
	env["ADMIN_IDS"] = "1000" // the console's delegate
	r := runCmd(t, env, "/start\n/cancel d1-opening\n#2\n", "console")
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	for _, want := range []string{"Tell 1 delegate", "🔔 Cancelled: Opening ceremony", "Notice sent to 1 delegate"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("console output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestRunWithoutTokenStartsConsole(t *testing.T) {
	r := runCmd(t, tempDB(t), "/help\n")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stderr, "BOT_TOKEN is not set") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("should say so in one line, said:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "/schedule — the programme of the day") {
		t.Errorf("help:\n%s", r.stdout)
	}
}

const smallFile = "../../internal/programme/testdata/small.yaml"

func TestImportExportRoundTrip(t *testing.T) {
	env := tempDB(t)
	r := runCmd(t, env, "", "import", smallFile)
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	for _, want := range []string{"Event test-visit: Test visit", "Sessions: 3 added, 0 changed, 0 removed", "  + opening", "Applied."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, format := range []string{"yaml", "json"} {
		exp := runCmd(t, env, "", "export", "--format", format)
		if exp.err != nil {
			t.Fatal(exp.err)
		}
		file := filepath.Join(t.TempDir(), "export."+format)
		os.WriteFile(file, []byte(exp.stdout), 0o644)
		again := runCmd(t, env, "", "import", file)
		if again.err != nil || !strings.Contains(again.stdout, "No changes.") {
			t.Errorf("%s round trip: %v\n%s%s", format, again.err, again.stdout, again.stderr)
		}
	}
}

func TestImportInvalidChangesNothing(t *testing.T) {
	env := tempDB(t)
	if r := runCmd(t, env, "", "import", smallFile); r.err != nil {
		t.Fatal(r.err)
	}
	before := runCmd(t, env, "", "export").stdout

	data, _ := os.ReadFile(smallFile)
	broken := strings.NewReplacer("venue: hall\n    kind: ceremony", "venue: nia-sejong\n    kind: ceremony",
		`title: {en: "Lunch"}`, `title: {en: "Dinner"}`, "end: 2030-05-07T11:00", "end: 2030-05-07T09:00").Replace(string(data))
	file := filepath.Join(t.TempDir(), "broken.yaml")
	os.WriteFile(file, []byte(broken), 0o644)
	r := runCmd(t, env, "", "import", file)
	if r.err == nil {
		t.Fatal("a broken file was accepted")
	}
	for _, want := range []string{
		`sessions[0].venue (line 18): unknown venue “nia-sejong”`,
		`sessions[2].end (line 28): the end 2030-05-07T09:00 is not after the start`,
		"The file was rejected: 2 problems. Nothing was changed.",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("errors lack %q:\n%s", want, r.stderr)
		}
	}
	if after := runCmd(t, env, "", "export").stdout; after != before {
		t.Error("a rejected file changed the programme")
	}
}

func TestImportDryRun(t *testing.T) {
	env := tempDB(t)
	r := runCmd(t, env, "", "import", "--dry-run", smallFile)
	if r.err != nil || !strings.Contains(r.stdout, "Sessions: 3 added") || !strings.Contains(r.stdout, "Dry run") {
		t.Fatalf("%v\n%s%s", r.err, r.stdout, r.stderr)
	}
	if exp := runCmd(t, env, "", "export"); exp.err == nil {
		t.Errorf("a dry run wrote the programme:\n%s", exp.stdout)
	}
	// Flags may also follow the file name.
	if r := runCmd(t, env, "", "import", smallFile, "--dry-run"); r.err != nil || !strings.Contains(r.stdout, "Dry run") {
		t.Errorf("flag after the file: %v\n%s", r.err, r.stdout)
	}
}

func TestImportLocalizedErrors(t *testing.T) {
	env := tempDB(t)
	env["DEFAULT_LANGUAGE"] = "ru"
	file := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(file, []byte(`{"version": 1, "event": {"code": "x", "title": {"en": "X"}, "timezone": "Asia/Nowhere"}}`), 0o644)
	r := runCmd(t, env, "", "import", file)
	if r.err == nil || !strings.Contains(r.stderr, "event.timezone (строка 1): неизвестный часовой пояс «Asia/Nowhere»") {
		t.Errorf("errors should be in Russian: %v\n%s", r.err, r.stderr)
	}
}

func TestBadConfiguration(t *testing.T) {
	env := tempDB(t)
	env["ADMIN_IDS"] = "12345, @boss"
	env["DEFAULT_LANGUAGE"] = "klingon"
	r := runCmd(t, env, "", "export")
	if r.err == nil || !strings.Contains(r.err.Error(), `"@boss" is not a numeric Telegram user id`) || !strings.Contains(r.err.Error(), "klingon") {
		t.Errorf("got %v", r.err)
	}
}

func TestTokenNeverLogged(t *testing.T) {
	// A Bot API that refuses the token: the error must not repeat it.
	srv := httptest.NewServer(localapi.New("another:token"))
	defer srv.Close()
	env := tempDB(t)
	env["BOT_TOKEN"] = "987654:SECRET-token-value"
	env["TELEGRAM_API_URL"] = srv.URL
	env["LOG_LEVEL"] = "debug"
	r := runCmd(t, env, "", "run")
	if r.err == nil {
		t.Fatal("a refused token should stop the bot")
	}
	if strings.Contains(r.err.Error()+r.stderr+r.stdout, "SECRET") {
		t.Errorf("the token leaked:\n%v\n%s", r.err, r.stderr)
	}
}
