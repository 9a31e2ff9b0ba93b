package announce

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/sample"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

func TestParseAudience(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"all", "all", true},
		{" ALL ", "all", true},
		{"lang:ru", "lang:ru", true},
		{"lang:tl", "lang:fil", true},
		{"lang:RU", "lang:ru", true},
		{"country:kz", "country:KZ", true},
		{"group:A", "group:A", true},
		{"role:Organiser", "role:organiser", true},
		{"role:delegate", "role:delegate", true},
		{"lang:xx", "", false},
		{"country:KAZ", "", false},
		{"group:", "", false},
		{"group:a b", "", false},
		{"role:king", "", false},
		{"everyone", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		a, err := ParseAudience(tt.in)
		if (err == nil) != tt.ok || (tt.ok && a.String() != tt.want) {
			t.Errorf("ParseAudience(%q) = %v, %v; want %q, ok=%v", tt.in, a, err, tt.want, tt.ok)
		}
		if !tt.ok && !errors.Is(err, ErrAudience) {
			t.Errorf("ParseAudience(%q): error %v is not ErrAudience", tt.in, err)
		}
	}
}

func TestPick(t *testing.T) {
	ruFirst := []store.Version{{Lang: "ru", HTML: "Автобус"}, {Lang: "ko", HTML: "버스"}}
	withEn := append(ruFirst, store.Version{Lang: "en", HTML: "Bus"})
	tests := []struct {
		versions []store.Version
		lang     string
		want     string
	}{
		{withEn, "ko", "ko"},
		{withEn, "ka", "en"},  // no Georgian: English
		{ruFirst, "ka", "ru"}, // no English either: the first
		{ruFirst, "ru", "ru"},
	}
	for _, tt := range tests {
		if got := Pick(tt.versions, tt.lang); got.Lang != tt.want {
			t.Errorf("Pick(%v, %s) = %s, want %s", tt.versions, tt.lang, got.Lang, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		html     string
		withFile bool
		kind     string
	}{
		{"plain", "The bus leaves at 10:00 from Gate 2", false, ""},
		{"formatted", `<b>Автобус</b> <a href="https://example.org">карта</a>`, false, ""},
		{"Khmer", "ឡានក្រុងចេញដំណើរម៉ោង ១០:០០", false, ""},
		{"unclosed tag", "<b>Bus", false, "html"},
		{"unknown tag", "<div>Bus</div>", false, "html"},
		{"bare <", "Bus < 10 min", false, "html"},
		{"empty", "   ", false, "empty"},
		{"only tags", "<b></b>", false, "empty"},
		{"empty caption is fine", "", true, ""},
		{"too long", strings.Repeat("ა", 4097), false, "long"},
		{"escapes count once", strings.Repeat("&lt;", 4096), false, ""},
		{"too long for a caption", strings.Repeat("a", 1025), true, "long"},
		{"emoji are two units", strings.Repeat("🚌", 2049), false, "long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Check(store.Version{Lang: "en", HTML: tt.html}, tt.withFile)
			switch {
			case tt.kind == "" && p != nil:
				t.Errorf("problem %+v, want none", *p)
			case tt.kind != "" && (p == nil || p.Kind != tt.kind):
				t.Errorf("problem %+v, want %s", p, tt.kind)
			}
		})
	}
}

func TestParseWhen(t *testing.T) {
	seoul, _ := time.LoadLocation("Asia/Seoul")
	now := time.Date(2026, 4, 14, 9, 0, 0, 0, seoul)
	tests := []struct {
		in   string
		want time.Time
		err  error
	}{
		{"now", time.Time{}, nil},
		{"14:30", time.Date(2026, 4, 14, 14, 30, 0, 0, seoul), nil},
		{"08:00", time.Date(2026, 4, 15, 8, 0, 0, 0, seoul), nil}, // passed today: tomorrow
		{"15.04 08:00", time.Date(2026, 4, 15, 8, 0, 0, 0, seoul), nil},
		{"04-15 8:00", time.Date(2026, 4, 15, 8, 0, 0, 0, seoul), nil},
		{"4/15 08:00", time.Date(2026, 4, 15, 8, 0, 0, 0, seoul), nil},
		{"2026-04-16 07:45", time.Date(2026, 4, 16, 7, 45, 0, 0, seoul), nil},
		{"2026-04-13 07:45", time.Time{}, ErrPast},
		{"13.04 10:00", time.Time{}, ErrPast},
		{"tomorrow", time.Time{}, ErrWhen},
		{"25:00", time.Time{}, ErrWhen},
	}
	for _, tt := range tests {
		got, err := ParseWhen(tt.in, now, seoul)
		if !errors.Is(err, tt.err) || !got.Equal(tt.want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// fixture is a store with the sample event and its delegates.
type fixture struct {
	st      *store.Store
	svc     *Service
	eventID int64
	now     time.Time
	woken   int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "ann.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p, err := sample.Programme()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, p, store.Actor{Via: "import"}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, now: time.Date(2026, 4, 14, 9, 0, 0, 0, time.UTC)}
	f.eventID, _ = st.DefaultEvent(ctx)
	f.svc = New(st, Options{Sender: "telegram", Admins: []int64{900}, DefaultLanguage: "en", Rate: 20,
		Wake: func() { f.woken++ }, Now: func() time.Time { return f.now }})
	// Delegates: id, chosen language, Telegram's, country, group.
	for _, d := range []struct {
		id             int64
		chosen, tg     string
		country, group string
	}{
		{101, "", "ru", "KZ", "A"},
		{102, "", "ru", "KG", "B"},
		{103, "ko", "en", "", ""},
		{104, "", "ka", "GE", "A"},
		{105, "", "de", "KZ", "B"}, // an unsupported language: English
		{106, "", "uz", "UZ", "A"},
		{900, "", "en", "", ""}, // an admin from the configuration
		{901, "", "ru", "", ""}, // an organiser
	} {
		if err := st.SaveParticipant(ctx, store.Participant{UserID: d.id, ChatID: d.id, Language: d.chosen,
			TelegramLanguage: d.tg, Country: d.country, Group: d.group}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Grant(ctx, 901, store.RoleOrganiser, 900); err != nil {
		t.Fatal(err)
	}
	return f
}

// startDue starts what is due, as the bot's follow loop does.
func (f *fixture) startDue(ctx context.Context) ([]int64, error) {
	list, err := f.st.Unfinished(ctx, "telegram")
	if err != nil {
		return nil, err
	}
	return f.svc.StartDue(ctx, list)
}

func chats(ps []store.Participant) string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, fmt.Sprint(p.ChatID))
	}
	return strings.Join(ids, " ")
}

func TestRecipients(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.st.MarkBlocked(ctx, 106); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ audience, want string }{
		{"all", "101 102 103 104 105 900 901"}, // 106 blocked the bot
		{"lang:ru", "101 102 901"},
		{"lang:en", "105 900"}, // 103 chose Korean over their app's English
		{"lang:ko", "103"},
		{"country:KZ", "101 105"},
		{"group:a", "101 104"},
		{"role:delegate", "101 102 103 104 105"},
		{"role:organiser", "900 901"},
		{"role:admin", "900"},
		{"country:FR", ""},
	}
	for _, tt := range tests {
		aud, err := ParseAudience(tt.audience)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := f.svc.Recipients(ctx, f.eventID, aud)
		if err != nil {
			t.Fatal(err)
		}
		if got := chats(ps); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.audience, got, tt.want)
		}
	}
}

