package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// cli is who applies programmes in these tests.
var cli = Actor{Via: "import"}

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func smallProgramme(t *testing.T) *programme.Programme {
	t.Helper()
	data, err := os.ReadFile("../programme/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := programme.Parse(data, programme.YAML)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestApplyAndLoad(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if _, err := s.DefaultEvent(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty store: %v", err)
	}
	p := smallProgramme(t)
	c, err := s.Apply(ctx, p, cli)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sessions.Added) != 3 || len(c.Venues.Added) != 1 {
		t.Errorf("first import changes %+v", c)
	}
	id, err := s.DefaultEvent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Programme(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d := programme.Diff(p, got); !d.Empty() {
		t.Errorf("stored programme differs: %+v", d)
	}
	if got.Event.StoreID != id {
		t.Errorf("store id %d, want %d", got.Event.StoreID, id)
	}
	if c, err := s.Apply(ctx, p, cli); err != nil || !c.Empty() {
		t.Errorf("re-import of the same file: %+v, %v", c, err)
	}
}

func TestApplyChangesInPlace(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	p := smallProgramme(t)
	if _, err := s.Apply(ctx, p, cli); err != nil {
		t.Fatal(err)
	}
	var before sessionRow
	s.db.Where("key = ?", "talk").Take(&before)

	next := smallProgramme(t)
	next.Sessions[2].Start = next.Sessions[2].Start.Add(time.Hour)
	next.Sessions[2].End = next.Sessions[2].End.Add(time.Hour)
	next.Materials = next.Materials[1:]                             // drop the slides
	next.Sessions = append(next.Sessions[:1], next.Sessions[2:]...) // drop lunch
	next.Venues = append(next.Venues, programme.Venue{ID: "annex", Name: programme.Text{"en": "Annex"}, Address: programme.Text{"en": "2 Side st"}})
	c, err := s.Apply(ctx, next, cli)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sessions.Changed) != 1 || len(c.Sessions.Removed) != 1 || len(c.Materials.Removed) != 1 || len(c.Venues.Added) != 1 {
		t.Errorf("changes %+v", c)
	}
	var after sessionRow
	s.db.Where("key = ?", "talk").Take(&after)
	if after.ID != before.ID {
		t.Errorf("a changed session got a new row: %d → %d", before.ID, after.ID)
	}
	id, _ := s.DefaultEvent(ctx)
	got, _ := s.Programme(ctx, id)
	if d := programme.Diff(next, got); !d.Empty() {
		t.Errorf("stored programme differs from the import: %+v", d)
	}
}

// TestProgrammeSeesOtherWriters checks the cache: an import by another
// process (another Store on the same file) is visible at once.
func TestProgrammeSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, err := s.Apply(ctx, smallProgramme(t), cli); err != nil {
		t.Fatal(err)
	}
	id, _ := s.DefaultEvent(ctx)
	if _, err := s.Programme(ctx, id); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p := smallProgramme(t)
	p.Sessions[0].Title = programme.Text{"en": "Grand opening"}
	if _, err := other.Apply(ctx, p, cli); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Programme(ctx, id)
	if title := got.Sessions[0].Title.In("en"); title != "Grand opening" {
		t.Errorf("stale programme: %q", title)
	}
}

// twoEvents opens a store holding the small programme as "test-visit" and
// again as "second-visit", imported in that order.
func twoEvents(t *testing.T) *Store {
	t.Helper()
	s, _ := openTemp(t)
	a := smallProgramme(t)
	b := smallProgramme(t)
	b.Event.Code = "second-visit"
	for _, p := range []*programme.Programme{a, b} {
		if _, err := s.Apply(context.Background(), p, cli); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestSeveralEvents(t *testing.T) {
	ctx := context.Background()
	s := twoEvents(t)
	def, _ := s.DefaultEvent(ctx)
	second, _ := s.EventByCode(ctx, "second-visit")
	if def != second {
		t.Errorf("default event %d, want the latest imported %d", def, second)
	}
	first, _ := s.EventByCode(ctx, "test-visit")
	pa, _ := s.Programme(ctx, first)
	if len(pa.Sessions) != 3 {
		t.Errorf("first event lost sessions: %d", len(pa.Sessions))
	}
	if _, err := s.EventByCode(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
}

func TestParticipants(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if _, err := s.Participant(ctx, 42); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown participant: %v", err)
	}
	p := Participant{UserID: 42, ChatID: 42, FirstName: "Aigerim", TelegramLanguage: "kk"}
	if err := s.SaveParticipant(ctx, p); err != nil {
		t.Fatal(err)
	}
	p.Language = "ru"
	if err := s.SaveParticipant(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Participant(ctx, 42)
	if err != nil || got != p {
		t.Errorf("got %+v, %v; want %+v", got, err, p)
	}
	p.EventID = 999 // no such event
	if err := s.SaveParticipant(ctx, p); err == nil {
		t.Error("a participant may not follow a missing event (foreign keys are off?)")
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, err := s.Apply(ctx, smallProgramme(t), cli); err != nil {
		t.Fatal(err)
	}
	s.Close()
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("second start: %v", err)
	}
	defer again.Close()
	if _, err := again.DefaultEvent(ctx); err != nil {
		t.Errorf("data lost on reopen: %v", err)
	}
	var mode string
	again.db.Raw("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal mode %q, want wal", mode)
	}
}

func TestOpenRejectsPostgresForNow(t *testing.T) {
	_, err := Open(context.Background(), "postgres://user:secret@localhost/db")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("got %v", err)
	}
}

func TestAudience(t *testing.T) {
	ctx := context.Background()
	s := twoEvents(t)
	def, _ := s.DefaultEvent(ctx)
	first, _ := s.EventByCode(ctx, "test-visit")
	for _, p := range []Participant{
		{UserID: 1, ChatID: 1},                 // default event, chose none
		{UserID: 2, ChatID: 2, EventID: def},   // chose the default event
		{UserID: 3, ChatID: 3, EventID: first}, // another event
		{UserID: 4, ChatID: 4},                 // blocks the bot below
		{UserID: 5, ChatID: 5, EventID: first}, // blocks the bot below
		{UserID: 6, ChatID: 6, EventID: def},   // chose the default event; blocks the bot below
	} {
		if err := s.SaveParticipant(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, chat := range []int64{4, 5, 6} {
		if err := s.MarkBlocked(ctx, chat); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(event int64) []int64 {
		ps, err := s.Audience(ctx, event)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, p := range ps {
			out = append(out, p.UserID)
		}
		return out
	}
	if got := ids(def); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("default event's audience %v, want [1 2]", got)
	}
	if got := ids(first); !slices.Equal(got, []int64{3}) {
		t.Errorf("first event's audience %v, want [3]", got)
	}
	// Writing to the bot again brings them back.
	if err := s.SaveParticipant(ctx, Participant{UserID: 4, ChatID: 4}); err != nil {
		t.Fatal(err)
	}
	if got := ids(def); !slices.Equal(got, []int64{1, 2, 4}) {
		t.Errorf("after unblocking: %v, want [1 2 4]", got)
	}
}
