package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Upload is a programme file an admin sent, kept until they apply or
// cancel it, so that a restart loses no preview.
type Upload struct {
	ID       int64
	UserID   int64
	FileName string
	Content  []byte
	// EventID and Revision are the event the upload was previewed against
	// and its revision then: Apply goes to that event, and only if it has
	// not changed since.
	EventID  int64
	Revision int64
}

type uploadRow struct {
	ID        int64
	UserID    int64
	FileName  string
	Content   []byte
	EventID   int64
	Revision  int64
	CreatedAt time.Time
}

func (uploadRow) TableName() string { return "pending_uploads" }

// uploadTTL is how long an upload waits for Apply or Cancel.
const uploadTTL = 24 * time.Hour

// SaveUpload keeps an upload and returns its id; uploads older than a day
// are dropped meanwhile.
func (s *Store) SaveUpload(ctx context.Context, u Upload) (int64, error) {
	now := s.now().UTC()
	r := uploadRow{UserID: u.UserID, FileName: u.FileName, Content: u.Content, EventID: u.EventID, Revision: u.Revision, CreatedAt: now}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("created_at < ?", now.Add(-uploadTTL)).Delete(&uploadRow{}).Error; err != nil {
			return err
		}
		return tx.Create(&r).Error
	})
	if err != nil {
		return 0, fmt.Errorf("store: save upload: %w", err)
	}
	return r.ID, nil
}

// Upload returns a kept upload, or ErrNotFound.
func (s *Store) Upload(ctx context.Context, id int64) (Upload, error) {
	var r uploadRow
	err := s.db.WithContext(ctx).Where("created_at >= ?", s.now().UTC().Add(-uploadTTL)).Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Upload{}, ErrNotFound
	}
	if err != nil {
		return Upload{}, fmt.Errorf("store: upload %d: %w", id, err)
	}
	return Upload{ID: r.ID, UserID: r.UserID, FileName: r.FileName, Content: r.Content, EventID: r.EventID, Revision: r.Revision}, nil
}

// DeleteUpload forgets an upload; it reports whether it was there.
func (s *Store) DeleteUpload(ctx context.Context, id int64) (bool, error) {
	res := s.db.WithContext(ctx).Delete(&uploadRow{}, id)
	if res.Error != nil {
		return false, fmt.Errorf("store: delete upload %d: %w", id, res.Error)
	}
	return res.RowsAffected > 0, nil
}
