package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// TestUpgradeKeepsData builds a database as the first release left it,
// then opens it with this one: the newer migrations run and nothing is lost.
// oldStore makes a database as a release that stopped at migration id
// left it.
func oldStore(t *testing.T, id string) (*gorm.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	d, err := dialectorFor(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := gorm.Open(d, &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	m := gormigrate.New(db, &gormigrate.Options{TableName: "schema_migrations", IDColumnName: "id", IDColumnSize: 255, UseTransaction: true}, migrations)
	if err := m.MigrateTo(id); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func TestUpgradeKeepsData(t *testing.T) {
	ctx := context.Background()
	db, path := oldStore(t, migrations[0].ID)
	for _, stmt := range []string{
		`INSERT INTO events (id, code, title, timezone, countries, contacts, revision, imported_at) VALUES (1, 'old', '{"en":"Old event"}', 'Asia/Seoul', 'null', 'null', 1, CURRENT_TIMESTAMP)`,
		`INSERT INTO venues (event_id, key, name, address, city, notes, lat, lon) VALUES (1, 'hall', '{"en":"Hall"}', '{"en":"1 Main st"}', 'null', 'null', 37.5, 127)`,
		`INSERT INTO participants (user_id, chat_id, first_name, language, event_id) VALUES (7, 7, 'Aida', 'kk', 1)`,
	} {
		if err := db.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
	sqlDB, _ := db.DB()
	sqlDB.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	p, err := s.Programme(ctx, 1)
	if err != nil || p.Event.Title.In("en") != "Old event" || len(p.Venues) != 1 || p.Venues[0].Keywords != nil {
		t.Fatalf("programme after upgrade: %+v, %v", p, err)
	}
	if part, err := s.Participant(ctx, 7); err != nil || part.Language != "kk" || part.EventID != 1 {
		t.Errorf("participant after upgrade: %+v, %v", part, err)
	}
}

// TestUpgradeKeepsOutbox: messages sent before announcements existed stay
// plain sends, and their jobs, long reported, are not reported again.
func TestUpgradeKeepsOutbox(t *testing.T) {
	ctx := context.Background()
	db, path := oldStore(t, "0006-outbox-and-blocked-chats")
	if err := db.Exec(`INSERT INTO outgoings (job, chat_id, html, state, lease_until, attempts) VALUES ('telegram:notice:1:1', 7, 'Moved', 'sent', CURRENT_TIMESTAMP, 1)`).Error; err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	sqlDB.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	if jobs, err := s.Unreported(ctx, "telegram"); err != nil || len(jobs) != 0 {
		t.Errorf("jobs reported again after the upgrade: %v %v", jobs, err)
	}
	if c, err := s.Counts(ctx, "telegram:notice:1:1"); err != nil || c.Sent != 1 {
		t.Errorf("counts %+v %v", c, err)
	}
}
