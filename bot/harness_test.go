package bot

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/answer"
	"github.com/delegatedesk/delegatedesk/internal/delivery"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/localapi"
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/store"
	"github.com/delegatedesk/delegatedesk/locales"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const testToken = "123:test-token"

// harness runs the real bot against the local Bot API stand-in over HTTP and
// a real SQLite file, and plays the delegates' side.
type harness struct {
	t     testing.TB
	api   *localapi.Server
	store *store.Store

	// stop stops the bot; stopped is closed when Run has returned; start
	// starts it again.
	stop    context.CancelFunc
	stopped chan struct{}
	start   func()

	mu      sync.Mutex
	now     time.Time
	waiting map[int64]chan struct{}
	nextID  int64
}

type harnessOption func(*harnessConfig)

type harnessConfig struct {
	store       Store
	wrap        func(Store) Store
	admins      []int64
	noticeDelay time.Duration
	paid        bool
	desk        int64
}

// withDesk makes a group the organisers' desk.
func withDesk(chatID int64) harnessOption {
	return func(c *harnessConfig) { c.desk = chatID }
}

// withPaidBroadcast sends messages to many delegates as paid broadcasts.
func withPaidBroadcast() harnessOption {
	return func(c *harnessConfig) { c.paid = true }
}

// withNoticeDelay lets change notices wait for further edits.
func withNoticeDelay(d time.Duration) harnessOption {
	return func(c *harnessConfig) { c.noticeDelay = d }
}

// withAdmins makes users admins by configuration, as ADMIN_IDS does.
func withAdmins(ids ...int64) harnessOption {
	return func(c *harnessConfig) { c.admins = ids }
}

// withStore wraps the store the bot sees, to inject faults.
func withStore(wrap func(Store) Store) harnessOption {
	return func(c *harnessConfig) { c.wrap = wrap }
}

func newHarness(t testing.TB, now time.Time, opts ...harnessOption) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{t: t, api: localapi.New(testToken), store: st, now: now, waiting: map[int64]chan struct{}{}, nextID: 100}
	h.importFile("testdata/programme.yaml")

	cat, err := l10n.Load(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	vocab, err := answer.LoadVocabulary(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.api)
	t.Cleanup(srv.Close)
	cfg := harnessConfig{store: st}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.wrap != nil {
		cfg.store = cfg.wrap(cfg.store)
	}
	h.start = func() {
		h.t.Helper()
		h.run(Config{
			Token:         testToken,
			APIURL:        srv.URL,
			AdminIDs:      cfg.admins,
			NoticeDelay:   cfg.noticeDelay,
			PaidBroadcast: cfg.paid,
			PollTimeout:   2 * time.Second,
			// Announcements are followed often, so that tests see their
			// progress soon.
			ProgressEvery: 20 * time.Millisecond,
			// The desk's group gets its messages faster than Telegram's 20 a
			// minute would allow, and held ones follow sooner.
			Pace:           delivery.Limits{PerSecond: 25, Reserve: 0.2, ChatGap: time.Second, GroupGap: 50 * time.Millisecond},
			DeskChatID:     cfg.desk,
			DeskFlushEvery: 50 * time.Millisecond,
			Now:            h.clock,
			Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
			AfterUpdate:    h.handled,
		}, cfg.store, cat, answer.NewService(vocab))
	}
	h.start()
	t.Cleanup(func() {
		h.stop()
		<-h.stopped
	})
	return h
}

// run starts a bot on the harness's server and store.
func (h *harness) run(cfg Config, st Store, cat *l10n.Catalog, answers *answer.Service) {
	h.t.Helper()
	b, err := New(cfg, st, cat, answers)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	h.stop, h.stopped = stop, make(chan struct{})
	go func() {
		defer close(h.stopped)
		b.Run(ctx)
	}()
}

// restart stops the bot, as a deploy does, and starts a new one on the
// same database.
func (h *harness) restart() {
	h.t.Helper()
	h.stop()
	<-h.stopped
	h.start()
}

func (h *harness) importFile(name string) {
	h.t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		h.t.Fatal(err)
	}
	p, err := programme.Parse(data, programme.FormatOf(name))
	if err != nil {
		h.t.Fatal(err)
	}
	h.apply(p)
}

