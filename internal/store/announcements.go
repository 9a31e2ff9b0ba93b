package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// States of an announcement. A draft becomes queued when confirmed; the
// sender starts it when its time comes; a running one may be paused or
// cancelled; a finished one (done) may be withdrawn.
const (
	AnnDraft     = "draft"
	AnnQueued    = "queued"
	AnnSending   = "sending"
	AnnPaused    = "paused"
	AnnCancelled = "cancelled"
	AnnDone      = "done"
	AnnWithdrawn = "withdrawn"
)

// Version is an announcement's text in one language (Telegram HTML).
type Version struct {
	Lang string `json:"lang"`
	HTML string `json:"html"`
}

// Announcement is a message from the organisers to many delegates.
type Announcement struct {
	ID      int64
	EventID int64
	// Sender is the outbox that sends it ("telegram").
	Sender string
	// Author is who wrote it (0: a script); ReportChat is where its
	// progress is shown, in the message ProgressMsg.
	Author      int64
	ReportChat  int64
	ProgressMsg int
	// Audience says who gets it: "all", "lang:ru", "country:KZ", "group:A",
	// "role:organiser"…
	Audience string
	// Versions are its texts, the first one first.
	Versions []Version
	// MediaKind and MediaID make it a photo or document with the text as
	// caption.
	MediaKind, MediaID string
	// SendAt is when it goes; zero means as soon as it is confirmed.
	SendAt time.Time
	State  string
	// Awaiting is what its author is asked to send next ("text:ru",
	// "file", "time", "fix:ru"); PendingHTML a correction waiting for
	// confirmation, as "<lang>:<html>".
	Awaiting    string
	PendingHTML string
	Recipients  int
	Corrections int
	// Reported is set once its final figures were shown.
	Reported              bool
	CreatedAt             time.Time
	StartedAt, FinishedAt time.Time
}

type announcementRow struct {
	ID          int64 `gorm:"primaryKey"`
	EventID     int64
	Sender      string
	Author      int64
	ReportChat  int64
	ProgressMsg int
	Audience    string
	Versions    string
	MediaKind   string
	MediaID     string
	SendAt      *time.Time
	State       string
	Awaiting    string
	PendingHTML string
	Recipients  int
	Corrections int
	Reported    bool
	CreatedAt   time.Time
	StartedAt   *time.Time
	FinishedAt  *time.Time
}

func (announcementRow) TableName() string { return "announcements" }

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func fromOpt(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func (r announcementRow) announcement() (Announcement, error) {
	a := Announcement{ID: r.ID, EventID: r.EventID, Sender: r.Sender, Author: r.Author, ReportChat: r.ReportChat,
		ProgressMsg: r.ProgressMsg, Audience: r.Audience, MediaKind: r.MediaKind, MediaID: r.MediaID,
		SendAt: fromOpt(r.SendAt), State: r.State, Awaiting: r.Awaiting, PendingHTML: r.PendingHTML,
		Recipients: r.Recipients, Corrections: r.Corrections, Reported: r.Reported, CreatedAt: r.CreatedAt,
		StartedAt: fromOpt(r.StartedAt), FinishedAt: fromOpt(r.FinishedAt)}
	if err := json.Unmarshal([]byte(r.Versions), &a.Versions); err != nil {
		return Announcement{}, fmt.Errorf("store: announcement %d: versions: %w", r.ID, err)
	}
	return a, nil
}

// SaveAnnouncement creates an announcement (ID 0) or rewrites it, and
// returns its id.
func (s *Store) SaveAnnouncement(ctx context.Context, a Announcement) (int64, error) {
	versions, err := json.Marshal(a.Versions)
	if err != nil {
		return 0, fmt.Errorf("store: announcement: %w", err)
	}
	if a.Versions == nil {
		versions = []byte("[]")
	}
	r := announcementRow{ID: a.ID, EventID: a.EventID, Sender: a.Sender, Author: a.Author, ReportChat: a.ReportChat,
		ProgressMsg: a.ProgressMsg, Audience: a.Audience, Versions: string(versions), MediaKind: a.MediaKind,
		MediaID: a.MediaID, SendAt: optTime(a.SendAt), State: a.State, Awaiting: a.Awaiting, PendingHTML: a.PendingHTML,
		Recipients: a.Recipients, Corrections: a.Corrections, Reported: a.Reported, CreatedAt: a.CreatedAt,
		StartedAt: optTime(a.StartedAt), FinishedAt: optTime(a.FinishedAt)}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Now().UTC()
	}
	if err := s.db.WithContext(ctx).Save(&r).Error; err != nil {
		return 0, fmt.Errorf("store: save announcement: %w", err)
	}
	return r.ID, nil
}

