package bot

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/delegatedesk/delegatedesk/internal/localapi"
)

func testFile(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/programme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func (h *harness) sendFile(u localapi.User, name, content string) localapi.Message {
	h.t.Helper()
	return only(h.t, h.do(u.ID, func() int64 { return h.api.SendDocument(u, name, []byte(content)) }))
}

func TestUploadPreviewApplyUndo(t *testing.T) {
	h, admin := adminHarness(t)
	moved := strings.Replace(testFile(t), "start: 2030-05-07T10:00\n    end: 2030-05-07T11:30", "start: 2030-05-07T10:30\n    end: 2030-05-07T12:00", 1)
	preview := h.sendFile(admin, "programme.yaml", moved)
	for _, want := range []string{"programme.yaml", "Sessions: 0 added, 1 changed, 0 removed", "d2-cyber", "10:00–11:30 KST → Tue 7 May 10:30–12:00 KST"} {
		if !strings.Contains(preview.Text, want) {
			t.Errorf("preview lacks %q:\n%s", want, preview.Text)
		}
	}
	// Nothing changes before Apply.
	if got := only(t, h.say(h.user("en"), "/schedule")); strings.Contains(got.Text, "10:30") {
		t.Fatal("applied before Apply")
	}
	_, msgs := h.press(admin, preview, "Apply")
	applied := only(t, msgs)
	if !strings.Contains(applied.Text, "Applied") {
		t.Fatalf("apply: %s", applied.Text)
	}
	if _, ok := findButton(applied, "Tell"); !ok {
		t.Errorf("an upload that moves a session offers a notice: %v", applied.Buttons)
	}
	h.setClock(at(7, 9, 0))
	if got := only(t, h.say(h.user("en"), "/schedule")); !strings.Contains(got.Text, "10:30–12:00 KST") {
		t.Errorf("not applied:\n%s", got.Text)
	}
	hist := only(t, h.say(admin, "/history"))
	if !strings.Contains(hist.Text, "upload: +0 ~1 −0") {
		t.Errorf("history:\n%s", hist.Text)
	}
	_, msgs = h.press(admin, hist, "Undo #2")
	undone := only(t, msgs)
	if !strings.Contains(undone.Text, "undone") {
		t.Fatalf("undo: %s", undone.Text)
	}
	if _, ok := findButton(undone, "Tell"); !ok {
		t.Errorf("an undo that moves a session back offers a notice: %v", undone.Buttons)
	}
	if got := only(t, h.say(h.user("en"), "/schedule")); !strings.Contains(got.Text, "10:00–11:30 KST") {
		t.Errorf("undo did not restore:\n%s", got.Text)
	}
	// The first import is older than the undo, which touched the same session.
	_, msgs = h.press(admin, hist, "Undo #1")
	if got := only(t, msgs); !strings.Contains(got.Text, "cannot be undone") {
		t.Errorf("undo under a later change: %s", got.Text)
	}
}

func TestUploadRejected(t *testing.T) {
	h, admin := adminHarness(t)
	deep := "version: 1\nevent: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	tests := []struct {
		name, file, content, want string
	}{
		{"wrong type", "slides.pdf", "%PDF-1.4", "YAML"},
		{"unknown venue", "p.yaml", strings.Replace(testFile(t), "venue: anyang", "venue: nia-sejong", 1), `unknown venue “nia-sejong”`},
		{"invalid UTF-8", "p.yaml", "version: 1\nevent: {code: \xff\xfe}", "cannot read the file"},
		{"deep nesting", "p.json", deep, "cannot read the file"},
		{"huge", "p.yaml", "# " + strings.Repeat("x", maxUpload), "too big"},
		{"empty", "p.yaml", "", "cannot read the file"},
	}
	before := only(t, h.say(h.user("en"), "/schedule")).Text
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := h.sendFile(admin, tt.file, tt.content)
			if !strings.Contains(got.Text, tt.want) || len(got.Buttons) > 0 {
				t.Errorf("got:\n%s\n%v", got.Text, got.Buttons)
			}
		})
	}
	if after := only(t, h.say(h.user("en"), "/schedule")).Text; after != before {
		t.Error("a rejected file changed the programme")
	}
}

func TestUploadRemovingMuchAsksTwice(t *testing.T) {
	h, admin := adminHarness(t)
	// Keep the event and its venues, drop every session but one.
	file := testFile(t)
	cut := file[:strings.Index(file, "  - id: d1-s2")] + "materials: []\n"
	preview := h.sendFile(admin, "small.yaml", cut)
	if !strings.Contains(preview.Text, "This removes") {
		t.Fatalf("no warning:\n%s", preview.Text)
	}
	_, msgs := h.press(admin, preview, "Apply")
	confirm := only(t, msgs)
	if !strings.Contains(confirm.Text, "Apply anyway?") {
		t.Fatalf("no second confirmation: %s", confirm.Text)
	}
	_, msgs = h.press(admin, confirm, "Cancel")
	if got := only(t, msgs); !strings.Contains(got.Text, "Cancelled") {
		t.Errorf("cancel: %s", got.Text)
	}
	if got := only(t, h.say(h.user("en"), "/schedule")).Text; !strings.Contains(got, "16 items") {
		t.Errorf("cancel changed the programme:\n%s", got)
	}
}