// apply stores a programme as a new import would.
func (h *harness) apply(p *programme.Programme) {
	h.t.Helper()
	if _, err := h.store.Apply(context.Background(), p, store.Actor{Via: "import"}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) setClock(t time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = t
}

func (h *harness) handled(id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch, ok := h.waiting[id]; ok {
		close(ch)
		delete(h.waiting, id)
	}
}

// user returns a new delegate whose Telegram app speaks lang.
func (h *harness) user(lang string) localapi.User {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.nextID++
	return localapi.User{ID: h.nextID, FirstName: "Delegate", LanguageCode: lang}
}

// do queues an update, waits until the bot has handled it and returns the
// messages it sent or changed meanwhile.
func (h *harness) do(chatID int64, queue func() int64) []localapi.Message {
	h.t.Helper()
	since := h.api.Seq()
	done := make(chan struct{})
	h.mu.Lock()
	id := queue()
	h.waiting[id] = done
	h.mu.Unlock()
	select {
	case <-done:
	case <-time.After(time.Minute): // generous: the race detector is slow
		h.t.Fatalf("update %d was not handled", id)
	}
	return h.api.MessagesSince(chatID, since)
}

// await waits for the bot to send chatID a message containing text, as a
// broadcast does in its own time, and returns it.
func (h *harness) await(chatID int64, text string) localapi.Message {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		msgs := h.api.Messages(chatID)
		for i := len(msgs) - 1; i >= 0; i-- {
			if strings.Contains(msgs[i].Text, text) {
				return msgs[i]
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("chat %d never got %q; it has %d messages", chatID, text, len(msgs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// count tells how many messages of a chat contain text.
func (h *harness) count(chatID int64, text string) int {
	n := 0
	for _, m := range h.api.Messages(chatID) {
		if strings.Contains(m.Text, text) {
			n++
		}
	}
	return n
}

// say sends text from u and returns the bot's replies.
func (h *harness) say(u localapi.User, text string) []localapi.Message {
	h.t.Helper()
	return h.do(u.ID, func() int64 { return h.api.SendText(u, text) })
}

// press presses the button of m whose caption contains caption, checks that
// the press was answered, and returns the answer and the messages sent or
// changed.
func (h *harness) press(u localapi.User, m localapi.Message, caption string) (localapi.Callback, []localapi.Message) {
	h.t.Helper()
	b, ok := findButton(m, caption)
	if !ok {
		h.t.Fatalf("no button %q in %v", caption, m.Buttons)
	}
	return h.pressData(u, m, b.CallbackData)
}

// pressData presses a button with arbitrary data, as a forged callback would.
func (h *harness) pressData(u localapi.User, m localapi.Message, data string) (localapi.Callback, []localapi.Message) {
	h.t.Helper()
	var cbID string
	msgs := h.do(u.ID, func() int64 {
		id, cb := h.api.Press(u, &m, data)
		cbID = cb
		return id
	})
	cb := h.api.Callback(cbID)
	if !cb.Answered {
		h.t.Errorf("button %q was not answered", data)
	}
	return cb, msgs
}

func findButton(m localapi.Message, caption string) (localapi.Button, bool) {
	return buttonWhere(m, func(b localapi.Button) bool { return strings.Contains(b.Text, caption) })
}

func buttonWhere(m localapi.Message, match func(localapi.Button) bool) (localapi.Button, bool) {
	for _, row := range m.Buttons {
		for _, b := range row {
			if match(b) {
				return b, true
			}
		}
	}
	return localapi.Button{}, false
}

// only expects exactly one message and returns it.
func only(t testing.TB, msgs []localapi.Message) localapi.Message {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1: %+v", len(msgs), msgs)
	}
	return msgs[0]
}

// screen renders a message as a person sees it, buttons included, for golden
// files.
func screen(m localapi.Message) string {
	var b strings.Builder
	b.WriteString(m.Text + "\n")
	for _, row := range m.Buttons {
		var cells []string
		for _, btn := range row {
			cell := "[" + btn.Text + "]"
			if btn.URL != "" {
				cell += "(" + btn.URL + ")"
			}
			cells = append(cells, cell)
		}
		b.WriteString(strings.Join(cells, " ") + "\n")
	}
	return b.String()
}

func golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// seoul is the test programme's time zone.
var seoul = func() *time.Location {
	l, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		panic(err)
	}
	return l
}()

func at(day, hour, minute int) time.Time { return time.Date(2030, 5, day, hour, minute, 0, 0, seoul) }
