// Package store keeps programmes and participants in a SQL database through
// GORM: SQLite by default, with schema migrations versioned so that an
// upgrade never loses data.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is the database behind the bot. It is safe for concurrent use.
type Store struct {
	db  *gorm.DB
	now func() time.Time

	mu    sync.Mutex
	cache map[int64]cachedProgramme
}

// Open connects to the database named by dsn — an SQLite file path, or a
// "file:" URI — and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	dialector, err := dialectorFor(dsn)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	s := &Store{db: db, now: time.Now, cache: map[int64]cachedProgramme{}}
	if err := migrate(db.WithContext(ctx)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func dialectorFor(dsn string) (gorm.Dialector, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return nil, fmt.Errorf("store: PostgreSQL is not supported by this build yet; use an SQLite file path")
	}
	path := strings.TrimPrefix(dsn, "file:")
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	// WAL lets readers work while one writer writes; immediate transactions
	// avoid SQLITE_BUSY when a reading transaction later writes.
	return sqlite.Open("file:" + path + "?_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate"), nil
}

// redact hides a password in a database URL so that it never reaches a log.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// Close closes the database.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return sqlDB.Close()
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps of strings and slices of strings are stored this way.
		panic(fmt.Sprintf("store: marshal %T: %v", v, err))
	}
	return string(b)
}

func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("store: decode %q: %w", s, err)
	}
	return nil
}