// Announcement returns one announcement, or ErrNotFound.
func (s *Store) Announcement(ctx context.Context, id int64) (Announcement, error) {
	var r announcementRow
	err := s.db.WithContext(ctx).Take(&r, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Announcement{}, ErrNotFound
	}
	if err != nil {
		return Announcement{}, fmt.Errorf("store: announcement %d: %w", id, err)
	}
	return r.announcement()
}

// Awaiting returns the announcement whose author is asked for input, or
// ErrNotFound.
func (s *Store) Awaiting(ctx context.Context, author int64) (Announcement, error) {
	return s.firstAnnouncement(s.db.WithContext(ctx).Where("author = ? AND awaiting <> ''", author))
}

// Draft returns an author's draft, or ErrNotFound.
func (s *Store) Draft(ctx context.Context, author int64) (Announcement, error) {
	return s.firstAnnouncement(s.db.WithContext(ctx).Where("author = ? AND state = ?", author, AnnDraft))
}

func (s *Store) firstAnnouncement(q *gorm.DB) (Announcement, error) {
	var rows []announcementRow
	if err := q.Order("id DESC").Limit(1).Find(&rows).Error; err != nil {
		return Announcement{}, fmt.Errorf("store: announcement: %w", err)
	}
	if len(rows) == 0 {
		return Announcement{}, ErrNotFound
	}
	return rows[0].announcement()
}

// Announcements returns an event's latest announcements that are not
// drafts, newest first.
func (s *Store) Announcements(ctx context.Context, eventID int64, limit int) ([]Announcement, error) {
	return s.announcements(s.db.WithContext(ctx).Where("event_id = ? AND state <> ?", eventID, AnnDraft).Order("id DESC").Limit(limit))
}

// Unfinished returns a sender's announcements whose figures are still to
// be followed or reported: due, running, paused, or ended but not reported.
func (s *Store) Unfinished(ctx context.Context, sender string) ([]Announcement, error) {
	return s.announcements(s.db.WithContext(ctx).Where("sender = ? AND state <> ? AND NOT reported", sender, AnnDraft).Order("id"))
}

func (s *Store) announcements(q *gorm.DB) ([]Announcement, error) {
	var rows []announcementRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: announcements: %w", err)
	}
	out := make([]Announcement, 0, len(rows))
	for _, r := range rows {
		a, err := r.announcement()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// MoveAnnouncement changes an announcement's state from one of from to
// to, setting fields too, and reports whether it was in one of from:
// of two presses of the same button, one wins.
func (s *Store) MoveAnnouncement(ctx context.Context, id int64, from []string, to string, fields map[string]any) (bool, error) {
	set := map[string]any{"state": to}
	for k, v := range fields {
		if t, ok := v.(time.Time); ok {
			v = optTime(t)
		}
		set[k] = v
	}
	res := s.db.WithContext(ctx).Model(&announcementRow{}).Where("id = ? AND state IN ?", id, from).Updates(set)
	if res.Error != nil {
		return false, fmt.Errorf("store: announcement %d to %s: %w", id, to, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// MarkReported records that an announcement's final figures were shown.
func (s *Store) MarkReported(ctx context.Context, id int64) error {
	if err := s.db.WithContext(ctx).Model(&announcementRow{}).Where("id = ?", id).Update("reported", true).Error; err != nil {
		return fmt.Errorf("store: announcement %d reported: %w", id, err)
	}
	return nil
}

// SetProgressMessage records the message that shows an announcement's
// progress.
func (s *Store) SetProgressMessage(ctx context.Context, id, chatID int64, msgID int) error {
	err := s.db.WithContext(ctx).Model(&announcementRow{}).Where("id = ?", id).
		Updates(map[string]any{"report_chat": chatID, "progress_msg": msgID}).Error
	if err != nil {
		return fmt.Errorf("store: announcement %d progress: %w", id, err)
	}
	return nil
}

// DeleteDraft removes a draft, and reports whether there was one.
func (s *Store) DeleteDraft(ctx context.Context, id int64) (bool, error) {
	res := s.db.WithContext(ctx).Where("id = ? AND state = ?", id, AnnDraft).Delete(&announcementRow{})
	if res.Error != nil {
		return false, fmt.Errorf("store: delete draft %d: %w", id, res.Error)
	}
	return res.RowsAffected == 1, nil
}
