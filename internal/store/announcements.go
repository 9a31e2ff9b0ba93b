package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
	// Awaiting is what Asker (its author, or who corrects it) is asked to
	// send next ("text:ru", "file", "time", "fix:ru"); PendingHTML a
	// correction waiting for confirmation, as "<lang>:<html>".
	Asker       int64
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
	Asker       int64
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
		SendAt: fromOpt(r.SendAt), State: r.State, Asker: r.Asker, Awaiting: r.Awaiting, PendingHTML: r.PendingHTML,
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
		MediaID: a.MediaID, SendAt: optTime(a.SendAt), State: a.State, Asker: a.Asker, Awaiting: a.Awaiting, PendingHTML: a.PendingHTML,
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

// Awaiting returns the announcement a person is asked for input for, or
// ErrNotFound.
func (s *Store) Awaiting(ctx context.Context, asker int64) (Announcement, error) {
	return s.firstAnnouncement(s.db.WithContext(ctx).Where("asker = ? AND awaiting <> ''", asker))
}

// Ask records what a person is asked to send for an announcement (or
// nothing, with awaiting ""), and forgets any correction waiting; a
// person is asked one thing at a time.
func (s *Store) Ask(ctx context.Context, id, asker int64, awaiting string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if awaiting != "" {
			if err := tx.Model(&announcementRow{}).Where("asker = ? AND id <> ?", asker, id).Update("awaiting", "").Error; err != nil {
				return err
			}
		}
		return tx.Model(&announcementRow{}).Where("id = ?", id).
			Updates(map[string]any{"asker": asker, "awaiting": awaiting, "pending_html": ""}).Error
	})
	if err != nil {
		return fmt.Errorf("store: announcement %d: ask: %w", id, err)
	}
	return nil
}

// HoldCorrection keeps a correction previewed until it is confirmed.
func (s *Store) HoldCorrection(ctx context.Context, id int64, pending string) error {
	err := s.db.WithContext(ctx).Model(&announcementRow{}).Where("id = ?", id).
		Updates(map[string]any{"awaiting": "", "pending_html": pending}).Error
	if err != nil {
		return fmt.Errorf("store: announcement %d: correction: %w", id, err)
	}
	return nil
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
	return s.ControlAnnouncement(ctx, id, from, to, fields, "", "")
}

// ControlAnnouncement moves an announcement as MoveAnnouncement does and,
// in the same transaction, holds, releases or cancels its job (op
// JobHold, JobRelease, JobCancel), so that the two never disagree.
func (s *Store) ControlAnnouncement(ctx context.Context, id int64, from []string, to string, fields map[string]any, job, op string) (bool, error) {
	var moved bool
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if moved, err = move(tx, id, from, to, fields); err != nil || !moved || op == "" {
			return err
		}
		return controlJob(tx, job, op)
	})
	if err != nil {
		return false, fmt.Errorf("store: announcement %d to %s: %w", id, to, err)
	}
	return moved, nil
}

func move(tx *gorm.DB, id int64, from []string, to string, fields map[string]any) (bool, error) {
	set := map[string]any{"state": to}
	for k, v := range fields {
		if t, ok := v.(time.Time); ok {
			v = optTime(t)
		}
		set[k] = v
	}
	res := tx.Model(&announcementRow{}).Where("id = ? AND state IN ?", id, from).Updates(set)
	return res.RowsAffected == 1, res.Error
}

// Withdraw stops an announcement (from one of the states from) and queues
// the deletion of every copy sent as job delJob, in one transaction. It
// reports whether the announcement was in one of from.
func (s *Store) Withdraw(ctx context.Context, id int64, from []string, job, delJob string, at time.Time) (int, bool, error) {
	var n int
	var moved bool
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if moved, err = move(tx, id, from, AnnWithdrawn, map[string]any{"finished_at": at}); err != nil || !moved {
			return err
		}
		if err := controlJob(tx, job, JobCancel); err != nil {
			return err
		}
		n, err = followUp(tx, job, delJob, OpDelete, "", "")
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: withdraw announcement %d: %w", id, err)
	}
	return n, moved, nil
}

// ErrInFlight is a correction asked while copies are being sent: they
// would keep the old text.
var ErrInFlight = errors.New("store: copies are being sent")

// Correct gives one version of an announcement (in one of the states
// from) a new text, in one transaction: the copies not yet sent take it,
// earlier corrections of that version not yet made are dropped, and every
// copy sent is to be edited by job fixJob. It returns how many.
func (s *Store) Correct(ctx context.Context, id int64, from []string, job, fixJob string, v Version) (int, error) {
	var n int
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r announcementRow
		if err := tx.Take(&r, "id = ? AND state IN ?", id, from).Error; err != nil {
			return err
		}
		a, err := r.announcement()
		if err != nil {
			return err
		}
		var inFlight int64
		if err := tx.Model(&outgoingRow{}).Where("job = ? AND state = ?", job, StateSending).Count(&inFlight).Error; err != nil {
			return err
		}
		if inFlight > 0 {
			return ErrInFlight
		}
		found := false
		for i := range a.Versions {
			if a.Versions[i].Lang == v.Lang {
				a.Versions[i], found = v, true
			}
		}
		if !found {
			return fmt.Errorf("no %s version", v.Lang)
		}
		versions, err := json.Marshal(a.Versions)
		if err != nil {
			return err
		}
		if err := tx.Model(&announcementRow{}).Where("id = ?", id).Updates(map[string]any{"versions": string(versions),
			"corrections": gorm.Expr("corrections + 1"), "awaiting": "", "pending_html": ""}).Error; err != nil {
			return err
		}
		if err := tx.Model(&outgoingRow{}).Where("job = ? AND variant = ? AND state IN ?", job, v.Lang, []string{StatePending, StateHeld}).
			Update("html", v.HTML).Error; err != nil {
			return err
		}
		prefix, _, _ := strings.Cut(fixJob, "#")
		if err := tx.Model(&outgoingRow{}).Where("job LIKE ? AND variant = ? AND state IN ?", prefix+"%", v.Lang, []string{StatePending, StateHeld}).
			Update("state", StateCancelled).Error; err != nil {
			return err
		}
		n, err = followUp(tx, job, fixJob, OpEdit, v.Lang, v.HTML)
		return err
	})
	if errors.Is(err, ErrInFlight) {
		return 0, err
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: correct announcement %d: %w", id, err)
	}
	return n, nil
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

// Secret returns the random secret named key, made on first use; it signs
// what the bot hands out, like invitation links.
func (s *Store) Secret(ctx context.Context, key string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	db := s.db.WithContext(ctx)
	if err := db.Exec("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, fmt.Sprintf("%x", fresh)).Error; err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", key, err)
	}
	var value string
	if err := db.Raw("SELECT value FROM settings WHERE key = ?", key).Scan(&value).Error; err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", key, err)
	}
	return []byte(value), nil
}