// outbox claims what a sender's outbox holds, as the dispatcher would.
func outbox(t *testing.T, st *store.Store, sender string) []store.Outgoing {
	t.Helper()
	msgs, err := st.Claim(context.Background(), sender, time.Now().Add(time.Hour), time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestStartSendsEachTheirVersion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := store.Announcement{EventID: f.eventID, Audience: "role:delegate", MediaKind: "photo", MediaID: "AgACAgIAAxkBAAIBZ2Z",
		Versions: []store.Version{{Lang: "ru", HTML: "<b>Автобус</b> в 10:00"}, {Lang: "en", HTML: "<b>Bus</b> at 10:00"}, {Lang: "ka", HTML: "ავტობუსი 10:00-ზე"}},
		SendAt:   f.now.Add(time.Hour)}
	id, err := f.svc.Queue(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if started, _ := f.startDue(ctx); len(started) != 0 {
		t.Fatalf("started %v an hour early", started)
	}
	f.now = f.now.Add(time.Hour)
	if started, err := f.startDue(ctx); err != nil || len(started) != 1 || started[0] != id {
		t.Fatalf("started %v, %v; want [%d]", started, err, id)
	}
	st, err := f.svc.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != store.AnnSending || st.Recipients != 6 || st.Pending != 6 || st.Finished {
		t.Errorf("status %+v", st)
	}
	got := map[int64]store.Outgoing{}
	for _, m := range outbox(t, f.st, "telegram") {
		got[m.ChatID] = m
	}
	want := map[int64]string{101: "ru", 102: "ru", 103: "en", 104: "ka", 105: "en", 106: "en"}
	for chat, lang := range want {
		m := got[chat]
		if m.Variant != lang || m.HTML != Pick(a.Versions, lang).HTML || m.MediaKind != "photo" || m.MediaID != a.MediaID {
			t.Errorf("chat %d got %+v, want the %s version with the photo", chat, m, lang)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d copies, want %d", len(got), len(want))
	}
	// Starting again (a restart before the state was saved) adds nobody twice.
	if started, _ := f.startDue(ctx); len(started) != 0 {
		t.Errorf("started again: %v", started)
	}
}

func TestQueueRefusesWhatTelegramWould(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, a := range []store.Announcement{
		{EventID: f.eventID, Audience: "all"},
		{EventID: f.eventID, Audience: "all", Versions: []store.Version{{Lang: "en", HTML: "<b>Bus"}}},
		{EventID: f.eventID, Audience: "everyone", Versions: []store.Version{{Lang: "en", HTML: "Bus"}}},
		{EventID: f.eventID, Audience: "all", MediaKind: "document", MediaID: "BQACAgIAAxkBAAIBZ2Z", Versions: []store.Version{{Lang: "en", HTML: strings.Repeat("x", 1100)}}},
	} {
		if id, err := f.svc.Queue(ctx, a); err == nil {
			t.Errorf("queued %d: %+v", id, a)
		}
	}
	if list, _ := f.st.Unfinished(ctx, "telegram"); len(list) != 0 {
		t.Errorf("refused announcements were kept: %v", list)
	}
}

// settle marks every claimed copy sent, as the dispatcher would.
func settle(t *testing.T, st *store.Store, msgs []store.Outgoing, n int) {
	t.Helper()
	for _, m := range msgs {
		if n == 0 {
			if err := st.Retry(context.Background(), m.ID, time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
			continue
		}
		n--
		if err := st.Settle(context.Background(), m.ID, store.StateSent, "", time.Now(), int(5000+m.ChatID)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPauseResumeCancel(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.svc.Queue(ctx, store.Announcement{EventID: f.eventID, Audience: "all", Versions: []store.Version{{Lang: "en", HTML: "Bus at 10"}}})
	f.startDue(ctx)
	settle(t, f.st, outbox(t, f.st, "telegram"), 3)
	if ok, err := f.svc.Pause(ctx, id); !ok || err != nil {
		t.Fatalf("pause: %v %v", ok, err)
	}
	if got := outbox(t, f.st, "telegram"); len(got) != 0 {
		t.Errorf("a paused announcement still sends %d copies", len(got))
	}
	st, _ := f.svc.Status(ctx, id)
	if st.State != store.AnnPaused || st.Held != 5 || st.Sent != 3 || st.Finished || st.Left != 0 {
		t.Errorf("paused status %+v", st)
	}
	if ok, _ := f.svc.Pause(ctx, id); ok {
		t.Error("paused twice")
	}
	if ok, err := f.svc.Resume(ctx, id); !ok || err != nil {
		t.Fatalf("resume: %v %v", ok, err)
	}
	resumed := outbox(t, f.st, "telegram")
	if len(resumed) != 5 {
		t.Errorf("resumed %d copies, want 5", len(resumed))
	}
	settle(t, f.st, resumed, 1) // one more sent, the rest given back
	if ok, err := f.svc.Cancel(ctx, id); !ok || err != nil {
		t.Fatalf("cancel: %v %v", ok, err)
	}
	st, _ = f.svc.Status(ctx, id)
	if st.State != store.AnnCancelled || st.Sent != 4 || st.Cancelled != 4 || !st.Finished {
		t.Errorf("cancelled status %+v", st)
	}
	if got := outbox(t, f.st, "telegram"); len(got) != 0 {
		t.Errorf("a cancelled announcement still sends %d copies", len(got))
	}
}

func TestCorrectAndWithdraw(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.svc.Queue(ctx, store.Announcement{EventID: f.eventID, Audience: "all",
		Versions: []store.Version{{Lang: "en", HTML: "Bus at 10 from Gate 2"}, {Lang: "ru", HTML: "Автобус в 10 от выхода 2"}}})
	f.startDue(ctx)
	copies := outbox(t, f.st, "telegram")
	// Chats 101 and 102 (Russian) and 103 (English) got theirs; the rest wait.
	for _, m := range copies {
		if m.ChatID == 101 || m.ChatID == 102 || m.ChatID == 103 {
			if err := f.st.Settle(ctx, m.ID, store.StateSent, "", time.Now(), int(5000+m.ChatID)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		f.st.Retry(ctx, m.ID, time.Time{}, "")
	}
	n, err := f.svc.Correct(ctx, id, store.Version{Lang: "ru", HTML: "Автобус в 10 от <b>выхода 3</b>"})
	if err != nil || n != 2 {
		t.Fatalf("correct: %d, %v; want 2 copies edited", n, err)
	}
	if _, err := f.svc.Correct(ctx, id, store.Version{Lang: "ru", HTML: "<i>broken"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a broken correction: %v", err)
	}
	if _, err := f.svc.Correct(ctx, id, store.Version{Lang: "ka", HTML: "ავტობუსი"}); err == nil {
		t.Error("corrected a version that does not exist")
	}
	all := outbox(t, f.st, "telegram")
	edits := 0
	for _, m := range all {
		switch {
		case m.Op == store.OpEdit:
			edits++
			if m.Variant != "ru" || m.MessageID != int(5000+m.ChatID) || !strings.Contains(m.HTML, "выхода 3") {
				t.Errorf("edit %+v", m)
			}
		case m.Variant == "ru":
			if !strings.Contains(m.HTML, "выхода 3") {
				t.Errorf("a Russian copy not yet sent keeps the old text: %+v", m)
			}
		case m.Variant == "en":
			if m.HTML != "Bus at 10 from Gate 2" {
				t.Errorf("an English copy changed: %+v", m)
			}
		}
	}
	if edits != 2 {
		t.Errorf("%d edits, want 2", edits)
	}
	a, _ := f.st.Announcement(ctx, id)
	if a.Versions[1].HTML != "Автобус в 10 от <b>выхода 3</b>" || a.Corrections != 1 {
		t.Errorf("announcement after correction: %+v", a)
	}
	// Give back what was claimed, then withdraw: three copies sent are
	// deleted, the rest never go.
	for _, m := range all {
		f.st.Retry(ctx, m.ID, time.Time{}, "")
	}
	n, ok, err := f.svc.Withdraw(ctx, id)
	if err != nil || !ok || n != 3 {
		t.Fatalf("withdraw: %d, %v; want 3 deletions", n, err)
	}
	left := outbox(t, f.st, "telegram")
	deletes := 0
	for _, m := range left {
		if m.Op == store.OpDelete {
			deletes++
		} else if m.Op == store.OpSend {
			t.Errorf("withdrawn, yet still sending to %d", m.ChatID)
		}
	}
	if deletes != 3 {
		t.Errorf("%d deletions queued, want 3 (one per copy sent)", deletes)
	}
	if again, ok, _ := f.svc.Withdraw(ctx, id); ok || again != 0 {
		t.Errorf("withdrawn twice: %d more deletions", again)
	}
	st, _ := f.svc.Status(ctx, id)
	if st.State != store.AnnWithdrawn || !st.Finished {
		t.Errorf("status %+v", st)
	}
}

// claimAll claims every due copy, as a dispatcher's round does, and keeps
// them in flight.
func claimAll(t *testing.T, st *store.Store) []store.Outgoing {
	t.Helper()
	return outbox(t, st, "telegram")
}

// TestInFlightFollowsTheAnnouncement: copies claimed when an announcement
// is paused, stopped, corrected or withdrawn do as it does, whatever
// happens to their send (a 429, a crash).
func TestInFlightFollowsTheAnnouncement(t *testing.T) {
	ctx := context.Background()
	start := func(t *testing.T) (*fixture, int64, []store.Outgoing) {
		f := newFixture(t)
		id, err := f.svc.Queue(ctx, store.Announcement{EventID: f.eventID, Audience: "all", Versions: []store.Version{{Lang: "en", HTML: "Bus at 10"}}})
		if err != nil {
			t.Fatal(err)
		}
		f.startDue(ctx)
		return f, id, claimAll(t, f.st)
	}
	t.Run("paused, then a 429", func(t *testing.T) {
		f, id, flying := start(t)
		f.svc.Pause(ctx, id)
		for _, m := range flying {
			f.st.Retry(ctx, m.ID, time.Time{}, "429")
		}
		if again := claimAll(t, f.st); len(again) != 0 {
			t.Fatalf("%d copies of a paused announcement went again", len(again))
		}
		f.svc.Resume(ctx, id)
		if again := claimAll(t, f.st); len(again) != len(flying) {
			t.Errorf("resumed %d, want %d", len(again), len(flying))
		}
	})
	t.Run("stopped, then a crash", func(t *testing.T) {
		f, id, flying := start(t)
		f.svc.Cancel(ctx, id)
		if _, err := f.st.Recover(ctx, "telegram"); err != nil {
			t.Fatal(err)
		}
		if again := claimAll(t, f.st); len(again) != 0 {
			t.Fatalf("%d copies of a stopped announcement went after the restart", len(again))
		}
		st, _ := f.svc.Status(ctx, id)
		if st.Cancelled != len(flying) || !st.Finished {
			t.Errorf("status %+v", st)
		}
	})
	t.Run("corrected while in flight", func(t *testing.T) {
		f, id, flying := start(t)
		if _, err := f.svc.Correct(ctx, id, store.Version{Lang: "en", HTML: "Bus at 10:30"}); !errors.Is(err, store.ErrInFlight) {
			t.Fatalf("correct with copies in flight: %v", err)
		}
		settle(t, f.st, flying, len(flying))
		n, err := f.svc.Correct(ctx, id, store.Version{Lang: "en", HTML: "Bus at 10:30"})
		if err != nil || n != len(flying) {
			t.Errorf("correct once out: %d, %v", n, err)
		}
	})
	t.Run("withdrawn while in flight", func(t *testing.T) {
		f, id, flying := start(t)
		settle(t, f.st, flying[:2], 2) // two out, the rest still in flight
		n, ok, err := f.svc.Withdraw(ctx, id)
		if err != nil || !ok || n != 2 {
			t.Fatalf("withdraw: %d %v %v", n, ok, err)
		}
		if st, _ := f.svc.Status(ctx, id); st.Finished {
			t.Error("finished with copies in flight")
		}
		settle(t, f.st, flying[2:], len(flying)-2) // they arrive after all
		st, _ := f.svc.Status(ctx, id)
		if !st.Finished {
			t.Error("not finished once nothing is in flight")
		}
		deletes := 0
		for _, m := range claimAll(t, f.st) {
			if m.Op == store.OpDelete {
				deletes++
			}
		}
		if deletes != len(flying) {
			t.Errorf("%d deletions, want every copy sent: %d", deletes, len(flying))
		}
	})
	t.Run("stopped while starting", func(t *testing.T) {
		f := newFixture(t)
		id, _ := f.svc.Queue(ctx, store.Announcement{EventID: f.eventID, Audience: "all", Versions: []store.Version{{Lang: "en", HTML: "Bus at 10"}}})
		a, _ := f.st.Announcement(ctx, id)
		f.svc.Cancel(ctx, id) // pressed while start writes the copies
		if err := f.svc.start(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got := claimAll(t, f.st); len(got) != 0 {
			t.Errorf("%d copies of an announcement stopped before it started", len(got))
		}
	})
	t.Run("a second correction drops the first's edits not yet made", func(t *testing.T) {
		f, id, flying := start(t)
		settle(t, f.st, flying, len(flying))
		f.svc.Correct(ctx, id, store.Version{Lang: "en", HTML: "Bus at 10:30"})
		f.svc.Correct(ctx, id, store.Version{Lang: "en", HTML: "Bus at 11:00"})
		for _, m := range claimAll(t, f.st) {
			if m.Op == store.OpEdit && m.HTML != "Bus at 11:00" {
				t.Errorf("an older edit still goes: %+v", m)
			}
		}
	})
}