// TestRevokedAdminsButtonsDoNothing: rights are checked when a button is
// pressed, not when it was shown.
func TestRevokedAdminsButtonsDoNothing(t *testing.T) {
	h, admin := adminHarness(t)
	other := h.user("en")
	other.ID = 901
	only(t, h.say(admin, "/grant 901 admin"))
	moved := strings.Replace(testFile(t), "start: 2030-05-07T10:00\n    end: 2030-05-07T11:30", "start: 2030-05-07T10:30\n    end: 2030-05-07T12:00", 1)
	preview := h.sendFile(other, "p.yaml", moved)
	only(t, h.say(admin, "/revoke 901"))
	cb, msgs := h.press(other, preview, "Apply")
	if len(msgs) != 0 || !strings.Contains(cb.Text, "out of date") {
		t.Errorf("a revoked admin applied: %+v %+v", cb, msgs)
	}
	if ch, _ := h.store.Changes(context.Background(), 1, 10); len(ch) != 1 {
		t.Errorf("changes after a refused apply: %d", len(ch))
	}
}

func TestExport(t *testing.T) {
	h, admin := adminHarness(t)
	msgs := h.say(admin, "/export")
	if len(msgs) != 2 || msgs[0].Method != "sendDocument" || msgs[1].Method != "sendDocument" {
		t.Fatalf("want two documents, got %+v", msgs)
	}
	yaml := h.api.File(msgs[0].File)
	if !bytes.Contains(yaml, []byte("code: test-visit")) {
		t.Errorf("YAML export:\n%.300s", yaml)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(h.api.File(msgs[1].File)))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cal.Events()); n != 19 {
		t.Errorf("%d calendar events, want 19", n)
	}
	// The export reads back as the same programme.
	if got := h.sendFile(admin, "test-visit.yaml", string(yaml)); !strings.Contains(got.Text, "nothing to change") {
		t.Errorf("re-upload of the export: %s", got.Text)
	}
}

func TestUploadCSV(t *testing.T) {
	h, admin := adminHarness(t)
	var b strings.Builder
	b.WriteString("id,start,end,venue,kind,title_en,title_ru\n")
	for _, id := range []string{"d1-s1", "d2-cyber"} {
		b.WriteString(id + ",2030-05-06T08:00,2030-05-06T08:50,nia,lecture,Title " + id + ",Заголовок\n")
	}
	preview := h.sendFile(admin, "sessions.csv", b.String())
	// Two sessions stay (both at 08:00 in the same hall would overlap in
	// real life, but a file is checked as a file), the rest go: a large
	// removal asks twice.
	if !strings.Contains(preview.Text, "This removes") {
		t.Fatalf("preview:\n%s", preview.Text)
	}
	broken := h.sendFile(admin, "sessions.csv", "id,start,end,room\n")
	if !strings.Contains(broken.Text, "unknown field “room”") {
		t.Errorf("broken CSV: %s", broken.Text)
	}
}

// TestUploadLargeCSV: ten thousand sessions go through preview and Apply.
func TestUploadLargeCSV(t *testing.T) {
	h, admin := adminHarness(t)
	var b strings.Builder
	b.WriteString("id,start,end,venue,kind,title_en\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "s%05d,2030-05-06T%02d:00,2030-05-06T%02d:45,,lecture,Session %d\n", i, 8+i%10, 8+i%10, i)
	}
	// The test programme's materials name sessions this file drops.
	preview := h.sendFile(admin, "sessions.csv", b.String())
	if !strings.Contains(preview.Text, "unknown session") {
		t.Fatalf("materials of removed sessions must be reported:\n%.500s", preview.Text)
	}
	only(t, h.say(admin, "/remove material cyber-slides"))
	only(t, h.say(admin, "/remove material cyber-paper"))
	only(t, h.say(admin, "/remove material day1-photos"))
	preview = h.sendFile(admin, "sessions.csv", b.String())
	if !strings.Contains(preview.Text, "Sessions: 10000 added") {
		t.Fatalf("preview:\n%.500s", preview.Text)
	}
	_, msgs := h.press(admin, preview, "Apply")
	confirm := only(t, msgs)
	_, msgs = h.press(admin, confirm, "Apply anyway")
	if got := only(t, msgs); !strings.Contains(got.Text, "Applied") {
		t.Fatalf("apply: %.300s", got.Text)
	}
	if got := only(t, h.say(h.user("en"), "/schedule")).Text; !strings.Contains(got, "10000 items") {
		t.Errorf("schedule:\n%.300s", got)
	}
}
