package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/delegatedesk/delegatedesk/internal/localapi"
)

const adminID = 500

func adminHarness(t *testing.T) (*harness, localapi.User) {
	t.Helper()
	h := newHarness(t, at(6, 9, 0), withAdmins(adminID))
	u := h.user("en")
	u.ID = adminID
	return h, u
}

// TestStaffCommandsHiddenFromOthers: to a delegate, staff commands do not
// exist; their answer is the unknown command's.
func TestStaffCommandsHiddenFromOthers(t *testing.T) {
	h, _ := adminHarness(t)
	u := h.user("en")
	unknown := only(t, h.say(u, "/frobnicate")).Text
	for _, cmd := range []string{"/history", "/grant 123 admin", "/revoke 123", "/staff", "/export", "/adminhelp", "/edithelp",
		"/move d2-cyber 10:30", "/settime d2-cyber 10:00 11:00", "/setvenue d2-cyber nia", "/settitle d2-cyber en X",
		"/cancel d2-cyber", "/restore d2-cyber", "/delete d2-cyber", "/set venue nia notes en x", "/add faq x q | a", "/remove faq wifi"} {
		if got := only(t, h.say(u, cmd)).Text; got != unknown {
			t.Errorf("%s answered a delegate with:\n%s", cmd, got)
		}
	}
	// A delegate's file is no upload.
	if got := only(t, h.do(u.ID, func() int64 { return h.api.SendDocument(u, "p.yaml", []byte("version: 1")) })).Text; got != unknown {
		t.Errorf("a delegate's file: %s", got)
	}
}

func TestGrantRevokeStaff(t *testing.T) {
	h, admin := adminHarness(t)
	if got := only(t, h.say(admin, "/grant 777 organiser")).Text; !strings.Contains(got, "777 is now organiser") {
		t.Fatalf("grant: %s", got)
	}
	if got := only(t, h.say(admin, "/grant @someone")).Text; !strings.Contains(got, "numeric") {
		t.Errorf("usernames are refused: %s", got)
	}
	// By replying to a forwarded message.
	fwd := h.user("en")
	fwd.ID = 888
	got := only(t, h.do(admin.ID, func() int64 { return h.api.SendReplyToForward(admin, "/grant admin", fwd, false) })).Text
	if !strings.Contains(got, "888 is now admin") {
		t.Errorf("grant by reply: %s", got)
	}
	got = only(t, h.do(admin.ID, func() int64 { return h.api.SendReplyToForward(admin, "/grant", fwd, true) })).Text
	if !strings.Contains(got, "hides their account") {
		t.Errorf("hidden sender: %s", got)
	}
	staff := only(t, h.say(admin, "/staff")).Text
	for _, want := range []string{"500 · admin (from ADMIN_IDS)", "888 · admin", "777 · organiser"} {
		if !strings.Contains(staff, want) {
			t.Errorf("staff lacks %q:\n%s", want, staff)
		}
	}
	// The organiser reads the staff list but may not grant.
	org := h.user("en")
	org.ID = 777
	if got := only(t, h.say(org, "/staff")).Text; !strings.Contains(got, "888") {
		t.Errorf("organiser's /staff: %s", got)
	}
	if got := only(t, h.say(org, "/grant 1 admin")).Text; !strings.Contains(got, "don't know that command") {
		t.Errorf("organiser granted: %s", got)
	}
	if got := only(t, h.say(admin, "/revoke 500")).Text; !strings.Contains(got, "ADMIN_IDS") {
		t.Errorf("revoking a configured admin: %s", got)
	}
	if got := only(t, h.say(admin, "/revoke 777")).Text; !strings.Contains(got, "777 has no role any more") {
		t.Errorf("revoke: %s", got)
	}
	if role, _ := h.store.Role(context.Background(), 777); role != "" {
		t.Errorf("role after revoke: %q", role)
	}
	if got := only(t, h.say(admin, "/revoke 777")).Text; !strings.Contains(got, "has no role") {
		t.Errorf("second revoke: %s", got)
	}
}
